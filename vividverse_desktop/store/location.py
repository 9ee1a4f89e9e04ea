"""Where the local store lives: the user's data directory, unless told otherwise."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "Vividverse"
DATA_DIR_ENV = "VIVIDVERSE_DATA_DIR"
STORE_FILE = "vividverse.sqlite3"


def data_dir() -> Path:
    """``$VIVIDVERSE_DATA_DIR`` if set, else the platform's user data directory for the app."""
    override = os.environ.get(DATA_DIR_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def store_path(explicit: Path | str | None = None) -> Path:
    """The store's SQLite file: ``explicit`` if given, else ``STORE_FILE`` in ``data_dir()``."""
    if explicit is not None:
        return Path(explicit).expanduser()
    return data_dir() / STORE_FILE
