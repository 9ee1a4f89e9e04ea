"""The server's database tables as SQLAlchemy 2.0 typed models (DESIGN.md §3).

Identifiers are UUIDs (native on PostgreSQL, 32-character text on SQLite). Records that
clients pull carry ``usn``, the server-assigned update sequence number of their last
change; :class:`UsnCounter` hands them out. ORM objects never leave ``sync_server``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from vividverse_desktop.core.workflow import Role, role_names, roles_of

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


USER_ROLES = frozenset(Role.user_roles())
"""Roles an account may hold (the workflow's ``Role.SYSTEM`` is the server itself)."""

SELF_SERVICE_ROLES = frozenset({Role.WRITER, Role.VALIDATOR})
"""Roles anyone may register with; the others are granted by an admin."""


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite keeps no zone, so values come back naive; this puts UTC back on them.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Declarative base with a constraint naming convention migrations can rely on."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        datetime: UtcDateTime(),
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


def role_column(roles: Iterable[Role]) -> str:
    """The ``users.roles`` value of a set of roles: their names, comma-separated."""
    return ",".join(role_names(roles))


def roles_in_column(value: str) -> frozenset[Role]:
    """The roles a ``users.roles`` value names."""
    return roles_of(value.split(","))


def _roles_default(context: Any) -> str:
    """A row inserted with only ``role`` holds that one role."""
    return str(context.get_current_parameters()["role"])


class User(Base):
    """A person who signs in. ``token_version`` bumps end all their sessions."""

    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16))
    """The primary role (``Role.primary`` of ``roles``), for clients that show one."""
    roles: Mapped[str] = mapped_column(String(128), default=_roles_default)
    """Every role held, comma-separated in ``Role`` order (``role_column``)."""
    password_hash: Mapped[str] = mapped_column(String(128))
    token_version: Mapped[int] = mapped_column(Integer, default=0)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    usn: Mapped[int] = mapped_column(BigInteger, index=True)


class Script(Base):
    """A screenplay submitted by a writer; its text lives in immutable versions."""

    __tablename__ = "scripts"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(32), index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)
    usn: Mapped[int] = mapped_column(BigInteger, index=True)


class ScriptVersion(Base):
    """One immutable text of a script; editing makes version ``n + 1``."""

    __tablename__ = "script_versions"
    __table_args__ = (UniqueConstraint("script_id", "n"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    script_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("scripts.id"), index=True)
    n: Mapped[int] = mapped_column(Integer)
    content_sha256: Mapped[str] = mapped_column(String(64))
    fountain_text: Mapped[str] = mapped_column(Text)
    source_format: Mapped[str] = mapped_column(String(16))
    source_file_key: Mapped[str | None] = mapped_column(String(200))
    stats_json: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    usn: Mapped[int] = mapped_column(BigInteger, index=True)
    blind_text: Mapped[str] = mapped_column(Text)
    """The text validators read: no title page, no boneyard (``screenplays.measure``)."""
    blind_sha256: Mapped[str] = mapped_column(String(64))


class ScoreEvent(Base):
    """One validator's score of one script version; append-only, id made by the client."""

    __tablename__ = "score_events"
    __table_args__ = (Index(None, "script_version_id", "validator_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    script_version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("script_versions.id"))
    validator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    criteria: Mapped[dict[str, Any]] = mapped_column()
    overall: Mapped[int | None] = mapped_column(Integer)
    verdict: Mapped[str | None] = mapped_column(String(16))
    confidence: Mapped[int | None] = mapped_column(Integer)
    comments: Mapped[str] = mapped_column(Text, default="")
    scene_ref: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column()
    device_id: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(default=utc_now)
    usn: Mapped[int] = mapped_column(BigInteger, index=True)


class Movie(Base):
    """A film rendered from a script version, and its render progress."""

    __tablename__ = "movies"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    script_version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("script_versions.id"), index=True
    )
    status: Mapped[str] = mapped_column(String(32))
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    stage: Mapped[str] = mapped_column(String(64), default="")
    video_key: Mapped[str | None] = mapped_column(String(200))
    duration_s: Mapped[float | None] = mapped_column(Float)
    chapters: Mapped[list[Any]] = mapped_column(default=list)
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)
    usn: Mapped[int] = mapped_column(BigInteger, index=True)
    decided_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    """Who approved the movie or requested changes (its status says which)."""
    decision_comment: Mapped[str] = mapped_column(Text, default="")


class ReviewNote(Base):
    """A timecoded note on a movie: one frame, or the range ``frame..frame_end``."""

    __tablename__ = "review_notes"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    movie_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("movies.id"), index=True)
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    frame: Mapped[int] = mapped_column(Integer)
    frame_end: Mapped[int | None] = mapped_column(Integer)
    fps: Mapped[float] = mapped_column(Float)
    timecode: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)
    usn: Mapped[int] = mapped_column(BigInteger, index=True)
    drawing: Mapped[list[Any] | None] = mapped_column(JSON)
    """The shapes drawn on the frame (``core.wire.Drawing`` JSON), or NULL."""
    scene: Mapped[str | None] = mapped_column(String(300))
    """The film's chapter the frame fell in when the note was pinned, or NULL."""


class NoteReply(Base):
    """A reply in a review note's thread."""

    __tablename__ = "note_replies"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    note_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("review_notes.id"), index=True)
    movie_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("movies.id"))
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)
    usn: Mapped[int] = mapped_column(BigInteger, index=True)


class SyncOp(Base):
    """A client-made op the server applied: pushing the same id again changes nothing.

    ``payload_sha256`` tells a true retry (same hash) from a conflicting reuse of the id.
    """

    __tablename__ = "sync_ops"

    op_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    # Looked up by op_id alone and never pulled: no other index (each costs every push).
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(32))
    payload_sha256: Mapped[str] = mapped_column(String(64))
    usn: Mapped[int] = mapped_column(BigInteger)
    received_at: Mapped[datetime] = mapped_column(default=utc_now)


class UsnCounter(Base):
    """The single-row source of update sequence numbers (row ``id = 1``)."""

    __tablename__ = "usn_counter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class RefreshTokenFamily(Base):
    """A chain of rotated refresh tokens from one login.

    Only ``current_jti`` may be exchanged; presenting an older token of the family
    means it leaked, and the whole family is revoked.
    """

    __tablename__ = "refresh_token_families"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    current_jti: Mapped[str] = mapped_column(String(64))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    revoked_reason: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    last_used_at: Mapped[datetime] = mapped_column(default=utc_now)
    expires_at: Mapped[datetime] = mapped_column()


class LoginAttempt(Base):
    """One login: a failure, or the latest success of a username from an address.

    The throttle counts these in the database so every worker and every server on the
    same database shares one count (``sync_server.throttle``).
    """

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_address_at", "address", "at"),
        Index("ix_login_attempts_username_address", "username", "address"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(index=True)
