"""The local store's tables (SQLAlchemy 2.0 typed models). ORM classes stay in ``store``.

The entity tables mirror the server's (DESIGN.md §3) as far as a client sees them.
``usn`` is the server's update sequence number of the state a row holds, or ``None``
for a row only this client has made so far. The outbox keeps ops in ``seq`` order.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Float, Integer, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

SCHEMA_VERSION = 3
"""The schema this code writes; kept in SQLite's ``user_version``."""


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp kept in UTC and read back timezone-aware (SQLite stores no zone)."""

    impl = DateTime()
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Declarative base of the local store."""

    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        datetime: UtcDateTime(),
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class UserRow(Base):
    """The users cache: who is who, for display and role checks before pushing."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16))
    roles: Mapped[str] = mapped_column(String(128), default="")
    """Every role held, comma-separated (schema 2); ``role`` is the primary one."""
    disabled: Mapped[bool] = mapped_column(default=False)
    usn: Mapped[int | None] = mapped_column(BigInteger)


class ScriptRow(Base):
    """A script as last seen from the server, or as submitted here."""

    __tablename__ = "scripts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    author_id: Mapped[str] = mapped_column(String(36), index=True)
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(32))
    revision: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column()
    usn: Mapped[int | None] = mapped_column(BigInteger)


class ScriptVersionRow(Base):
    """An immutable script text; ``n`` is provisional until the server numbers it."""

    __tablename__ = "script_versions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    script_id: Mapped[str] = mapped_column(String(36), index=True)
    n: Mapped[int] = mapped_column(Integer)
    content_sha256: Mapped[str] = mapped_column(String(64))
    fountain_text: Mapped[str] = mapped_column(Text)
    source_format: Mapped[str] = mapped_column(String(16))
    source_file_key: Mapped[str | None] = mapped_column(String(200))
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column()
    usn: Mapped[int | None] = mapped_column(BigInteger)


class ScoreEventRow(Base):
    """A score event; ``seq`` is the local order of events saved here (``None`` if pulled)."""

    __tablename__ = "score_events"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    seq: Mapped[int | None] = mapped_column(Integer, index=True)
    script_version_id: Mapped[str] = mapped_column(String(64), index=True)
    validator_id: Mapped[str] = mapped_column(String(64), index=True)
    criteria: Mapped[dict[str, Any]] = mapped_column()
    overall: Mapped[int | None] = mapped_column(Integer)
    verdict: Mapped[str | None] = mapped_column(String(16))
    confidence: Mapped[int | None] = mapped_column(Integer)
    comments: Mapped[str] = mapped_column(Text)
    scene_ref: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column()
    device_id: Mapped[str] = mapped_column(String(64))
    usn: Mapped[int | None] = mapped_column(BigInteger, index=True)


class MovieRow(Base):
    """A movie record and its render progress."""

    __tablename__ = "movies"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    script_version_id: Mapped[str] = mapped_column(String(36), index=True)
    status: Mapped[str] = mapped_column(String(32))
    progress: Mapped[float] = mapped_column(Float)
    stage: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(36))
    revision: Mapped[int] = mapped_column(Integer)
    video_key: Mapped[str | None] = mapped_column(String(200))
    duration_s: Mapped[float | None] = mapped_column(Float)
    usn: Mapped[int | None] = mapped_column(BigInteger)
    decided_by: Mapped[str | None] = mapped_column(String(36))
    """Who approved it or requested changes (schema 3)."""
    decision_comment: Mapped[str] = mapped_column(Text, default="")


class ReviewNoteRow(Base):
    """A timecoded review note on a movie."""

    __tablename__ = "review_notes"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    movie_id: Mapped[str] = mapped_column(String(36), index=True)
    author_id: Mapped[str] = mapped_column(String(36))
    frame: Mapped[int] = mapped_column(Integer)
    frame_end: Mapped[int | None] = mapped_column(Integer)
    fps: Mapped[float] = mapped_column(Float)
    timecode: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    revision: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column()
    usn: Mapped[int | None] = mapped_column(BigInteger)
    drawing: Mapped[list[Any] | None] = mapped_column()
    """The shapes drawn on the frame, as ``Drawing`` JSON (schema 3)."""
    scene: Mapped[str | None] = mapped_column(String(300))
    """The film chapter the note was pinned in (added to older files by the store)."""


class NoteReplyRow(Base):
    """A reply in a review note's thread (schema 3)."""

    __tablename__ = "note_replies"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    note_id: Mapped[str] = mapped_column(String(36), index=True)
    movie_id: Mapped[str] = mapped_column(String(36), index=True)
    author_id: Mapped[str] = mapped_column(String(36))
    text: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column()
    usn: Mapped[int | None] = mapped_column(BigInteger)


class OutboxRow(Base):
    """An op waiting for the server, in ``seq`` order (``status``: see ``OutboxStatus``).

    ``before_json`` is the record an edit changed, as it was before, so that discarding
    the edit can put it back.
    """

    __tablename__ = "outbox"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    op_id: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64))
    op_json: Mapped[str] = mapped_column(Text)
    before_json: Mapped[str | None] = mapped_column(Text)
    payload_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), index=True)
    message: Mapped[str] = mapped_column(Text, default="")


class ConflictRow(Base):
    """A conflict the server reported for an op, kept until the user resolves it."""

    __tablename__ = "conflicts"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    op_id: Mapped[str] = mapped_column(String(36), index=True)
    conflict_json: Mapped[str] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column()


class SyncStateRow(Base):
    """Small named values: the last pulled USN, this device's id."""

    __tablename__ = "sync_state"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
