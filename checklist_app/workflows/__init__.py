"""The use cases the window and the commands share, above domain, rules, storage and pdf. Never imports Qt.

- ``session``: the running app without its screens (store, form, policies, site settings, clock, user).
- ``opening``: a draft to continue, a signed checklist to read, a new checklist.
- ``open_checklist``: one checklist being worked on: evaluate, save, acknowledge, override.
- ``signing``: whether it can be signed, what the signature means, the signing itself.
- ``amending``: a signed checklist reopened as an amendment.
- ``packet``: the signed packet's PDFs, made and sealed at signing, kept, reprinted.
- ``worklist_rows``, ``first_view``, ``section_state``, ``findings``: what the screens say, worked out here.
- ``checklist_state``, ``answer_codec``: the answers being typed, and their JSON for drafts.
"""
