"""Locking the workstation and signing in."""
