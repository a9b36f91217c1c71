"""The check functions; importing this package registers them all."""

from checklist_app.rules.checks import (  # noqa: F401
    completeness,
    coverage,
    fasting,
    generic,
    glp1,
    labs,
    medicines,
    pregnancy,
)
