"""Client mistakes are 4xx with a reason, never a 500 nor a traceback in the server log."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import httpx
import pytest

from sync_server import push as push_module
from tests.sync_server.conftest import bearer, signed_in
from tests.sync_server.test_sync import _device, _submitted, score
from vividverse_desktop.core.wire import Op, PushRequest, ScriptMetadata

pytestmark = pytest.mark.anyio

JSON = {"content-type": "application/json"}
LONE_KEY = '"\\ud800x"'
"""A JSON object key that is half a UTF-16 pair: no character, and no database stores it."""


@pytest.fixture
def server_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """The server's log; the test fails if it holds an error or a traceback."""
    caplog.set_level(logging.INFO)
    yield caplog
    bad = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert bad == [], [r.getMessage() for r in bad]


def _with_lone_key(body: dict[str, object], path: tuple[str | int, ...] = ()) -> bytes:
    """``body`` as JSON with one more key, a lone surrogate, in the object at ``path``."""
    target: object = body
    for step in path:
        target = target[step]  # type: ignore[index]
    assert isinstance(target, dict)
    target["MARK"] = 1
    return json.dumps(body).replace('"MARK"', LONE_KEY).encode()


async def test_a_lone_surrogate_in_a_key_is_400_on_every_json_route(
    client: httpx.AsyncClient, server_log: pytest.LogCaptureFixture
) -> None:
    """Login (no token), register, validations, the push envelope, a metadata op's payload
    and a score's criteria: each answers 400, naming no key it cannot encode."""
    assert (
        await client.post("/api/auth/login", content=_with_lone_key({}), headers=JSON)
    ).status_code == 400
    register: dict[str, object] = {"username": "newbie", "password": "long enough pass"}
    response = await client.post(
        "/api/auth/register", content=_with_lone_key(register), headers=JSON
    )
    assert response.status_code == 400
    writer = await _device(client, "ada")
    submission = await _submitted(writer)
    validator = await _device(client, "val1", "validator")
    event = score(validator, submission.version_id).to_json()
    for body, path, headers in [
        (dict(event), ("criteria",), validator.headers),
        (
            PushRequest("d", (Op.of(score(validator, submission.version_id)),)).to_json(),
            (),
            validator.headers,
        ),
        (
            PushRequest("d", (Op.of(ScriptMetadata(submission.script_id, 1, "New")),)).to_json(),
            ("ops", 0, "payload"),
            writer.headers,
        ),
    ]:
        route = "/api/sync/push" if "ops" in body else "/api/validations"
        response = await client.post(
            route, content=_with_lone_key(body, path), headers={**JSON, **headers}
        )
        assert response.status_code == 400, (route, response.text)
        assert response.json()["error"] == "invalid_json"


@pytest.mark.parametrize("stamp", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
async def test_a_time_outside_utc_years_1_to_9999_is_422_naming_the_field(
    client: httpx.AsyncClient, server_log: pytest.LogCaptureFixture, stamp: str
) -> None:
    """A createdAt that leaves datetime's range once moved to UTC: 422 on REST, invalid by push."""
    submission = await _submitted(await _device(client, "ada"))
    validator = await _device(client, "val1", "validator")
    event = {**score(validator, submission.version_id).to_json(), "createdAt": stamp}
    response = await client.post("/api/validations", json=event, headers=validator.headers)
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["detail"]] == ["createdAt"]
    good = Op.of(score(validator, submission.version_id)).to_json()
    in_op = {**Op.of(score(validator, submission.version_id)).to_json(), "createdAt": stamp}
    in_payload = Op.of(score(validator, submission.version_id)).to_json()
    in_payload["payload"]["createdAt"] = stamp
    response = await client.post(
        "/api/sync/push",
        json={"deviceId": "d", "ops": [in_op, good, in_payload]},
        headers=validator.headers,
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["outcome"] for r in results] == ["invalid", "accepted", "invalid"]
    assert "ops[0].createdAt" in results[0]["message"]
    assert "ops[2].payload.createdAt" in results[2]["message"]


async def test_an_op_the_server_fails_on_is_refused_alone(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A server fault on one op (injected here) refuses that op; the ops beside it apply."""
    submission = await _submitted(await _device(client, "ada"))
    validator = await _device(client, "val1", "validator")
    ops = [Op.of(score(validator, submission.version_id, n)) for n in (3, 4, 5)]
    real = push_module.apply_op

    def faulty(batch: object, op: Op) -> object:
        if op.op_id == ops[1].op_id:
            raise RuntimeError("injected fault")
        return real(batch, op)  # type: ignore[arg-type]

    monkeypatch.setattr(push_module, "apply_op", faulty)
    results = (await validator.push(*ops)).results
    assert [r.outcome.value for r in results] == ["accepted", "invalid", "accepted"]
    assert "logged" in results[1].message
    monkeypatch.setattr(push_module, "apply_op", real)
    again = (await validator.push(*ops)).results
    assert [r.outcome.value for r in again] == ["duplicate", "accepted", "duplicate"]


@pytest.mark.parametrize("query", ["since=１２", "since=٣", "limit=１", "since=+1", "since=1_0"])
async def test_query_integers_are_ascii_digits_only(
    client: httpx.AsyncClient, server_log: pytest.LogCaptureFixture, query: str
) -> None:
    """Full-width or Arabic-Indic digits, signs and underscores in a query integer: 422."""
    tokens = await signed_in(client, "ada")
    response = await client.get(f"/api/sync/pull?{query}", headers=bearer(tokens["access_token"]))
    assert response.status_code == 422


async def test_paging_integers_are_ascii_digits_only(
    client: httpx.AsyncClient, server_log: pytest.LogCaptureFixture
) -> None:
    """offset=１ on a paged list is 422 as well."""
    tokens = await signed_in(client, "ada")
    response = await client.get("/api/scripts?offset=１", headers=bearer(tokens["access_token"]))
    assert response.status_code == 422
