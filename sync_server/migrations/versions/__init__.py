"""Schema revisions, oldest first; each file is one alembic revision."""
