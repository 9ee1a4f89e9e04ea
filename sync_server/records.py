"""Database rows as the wire's records (``vividverse_desktop.core.wire``), and blinding.

A record that declares its fields (``core.wire.schema``) is read from the row column by
column, each named like its field (``VERSION_COLUMNS`` names the exceptions).

Validators score blind (DESIGN.md §1): the scripts and versions they receive carry no
title, no author and no title page. :func:`blind_script` and :func:`blind_version` make
those copies; a blinded version carries the blind copy stored with it
(``screenplays.measure``) and that copy's own ``contentSha256``, so it still checks on
the client. Its source format is always Fountain: validators never get the source file.
"""

from __future__ import annotations

import uuid
from types import MappingProxyType
from typing import Any

from sync_server import models
from sync_server.models import roles_in_column
from vividverse_desktop.core.scoring import ScoreEvent
from vividverse_desktop.core.scoring.events import extra_fields
from vividverse_desktop.core.wire import (
    Change,
    Entity,
    MovieRecord,
    NoteReplyRecord,
    ReviewNoteRecord,
    ScriptRecord,
    ScriptVersionRecord,
    SourceFormat,
    UserRecord,
)
from vividverse_desktop.core.wire.schema import record_from_row, spec_of
from vividverse_desktop.core.workflow import Role

HIDDEN_AUTHOR = str(uuid.UUID(int=0))
"""The author id blind copies carry (the nil UUID: nobody)."""
BLIND_HIDDEN_STATS = frozenset({"title", "title_page", "author"})
"""Statistics a blind copy leaves out."""


def user_record(row: models.User) -> UserRecord:
    """The wire record of an account: never its password hash or token data."""
    roles = roles_in_column(row.roles)
    return record_from_row(UserRecord, row, role=Role.primary(roles), roles=roles)


def script_record(row: models.Script) -> ScriptRecord:
    """The wire record of a script row."""
    return record_from_row(ScriptRecord, row)


VERSION_COLUMNS = {"stats": "stats_json"}
"""Fields of a script version whose column has another name."""


def version_record(row: models.ScriptVersion) -> ScriptVersionRecord:
    """The wire record of a script version row."""
    return record_from_row(ScriptVersionRecord, row, columns=VERSION_COLUMNS)


def score_record(row: models.ScoreEvent) -> ScoreEvent:
    """The core score event of a row, carrying its usn."""
    return record_from_row(ScoreEvent, row, device_id=row.device_id or "server")


SCORE_FIELDS = tuple(f.name for f in spec_of(ScoreEvent).fields)
"""The columns :func:`score_change` reads, one per field of the score event."""


def score_change(row: Any) -> Change:
    """The pull change of a stored score event, from a row of its ``SCORE_FIELDS``.

    The same wire data as ``Change.of(score_record(row), row.usn)``, without building the
    event: stored events were checked when they were accepted. The fields in
    ``ScoreEvent``'s ``TUNED`` are written by hand; the others by their declaration.
    """
    event_id = str(row.id)
    data = {
        "id": event_id,
        "scriptVersionId": str(row.script_version_id),
        "validatorId": str(row.validator_id),
        "criteria": dict(row.criteria),
        "overall": row.overall,
        "verdict": row.verdict,
        "confidence": row.confidence,
        "comments": row.comments,
        "sceneRef": row.scene_ref,
        "createdAt": row.created_at.isoformat(),
        "deviceId": row.device_id or "server",
        "usn": row.usn,
    }
    for extra in extra_fields(ScoreEvent):
        value = getattr(row, extra.name)
        if value is not None:
            data[extra.key] = extra.kind.write(extra.kind.from_column(value))
    return Change(row.usn, Entity.SCORE_EVENT, event_id, MappingProxyType(data))


def movie_record(row: models.Movie) -> MovieRecord:
    """The wire record of a movie row."""
    return record_from_row(MovieRecord, row)


def note_record(row: models.ReviewNote) -> ReviewNoteRecord:
    """The wire record of a review note row."""
    return record_from_row(ReviewNoteRecord, row)


def reply_record(row: models.NoteReply) -> NoteReplyRecord:
    """The wire record of a reply row."""
    return record_from_row(NoteReplyRecord, row)


def blind_title(script_id: str) -> str:
    """The neutral title a validator sees instead of the real one."""
    return f"Script {script_id[:8]}"


def blind_script(record: ScriptRecord) -> ScriptRecord:
    """``record`` without its title and author."""
    return ScriptRecord(
        id=record.id,
        author_id=HIDDEN_AUTHOR,
        title=blind_title(record.id),
        status=record.status,
        revision=record.revision,
        created_at=record.created_at,
    )


def blind_version(row: models.ScriptVersion) -> ScriptVersionRecord:
    """The wire record of a version as validators read it: the stored blind copy (no
    title page, no boneyard) with its own hash; no title statistics, no source file."""
    stats = {k: v for k, v in row.stats_json.items() if k not in BLIND_HIDDEN_STATS}
    return ScriptVersionRecord(
        id=str(row.id),
        script_id=str(row.script_id),
        n=row.n,
        content_sha256=row.blind_sha256,
        fountain_text=row.blind_text,
        source_format=SourceFormat.FOUNTAIN,
        created_at=row.created_at,
        source_file_key=None,
        stats=MappingProxyType(stats),
    )
