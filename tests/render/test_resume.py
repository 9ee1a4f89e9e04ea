"""A render killed with SIGKILL at a random point resumes to the same film."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.render.conftest import SCRIPT
from vividverse_desktop.media.probe import count_frames, probe
from vividverse_desktop.render.jobdb import JobDB

ARGS = ("--size", "160x90", "--fps", "12", "--jobs", "1")


def _render(output: Path, *extra: str) -> subprocess.Popen[bytes]:
    script = output.parent / "pier.fountain"
    if not script.exists():
        script.write_text(SCRIPT, encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, "-m", "vividverse_desktop.cli", "render", str(script),
         "-o", str(output), *ARGS, *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip


def _rows(job: Path) -> int:
    database = job / "job.sqlite"
    if not database.exists():
        return 0
    try:
        with contextlib.closing(sqlite3.connect(database, timeout=1)) as conn:
            return int(conn.execute("SELECT count(*) FROM assets").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def _asset_keys(job: Path) -> set[tuple[str, str]]:
    with JobDB(job) as db:
        return {(r.kind, r.key) for r in db.rows()}


def _finish(process: subprocess.Popen[bytes]) -> None:
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err.decode()


def test_a_render_killed_at_a_random_point_resumes_to_the_same_film(tmp_path: Path) -> None:
    """kill -9 after a random number of recorded assets; --resume gives the clean film."""
    clean = tmp_path / "clean.mp4"
    _finish(_render(clean))
    total_rows = _rows(tmp_path / "clean.mp4.job")
    seed = random.randrange(1_000_000)
    stop_after = random.Random(seed).randrange(1, total_rows - 2)
    killed = tmp_path / "film.mp4"
    job = tmp_path / "film.mp4.job"
    process = _render(killed)
    deadline = time.monotonic() + 60
    while _rows(job) < stop_after and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate()
    assert process.returncode == -signal.SIGKILL, f"seed {seed}: render ended before the kill"
    assert not killed.exists()
    recorded = _rows(job)
    _finish(_render(killed, "--resume"))
    assert _asset_keys(job) == _asset_keys(tmp_path / "clean.mp4.job"), f"seed {seed}"
    with JobDB(job) as db:
        runs = [r.run_id for r in db.rows()]
        assert runs.count(max(runs)) <= total_rows - recorded + 1, f"seed {seed}: redid work"
    assert count_frames(killed) == count_frames(clean)
    clean_info, info = probe(clean), probe(killed)
    assert info.chapters == clean_info.chapters
    assert info.duration == clean_info.duration
    assert len(info.subtitles) == len(clean_info.subtitles) == 1
