"""Load the sync server: authenticated reads/s and durable push batches/s, with p50/p99.

Run ``.venv/bin/python -m bench.server``. The server runs under uvicorn in its own
process(es) (``--workers 1`` and ``2``) on a SQLite database (synchronous=FULL: a
batch acknowledged is on disk); a load generator in a second process (bare HTTP/1.1
keep-alive connections: httpx costs ~3 ms of CPU per request and would measure itself)
keeps ``--readers`` connections busy with ``GET /api/auth/me`` for ``--seconds``, then
``--pushers`` connections busy with ``POST /api/sync/push`` of 50 new scores each.
Connections open one at a time, each used once before the next opens, as desktops
arrive; with several workers, how the connections fell to them is printed (each
worker's share of the CPU): a worker that serves more connections forms bigger groups.
Printed: requests/s, p50/p99 latency and the ratios to the goals (>= 1,500 reads/s
with p99 <= 25 ms; >= 200 push batches/s). The load generator shares the machine's
cores with the server, so the figures are a lower bound on what the server alone does.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import json
import multiprocessing
import os
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

READ_GOAL_RPS = 1500.0
READ_GOAL_P99_MS = 25.0
PUSH_GOAL_BPS = 200.0
BATCH = 50
PASSWORD = "correct horse battery"


@dataclass(frozen=True, slots=True)
class Load:
    """What one load run measured."""

    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    generator_cpu: float = 0.0
    """CPU seconds the load generator itself used."""
    server_cpu: float = 0.0
    """CPU seconds the server process(es) used during the run."""
    worker_cpu: tuple[float, ...] = ()
    """CPU seconds of each worker process (``--workers N`` > 1), the busiest first."""

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, q: float) -> float:
        """Latency at quantile ``q`` (0..1) in ms; nan without samples."""
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# --- the load generator (runs in a child process) -------------------------------------


def _score_op(template: dict[str, Any]) -> dict[str, Any]:
    op = copy.deepcopy(template)
    op["opId"] = str(uuid.uuid4())
    op["payload"]["id"] = str(uuid.uuid4())
    return op


@dataclass(frozen=True, slots=True)
class LoadPlan:
    """One load run: where, as whom, which request, how long, how many connections."""

    url: str
    token: str
    kind: str
    seconds: float
    connections: int
    template: dict[str, Any]


class _Connection:
    """A bare HTTP/1.1 keep-alive connection: far cheaper per request than a full client,
    so the load generator spends its CPU on sending, not on itself."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, url: str) -> _Connection:
        host, port = url.removeprefix("http://").split(":")
        return cls(*await asyncio.open_connection(host, int(port)))

    async def request(self, head: bytes, body: bytes = b"") -> int:
        """Send one request; read the whole reply; its status code."""
        return (await self.call(head, body))[0]

    async def call(self, head: bytes, body: bytes = b"") -> tuple[int, bytes]:
        """Send one request; read the whole reply; its status code and body."""
        self.writer.write(head + body)
        status_line = await self.reader.readuntil(b"\r\n")
        headers = await self.reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in headers.split(b"\r\n"):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return int(status_line.split()[1]), await self.reader.readexactly(length)

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(OSError):
            await self.writer.wait_closed()


