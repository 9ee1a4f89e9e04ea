"""The PySide6 pin holds: processEvents can be called as often as pytest-qt does."""

from __future__ import annotations

import sys

import PySide6
from PySide6.QtWidgets import QApplication


def test_pyside6_is_below_the_version_that_aborts_python_311() -> None:
    """PySide6 6.12.0 leaks None on processEvents() under Python 3.11 (DESIGN.md §9)."""
    version = tuple(int(p) for p in PySide6.__version__.split(".")[:2])
    if sys.version_info[:2] == (3, 11):
        assert version < (6, 12)


def test_twenty_thousand_process_events_calls_survive(qapp: QApplication) -> None:
    """After 20,000 processEvents() calls the interpreter is alive and None is intact."""
    before = sys.getrefcount(None)
    for _ in range(20_000):
        qapp.processEvents()
    assert sys.getrefcount(None) >= before
