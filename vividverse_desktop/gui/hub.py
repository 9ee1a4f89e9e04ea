"""The change hub: every mutation and every sync publishes what changed; views refresh.

Views subscribe by subject and get the ids of that subject that changed::

    hub.subscribe(Subject.SCRIPTS, self.refresh_scripts)   # called with a frozenset of ids

Publishing happens on the GUI thread (the task runner's ``on_done`` is there already).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from vividverse_desktop.core.changes import Changes, Subject

Listener = Callable[[frozenset[str]], None]


class ChangeHub(QObject):
    """One QObject with one signal, ``changed(Changes)``; empty changes are not sent."""

    changed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("changeHub")

    def publish(self, changes: Changes | Any) -> None:
        """Tell every subscriber what changed (anything but a non-empty Changes is ignored)."""
        if isinstance(changes, Changes) and changes:
            self.changed.emit(changes)

    def subscribe(self, subject: Subject, listener: Listener) -> Callable[[], None]:
        """Call ``listener(ids)`` whenever ``subject`` changes; returns an unsubscribe call."""

        def relay(changes: Changes) -> None:
            if subject in changes:
                listener(changes.ids(subject))

        self.changed.connect(relay)

        def unsubscribe() -> None:
            with contextlib.suppress(RuntimeError, TypeError):  # the hub is gone already
                self.changed.disconnect(relay)

        return unsubscribe
