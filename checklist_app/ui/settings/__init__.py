"""The site settings dialog and the admin check before it."""
