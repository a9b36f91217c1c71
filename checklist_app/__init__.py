"""checklist_app: the pre-procedure checklist for vertebroplasty and kyphoplasty.

The package is split so that everything clinical runs without Qt: ``domain`` (the form, the record,
the findings), ``rules`` (the policy and the engine), ``storage``, ``pdf`` and ``cli``; ``ui`` sits on top.
"""


def __getattr__(name: str) -> str:
    # ``__version__`` is read on first use (checklist_app.version): importing the package reads no file.
    if name == "__version__":
        from checklist_app.version import version

        return version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