def _head(method: str, path: str, token: str, length: int | None = None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    if token:
        lines.append(f"Authorization: Bearer {token}")
    if length is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {length}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def _drive(plan: LoadPlan) -> Load:
    latencies: list[float] = []
    counts = {"ok": 0, "errors": 0}
    read_head = _head("GET", "/api/auth/me", plan.token)
    connections = []
    for _ in range(plan.connections):
        # One request on each connection before the next opens: connections arrive one at
        # a time, as desktops do. Opened in one burst, they would all wait in the accept
        # queue together and one worker process would take them all.
        connection = await _Connection.open(plan.url)
        if await connection.request(read_head) != 200:
            raise RuntimeError("the server refused the load generator's token")
        connections.append(connection)
    cpu_started = time.process_time()
    deadline = time.perf_counter() + plan.seconds
    started = time.perf_counter()

    async def worker(connection: _Connection) -> None:
        clock = time.perf_counter
        while clock() < deadline:
            if plan.kind == "read":
                head, body = read_head, b""
            else:
                ops = [_score_op(plan.template) for _ in range(BATCH)]
                body = json.dumps({"deviceId": "bench-load", "ops": ops}).encode()
                head = _head("POST", "/api/sync/push", plan.token, len(body))
            begun = clock()
            status = await connection.request(head, body)
            latencies.append((clock() - begun) * 1000)
            counts["ok" if status == 200 else "errors"] += 1

    try:
        await asyncio.gather(*(worker(c) for c in connections))
    finally:
        for connection in connections:
            await connection.close()
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    return Load(counts["ok"], counts["errors"], elapsed, latencies, generator_cpu=cpu)


def _generate(plan: LoadPlan, results: Any) -> None:
    """Child process entry: run the load and send the ``Load`` back."""
    results.put(asyncio.run(_drive(plan)))


def _split(load: Load) -> str:
    """``; split 52/48%``: each worker's share of the workers' CPU, when there are several."""
    total = sum(load.worker_cpu)
    if len(load.worker_cpu) < 2 or total <= 0:
        return ""
    return "; split " + "/".join(f"{cpu * 100 / total:.0f}" for cpu in load.worker_cpu) + "%"


def _cpu_by_process(pid: int) -> dict[int, float]:
    """User + system CPU seconds of process ``pid`` and of each direct child (Linux /proc)."""
    found: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat.parent.name) == pid or int(fields[1]) == pid:
            found[int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / tick
    return found


def _load_in_child(plan: LoadPlan, server_pid: int) -> Load:
    before = _cpu_by_process(server_pid)
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    child = context.Process(target=_generate, args=(plan, results))
    child.start()
    try:
        load: Load = results.get(timeout=plan.seconds + 120)
    finally:
        child.join(timeout=30)
        if child.is_alive():
            child.kill()
    used = {
        pid: seconds - before.get(pid, 0.0) for pid, seconds in _cpu_by_process(server_pid).items()
    }
    # The children that served (uvicorn's supervisor may keep a helper that does not).
    children = [cpu for pid, cpu in used.items() if pid != server_pid]
    serving = [cpu for cpu in children if cpu > 0.02 * sum(children)]
    workers = tuple(sorted(serving, reverse=True))
    return replace(load, server_cpu=sum(used.values()), worker_cpu=workers)


# --- the server -----------------------------------------------------------------------


@contextmanager
def _uvicorn(
    data_dir: Path, workers: int, code: Path | None = None, **settings: str
) -> Iterator[tuple[str, int]]:
    """A ``--workers N`` server on loopback running the code in ``code`` (default: this
    checkout) with the extra ``VIVIDVERSE_*`` ``settings``; yields (URL, pid)."""
    from tests.sync.process import ServerProcess, free_port, server_environment

    port = free_port()
    root = str(code or Path(__file__).resolve().parent.parent)
    env = server_environment(
        data_dir,
        VIVIDVERSE_JWT_SECRET="s" * 48,
        PYTHONPATH=os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p),
        **settings,
    )
    # The server's own entry point: it binds a TCP_NODELAY-capable socket for N workers.
    command = [
        sys.executable, "-m", "sync_server", "--host", "127.0.0.1", "--port", str(port),
        "--workers", str(workers), "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    # The code's own directory: ``-m`` puts the working directory first on sys.path.
    server = ServerProcess(command, env, port, cwd=Path(root))
    server.start()
    assert server.process is not None
    # Read what the server prints: a full pipe would block its next log line, and with
    # it the worker's event loop (a login flood logs a warning per throttled attempt).
    threading.Thread(target=_drain, args=(server.process.stdout,), daemon=True).start()
    try:
        yield server.url, server.process.pid
    finally:
        server.stop()


def _drain(output: IO[bytes] | None) -> None:
    with contextlib.suppress(OSError, ValueError):
        while output is not None and output.read(65536):
            pass


def _prepare(url: str) -> tuple[str, dict[str, Any]]:
    """A validator's access token and a score op template for the studio's script."""
    import httpx

    from tests.sync.process import prepare_studio
    from vividverse_desktop.core.scoring import DEFAULT_RUBRIC, ScoreEvent, Verdict
    from vividverse_desktop.core.wire import Op

    validator_id, version_id = prepare_studio(url)
    tokens = httpx.post(f"{url}/api/auth/login", json={"username": "vera", "password": PASSWORD})
    tokens.raise_for_status()
    event = ScoreEvent(
        id=str(uuid.uuid4()),
        script_version_id=version_id,
        validator_id=validator_id,
        criteria=dict.fromkeys(DEFAULT_RUBRIC.names, 7),
        overall=7,
        verdict=Verdict.CONSIDER,
        confidence=3,
        comments="bench",
        scene_ref=None,
        created_at=_now(),
        device_id="bench-load",
    )
    return str(tokens.json()["access_token"]), Op.of(event).to_json()


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def main(argv: list[str] | None = None) -> int:
    """Print reads/s and push batches/s with p50/p99 for 1 and 2 workers; 0 unless a run failed."""
    parser = argparse.ArgumentParser(prog="python -m bench.server", description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--readers", type=int, default=32)
    parser.add_argument("--pushers", type=int, default=8)
    parser.add_argument("--workers", type=int, action="append", default=None)
    args = parser.parse_args(argv)
    print(
        f"{os.cpu_count()} cores; load generator in a second process; {args.seconds:.0f} s each; "
        f"{args.readers} reading / {args.pushers} pushing connections"
    )
    print(
        f"{'workers':>7} {'what':<18} {'per s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}  "
        "cpu ms/req srv gen  ratio to goal"
    )
    failed = 0
    for workers in args.workers or [1, 2]:
        with tempfile.TemporaryDirectory(prefix="vv-bench-server-") as tmp:
            data_dir = Path(tmp) / "server"
            # Migrate once, alone: two workers starting on a fresh file would race.
            _migrate(data_dir)
            with _uvicorn(data_dir, workers) as (url, pid):
                token, template = _prepare(url)
                reads = _load_in_child(
                    LoadPlan(url, token, "read", args.seconds, args.readers, template), pid
                )
                pushes = _load_in_child(
                    LoadPlan(url, token, "push", args.seconds, args.pushers, template), pid
                )
        failed += reads.errors + pushes.errors > 0
        p99_ratio = READ_GOAL_P99_MS / reads.percentile(0.99)
        read_ratio = f"{reads.rate / READ_GOAL_RPS:.2f}x rate, {p99_ratio:.2f}x p99"
        push_ratio = (
            f"{pushes.rate / PUSH_GOAL_BPS:.2f}x rate ({pushes.rate * BATCH:,.0f} scores/s)"
        )
        for what, load, ratio in (
            ("GET /api/auth/me", reads, read_ratio),
            (f"push of {BATCH}", pushes, push_ratio),
        ):
            print(
                f"{workers:>7} {what:<18} {load.rate:>8.0f} {load.percentile(0.5):>8.1f} "
                f"{load.percentile(0.99):>8.1f} {load.errors:>6}  "
                f"{load.server_cpu * 1e3 / max(1, load.requests):>8.2f} "
                f"{load.generator_cpu * 1e3 / max(1, load.requests):>4.2f}  {ratio}"
                f"{_split(load)}"
            )
    print("cpu ms/req: CPU per request of the server process(es) (srv) and the generator (gen)")
    print("split: each worker's share of the workers' CPU (how the connections fell to them)")
    return 1 if failed else 0


def _migrate(data_dir: Path) -> None:
    """Create and migrate the server's database, with its first admin."""
    from sync_server.app import create_app
    from sync_server.settings import Secret, Settings
    from tests.sync_server.conftest import ADMIN, ADMIN_PASSWORD

    settings = Settings(
        data_dir=data_dir,
        jwt_secret=Secret("s" * 48),
        bcrypt_rounds=4,
        admin_username=ADMIN,
        admin_password=Secret(ADMIN_PASSWORD),
    )
    create_app(settings).state.context.database.dispose()


if __name__ == "__main__":
    raise SystemExit(main())
