"""Scripts are read in reader processes with a time limit: a slow text delays only itself."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import Future
from pathlib import Path

import httpx
import pytest

from sync_server.app import create_app
from sync_server.screenplays import measure
from sync_server.script_readers import ReadersBusy, ReadTimeout, ScriptReaders
from tests.sync.process import free_port, served, server_environment
from tests.sync_server.conftest import (
    PASSWORD,
    SAMPLE_SCRIPT,
    bearer,
    make_settings,
    signed_in,
)
from vividverse_desktop.core.screenplay.errors import ScreenplayError
from vividverse_desktop.core.wire import Op, ScriptSubmission

HUGE = "INT. A - DAY\n\n" * 120_000
"""1.7 MB of headings: seconds of parsing, far more than the limits below."""


@pytest.fixture
async def readers() -> AsyncIterator[ScriptReaders]:
    made = ScriptReaders(workers=1, seconds=0.2)
    yield made
    made.close()


@pytest.mark.anyio
async def test_a_reader_measures_as_the_server_process_would(readers: ScriptReaders) -> None:
    assert await readers.measure(SAMPLE_SCRIPT) == measure(SAMPLE_SCRIPT)


@pytest.mark.anyio
async def test_an_unreadable_text_is_reported_with_its_line(readers: ScriptReaders) -> None:
    with pytest.raises(ScreenplayError) as raised:
        await readers.measure("INT. A - DAY\n\nfine\n\x00")
    assert raised.value.line == 4
    assert await readers.measure(SAMPLE_SCRIPT) == measure(SAMPLE_SCRIPT)


@pytest.mark.anyio
async def test_a_text_over_the_limit_is_stopped_and_its_reader_replaced(
    readers: ScriptReaders,
) -> None:
    await readers.measure(SAMPLE_SCRIPT)
    first = readers._idle[0].process
    with pytest.raises(ReadTimeout, match=r"took longer than 0\.2 s"):
        await readers.measure(HUGE)
    assert not first.is_alive()
    assert await readers.measure(SAMPLE_SCRIPT) == measure(SAMPLE_SCRIPT)
    assert readers._idle[0].process is not first


@pytest.mark.anyio
async def test_no_free_reader_within_the_limit_is_busy(readers: ScriptReaders) -> None:
    readers._running = readers.workers  # every reader taken
    with pytest.raises(ReadersBusy):
        await readers.measure(SAMPLE_SCRIPT)


@pytest.mark.anyio
async def test_rest_submission_and_revision_over_the_limit_are_422_with_the_reason(
    tmp_path: Path,
) -> None:
    app = create_app(make_settings(tmp_path, parse_seconds=0.2))
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            writer = bearer((await signed_in(http, "wren"))["access_token"])
            submitted = await http.post(
                "/api/scripts", json={"title": "Huge", "content": HUGE}, headers=writer
            )
            assert submitted.status_code == 422
            assert submitted.json()["detail"][0]["field"] == "content"
            assert "took longer than 0.2 s" in submitted.json()["detail"][0]["message"]
            small = await http.post(
                "/api/scripts",
                json={"title": "Small", "fountain_text": SAMPLE_SCRIPT},
                headers=writer,
            )
            assert small.status_code == 201
            revised = await http.post(
                f"/api/scripts/{small.json()['id']}/versions",
                json={"fountain_text": HUGE},
                headers=writer,
            )
            assert revised.status_code == 422
            assert "took longer than 0.2 s" in revised.json()["detail"][0]["message"]
            app.state.context.readers._running = 1  # the one reader is taken
            busy = await http.post(
                "/api/scripts",
                json={"title": "Wait", "fountain_text": SAMPLE_SCRIPT},
                headers=writer,
            )
            assert busy.status_code == 503
            assert busy.headers["Retry-After"] == "5"
    finally:
        app.state.context.readers.close()
        app.state.context.database.dispose()


# --- the real server on loopback -------------------------------------------------------


@pytest.fixture
def slow_limit_server(tmp_path: Path) -> Iterator[str]:
    """``python -m sync_server`` (one process) with two readers and a 1 s limit."""
    port = free_port()
    env = server_environment(
        tmp_path,
        VIVIDVERSE_JWT_SECRET="r" * 48,
        VIVIDVERSE_PARSE_SECONDS="1",
        VIVIDVERSE_PARSE_WORKERS="2",
    )
    command = [sys.executable, "-m", "sync_server", "--port", str(port), "--log-level", "warning"]
    with served(command, env, port) as url:
        yield url


def _push(http: httpx.Client, token: str, text: str) -> dict[str, object]:
    op = Op.of(ScriptSubmission.of("Pushed", text)).to_json()
    answer = http.post(
        "/api/sync/push", json={"deviceId": "d1", "ops": [op]}, headers=bearer(token), timeout=60
    )
    assert answer.status_code == 200, answer.text
    result: dict[str, object] = answer.json()["results"][0]
    return result


def test_a_huge_push_is_refused_at_the_limit_while_other_requests_are_answered(
    slow_limit_server: str,
) -> None:
    with httpx.Client(base_url=slow_limit_server, timeout=30) as http:
        for name in ("wren", "ola"):
            registered = http.post(
                "/api/auth/register", json={"username": name, "password": PASSWORD}
            )
            assert registered.status_code == 201
        tokens = {
            name: http.post(
                "/api/auth/login", json={"username": name, "password": PASSWORD}
            ).json()["access_token"]
            for name in ("wren", "ola")
        }
    huge: Future[dict[str, object]] = Future()
    body = json.dumps(
        {"deviceId": "d2", "ops": [Op.of(ScriptSubmission.of("Huge", HUGE)).to_json()]}
    )

    def push_huge() -> None:
        with httpx.Client(base_url=slow_limit_server, timeout=60) as http:
            answer = http.post(
                "/api/sync/push",
                content=body,
                headers={**bearer(tokens["wren"]), "Content-Type": "application/json"},
            )
            huge.set_result(answer.json()["results"][0])

    pusher = threading.Thread(target=push_huge)
    with httpx.Client(base_url=slow_limit_server, timeout=30) as other:
        pusher.start()
        answered_meanwhile = 0
        accepted_meanwhile = False
        while not huge.done():
            me = other.get("/api/auth/me", headers=bearer(tokens["ola"]))
            if me.status_code == 200 and not huge.done():
                answered_meanwhile += 1
            if not accepted_meanwhile:
                outcome = _push(other, tokens["ola"], SAMPLE_SCRIPT)["outcome"]
                accepted_meanwhile = outcome == "accepted" and not huge.done()
        pusher.join()
        refused = huge.result()
        assert refused["outcome"] == "invalid"
        assert refused["message"] == (
            "fountainText: reading this script took longer than 1 s; it was stopped"
        )
        assert answered_meanwhile >= 3
        assert accepted_meanwhile
        assert _push(other, tokens["wren"], SAMPLE_SCRIPT)["outcome"] == "accepted"
