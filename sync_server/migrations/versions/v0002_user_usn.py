"""Users carry a usn, so clients pull account changes (a role granted or revoked).

Existing accounts get fresh USNs from the counter, in username order.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("usn", sa.BigInteger(), nullable=True))
    connection = op.get_bind()
    last = connection.execute(sa.text("SELECT value FROM usn_counter WHERE id = 1")).scalar_one()
    ids = connection.execute(sa.text("SELECT id FROM users ORDER BY username")).scalars().all()
    for offset, user_id in enumerate(ids, start=1):
        connection.execute(
            sa.text("UPDATE users SET usn = :usn WHERE id = :id"),
            {"usn": last + offset, "id": user_id},
        )
    connection.execute(
        sa.text("UPDATE usn_counter SET value = :value WHERE id = 1"), {"value": last + len(ids)}
    )
    with op.batch_alter_table("users") as batch:
        batch.alter_column("usn", existing_type=sa.BigInteger(), nullable=False)
        batch.create_index(batch.f("ix_users_usn"), ["usn"])


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_index(batch.f("ix_users_usn"))
        batch.drop_column("usn")
