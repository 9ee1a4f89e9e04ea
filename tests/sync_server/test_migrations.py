"""Schema migrations: the migrated schema is the models' schema, and upgrading is idempotent."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from sync_server.db import Database
from sync_server.migrations.draft import next_revision
from sync_server.models import Base, User, UsnCounter
from vividverse_desktop.core.workflow import Role


def _database(url: str) -> Database:
    return Database(url)


def test_migrated_schema_matches_the_models(empty_database_url: str) -> None:
    """After ``upgrade head`` alembic finds no difference between database and models."""
    database = _database(empty_database_url)
    try:
        database.migrate()
        with database.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        database.dispose()


def test_upgrade_is_idempotent_and_keeps_data(empty_database_url: str) -> None:
    """Running the migrations again (a restart) changes nothing and loses nothing."""
    database = _database(empty_database_url)
    try:
        database.migrate()
        with database.transaction() as session:
            session.add(
                User(
                    username="kept",
                    display_name="Kept",
                    role=Role.WRITER.value,
                    password_hash="x",
                    usn=1,
                )
            )
        database.migrate()
        with database.snapshot() as session:
            assert session.scalars(select(User.username)).all() == ["kept"]
            assert session.scalars(select(UsnCounter.value)).all() == [0]
            version = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert version == f"{int(next_revision()) - 1:04d}"  # the newest revision
    finally:
        database.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    """Every SQLite connection has WAL journaling and enforces foreign keys."""
    database = _database(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    try:
        database.migrate()
        with database.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        database.dispose()


def test_foreign_keys_are_enforced(empty_database_url: str) -> None:
    """A refresh-token family for a user that does not exist is refused by the database."""
    from datetime import timedelta

    from sync_server import accounts

    database = _database(empty_database_url)
    try:
        database.migrate()
        with pytest.raises(IntegrityError), database.transaction() as session:
            accounts.start_family(session, uuid.uuid4(), "jti", timedelta(days=1))
    finally:
        database.dispose()


def test_upgrade_from_0001_gives_existing_users_usns(empty_database_url: str) -> None:
    """Accounts made before users had a usn get fresh ones, and the counter moves past them."""
    from alembic import command

    from sync_server.db import migration_config

    database = _database(empty_database_url)
    try:
        command.upgrade(migration_config(database.engine), "0001")
        with database.engine.begin() as connection:
            for name in ("bea", "abe"):
                connection.execute(
                    text(
                        "INSERT INTO users (id, username, display_name, role, password_hash,"
                        " token_version, disabled, created_at)"
                        " VALUES (:id, :name, :name, 'writer', 'x', 0, false, :now)"
                    ),
                    {"id": uuid.uuid4().hex, "name": name, "now": "2026-01-01T00:00:00+00:00"},
                )
        database.migrate()
        with database.snapshot() as session:
            usns = {row[0]: row[1] for row in session.execute(select(User.username, User.usn))}
            counter = session.scalars(select(UsnCounter.value)).one()
        assert usns == {"abe": 1, "bea": 2}
        assert counter == 2
    finally:
        database.dispose()


def test_upgrading_a_populated_first_schema_keeps_every_row(tmp_path: Path) -> None:
    """A v0001 SQLite database with users and their scripts upgrades to head losing nothing."""
    from alembic import command

    from sync_server.db import make_engine, migration_config

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = make_engine(url)
    command.upgrade(migration_config(engine), "0001")
    author = uuid.uuid4()
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (id, username, display_name, role, password_hash,"
                " token_version, disabled, created_at)"
                " VALUES (:id, 'ada', 'Ada', 'writer', 'x', 0, 0, '2026-11-01 10:00:00')"
            ),
            {"id": author.hex},
        )
        connection.execute(
            text(
                "INSERT INTO scripts (id, author_id, title, status, revision, created_at,"
                " updated_at, usn)"
                " VALUES (:id, :author, 'Kept', 'PendingValidation', 1,"
                " '2026-11-01 10:00:00', '2026-11-01 10:00:00', 1)"
            ),
            {"id": uuid.uuid4().hex, "author": author.hex},
        )
        connection.execute(text("UPDATE usn_counter SET value = 1 WHERE id = 1"))
    engine.dispose()

    database = _database(url)
    try:
        database.migrate()
        with database.snapshot() as session:
            assert session.scalars(select(User.username)).all() == ["ada"]
            assert session.scalars(select(User.usn)).all() == [2]
            titles = session.execute(text("SELECT title FROM scripts")).scalars().all()
            assert titles == ["Kept"]
            assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    finally:
        database.dispose()


def test_upgrade_to_0004_keeps_each_accounts_role_as_its_roles(empty_database_url: str) -> None:
    """Accounts made before several roles existed hold exactly the role they had."""
    from alembic import command

    from sync_server import accounts
    from sync_server.db import migration_config

    database = _database(empty_database_url)
    try:
        command.upgrade(migration_config(database.engine), "0003")
        ids: dict[str, uuid.UUID] = {}
        with database.engine.begin() as connection:
            for usn, (name, role) in enumerate(
                (("wendy", "writer"), ("val", "validator"), ("root", "admin")), start=1
            ):
                ids[name] = uuid.uuid4()
                connection.execute(
                    text(
                        "INSERT INTO users (id, username, display_name, role, password_hash,"
                        " token_version, disabled, created_at, usn)"
                        " VALUES (:id, :name, :name, :role, 'x', 0, false, :now, :usn)"
                    ),
                    {
                        "id": ids[name].hex,
                        "name": name,
                        "role": role,
                        "now": "2026-01-01T00:00:00+00:00",
                        "usn": usn,
                    },
                )
        database.migrate()
        with database.snapshot() as session:
            held = {name: accounts.account_by_id(session, user_id) for name, user_id in ids.items()}
            admins = accounts.enabled_admin_count(session)
        assert {name: account.roles for name, account in held.items() if account} == {
            "wendy": frozenset({Role.WRITER}),
            "val": frozenset({Role.VALIDATOR}),
            "root": frozenset({Role.ADMIN}),
        }
        assert held["root"] is not None
        assert held["root"].role is Role.ADMIN
        assert admins == 1
    finally:
        database.dispose()


def test_upgrade_to_0005_gives_each_version_its_blind_copy(empty_database_url: str) -> None:
    """Versions stored before 0005 get a blind copy written from their parsed text."""
    from alembic import command

    from sync_server.db import migration_config
    from sync_server.models import ScriptVersion
    from vividverse_desktop.core.wire import content_sha256

    database = _database(empty_database_url)
    source = "\ufeffTitle: Kept\nAuthor: Ada Quill\n\nINT. ROOM - DAY\n\nA chair.\n"
    try:
        command.upgrade(migration_config(database.engine), "0004")
        user_id, script_id, version_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        now = "2026-01-01T00:00:00+00:00"
        with database.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (id, username, display_name, role, roles, password_hash,"
                    " token_version, disabled, created_at, usn)"
                    " VALUES (:id, 'ada', 'Ada', 'writer', 'writer', 'x', 0, false, :now, 1)"
                ),
                {"id": user_id.hex, "now": now},
            )
            connection.execute(
                text(
                    "INSERT INTO scripts (id, author_id, title, status, revision, created_at,"
                    " updated_at, usn) VALUES (:id, :author, 'Kept', 'PendingValidation', 1,"
                    " :now, :now, 2)"
                ),
                {"id": script_id.hex, "author": user_id.hex, "now": now},
            )
            connection.execute(
                text(
                    "INSERT INTO script_versions (id, script_id, n, content_sha256, fountain_text,"
                    " source_format, stats_json, created_at, usn) VALUES (:id, :script, 1, :sha,"
                    " :text, 'fountain', '{}', :now, 3)"
                ),
                {
                    "id": version_id.hex,
                    "script": script_id.hex,
                    "sha": content_sha256(source),
                    "text": source,
                    "now": now,
                },
            )
        database.migrate()
        with database.snapshot() as session:
            version = session.get(ScriptVersion, version_id)
            assert version is not None
            assert version.blind_text == "INT. ROOM - DAY\n\nA chair.\n"
            assert version.blind_sha256 == content_sha256(version.blind_text)
    finally:
        database.dispose()


def test_upgrade_to_0007_keeps_movies_and_notes_undecided_and_undrawn(
    empty_database_url: str,
) -> None:
    """Movies and notes stored before 0007 stay, with no decision, no comment and no
    drawing; replies can be stored at once."""
    from datetime import UTC, datetime

    from alembic import command

    from sync_server.db import migration_config
    from sync_server.models import Movie, NoteReply, ReviewNote
    from sync_server.records import movie_record, note_record

    database = _database(empty_database_url)
    try:
        command.upgrade(migration_config(database.engine), "0006")
        user_id, script_id, version_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        movie_id, note_id = uuid.uuid4(), uuid.uuid4()
        now = "2026-01-01T00:00:00+00:00"
        ids = {
            "user": user_id.hex,
            "script": script_id.hex,
            "version": version_id.hex,
            "movie": movie_id.hex,
            "note": note_id.hex,
            "now": now,
        }
        statements = (
            "INSERT INTO users (id, username, display_name, role, roles, password_hash,"
            " token_version, disabled, created_at, usn)"
            " VALUES (:user, 'eve', 'Eve', 'editor', 'editor', 'x', 0, false, :now, 1)",
            "INSERT INTO scripts (id, author_id, title, status, revision, created_at,"
            " updated_at, usn) VALUES (:script, :user, 'Kept', 'Completed', 1, :now, :now, 2)",
            "INSERT INTO script_versions (id, script_id, n, content_sha256, fountain_text,"
            " source_format, stats_json, created_at, usn, blind_text, blind_sha256)"
            " VALUES (:version, :script, 1, 'x', 'A.', 'fountain', '{}', :now, 3, 'A.', 'x')",
            "INSERT INTO movies (id, script_version_id, status, progress, stage, chapters,"
            " created_by, revision, created_at, updated_at, usn) VALUES (:movie, :version,"
            " 'completed', 1.0, 'published', '[]', :user, 2, :now, :now, 4)",
            "INSERT INTO review_notes (id, movie_id, author_id, frame, fps, timecode, text,"
            " status, revision, created_at, updated_at, usn) VALUES (:note, :movie, :user, 24,"
            " 24.0, '00:00:01:00', 'Kept.', 'open', 1, :now, :now, 5)",
        )
        with database.engine.begin() as connection:
            for statement in statements:
                connection.execute(text(statement), ids)
        database.migrate()
        with database.transaction() as session:
            movie = session.get(Movie, movie_id)
            note = session.get(ReviewNote, note_id)
            assert movie is not None
            assert note is not None
            kept_movie, kept_note = movie_record(movie), note_record(note)
            stamp = datetime.now(UTC)
            session.add(
                NoteReply(
                    note_id=note_id,
                    movie_id=movie_id,
                    author_id=user_id,
                    text="Reply.",
                    created_at=stamp,
                    updated_at=stamp,
                    usn=6,
                )
            )
        assert (kept_movie.status, kept_movie.revision) == ("completed", 2)
        assert (kept_movie.decided_by, kept_movie.decision_comment) == (None, "")
        assert (kept_note.text, kept_note.drawing) == ("Kept.", None)
        with database.snapshot() as session:
            assert session.scalars(select(NoteReply.text)).all() == ["Reply."]
    finally:
        database.dispose()
