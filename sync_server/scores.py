"""Score routes: POST /api/validations, GET /api/scripts/{id}/score, GET /api/leaderboard.

A validation comes in one of two shapes:

- seed-style ``{scriptId, scores: {criterion: n}, comments}`` (``overall``, ``verdict``,
  ``confidence``, ``sceneRef`` and a client-made ``id`` optional), scored against the
  script's newest version;
- a full score event ``{id, scriptVersionId, validatorId, criteria, ..., createdAt,
  deviceId}`` as the desktop makes it offline (``validatorId`` must be the caller).

Only validators score. Sending the same event id with the same content again is a
retry (200, nothing new); the same id with other content is 409. Scores are blind:
a validator never reads aggregates, so GET .../score is for the script's writer,
editors, reviewers and admins.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sync_server import score_store
from sync_server.accounts import Account
from sync_server.auth import current_user, require
from sync_server.context import context_of
from sync_server.errors import ApiError
from sync_server.openapi import Operation
from sync_server.payload import read_object
from sync_server.score_store import OWN_SCRIPT, SCORABLE, Stored, VersionInfo
from sync_server.usn import UsnSequence
from vividverse_desktop.core.capabilities import Action
from vividverse_desktop.core.scoring import (
    DEFAULT_RUBRIC,
    ScoreEvent,
    ScoringError,
    SeedValidation,
)

SEED_KEYS = frozenset(
    {"id", "scriptId", "scores", "comments", "overall", "verdict", "confidence", "sceneRef"}
)
EVENT_KEYS = frozenset(
    {
        "id",
        "scriptVersionId",
        "validatorId",
        "criteria",
        "overall",
        "verdict",
        "confidence",
        "comments",
        "sceneRef",
        "createdAt",
        "deviceId",
    }
)
MAX_SCENE_REF = 64
MAX_DEVICE_ID = 64
MAX_COMMENTS = 20_000
SERVER_DEVICE = "server"
"""The device id of seed-style validations, which name no device."""


def invalid(field: str | None, message: str) -> ApiError:
    """A 422 naming one field."""
    return ApiError(422, "invalid_body", [{"field": field or "", "message": message}])


def _uuid(value: object, field: str) -> uuid.UUID:
    if isinstance(value, str) and len(value) <= 64:
        try:
            return uuid.UUID(value)
        except ValueError:
            pass
    raise invalid(field, "must be a UUID")


def check_event_limits(event: ScoreEvent) -> str | None:
    """Why the event cannot be stored (a field over its length), or ``None``."""
    if event.scene_ref is not None and len(event.scene_ref) > MAX_SCENE_REF:
        return f"sceneRef: must be at most {MAX_SCENE_REF} characters"
    if len(event.device_id) > MAX_DEVICE_ID:
        return f"deviceId: must be at most {MAX_DEVICE_ID} characters"
    if len(event.comments) > MAX_COMMENTS:
        return f"comments: must be at most {MAX_COMMENTS} characters"
    return None


def read_validation(
    data: Mapping[str, Any], validator: Account
) -> tuple[ScoreEvent | SeedValidation, uuid.UUID]:
    """The event (full form) or seed validation in ``data``, and the id it names.

    The id is the version's for a full event and the script's for a seed. 422 naming
    the field when anything is wrong; 403 when the event names another validator.
    """
    try:
        if "scores" in data or "scriptId" in data:
            unknown = sorted(set(data) - SEED_KEYS)
            if unknown:
                raise invalid(unknown[0], "unknown field")
            seed = SeedValidation.from_json(data, DEFAULT_RUBRIC)
            if data.get("id") is not None:
                _uuid(data["id"], "id")
            return seed, _uuid(seed.script_id, "scriptId")
        unknown = sorted(set(data) - EVENT_KEYS)
        if unknown:
            raise invalid(unknown[0], "unknown field")
        event = ScoreEvent.from_json(data, DEFAULT_RUBRIC)
    except ScoringError as exc:
        raise invalid(exc.field, exc.message) from None
    if event.validator_id != str(validator.id):
        raise ApiError(403, "forbidden", "validatorId must be your own user id")
    return event, _uuid(event.script_version_id, "scriptVersionId")


def _record(
    session: Session,
    validator: Account,
    parsed: ScoreEvent | SeedValidation,
    target: uuid.UUID,
    event_id: uuid.UUID,
) -> tuple[Stored, ScoreEvent, VersionInfo, int]:
    usns = UsnSequence(session).lock()  # first: later reads see every earlier commit
    if isinstance(parsed, SeedValidation):
        version = score_store.latest_version(session, target)
        missing = f"no script {target}"
    else:
        version = score_store.version_info(session, target)
        missing = f"no script version {target}"
    if version is None:
        raise ApiError(404, "not_found", missing)
    if version.author_id == validator.id:
        raise ApiError(403, "forbidden", OWN_SCRIPT)
    if version.status not in SCORABLE:
        raise ApiError(
            409, "not_scorable", f"the script is {version.status.value}: it takes no scores"
        )
    if isinstance(parsed, SeedValidation):
        event = parsed.to_event(
            event_id=event_id,
            script_version_id=str(version.version_id),
            validator_id=str(validator.id),
            created_at=datetime.now(UTC),
            device_id=SERVER_DEVICE,
        )
    else:
        event = parsed
    problem = check_event_limits(event)
    if problem is not None:
        field, _, message = problem.partition(": ")
        raise invalid(field, message)
    if isinstance(parsed, SeedValidation):
        held = score_store.stored_score(session, event.id)
        if held is not None:  # a resent seed: same content (but its own clock) is a retry
            same = replace(event, created_at=held.created_at) == held
            outcome = Stored.DUPLICATE if same else Stored.CONFLICT
            return outcome, held, version, score_store.validator_count(session, version.version_id)
    outcome, stored = score_store.store_score(session, usns, event)
    if outcome is Stored.ACCEPTED:
        score_store.settle_quorum(session, usns, [version.script_id])
        usns.store()
    refreshed = score_store.version_info(session, version.version_id) or version
    return outcome, stored, refreshed, score_store.validator_count(session, version.version_id)


async def post_validation(request: Request) -> Response:
    """POST /api/validations: store one validator's score (seed or full event form)."""
    validator = await current_user(request)
    require(validator, Action.SCORE_SCRIPT)
    data = await read_object(request)
    parsed, target = read_validation(data, validator)
    if isinstance(parsed, ScoreEvent):
        event_id = uuid.UUID(parsed.id)
    elif data.get("id") is not None:
        event_id = uuid.UUID(str(data["id"]))
    else:
        event_id = uuid.uuid4()
    outcome, stored, version, total = await context_of(request).write(
        lambda session: _record(session, validator, parsed, target, event_id)
    )
    if outcome is Stored.CONFLICT:
        raise ApiError(409, "id_conflict", f"score {stored.id} is already stored with other values")
    body = {
        "id": stored.id,
        "scriptId": str(version.script_id),
        "scriptVersionId": stored.script_version_id,
        "usn": stored.usn,
        "score": stored.to_json(),
        "status": version.status.value,
        "totalValidations": total,
    }
    return JSONResponse(body, status_code=201 if outcome is Stored.ACCEPTED else 200)


