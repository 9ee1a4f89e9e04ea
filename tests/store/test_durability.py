"""A score the UI calls saved survives kill -9 (DESIGN.md §4): real child processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from vividverse_desktop.store import LocalStore

SAVER = textwrap.dedent(
    """
    import sys, time, uuid
    from datetime import UTC, datetime
    from vividverse_desktop.core.scoring import DEFAULT_RUBRIC, ScoreEvent
    from vividverse_desktop.store import LocalStore

    store = LocalStore.open(sys.argv[1])
    count = int(sys.argv[2])
    for i in range(count if count > 0 else 10**9):
        event = ScoreEvent(
            id=str(uuid.uuid4()), script_version_id="v-1", validator_id=f"validator-{i}",
            criteria=dict.fromkeys(DEFAULT_RUBRIC.names, 7), overall=7, verdict="Consider",
            confidence=3, comments="saved before the crash", scene_ref=None,
            created_at=datetime.now(UTC), device_id="laptop-1",
        )
        store.save_score(event)
        print(event.id, flush=True)  # the UI would now say "saved"
    time.sleep(60)
    """
)


def run_and_kill(path: Path, *, count: int, after: int) -> list[str]:
    """Start a child saving ``count`` scores (0: forever); SIGKILL it after ``after`` acks."""
    child = subprocess.Popen(
        [sys.executable, "-c", SAVER, str(path), str(count)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert child.stdout is not None
    saved: list[str] = []
    try:
        while len(saved) < after:
            line = child.stdout.readline()
            assert line, "the child stopped before saving"
            saved.append(line.strip())
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=30)
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    return saved


def test_a_saved_score_survives_kill_9_right_after_save(tmp_path: Path) -> None:
    """The one score saved before SIGKILL is in the store and its outbox on reopen."""
    path = tmp_path / "store.sqlite3"
    [event_id] = run_and_kill(path, count=1, after=1)
    with LocalStore.open(path) as store:
        assert store.score_event(event_id) is not None
        assert [op.entity_id for op in store.pending_ops()] == [event_id]


def test_every_acknowledged_score_survives_kill_9_mid_write(tmp_path: Path) -> None:
    """Killed while saving more, the child loses none it reported saved, and no op is torn."""
    path = tmp_path / "store.sqlite3"
    saved = run_and_kill(path, count=0, after=40)
    with LocalStore.open(path) as store:
        held = {event.id for event in store.score_events()}
        queued = [op.entity_id for op in store.pending_ops(limit=10_000)]
    assert set(saved) <= held
    assert queued[: len(saved)] == saved
    assert set(queued) == held  # every kept score has its op, and no op lacks its score
