"""Sync 10,000 offline score events through a real server process on loopback.

Run ``.venv/bin/python -m bench.sync``. For each database (SQLite, and PostgreSQL when
a throwaway cluster can be started): a server process on 127.0.0.1, one device that
saved 10,000 scores offline syncs them (push, then the pull of its own changes), and a
second, fresh device pulls them all. Printed: seconds per phase, the goal ratio for
push + pull (goal <= 5 s), the CPU seconds the server process and the client (this
process) spent on push + pull, the load average, and the check that the server holds
each score exactly once and both devices hash the same as what was saved. On a busy
machine the wall times stretch; the CPU seconds much less.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

GOAL_S = 5.0
PASSWORD = "correct horse battery"


@dataclass(frozen=True, slots=True)
class SyncTimes:
    """Seconds per phase of one run and what the checks found."""

    database: str
    save: float
    push: float
    pull_back: float
    pull_fresh: float
    server_rows: int
    server_distinct: int
    hashes_match: bool
    server_cpu: float = 0.0
    """CPU seconds of the server process during push + pull."""
    client_cpu: float = 0.0
    """CPU seconds of the client (this process) during push + pull."""

    @property
    def push_pull(self) -> float:
        """The measured figure: the saving device's whole sync (push + pull)."""
        return self.push + self.pull_back


def _events(validator_id: str, version_id: str, count: int) -> list[object]:
    from vividverse_desktop.core.scoring import DEFAULT_RUBRIC, ScoreEvent, Verdict

    start = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    return [
        ScoreEvent(
            id=str(uuid.uuid4()),
            script_version_id=version_id,
            validator_id=validator_id,
            criteria={name: 1 + (n + i) % 10 for i, name in enumerate(DEFAULT_RUBRIC.names)},
            overall=1 + n % 10,
            verdict=list(Verdict)[n % len(Verdict)],
            confidence=1 + n % 5,
            comments=f"bench score {n}",
            scene_ref=None,
            created_at=start + timedelta(seconds=n),
            device_id="bench-laptop",
        )
        for n in range(count)
    ]


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def _server(data_dir: Path, database_url: str) -> Iterator[tuple[str, int]]:
    from tests.sync.process import ServerProcess, free_port, server_environment

    port = free_port()
    extra = {"VIVIDVERSE_JWT_SECRET": "b" * 48}
    if database_url:
        extra["VIVIDVERSE_DATABASE_URL"] = database_url
    env = server_environment(data_dir, **extra)
    command = [sys.executable, "-m", "sync_server", "--host", "127.0.0.1", "--port", str(port),
               "--log-level", "warning"]  # fmt: skip
    server = ServerProcess(command, env, port)
    server.start()
    assert server.process is not None
    try:
        yield server.url, server.process.pid
    finally:
        server.stop()


def _server_counts(database_url: str) -> tuple[int, int]:
    from sqlalchemy import func, select

    from sync_server import models
    from sync_server.db import Database

    database = Database(database_url)
    try:
        with database.snapshot() as session:
            rows = session.scalar(select(func.count()).select_from(models.ScoreEvent)) or 0
            distinct = session.scalar(select(func.count(func.distinct(models.ScoreEvent.id))))
    finally:
        database.dispose()
    return rows, distinct or 0


