"""Alembic environment: migrate the engine handed over in ``config.attributes``.

The server runs migrations programmatically (see ``sync_server.db``), so there is no
alembic.ini and no URL here; offline (SQL script) mode is not supported.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from sync_server.models import Base

MIGRATION_LOCK_KEY = 0x76697669  # "vivi": the advisory lock that serialises migrations


def run_migrations() -> None:
    """Run the pending revisions on the configured engine in one transaction."""
    engine = context.config.attributes.get("engine")
    if not isinstance(engine, Engine):
        raise RuntimeError("run migrations through sync_server.db.upgrade_schema")
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        raw = connection.connection.dbapi_connection if sqlite else None
        if raw is not None:
            # Batch migrations rebuild SQLite tables (create, copy, drop, rename); with
            # foreign keys enforced, dropping a referenced table fails. SQLite's own
            # procedure: switch enforcement off outside the transaction, migrate, then
            # check every reference before committing.
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=sqlite,
                compare_type=True,
            )
            with context.begin_transaction():
                if connection.dialect.name == "postgresql":
                    # Several server instances may start at once: one migrates, the others
                    # wait here and then find the schema already at head.
                    connection.exec_driver_sql(
                        f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})"
                    )
                context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration left broken references: {broken[:5]}")
            connection.commit()
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    raise RuntimeError("offline migrations are not supported; run them against a database")
run_migrations()