def _may_read_scores(account: Account, version: VersionInfo) -> bool:
    caps = account.capabilities
    if caps.can(Action.READ_ALL_SCORES):
        return True
    return caps.can(Action.READ_OWN_SCORES) and account.id == version.author_id


async def get_score(request: Request) -> Response:
    """GET /api/scripts/{id}/score: the aggregates of the script's newest version."""
    account = await current_user(request)
    script_id = request.path_params["script_id"]
    assert isinstance(script_id, uuid.UUID)
    context = context_of(request)

    def work(session: Session) -> dict[str, Any]:
        version = score_store.latest_version(session, script_id)
        if version is None:
            raise ApiError(404, "not_found", f"no script {script_id}")
        if not _may_read_scores(account, version):
            raise ApiError(403, "forbidden", "only the script's writer, editors, reviewers "
                           "and admins read its scores")  # fmt: skip
        return score_store.script_score(session, context.leaderboard, version)

    return JSONResponse(await context.read(work))


async def get_leaderboard(request: Request) -> Response:
    """GET /api/leaderboard: every aggregate, the agreement and the ranking (admin, editor)."""
    account = await current_user(request)
    require(account, Action.VIEW_LEADERBOARD)
    context = context_of(request)
    board = (await context.read(context.leaderboard.get)).to_json()
    if not account.capabilities.can(Action.VIEW_VALIDATORS):
        key = context.settings.jwt_secret.reveal().encode()
        population = board["population"]
        population["validatorOffsets"] = {
            anonymous_label(key, validator): offsets
            for validator, offsets in population["validatorOffsets"].items()
        }
    return JSONResponse(board)


