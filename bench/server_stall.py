"""One client's ordinary requests while another pushes pathological scripts; one user's
login while 12 clients flood logins. A real ``--workers 2`` server on 127.0.0.1
(``--workers N`` to change).

Run ``.venv/bin/python -m bench.server_stall``; ``--code DIR`` runs the server from
another checkout (a worktree at an older commit, say) to compare. Each phase lasts
``--seconds``:

- stall: an ordinary client (``--ordinary`` keep-alive connections, opened one at a time
  so they fall to both workers) alternates ``GET /api/auth/me`` and a push of one score,
  with a pause of 20 ms between requests; meanwhile ``--pushers`` connections push, one
  after another, a new script whose text is pathological: quiet (none), 28 KB of
  punctuation with no letter or space (``,;-`` repeated), 560 KB and 1.7 MB of
  ``INT. A - DAY`` headings. Printed: the ordinary requests' p50/p99/max in ms, errors (a connection
  closed under it: a worker killed), and what the pathological pushes got;
- login: bcrypt at the server's default 12 rounds; a real user (who signed in before
  from this address) signs in every 0.3 s, quiet, then while 12 clients flood logins
  with right passwords (12 accounts), then with wrong ones (12 other names). Printed:
  the user's attempts (p50/p99/max, answers), their sign-ins as the desktop client
  makes them (up to 4 tries, waiting out a 429's Retry-After of 1 s), and the flood's
  attempts per second.

The load runs in this process and shares the machine's cores with the server; the load
average is printed with each run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.server import PASSWORD, _Connection, _head, _prepare, _score_op, _uvicorn

PAUSE_S = 0.02
REQUEST_TIMEOUT_S = 120.0
FLOOD_CLIENTS = 12
DESKTOP_ATTEMPTS = 4
PUNCTUATION_BYTES = 28_000
HEADING_BYTES = 560_000
HUGE_HEADING_BYTES = 1_700_000


def punctuation_script() -> str:
    """An action line of 28 KB of punctuation: no letter, no space."""
    return "Action.\n\n" + ",;-" * (PUNCTUATION_BYTES // 3) + "\n"


def heading_script(size: int = HEADING_BYTES) -> str:
    """``size`` bytes of ``INT. A - DAY`` scene headings, one after another."""
    return "INT. A - DAY\n\n" * (size // 14)


@dataclass(slots=True)
class Timings:
    """Latencies in ms and answers of one kind of request."""

    latencies_ms: list[float] = field(default_factory=list)
    answers: Counter[str] = field(default_factory=Counter)

    def add(self, started: float, answer: str) -> None:
        self.latencies_ms.append((time.perf_counter() - started) * 1000)
        self.answers[answer] += 1

    def summary(self) -> str:
        if not self.latencies_ms:
            return f"{'-':>8} {'-':>8} {'-':>8}  {self._answers()}"
        ordered = sorted(self.latencies_ms)
        p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
        return (
            f"{statistics.median(ordered):>8.1f} {p99:>8.1f} {ordered[-1]:>8.1f}  {self._answers()}"
        )

    def _answers(self) -> str:
        return ", ".join(f"{count} {answer}" for answer, count in sorted(self.answers.items()))


class Client:
    """A keep-alive connection that reopens itself when the server closes it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.connection: _Connection | None = None

    async def call(self, head: bytes, body: bytes = b"") -> tuple[str, bytes]:
        """The answer (status code, or why there was none) and the reply body."""
        try:
            if self.connection is None:
                self.connection = await _Connection.open(self.url)
            status, reply = await asyncio.wait_for(
                self.connection.call(head, body), REQUEST_TIMEOUT_S
            )
            return str(status), reply
        except (OSError, asyncio.IncompleteReadError, TimeoutError) as exc:
            await self.close()
            return f"no answer ({type(exc).__name__})", b""

    async def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(Exception):
                await self.connection.close()
            self.connection = None


async def _clients(url: str, count: int, token: str) -> list[Client]:
    """``count`` connections opened one at a time, each used once (so both workers get some)."""
    clients = []
    for _ in range(count):
        client = Client(url)
        await client.call(_head("GET", "/api/auth/me", token))
        clients.append(client)
    return clients


def _push_body(ops: list[dict[str, Any]]) -> bytes:
    return json.dumps({"deviceId": f"bench-{uuid.uuid4()}", "ops": ops}).encode()


def _submission(text: str) -> dict[str, Any]:
    from vividverse_desktop.core.wire import Op, ScriptSubmission

    return Op.of(ScriptSubmission.of("Pathological", text)).to_json()


async def _until(deadline: float, step: Callable[[], Awaitable[None]]) -> None:
    while time.perf_counter() < deadline:
        await step()


