"""The local SQLite store: repositories returning core dataclasses, and the outbox.

Open it with ``LocalStore.open()`` (the user's data directory, ``$VIVIDVERSE_DATA_DIR``,
or an explicit path). ORM objects never leave this package.
"""

from __future__ import annotations

from vividverse_desktop.core.changes import Changes, Subject
from vividverse_desktop.store.engine import StoreError
from vividverse_desktop.store.local import LocalStore
from vividverse_desktop.store.location import DATA_DIR_ENV, data_dir, store_path
from vividverse_desktop.store.outbox import ConflictEntry, OutboxEntry, OutboxStatus

__all__ = [
    "DATA_DIR_ENV",
    "Changes",
    "ConflictEntry",
    "LocalStore",
    "OutboxEntry",
    "OutboxStatus",
    "StoreError",
    "Subject",
    "data_dir",
    "store_path",
]
