"""The look of the app in one place: base font, spacing, colours, the style sheet and the SVG icons.

Sizes are in points so they follow the system's scaling (125% and up); the base font is never below
11 pt, read at arm's length. States are always shown by icon *and* text; the colours only repeat them.
Widgets choose a look with a ``role`` property (``set_role(label, "help")``), never with inline styles.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QStyleFactory, QWidget

from checklist_app import resources

BASE_POINT_SIZE = 11.0
SPACING = 8  # the one spacing unit: layouts use 1x or 2x of it
LIST_ITEM_PADDING_X = 4  # a list row's padding left and right (the section list measures its rows with it)
MARGIN = 12

INK = "#111827"
MUTED = "#4b5563"
ACCENT = "#1f3a68"
FOCUS = "#1d4ed8"
STOP = "#b3121f"
STOP_BG = "#fdecee"
WARN = "#7a4f00"
WARN_BG = "#fff4dc"
OK = "#1e6b34"
OK_BG = "#e8f5ec"
PAGE_BG = "#f4f5f7"
CARD_BG = "#ffffff"
LINE = "#c9ced6"

# Scroll bars are drawn flat by the sheet: Fusion's take ~3.5 ms per paint, and a keystroke that changes a
# finding repaints the findings column's bar and the section page's.
STYLE_SHEET = f"""
QMainWindow, QDialog {{ background: {PAGE_BG}; }}
QLabel {{ color: {INK}; }}
QLabel[role="title"] {{ font-size: 15pt; font-weight: 600; }}
QLabel[role="subtitle"] {{ font-size: 12pt; font-weight: 600; }}
QLabel[role="item-label"] {{ font-weight: 600; }}
QLabel[role="help"], QLabel[role="preview"] {{ color: {MUTED}; }}
QLabel[role="problem"] {{ color: {STOP}; font-weight: 600; }}
QLabel[role="finding-hard_stop"] {{ color: {STOP}; font-weight: 600; }}
QLabel[role="finding-warning"] {{ color: {WARN}; font-weight: 600; }}
QLabel[role="ok"] {{ color: {OK}; font-weight: 600; }}
QLabel[role="badge-stop"] {{ background: {STOP}; color: white; font-weight: 700; padding: 3px 8px;
    border-radius: 4px; }}
QLabel[role="badge-warn"] {{ background: {WARN_BG}; color: {WARN}; font-weight: 700; padding: 3px 8px;
    border: 1px solid {WARN}; border-radius: 4px; }}
QLabel[role="badge-ok"] {{ background: {OK_BG}; color: {OK}; font-weight: 700; padding: 3px 8px;
    border: 1px solid {OK}; border-radius: 4px; }}
QLabel[role="badge-neutral"] {{ background: #eef1f5; color: {INK}; font-weight: 600; padding: 3px 8px;
    border: 1px solid {LINE}; border-radius: 4px; }}
QFrame[role="banner"] {{ background: {ACCENT}; }}
QFrame[role="banner"] QLabel {{ color: white; }}
QFrame[role="banner"] QLabel[role="banner-name"] {{ font-size: 15pt; font-weight: 700; }}
QFrame[role="banner"] QLabel[role="badge-warn"] {{ color: {WARN}; }}
QFrame[role="banner"] QLabel[role="badge-ok"] {{ color: {OK}; }}
QFrame[role="banner"] QLabel[role="badge-neutral"] {{ color: {INK}; }}
QFrame[role="notice"] {{ background: {WARN_BG}; border: 1px solid {WARN}; border-radius: 6px; }}
QFrame[role="card"] {{ background: {CARD_BG}; border: 1px solid {LINE}; border-radius: 6px; }}
QFrame[role="card"]:focus {{ border: 2px solid {FOCUS}; }}
QFrame[role="card-hard_stop"] {{ background: {STOP_BG}; border: 1px solid {STOP}; border-left: 6px solid {STOP};
    border-radius: 6px; }}
QFrame[role="card-warning"] {{ background: {WARN_BG}; border: 1px solid {WARN}; border-left: 6px solid {WARN};
    border-radius: 6px; }}
QFrame[role="card-done"] {{ background: {CARD_BG}; border: 1px solid {LINE}; border-left: 6px solid {OK};
    border-radius: 6px; }}
QFrame[role="card-hard_stop"]:focus, QFrame[role="card-warning"]:focus, QFrame[role="card-done"]:focus
    {{ border: 2px solid {FOCUS}; border-left: 6px solid {FOCUS}; }}
