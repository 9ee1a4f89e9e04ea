"""Each version keeps its blind copy (what validators read) and that copy's SHA-256.

The copy is written from the parsed script (``core.screenplay.blind``); existing
versions get theirs here.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-14
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from vividverse_desktop.core.screenplay import fountain
from vividverse_desktop.core.screenplay.blind import blind_copy
from vividverse_desktop.core.screenplay.errors import ScreenplayError
from vividverse_desktop.core.wire import content_sha256

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("script_versions") as batch:
        batch.add_column(sa.Column("blind_text", sa.Text(), nullable=True))
        batch.add_column(sa.Column("blind_sha256", sa.String(length=64), nullable=True))
    connection = op.get_bind()
    ids = connection.execute(sa.text("SELECT id FROM script_versions")).scalars().all()
    for version_id in ids:
        text = connection.execute(
            sa.text("SELECT fountain_text FROM script_versions WHERE id = :id"), {"id": version_id}
        ).scalar_one()
        try:
            blind = blind_copy(fountain.parse(text))
        except ScreenplayError:
            blind = ""  # stored texts were read when accepted; never show an unread one
        connection.execute(
            sa.text(
                "UPDATE script_versions SET blind_text = :text, blind_sha256 = :sha WHERE id = :id"
            ),
            {"text": blind, "sha": content_sha256(blind), "id": version_id},
        )
    with op.batch_alter_table("script_versions") as batch:
        batch.alter_column("blind_text", existing_type=sa.Text(), nullable=False)
        batch.alter_column("blind_sha256", existing_type=sa.String(length=64), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("script_versions") as batch:
        batch.drop_column("blind_sha256")
        batch.drop_column("blind_text")
