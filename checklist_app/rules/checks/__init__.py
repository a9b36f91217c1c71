"""The check functions; importing this package registers them all."""

from checklist_app.rules.checks import completeness, fasting, generic, labs, medicines, pregnancy  # noqa: F401