QFrame[role="entry"] {{ background: #fafbfc; border: 1px solid {LINE}; border-radius: 6px; }}
QWidget[role="highlight"] {{ background: #e6edfb; border-radius: 6px; }}
QLineEdit, QPlainTextEdit, QComboBox {{ background: white; border: 1px solid #8a93a1; border-radius: 4px;
    padding: 4px 6px; }}
QLineEdit:focus, QPlainTextEdit:focus, QComboBox:focus {{ border: 2px solid {FOCUS}; padding: 3px 5px; }}
QLineEdit:read-only {{ background: #eef0f3; }}
QLineEdit[problem="true"] {{ border: 2px solid {STOP}; padding: 3px 5px; }}
QCheckBox, QRadioButton {{ padding: 3px 6px; spacing: 8px; }}
QCheckBox:focus, QRadioButton:focus {{ background: #dfe7fb; border-radius: 4px; }}
QWidget[role="focus-row"] {{ background: #dfe7fb; border-radius: 4px; }}
QPushButton {{ padding: 6px 14px; border: 1px solid #8a93a1; border-radius: 4px; background: white; }}
QPushButton:focus {{ border: 2px solid {FOCUS}; padding: 5px 13px; }}
QPushButton:disabled {{ color: #9ca3af; background: #f3f4f6; }}
QPushButton[role="primary"] {{ background: {ACCENT}; color: white; border: 1px solid {ACCENT}; font-weight: 600; }}
QPushButton[role="primary"]:focus {{ border: 2px solid {FOCUS}; }}
QPushButton[role="primary"]:disabled {{ background: #9aa7bd; border-color: #9aa7bd; }}
QPushButton[role="danger"] {{ color: {STOP}; border: 1px solid {STOP}; font-weight: 600; }}
QListWidget, QTableView, QTextBrowser {{ background: white; border: 1px solid {LINE}; border-radius: 4px; }}
QListWidget::item {{ padding: 6px {LIST_ITEM_PADDING_X}px; }}
QListWidget::item:selected, QTableView::item:selected {{ background: #dbe4f7; color: {INK}; }}
QListWidget:focus, QTableView:focus {{ border: 2px solid {FOCUS}; }}
QHeaderView::section {{ background: #e9edf2; padding: 6px; border: none; border-bottom: 1px solid {LINE};
    font-weight: 600; }}
QScrollArea {{ border: none; background: transparent; }}
QStatusBar {{ color: {MUTED}; }}
QScrollBar:vertical {{ background: #eef0f3; width: 14px; margin: 0; border: none; border-left: 1px solid {LINE}; }}
QScrollBar:horizontal {{ background: #eef0f3; height: 14px; margin: 0; border: none; border-top: 1px solid {LINE}; }}
QScrollBar::handle {{ background: #6b7280; border-radius: 4px; }}
QScrollBar::handle:vertical {{ min-height: 28px; margin: 2px 2px 2px 3px; }}
QScrollBar::handle:horizontal {{ min-width: 28px; margin: 3px 2px 2px 2px; }}
QScrollBar::handle:hover, QScrollBar::handle:pressed {{ background: {MUTED}; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; border: none; background: none; }}
QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}
"""


def make_app(argv: list[str]) -> QApplication:
    """The QApplication, made with the Fusion style (``apply_theme`` then need not set it)."""
    app = QApplication([*argv, "-style", "Fusion"])
    app.setProperty("checklist_fusion", True)
    return app


def apply_theme(app: QApplication) -> None:
    """Fusion style (the same on every desktop), a readable base font, our palette and style sheet."""
    if app.property("checklist_theme"):
        return  # applied already: setting a style sheet again re-polishes every widget alive
    app.setProperty("checklist_theme", True)
    if not app.property("checklist_fusion"):
        # (Made by make_app, the app has it already: a QStyle object in Python costs ~6 ms of enum set-up,
        # paid before the first window could be painted.)
        app.setStyle(QStyleFactory.create("Fusion"))
    font = QFont(app.font())
    font.setPointSizeF(max(font.pointSizeF(), BASE_POINT_SIZE))
    app.setFont(font)
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor(PAGE_BG))
    palette.setColor(QPalette.ColorRole.WindowText, QColor(INK))
    palette.setColor(QPalette.ColorRole.Base, QColor("white"))
    palette.setColor(QPalette.ColorRole.Text, QColor(INK))
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#2f56a6"))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("white"))
    app.setPalette(palette)
    app.setStyleSheet(STYLE_SHEET)
    app.setWindowIcon(icon("app"))


def set_role(widget: QWidget, role: str) -> None:
    """Give a widget its look from the style sheet (and re-polish it when the role changes)."""
    if widget.property("role") == role:
        return
    widget.setProperty("role", role)
    if not widget.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
        return  # not styled yet (a new widget): the style sheet sees the role when it is
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


def set_flag(widget: QWidget, name: str, on: bool) -> None:
    """Set a boolean style property such as ``problem`` and re-polish."""
    value = "true" if on else "false"
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    if not widget.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
        return
    widget.style().unpolish(widget)
    widget.style().polish(widget)


@lru_cache(maxsize=64)
def icon(name: str) -> QIcon:
    """An icon from ``resources/icons/<name>.svg``."""
    return QIcon(str(resources.resource_path(f"icons/{name}.svg")))


def pixmap(name: str, size: int = 20) -> QPixmap:
    """An icon drawn at ``size`` device-independent pixels (sharp at any scaling)."""
    return icon(name).pixmap(QSize(size, size))
