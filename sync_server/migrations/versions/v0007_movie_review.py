"""Review of a film: a movie keeps who decided on it and their comment, a review note
may carry a drawing, and a note has a thread of replies.

Existing movies are undecided (no comment); existing notes have no drawing.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-18
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("movies") as batch:
        batch.add_column(sa.Column("decided_by", sa.Uuid(), nullable=True))
        batch.add_column(sa.Column("decision_comment", sa.Text(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_movies_decided_by_users"), "users", ["decided_by"], ["id"]
        )
    op.execute(sa.text("UPDATE movies SET decision_comment = ''"))
    with op.batch_alter_table("movies") as batch:
        batch.alter_column("decision_comment", existing_type=sa.Text(), nullable=False)
    with op.batch_alter_table("review_notes") as batch:
        batch.add_column(sa.Column("drawing", sa.JSON(), nullable=True))
    op.create_table(
        "note_replies",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("note_id", sa.Uuid(), nullable=False),
        sa.Column("movie_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("usn", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_note_replies_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["movie_id"], ["movies.id"], name=op.f("fk_note_replies_movie_id_movies")
        ),
        sa.ForeignKeyConstraint(
            ["note_id"], ["review_notes.id"], name=op.f("fk_note_replies_note_id_review_notes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note_replies")),
    )
    op.create_index(op.f("ix_note_replies_note_id"), "note_replies", ["note_id"])
    op.create_index(op.f("ix_note_replies_usn"), "note_replies", ["usn"])


def downgrade() -> None:
    op.drop_table("note_replies")
    with op.batch_alter_table("review_notes") as batch:
        batch.drop_column("drawing")
    with op.batch_alter_table("movies") as batch:
        batch.drop_constraint(op.f("fk_movies_decided_by_users"), type_="foreignkey")
        batch.drop_column("decision_comment")
        batch.drop_column("decided_by")