def anonymous_label(key: bytes, validator_id: str) -> str:
    """A validator's stable label for staff who may not see who scored (``Validator 1a2b3c4d``).

    Keyed with the server's secret, so a label cannot be matched to an id by hashing ids.
    """
    digest = hmac.new(key, b"validator-label:" + validator_id.encode(), hashlib.sha256)
    return f"Validator {digest.hexdigest()[:12]}"


ROUTES = [
    Route("/api/validations", post_validation, methods=["POST"]),
    Route("/api/scripts/{script_id:uuid}/score", get_score, methods=["GET"]),
    Route("/api/leaderboard", get_leaderboard, methods=["GET"]),
]

_SCORE = {"type": "integer", "minimum": 1, "maximum": 10}
_OPTIONAL = {
    "comments": {"type": "string"},
    "overall": _SCORE,
    "verdict": {"type": "string", "enum": ["Pass", "Consider", "Recommend"]},
    "confidence": {"type": "integer", "minimum": 1, "maximum": 5},
    "sceneRef": {"type": "string", "maxLength": MAX_SCENE_REF},
}
_CRITERIA = {
    "type": "object",
    "additionalProperties": False,
    "required": list(DEFAULT_RUBRIC.names),
    "properties": dict.fromkeys(DEFAULT_RUBRIC.names, _SCORE),
}
VALIDATION_SCHEMA: dict[str, Any] = {
    "oneOf": [
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["scriptId", "scores"],
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "scriptId": {"type": "string", "format": "uuid"},
                "scores": _CRITERIA,
                **_OPTIONAL,
            },
        },
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["id", "scriptVersionId", "validatorId", "criteria", "createdAt",
                         "deviceId"],
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "scriptVersionId": {"type": "string", "format": "uuid"},
                "validatorId": {"type": "string", "format": "uuid"},
                "criteria": _CRITERIA,
                "createdAt": {"type": "string", "format": "date-time"},
                "deviceId": {"type": "string", "minLength": 1, "maxLength": MAX_DEVICE_ID},
                **_OPTIONAL,
            },
        },
    ]
}  # fmt: skip

_TAGS = ("scores",)
OPERATIONS = [
    Operation(
        "POST",
        "/api/validations",
        "Score a script (validators; seed form or a full client-made score event)",
        {
            200: "this score was already stored (retry)",
            201: "the stored score, the script's status and its count of validators",
            403: "not a validator, or the event names another validator",
            404: "no such script or version",
            409: "the id is stored with other values, or the script takes no scores",
        },
        schema=VALIDATION_SCHEMA,
        tags=_TAGS,
    ),
    Operation(
        "GET",
        "/api/scripts/{script_id:uuid}/score",
        "Aggregated scores of the script's newest version (averageScores, totalValidations...)",
        {
            200: "the aggregates",
            403: "not the script's writer, an editor, a reviewer or an admin",
            404: "no such script",
        },
        tags=_TAGS,
    ),
    Operation(
        "GET",
        "/api/leaderboard",
        "Every version's aggregates, the agreement per criterion and the ranking",
        {200: "the leaderboard", 403: "not an admin or editor"},
        tags=_TAGS,
    ),
]
