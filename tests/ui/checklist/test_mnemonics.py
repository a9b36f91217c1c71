"""Each Alt key in the checklist window does one thing: a signed checklist's "Print packet..." and "Previous
section" both answered Alt+P, so the keyboard never reached the printing."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QAbstractButton


def mnemonics(window, *, signed: bool) -> list[str]:
    letters = []
    for button in window.findChildren(QAbstractButton):
        shown_when_signed = button is window.packet_button or button.isVisibleTo(window)
        if signed and button is window.review_button:
            continue  # replaced by the packet button once signed
        if not signed and button is window.packet_button:
            continue
        match = re.search(r"&(\w)", button.text())
        if match and (button.isVisibleTo(window) or (signed and shown_when_signed)):
            letters.append(match.group(1).lower())
    return letters


def test_no_alt_key_is_used_twice(open_example):
    window = open_example("clean")
    for signed in (False, True):
        letters = mnemonics(window, signed=signed)
        assert len(letters) == len(set(letters)), sorted(letters)
    assert "k" in mnemonics(window, signed=True)
