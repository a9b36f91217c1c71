"""The use cases the window and the commands share (open, answer, acknowledge, override, sign, amend,
make and keep the packet), above domain, rules, storage and pdf. Never imports Qt."""
