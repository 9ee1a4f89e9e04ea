"""Bad input never gives a 500: oversized, malformed and mistyped bodies are clear 4xx."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sync_server.app import create_app
from tests.sync_server.conftest import bearer, make_settings, signed_in

pytestmark = pytest.mark.anyio

LOGIN = "/api/auth/login"


async def _post_raw(client: httpx.AsyncClient, body: bytes) -> httpx.Response:
    return await client.post(LOGIN, content=body, headers={"Content-Type": "application/json"})


def _assert_error_shape(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "detail"}
    assert body["error"]


async def test_declared_oversized_body_is_413(client: httpx.AsyncClient) -> None:
    """A Content-Length over the limit is 413 with the JSON error shape."""
    response = await _post_raw(client, b" " * (2 * 1024 * 1024 + 1))
    _assert_error_shape(response, 413)
    assert response.json()["error"] == "body_too_large"


async def test_streamed_oversized_body_is_413(tmp_path: Path) -> None:
    """A chunked body without Content-Length is counted as it streams and cut off at 413."""
    app = create_app(make_settings(tmp_path, max_body_bytes=1000))
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(100):
            sent += 100
            yield b"{" + b" " * 98 + b"}"

    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            response = await client.post(LOGIN, content=chunks())
        _assert_error_shape(response, 413)
        assert "content-length" not in response.request.headers
        assert sent < 100 * 100, "the whole body was read before refusing it"
    finally:
        app.state.context.database.dispose()


async def test_body_at_the_limit_is_read(tmp_path: Path) -> None:
    """A body of exactly the limit is not a 413 (it reaches validation)."""
    app = create_app(make_settings(tmp_path, max_body_bytes=64))
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            body = b'{"username": "abc", "password": "x"}'.ljust(64)
            response = await _post_raw(client, body)
        assert response.status_code == 401
    finally:
        app.state.context.database.dispose()


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"",
        b"[1, 2, 3]",
        b'"a string"',
        b"\xff\xfe\x00garbage",
        b'{"username": NaN}',
        b"[" * 100_000 + b"]" * 100_000,
        b'{"username": ' + b"9" * 5000 + b"}",
    ],
    ids=["broken", "empty", "array", "string", "not-utf8", "nan", "deep-nesting", "huge-int"],
)
async def test_malformed_json_is_400(client: httpx.AsyncClient, body: bytes) -> None:
    """Bodies that are not one JSON object are 400 invalid_json."""
    response = await _post_raw(client, body)
    _assert_error_shape(response, 400)
    assert response.json()["error"] == "invalid_json"


async def test_wrong_types_are_422_per_field(client: httpx.AsyncClient) -> None:
    """Every mistyped field is named in the 422 detail."""
    response = await client.post(LOGIN, json={"username": 42, "password": ["a"]})
    _assert_error_shape(response, 422)
    fields = {problem["field"] for problem in response.json()["detail"]}
    assert fields == {"username", "password"}


async def test_unknown_fields_are_422(client: httpx.AsyncClient) -> None:
    """A field the route does not know is refused, not ignored."""
    response = await client.post(
        "/api/auth/register",
        json={"username": "ann", "password": "long enough", "role": "writer", "is_admin": True},
    )
    _assert_error_shape(response, 422)
    assert response.json()["detail"] == [{"field": "is_admin", "message": "unknown field"}]


async def test_missing_fields_are_422(client: httpx.AsyncClient) -> None:
    """A missing required field is named."""
    response = await client.post("/api/auth/register", json={"username": "ann"})
    _assert_error_shape(response, 422)
    fields = {problem["field"] for problem in response.json()["detail"]}
    assert fields == {"password"}  # no role makes a writer


async def test_huge_strings_are_422(client: httpx.AsyncClient) -> None:
    """A 1 MB display name is refused with its length limit."""
    response = await client.post(
        "/api/auth/register",
        json={
            "username": "ann",
            "password": "long enough",
            "role": "writer",
            "display_name": "n" * 1_000_000,
        },
    )
    _assert_error_shape(response, 422)
    assert "at most 128" in response.json()["detail"][0]["message"]


async def test_boolean_is_not_an_integer_or_string(client: httpx.AsyncClient) -> None:
    """JSON true is not accepted where a string is expected."""
    response = await client.post(LOGIN, json={"username": True, "password": "x"})
    _assert_error_shape(response, 422)


async def test_unknown_route_and_wrong_method_are_json(client: httpx.AsyncClient) -> None:
    """404 (signed in) and 405 use the same JSON error shape."""
    tokens = await signed_in(client, "ann")
    headers = bearer(tokens["access_token"])
    _assert_error_shape(await client.get("/api/nothing-here", headers=headers), 404)
    _assert_error_shape(await client.get(LOGIN), 405)


async def test_unexpected_errors_are_a_json_500_without_internals(tmp_path: Path) -> None:
    """A bug in a route is answered by the catch-all: JSON 500 that reveals nothing."""

    async def broken(_request: Request) -> Response:
        raise RuntimeError("secret internal detail")

    app = create_app(make_settings(tmp_path))
    app.router.routes.append(Route("/api/broken", broken))
    try:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            response = await client.get("/api/broken")
        _assert_error_shape(response, 500)
        assert "secret internal detail" not in response.text
    finally:
        app.state.context.database.dispose()


async def test_null_is_not_a_missing_field(client: httpx.AsyncClient) -> None:
    """An optional field sent as null is a type error, not silently dropped."""
    response = await client.post(
        "/api/auth/register",
        json={"username": "ann", "password": "long enough", "role": "writer", "display_name": None},
    )
    _assert_error_shape(response, 422)
    assert response.json()["detail"] == [{"field": "display_name", "message": "must be a string"}]
