"""Schemathesis against the app's own OpenAPI document: generated requests never get a 500.

Needs the ``schemathesis`` dev dependency; skipped where it is not installed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from starlette.applications import Starlette  # noqa: E402

from sync_server import accounts  # noqa: E402
from sync_server.app import create_app  # noqa: E402
from tests.sync_server.conftest import ADMIN, make_settings  # noqa: E402
from vividverse_desktop.core.workflow import Role  # noqa: E402

EXAMPLES_PER_OPERATION = 40


@pytest.fixture
def fuzzed_app(tmp_path: Path, database_url: str) -> Iterator[Starlette]:
    app = create_app(make_settings(tmp_path, database_url=database_url, login_max_failures=10_000))
    yield app
    app.state.context.database.dispose()


VALIDATOR_ROUTES = {
    ("POST", "/api/validations"),
    ("POST", "/api/sync/push"),
    ("GET", "/api/sync/pull"),
}
"""Operations fuzzed a second time as a validator, who gets past their role checks."""


def _validator_header(app: Starlette) -> dict[str, str]:
    """A validator access token minted by the app for a new validator account."""
    context = app.state.context
    with context.database.transaction() as session:
        account = accounts.create_account(session, "fuzz_validator", "F", Role.VALIDATOR, "x")
    token = context.tokens.access_token(account.id, account.token_version, account.role)
    return {"Authorization": f"Bearer {token}"}


def _admin_header(app: Starlette) -> dict[str, str]:
    """An admin access token minted by the app itself (as a login would)."""
    context = app.state.context
    with context.database.snapshot() as session:
        found = accounts.credentials_by_username(session, ADMIN)
    assert found is not None
    account = found.account
    token = context.tokens.access_token(account.id, account.token_version, account.role)
    return {"Authorization": f"Bearer {token}"}


def _fuzz(operation: Any, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def call(case: Any) -> None:
        case.call_and_validate(checks=[not_a_server_error], headers=headers)

    call()


@pytest.mark.slow
def test_generated_requests_never_get_a_server_error(
    fuzzed_app: Starlette, caplog: pytest.LogCaptureFixture
) -> None:
    """Every operation, fed generated requests as an admin, answers each one below 500,
    and the server logs no error and no traceback for any of them."""
    caplog.set_level(logging.WARNING)
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzzed_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:
        # A generated password reset may end the admin's session: mint a fresh token.
        _fuzz(operation, _admin_header(fuzzed_app))
    validator = _validator_header(fuzzed_app)
    chosen = [op for op in operations if (op.method.upper(), op.path) in VALIDATOR_ROUTES]
    assert len(chosen) == len(VALIDATOR_ROUTES)
    for operation in chosen:
        _fuzz(operation, validator)
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert logged == [], [r.getMessage() for r in logged]
