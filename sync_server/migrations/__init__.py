"""Alembic migrations of the sync server's schema (run by ``sync_server.db.upgrade_schema``)."""
