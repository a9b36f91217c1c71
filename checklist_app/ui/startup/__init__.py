"""Starting the app: the first view painted from a quick read, then the rest opened behind it."""
