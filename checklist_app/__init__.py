"""checklist_app: the pre-procedure checklist for vertebroplasty and kyphoplasty.

The package is split so that everything clinical runs without Qt: ``domain`` (the form, the record,
the findings), ``rules`` (the policy and the engine), ``storage``, ``pdf`` and ``cli``; ``ui`` sits on top.
"""

__version__ = "0.1.0"
