"""The widget factory: one widget class per item kind (magicgui's table), so the checklist window is
generated from ``forms/`` and no item has a hand-written widget.

Every class offers ``value()``, ``set_value()`` and the ``answer_changed`` signal (see ``base.ItemWidget``).
``WIDGET_CLASSES`` is one of the kind tables listed in ``domain/items.py`` (how to add a kind); a new item
kind needs a class here, and ``tests/domain/test_item_kinds.py`` fails until every kind has one.
"""

from __future__ import annotations

from typing import Any

from checklist_app.domain.items import kind_entry
from checklist_app.ui.widgets.base import Clock, ItemWidget
from checklist_app.ui.widgets.choices import ChoiceWidget, ConfirmWidget, YesNoWidget
from checklist_app.ui.widgets.dates import DateTimeWidget, DateWidget
from checklist_app.ui.widgets.measurement import MeasurementWidget
from checklist_app.ui.widgets.multi_choice import MultiChoiceWidget
from checklist_app.ui.widgets.readonly import DerivedWidget, InfoWidget
from checklist_app.ui.widgets.repeat import RepeatWidget
from checklist_app.ui.widgets.text_number import NumberWidget, TextWidget

WIDGET_CLASSES: dict[str, type[ItemWidget]] = {
    "confirm": ConfirmWidget,
    "yes_no": YesNoWidget,
    "choice": ChoiceWidget,
    "multi_choice": MultiChoiceWidget,
    "number": NumberWidget,
    "measurement": MeasurementWidget,
    "date": DateWidget,
    "datetime": DateTimeWidget,
    "text": TextWidget,
    "repeat": RepeatWidget,
    "derived": DerivedWidget,
    "info": InfoWidget,
}


def create_item_widget(item: Any, *, clock: Clock, compact: bool = False) -> ItemWidget:
    """The widget for one form item (``compact``: without its own label, inside a list entry)."""
    cls = kind_entry(WIDGET_CLASSES, item, "widget", "WIDGET_CLASSES in checklist_app/ui/widgets/__init__.py")
    return cls(item, clock=clock, compact=compact)


__all__ = ["WIDGET_CLASSES", "ItemWidget", "create_item_widget"]