class _Clock:
    """Records when the push part of a sync ended (the last progress call before a page)."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.pushed_at = self.started

    def __call__(self, report: object) -> None:
        if getattr(report, "pages", 0) == 0:
            self.pushed_at = time.perf_counter()


async def _run(label: str, work: Path, database_url: str, count: int) -> SyncTimes:
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    from tests.sync.process import prepare_studio
    from tests.sync.studio import digest
    from vividverse_desktop.store import LocalStore
    from vividverse_desktop.sync import SyncClient, synchronize

    keyring.set_keyring(NoKeyring())  # type: ignore[no-untyped-call]  # the bench never touches the user's real keyring
    url = database_url or f"sqlite:///{work / 'server' / 'sync-server.sqlite3'}"
    with _server(work / "server", database_url) as (base_url, pid):
        validator_id, version_id = prepare_studio(base_url)
        events = _events(validator_id, version_id, count)
        with LocalStore.open(work / "first.sqlite3") as first:
            started = time.perf_counter()
            for event in events:
                first.save_score(event)  # type: ignore[arg-type]
            saved = time.perf_counter() - started
            async with SyncClient(base_url) as client:
                await client.login("vera", PASSWORD)
                clock = _Clock()
                server_cpu, client_cpu = _cpu_seconds(pid), time.process_time()
                report = await synchronize(first, client, on_progress=clock)
                ended = time.perf_counter()
                server_cpu = _cpu_seconds(pid) - server_cpu
                client_cpu = time.process_time() - client_cpu
            if not (report.clean and report.accepted == count and first.outbox() == ()):
                raise RuntimeError(f"the push did not settle every score: {report.summary()}")
            first_events = first.score_events()
        with LocalStore.open(work / "second.sqlite3") as second:
            async with SyncClient(base_url) as client:
                await client.login("vera", PASSWORD)
                started = time.perf_counter()
                await synchronize(second, client)
                pull_fresh = time.perf_counter() - started
            second_events = second.score_events()
        rows, distinct = _server_counts(url)
    match = digest(events) == digest(first_events) == digest(second_events)  # type: ignore[arg-type]
    push = clock.pushed_at - clock.started
    return SyncTimes(
        label,
        saved,
        push,
        ended - clock.pushed_at,
        pull_fresh,
        rows,
        distinct,
        match,
        server_cpu,
        client_cpu,
    )


def _databases(stack: ExitStack, wanted: list[str]) -> list[tuple[str, str]]:
    """(label, URL) of each database to run on; '' is the server's default SQLite file."""
    found: list[tuple[str, str]] = []
    for name in wanted:
        if name == "sqlite":
            found.append(("SQLite", ""))
            continue
        from tests.services import ServiceUnavailable, postgres_cluster

        try:
            found.append(("PostgreSQL", stack.enter_context(postgres_cluster())))
        except ServiceUnavailable as exc:
            print(f"PostgreSQL skipped: {exc}")
    return found


def main(argv: list[str] | None = None) -> int:
    """Print seconds per phase and the ratio to the goal for each database; 1 if a check fails."""
    parser = argparse.ArgumentParser(prog="python -m bench.sync", description=__doc__)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument(
        "--database", action="append", choices=["sqlite", "postgresql"], default=None
    )
    args = parser.parse_args(argv)
    failures = 0
    print(f"{args.events:,} score events, one validator, default batch and page sizes")
    header = (
        f"{'database':<11} {'save':>6} {'push':>6} {'pull own':>8} {'push+pull':>9} "
        f"{'goal/ours':>9} {'cpu srv':>7} {'cpu cli':>7} {'fresh pull':>10}  check"
    )
    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="vv-bench-sync-") as tmp:
        rows: list[SyncTimes] = []
        for label, url in _databases(stack, args.database or ["sqlite", "postgresql"]):
            work = Path(tmp) / label.lower()
            work.mkdir()
            rows.append(asyncio.run(_run(label, work, url, args.events)))
        print(header)
        for t in rows:
            exact = t.server_rows == t.server_distinct == args.events and t.hashes_match
            lost = args.events - t.server_distinct
            doubled = t.server_rows - t.server_distinct
            hashes = "match" if t.hashes_match else "DIFFER"
            check = f"{lost} lost, {doubled} duplicated, hashes {hashes}"
            failures += not exact
            print(
                f"{t.database:<11} {t.save:>5.2f}s {t.push:>5.2f}s {t.pull_back:>7.2f}s "
                f"{t.push_pull:>8.2f}s {GOAL_S / t.push_pull:>8.2f}x {t.server_cpu:>6.2f}s "
                f"{t.client_cpu:>6.2f}s {t.pull_fresh:>9.2f}s  {check}"
            )
    print("save = writing the scores offline (not timed by the goal); goal: push + pull <= 5 s")
    print("cpu srv / cli = CPU seconds of the server process / this client during push + pull")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
