"""An account may hold several roles: ``users.roles`` lists them; ``role`` stays the primary.

Every existing account holds the one role it had.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("roles", sa.String(length=128), nullable=True))
    op.execute(sa.text("UPDATE users SET roles = role"))
    with op.batch_alter_table("users") as batch:
        batch.alter_column("roles", existing_type=sa.String(length=128), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("roles")
