"""Every route of this slice against every role (and no token): the expected status."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

from tests.sync_server.conftest import PASSWORD, admin_tokens, bearer, signed_in
from vividverse_desktop.core.scoring import DEFAULT_RUBRIC

pytestmark = pytest.mark.anyio

ROLES = ("anonymous", "writer", "validator", "editor", "reviewer", "admin")
SCRIPT = "INT. ROOM - DAY\n\nA chair.\n"
SCORES = dict.fromkeys(DEFAULT_RUBRIC.names, 6)

# route -> expected status for each of ROLES, in order
MATRIX: dict[tuple[str, str], tuple[int, ...]] = {
    ("GET", "/api/health"): (200, 200, 200, 200, 200, 200),
    ("GET", "/api/auth/me"): (401, 200, 200, 200, 200, 200),
    ("GET", "/api/users"): (401, 403, 403, 403, 403, 200),
    ("GET", "/api/users/{target}"): (401, 403, 403, 403, 403, 200),
    ("PUT", "/api/users/{target}/role"): (401, 403, 403, 403, 403, 200),
    ("PUT", "/api/users/{target}/roles"): (401, 403, 403, 403, 403, 200),
    ("POST", "/api/users/{target}/disable"): (401, 403, 403, 403, 403, 200),
    ("POST", "/api/users/{target}/enable"): (401, 403, 403, 403, 403, 200),
    ("POST", "/api/users/{target}/password"): (401, 403, 403, 403, 403, 200),
    ("POST", "/api/scripts"): (401, 201, 403, 403, 403, 201),
    ("GET", "/api/scripts"): (401, 200, 200, 200, 200, 200),
    ("POST", "/api/validations"): (401, 403, 201, 403, 403, 403),
    ("GET", "/api/scripts/{script}/score"): (401, 200, 403, 200, 200, 200),
    ("GET", "/api/scripts/{script}/versions"): (401, 200, 403, 200, 200, 200),
    ("POST", "/api/scripts/{script}/versions"): (401, 201, 403, 403, 403, 201),
    ("GET", "/api/leaderboard"): (401, 403, 403, 200, 403, 200),
    ("POST", "/api/sync/push"): (401, 200, 200, 200, 200, 200),
    ("GET", "/api/sync/pull"): (401, 200, 200, 200, 200, 200),
    ("POST", "/api/movies/generate"): (401, 403, 403, 409, 403, 409),
    ("PUT", "/api/movies/{movie}/progress"): (401, 403, 403, 404, 403, 404),
    ("POST", "/api/movies/{movie}/decision"): (401, 403, 403, 403, 404, 404),
    ("GET", "/api/movies/{movie}/notes"): (401, 403, 403, 404, 404, 404),
    ("POST", "/api/movies/{movie}/notes"): (401, 403, 403, 404, 404, 404),
    ("PUT", "/api/scripts/{script}/source"): (401, 415, 403, 403, 403, 415),
    ("GET", "/api/scripts/{script}/source"): (401, 404, 200, 404, 404, 404),
    ("PUT", "/api/movies/{movie}/video"): (401, 403, 403, 404, 403, 404),
    ("GET", "/api/movies/{movie}/video-url"): (401, 403, 403, 404, 404, 404),
}

BODIES: dict[tuple[str, str], dict[str, object]] = {
    ("POST", "/api/validations"): {"scriptId": "{script}", "scores": SCORES},
    ("POST", "/api/sync/push"): {"deviceId": "matrix", "ops": []},
    ("POST", "/api/scripts/{script}/versions"): {"fountain_text": SCRIPT + "More.\n"},
    ("POST", "/api/movies/generate"): {"scriptId": "{script}"},
    ("PUT", "/api/movies/{movie}/progress"): {"status": "rendering", "progress": 0.5},
    ("POST", "/api/movies/{movie}/decision"): {"decision": "approved"},
    ("POST", "/api/movies/{movie}/notes"): {
        "frame": 1,
        "fps": 24,
        "timecode": "00:00:00:01",
        "text": "note",
    },
    ("PUT", "/api/users/{target}/role"): {"role": "validator"},
    ("PUT", "/api/users/{target}/roles"): {"roles": ["validator", "writer"]},
    ("POST", "/api/users/{target}/password"): {"password": "a new password"},
    ("POST", "/api/scripts"): {"title": "Matrix", "fountain_text": SCRIPT},
}


async def _headers_by_role(client: httpx.AsyncClient) -> dict[str, dict[str, str]]:
    admin = bearer((await admin_tokens(client))["access_token"])
    headers = {"anonymous": {}, "admin": admin}
    for role in ("writer", "validator"):
        headers[role] = bearer((await signed_in(client, f"the_{role}", role))["access_token"])
    for role in ("editor", "reviewer"):
        created = await client.post(
            "/api/auth/register",
            json={"username": f"the_{role}", "password": PASSWORD, "role": role},
            headers=admin,
        )
        assert created.status_code == 201
        login = await client.post(
            "/api/auth/login", json={"username": f"the_{role}", "password": PASSWORD}
        )
        headers[role] = bearer(login.json()["access_token"])
    return headers


async def test_role_by_route_matrix(client: httpx.AsyncClient) -> None:
    """Each role gets exactly the expected status from each route."""
    headers = await _headers_by_role(client)
    target = (await signed_in(client, "target_user"))["user"]["id"]  # type: ignore[index]
    created = await client.post(
        "/api/scripts", json={"title": "Matrix", "fountain_text": SCRIPT}, headers=headers["writer"]
    )
    names = {"target": target, "script": created.json()["id"], "movie": str(uuid.uuid4())}
    mismatches = []
    for (method, template), expected in MATRIX.items():
        path = template.format(**names)
        body = BODIES.get((method, template))
        if body is not None:
            body = {k: v.format(**names) if isinstance(v, str) else v for k, v in body.items()}
        for role, status in zip(ROLES, expected, strict=True):
            response = await client.request(method, path, json=body, headers=headers[role])
            if response.status_code != status:
                mismatches.append((method, template, role, status, response.status_code))
    assert mismatches == []


async def test_matrix_covers_every_authenticated_route(client: httpx.AsyncClient) -> None:
    """Each route the OpenAPI document marks as needing a token is in the matrix."""
    document = (await client.get("/openapi.json")).json()
    documented = {
        (method.upper(), re.sub(r"\{\w+\}", "{}", path))
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if operation["security"]
    }
    walked = {(method, re.sub(r"\{\w+\}", "{}", path)) for method, path in MATRIX}
    assert documented - walked == set()
