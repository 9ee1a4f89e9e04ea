"""The store's data version: how a GUI learns that another process wrote the same file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.core.scoring.builders import score
from vividverse_desktop.store import LocalStore


def test_the_version_stays_while_nobody_writes(store: LocalStore) -> None:
    """Reading twice with no write in between gives the same number."""
    first = store.data_version()
    store.score_events()
    assert store.data_version() == first


def test_a_write_through_another_store_moves_the_version(
    store: LocalStore, store_file: Path
) -> None:
    """A second LocalStore on the file saves a score: the first store's version moves."""
    before = store.data_version()
    with LocalStore.open(store_file) as other:
        other.save_score(score("version-1", "validator-1"))
    after = store.data_version()
    assert after != before
    assert store.data_version() == after


def test_a_write_by_another_process_moves_the_version(store: LocalStore, store_file: Path) -> None:
    """A child Python process (as the CLI would be) saves a score: the version moves."""
    before = store.data_version()
    child = (
        "import sys\n"
        "from tests.core.scoring.builders import score\n"
        "from vividverse_desktop.store import LocalStore\n"
        "with LocalStore.open(sys.argv[1]) as store:\n"
        "    store.save_score(score('version-1', 'validator-1'))\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    subprocess.run([sys.executable, "-c", child, str(store_file)], check=True, env=env)
    assert store.data_version() != before
    assert len(store.score_events()) == 1
