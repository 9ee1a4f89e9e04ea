"""Draft the next migration from the models: ``python -m sync_server.migrations.draft "what"``.

Alembic compares a scratch database at the newest revision with ``sync_server.models``
and writes what differs (a new column, a new table...) as the next numbered revision,
``versions/vNNNN_<what>.py``. Read it before committing: alembic cannot tell a renamed
column from a dropped and an added one, and data to move is still yours to write.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from alembic import command

from sync_server.db import MIGRATIONS_DIR, make_engine, migration_config, upgrade_schema

VERSIONS_DIR = MIGRATIONS_DIR / "versions"


def next_revision(versions: Path = VERSIONS_DIR) -> str:
    """The number after the highest ``vNNNN_*.py`` in ``versions``, as four digits."""
    numbers = [
        int(m.group(1)) for p in versions.glob("v*.py") if (m := re.match(r"v(\d+)_", p.name))
    ]
    return f"{max(numbers, default=0) + 1:04d}"


def draft(message: str, *, into: Path = VERSIONS_DIR) -> Path:
    """Write the next revision, from the models' difference with the newest one, into
    ``into`` (the versions directory, or another one for a trial); its path."""
    with tempfile.TemporaryDirectory() as scratch:
        engine = make_engine(f"sqlite:///{Path(scratch) / 'head.sqlite3'}")
        try:
            upgrade_schema(engine)
            config = migration_config(engine)
            config.set_main_option("file_template", "v%%(rev)s_%%(slug)s")
            config.set_main_option("path_separator", "os")
            places = dict.fromkeys(str(p.resolve()) for p in (VERSIONS_DIR, into))
            config.set_main_option("version_locations", os.pathsep.join(places))
            revision = next_revision(VERSIONS_DIR)
            script = command.revision(
                config,
                message=message,
                autogenerate=True,
                rev_id=revision,
                version_path=str(into.resolve()),
            )
        finally:
            engine.dispose()
    if script is None or isinstance(script, list):
        raise RuntimeError("alembic wrote no single revision")
    return Path(script.path)


def main(argv: Sequence[str] | None = None) -> int:
    """Draft the next migration, named after the one-line description given."""
    parser = argparse.ArgumentParser(prog="python -m sync_server.migrations.draft")
    parser.add_argument("message", help='what the migration does, e.g. "a review note\'s colour"')
    args = parser.parse_args(argv)
    path = draft(args.message)
    print(f"wrote {path}: read it, then run ruff format on it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
