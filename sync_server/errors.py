"""Errors as JSON: every failure is ``{"error": code, "detail": ...}`` with a fitting status.

Routes raise :class:`ApiError`; Starlette's own HTTP errors (404, 405) and anything
unexpected are turned into the same shape by the handlers here, so no client ever
has to parse an HTML or plain-text error page.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

log = logging.getLogger(__name__)

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "invalid_body",
    429: "too_many_requests",
}


class ApiError(Exception):
    """A failure to report to the client: HTTP ``status``, a stable ``error`` code,
    and a ``detail`` a person can act on (a sentence, or a list of field problems)."""

    def __init__(
        self,
        status: int,
        error: str,
        detail: Any = None,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {error}: {detail}")
        self.status = status
        self.error = error
        self.detail = detail
        self.headers = dict(headers or {})


def error_response(
    status: int, error: str, detail: Any = None, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """The JSON error body every route and handler uses (ASCII: whatever a detail quotes)."""
    return _AsciiJSON({"error": error, "detail": detail}, status_code=status, headers=headers)


class _AsciiJSON(JSONResponse):
    """JSON with every non-ASCII character escaped, so that a lone surrogate a client sent
    and a detail quotes back cannot fail the reply."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode("ascii")


async def handle_api_error(_request: Request, exc: Exception) -> Response:
    """Render an :class:`ApiError`."""
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.error, exc.detail, exc.headers)


async def handle_http_error(_request: Request, exc: Exception) -> Response:
    """Render Starlette's own HTTP errors (unknown route, wrong method) as JSON."""
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    return error_response(exc.status_code, code, exc.detail, exc.headers)


async def handle_unexpected_error(request: Request, exc: Exception) -> Response:
    """The catch-all: log the bug, tell the client only that it was ours."""
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(
        500, "internal_error", "the server failed to handle this request; it has been logged"
    )
