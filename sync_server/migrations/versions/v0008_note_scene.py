"""A review note keeps the film chapter (scene) its frame fell in when it was pinned.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 09:02:58.340827
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("review_notes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scene", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("review_notes", schema=None) as batch_op:
        batch_op.drop_column("scene")
