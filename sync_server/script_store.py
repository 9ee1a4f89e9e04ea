"""Scripts and their immutable versions in the database (blocking; run in threads).

Functions take a session inside a transaction and return :class:`ScriptRecord` values,
never ORM objects. A script's text is never overwritten: a new text is a new version.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from sync_server.models import Script, ScriptVersion, utc_now
from sync_server.records import BLIND_HIDDEN_STATS
from sync_server.screenplays import Measured
from sync_server.usn import UsnSequence, next_usns
from vividverse_desktop.core.workflow import Status


class ScriptIdTaken(Exception):
    """A client-made script id is already used for a different script."""


@dataclass(frozen=True, slots=True)
class VersionRecord:
    """One immutable text of a script (without the text itself)."""

    id: uuid.UUID
    n: int
    content_sha256: str
    source_format: str
    stats: dict[str, Any]
    created_at: datetime
    blind_sha256: str = ""

    def to_json(self, *, blind: bool = False) -> dict[str, Any]:
        """The version as JSON; ``blind`` describes the blind copy (its own hash, no title)."""
        stats = {k: v for k, v in self.stats.items() if not (blind and k in BLIND_HIDDEN_STATS)}
        return {
            "id": str(self.id),
            "n": self.n,
            "content_sha256": self.blind_sha256 if blind else self.content_sha256,
            "source_format": "fountain" if blind else self.source_format,
            "stats": stats,
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class ScriptRecord:
    """A script with its newest version."""

    id: uuid.UUID
    author_id: uuid.UUID
    title: str
    status: Status
    revision: int
    usn: int
    created_at: datetime
    updated_at: datetime
    latest: VersionRecord | None = field(default=None)

    def to_json(self, *, blind: bool = False) -> dict[str, Any]:
        """The script as JSON. ``blind`` (for validators) hides the author and title."""
        body: dict[str, Any] = {
            "id": str(self.id),
            "scriptId": str(self.id),
            "status": self.status.value,
            "revision": self.revision,
            "usn": self.usn,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "latest_version": None if self.latest is None else self.latest.to_json(blind=blind),
        }
        if not blind:
            body["title"] = self.title
            body["author_id"] = str(self.author_id)
        return body


def content_hash(fountain_text: str) -> str:
    """The SHA-256 (hex) of a version's text, as UTF-8."""
    return hashlib.sha256(fountain_text.encode("utf-8")).hexdigest()


def create_script(
    session: Session,
    *,
    script_id: uuid.UUID | None,
    author_id: uuid.UUID,
    title: str,
    status: Status,
    fountain_text: str,
    source_format: str,
    measured: Measured,
) -> tuple[ScriptRecord, bool]:
    """Insert a script with version 1; ``(record, created)``.

    A client-made ``script_id`` that already exists with the same author and text is a
    retry: the stored script is returned with ``created=False``. Any other reuse of the
    id raises :class:`ScriptIdTaken`.
    """
    digest = content_hash(fountain_text)
    UsnSequence(session).lock()  # a racing retry of the same id waits here, then finds it
    if script_id is not None:
        existing = session.get(Script, script_id)
        if existing is not None:
            first = session.scalars(
                select(ScriptVersion).where(
                    ScriptVersion.script_id == script_id, ScriptVersion.n == 1
                )
            ).one_or_none()
            if existing.author_id != author_id or first is None or first.content_sha256 != digest:
                raise ScriptIdTaken(str(script_id))
            record = script_by_id(session, script_id)
            assert record is not None
            return record, False
    script_usn, version_usn = next_usns(session, 2)
    now = utc_now()
    script = Script(
        id=script_id or uuid.uuid4(),
        author_id=author_id,
        title=title,
        status=status.value,
        revision=1,
        created_at=now,
        updated_at=now,
        usn=script_usn,
    )
    session.add(script)
    session.flush()
    version = ScriptVersion(
        script_id=script.id,
        n=1,
        content_sha256=digest,
        fountain_text=fountain_text,
        source_format=source_format,
        source_file_key=None,
        stats_json=measured.stats,
        created_at=now,
        usn=version_usn,
        blind_text=measured.blind_text,
        blind_sha256=measured.blind_sha256,
    )
    session.add(version)
    session.flush()
    return _record(script, version), True


def script_by_id(session: Session, script_id: uuid.UUID) -> ScriptRecord | None:
    """The script with its newest version, or ``None``."""
    script = session.get(Script, script_id)
    if script is None:
        return None
    return _record(script, _latest_versions(session, [script_id]).get(script_id))


def list_scripts(
    session: Session,
    *,
    offset: int,
    limit: int,
    visible: ColumnElement[bool] | None = None,
    statuses: frozenset[Status] | None = None,
) -> tuple[list[ScriptRecord], int]:
    """One page of the scripts matching ``visible`` (all when ``None``), newest first,
    and the total matching count."""
    query = select(Script)
    counter = select(func.count()).select_from(Script)
    if visible is not None:
        query = query.where(visible)
        counter = counter.where(visible)
    if statuses is not None:
        values = sorted(status.value for status in statuses)
        query = query.where(Script.status.in_(values))
        counter = counter.where(Script.status.in_(values))
    scripts = session.scalars(
        query.order_by(Script.created_at.desc(), Script.usn.desc()).offset(offset).limit(limit)
    ).all()
    latest = _latest_versions(session, [script.id for script in scripts])
    total = session.scalar(counter) or 0
    return [_record(script, latest.get(script.id)) for script in scripts], total


def _latest_versions(
    session: Session, script_ids: list[uuid.UUID]
) -> dict[uuid.UUID, ScriptVersion]:
    if not script_ids:
        return {}
    newest = (
        select(ScriptVersion.script_id, func.max(ScriptVersion.n).label("n"))
        .where(ScriptVersion.script_id.in_(script_ids))
        .group_by(ScriptVersion.script_id)
        .subquery()
    )
    versions = session.scalars(
        select(ScriptVersion).join(
            newest,
            (ScriptVersion.script_id == newest.c.script_id) & (ScriptVersion.n == newest.c.n),
        )
    ).all()
    return {version.script_id: version for version in versions}


def _record(script: Script, version: ScriptVersion | None) -> ScriptRecord:
    latest = None
    if version is not None:
        latest = VersionRecord(
            id=version.id,
            n=version.n,
            content_sha256=version.content_sha256,
            source_format=version.source_format,
            stats=dict(version.stats_json),
            created_at=version.created_at,
            blind_sha256=version.blind_sha256,
        )
    return ScriptRecord(
        id=script.id,
        author_id=script.author_id,
        title=script.title,
        status=Status(script.status),
        revision=script.revision,
        usn=script.usn,
        created_at=script.created_at,
        updated_at=script.updated_at,
        latest=latest,
    )