async def stall_phase(
    url: str, tokens: dict[str, str], template: dict[str, Any], text: str | None, args: Any
) -> tuple[Timings, Timings, Timings]:
    """Ordinary reads and score pushes (and the pathological pushes) during one phase."""
    reads, writes, bad = Timings(), Timings(), Timings()
    ordinary = await _clients(url, args.ordinary, tokens["validator"])
    pushers = await _clients(url, args.pushers, tokens["writer"]) if text else []
    deadline = time.perf_counter() + args.seconds
    read_head = _head("GET", "/api/auth/me", tokens["validator"])

    def ordinary_step(client: Client) -> Callable[[], Awaitable[None]]:
        async def step() -> None:
            started = time.perf_counter()
            status, _ = await client.call(read_head)
            reads.add(started, status)
            await asyncio.sleep(PAUSE_S)
            body = _push_body([_score_op(template)])
            started = time.perf_counter()
            status, reply = await client.call(
                _head("POST", "/api/sync/push", tokens["validator"], len(body)), body
            )
            writes.add(started, _outcome(status, reply))
            await asyncio.sleep(PAUSE_S)

        return step

    def pusher_step(client: Client) -> Callable[[], Awaitable[None]]:
        async def step() -> None:
            assert text is not None
            body = _push_body([_submission(text)])
            started = time.perf_counter()
            status, reply = await client.call(
                _head("POST", "/api/sync/push", tokens["writer"], len(body)), body
            )
            bad.add(started, _outcome(status, reply))

        return step

    ordinary_runs = [_until(deadline, ordinary_step(c)) for c in ordinary]
    # The pushers stop with the phase: their last push is still timed, to its answer.
    await asyncio.gather(*ordinary_runs, *(_until(deadline, pusher_step(c)) for c in pushers))
    for client in [*ordinary, *pushers]:
        await client.close()
    return reads, writes, bad


def _refusal(status: str, reply: bytes) -> str:
    """``429 too_many_attempts``: a status with the error code of a refusal."""
    if status.startswith("2"):
        return status
    try:
        return f"{status} {json.loads(reply).get('error', '')}".strip()
    except ValueError:
        return status


def _outcome(status: str, reply: bytes) -> str:
    """``200 accepted`` / ``200 invalid: <reason>``: a push's status and its first op's outcome."""
    if status != "200":
        return _refusal(status, reply)
    result = json.loads(reply)["results"][0]
    message = result.get("message") or ""
    return f"200 {result['outcome']}" + (f": {message[:70]}" if message else "")


async def login_phase(
    url: str, flood: str | None, seconds: float
) -> tuple[Timings, Timings, Timings]:
    """The real user's login attempts, their sign-ins as the desktop client makes them
    (up to 4 tries, waiting out a 429's Retry-After), and the flood's attempts
    (``wrong``/``right`` passwords, or no flood)."""
    user, desk, flooded = Timings(), Timings(), Timings()
    deadline = time.perf_counter() + seconds
    client = Client(url)

    async def sign_in() -> None:
        body = json.dumps({"username": "rita", "password": PASSWORD}).encode()
        began = time.perf_counter()
        for attempt in range(1, DESKTOP_ATTEMPTS + 1):
            started = time.perf_counter()
            status, reply = await client.call(_head("POST", "/api/auth/login", "", len(body)), body)
            user.add(started, _refusal(status, reply))
            if status != "429" or attempt == DESKTOP_ATTEMPTS:
                break
            await asyncio.sleep(1.0)  # the server's Retry-After
        desk.add(began, f"{status} after {attempt} tries" if status == "200" else "gave up")
        await asyncio.sleep(0.3)

    def flood_step(flooder: Client, n: int) -> Callable[[], Awaitable[None]]:
        # Right passwords: 12 accounts signing in; wrong ones: guesses at 12 other names.
        name, password = (f"flood{n}", PASSWORD) if flood == "right" else (f"guess{n}", "wrong1234")
        body = json.dumps({"username": name, "password": password}).encode()

        async def step() -> None:
            started = time.perf_counter()
            status, reply = await flooder.call(
                _head("POST", "/api/auth/login", "", len(body)), body
            )
            flooded.add(started, _refusal(status, reply))

        return step

    flooders = [Client(url) for _ in range(FLOOD_CLIENTS if flood else 0)]
    await asyncio.gather(
        _until(deadline, sign_in),
        *(_until(deadline, flood_step(f, n)) for n, f in enumerate(flooders)),
    )
    for one in [client, *flooders]:
        await one.close()
    return user, desk, flooded


