"""The record of applied ops keeps only the index it is looked up by (its op id).

``sync_ops`` rows are read by op id alone, and never pulled; the indexes on ``user_id``
and ``usn`` only cost every pushed op two more index inserts. A user is never deleted
(accounts are disabled), so the foreign key needs no index of its own.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index(op.f("ix_sync_ops_usn"), table_name="sync_ops")
    op.drop_index(op.f("ix_sync_ops_user_id"), table_name="sync_ops")


def downgrade() -> None:
    op.create_index(op.f("ix_sync_ops_user_id"), "sync_ops", ["user_id"])
    op.create_index(op.f("ix_sync_ops_usn"), "sync_ops", ["usn"])