def _register(url: str, usernames: list[str]) -> None:
    import httpx

    with httpx.Client(base_url=url, timeout=60) as http:
        for username in usernames:
            answer = http.post(
                "/api/auth/register",
                json={"username": username, "password": PASSWORD, "role": "writer"},
            )
            answer.raise_for_status()
        http.post("/api/auth/login", json={"username": "rita", "password": PASSWORD})


def _writer_token(url: str) -> str:
    import httpx

    answer = httpx.post(
        f"{url}/api/auth/login", json={"username": "vera-writer", "password": PASSWORD}
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def _load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    """Print the stall and login figures; 0 unless the server could not be started."""
    parser = argparse.ArgumentParser(prog="python -m bench.server_stall", description=__doc__)
    parser.add_argument("--code", type=Path, default=None, help="checkout the server runs from")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument("--ordinary", type=int, default=4)
    parser.add_argument("--pushers", type=int, default=2)
    parser.add_argument("--skip-login", action="store_true")
    parser.add_argument("--skip-stall", action="store_true")
    parser.add_argument(
        "--setting", action="append", default=[], metavar="NAME=VALUE", help="server setting"
    )
    args = parser.parse_args(argv)
    settings = dict(item.split("=", 1) for item in args.setting)
    code = args.code.resolve() if args.code else Path(__file__).resolve().parent.parent
    print(
        f"server code {code} ({_commit(code)}); --workers {args.workers} on 127.0.0.1, SQLite; "
        f"{os.cpu_count()} cores; {args.seconds:.0f} s a phase; settings {settings or 'default'}"
    )
    if not args.skip_stall:
        _stall(code, settings, args)
    if not args.skip_login:
        _login(code, settings, args)
    return 0


def _stall(code: Path, settings: dict[str, str], args: Any) -> None:
    print(
        f"\nstall: {args.ordinary} ordinary connections (GET /api/auth/me, push of 1 score, "
        f"{PAUSE_S * 1000:.0f} ms pauses); {args.pushers} pathological pushers"
    )
    print(f"{'phase':<24} {'request':<18} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  answers")
    with contextlib.ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="vv-bench-stall-"))
        url, _pid = stack.enter_context(
            _uvicorn(Path(tmp) / "server", args.workers, code, **settings)
        )
        token, template = _prepare(url)
        tokens = {"validator": token, "writer": _writer_token(url)}
        phases = (
            ("quiet", None),
            (f"{PUNCTUATION_BYTES // 1000} KB punctuation", punctuation_script()),
            (f"{HEADING_BYTES // 1000} KB headings", heading_script()),
            (f"{HUGE_HEADING_BYTES / 1e6:.1f} MB headings", heading_script(HUGE_HEADING_BYTES)),
        )
        for name, text in phases:
            reads, writes, bad = asyncio.run(stall_phase(url, tokens, template, text, args))
            print(f"{name:<24} {'GET /api/auth/me':<18} {reads.summary()}")
            print(f"{'':<24} {'push of 1 score':<18} {writes.summary()}")
            if text:
                print(f"{'':<24} {'pathological push':<18} {bad.summary()}")
            print(f"{'':<24} ({_load()})", flush=True)


def _login(code: Path, settings: dict[str, str], args: Any) -> None:
    print(f"\nlogin: bcrypt 12 rounds; the user signs in every 0.3 s; {FLOOD_CLIENTS} flooders")
    print(f"{'phase':<24} {'who':<18} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  answers")
    with tempfile.TemporaryDirectory(prefix="vv-bench-login-") as tmp:
        login_settings = {"VIVIDVERSE_BCRYPT_ROUNDS": "12", **settings}
        with _uvicorn(Path(tmp) / "server", args.workers, code, **login_settings) as (url, _pid):
            _register(url, ["rita", *(f"flood{n}" for n in range(FLOOD_CLIENTS))])
            # Right passwords first: the wrong ones spend the address's budget for the window.
            for flood in (None, "right", "wrong"):
                name = f"flood, {flood} passwords" if flood else "quiet"
                user, desk, flooded = asyncio.run(login_phase(url, flood, args.seconds))
                print(f"{name:<24} {'user: attempts':<18} {user.summary()}")
                print(f"{'':<24} {'user: sign-ins':<18} {desk.summary()}")
                if flood:
                    rate = len(flooded.latencies_ms) / args.seconds
                    print(f"{'':<24} {f'flood {rate:.0f}/s':<18} {flooded.summary()}")
                print(f"{'':<24} ({_load()})", flush=True)


def _commit(code: Path) -> str:
    import subprocess

    try:
        return subprocess.run(
            ["git", "-C", str(code), "log", "-1", "--format=%h %s"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()[:60]
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"


if __name__ == "__main__":
    raise SystemExit(main())
