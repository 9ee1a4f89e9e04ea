"""Initial schema: users, scripts and versions, score events, movies, review notes,
the sync op log, the USN counter and refresh-token families.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=128), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=128), nullable=False),
        sa.Column("token_version", sa.Integer(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    usn_counter = op.create_table(
        "usn_counter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usn_counter")),
    )
    op.bulk_insert(usn_counter, [{"id": 1, "value": 0}])
    op.create_table(
        "refresh_token_families",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("current_jti", sa.String(length=64), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("revoked_reason", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_refresh_token_families_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refresh_token_families")),
    )
    op.create_index(
        op.f("ix_refresh_token_families_user_id"), "refresh_token_families", ["user_id"]
    )

    op.create_table(
        "scripts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("usn", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_scripts_author_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scripts")),
    )
    op.create_index(op.f("ix_scripts_author_id"), "scripts", ["author_id"])
    op.create_index(op.f("ix_scripts_status"), "scripts", ["status"])
    op.create_index(op.f("ix_scripts_usn"), "scripts", ["usn"])

    op.create_table(
        "sync_ops",
        sa.Column("op_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("payload_sha256", sa.String(length=64), nullable=False),
        sa.Column("usn", sa.BigInteger(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_sync_ops_user_id_users")),
        sa.PrimaryKeyConstraint("op_id", name=op.f("pk_sync_ops")),
    )
    op.create_index(op.f("ix_sync_ops_user_id"), "sync_ops", ["user_id"])
    op.create_index(op.f("ix_sync_ops_usn"), "sync_ops", ["usn"])

    op.create_table(
        "script_versions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("script_id", sa.Uuid(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("fountain_text", sa.Text(), nullable=False),
        sa.Column("source_format", sa.String(length=16), nullable=False),
        sa.Column("source_file_key", sa.String(length=200), nullable=True),
        sa.Column("stats_json", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("usn", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["script_id"], ["scripts.id"], name=op.f("fk_script_versions_script_id_scripts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_script_versions")),
        sa.UniqueConstraint("script_id", "n", name=op.f("uq_script_versions_script_id_n")),
    )
    op.create_index(op.f("ix_script_versions_script_id"), "script_versions", ["script_id"])
    op.create_index(op.f("ix_script_versions_usn"), "script_versions", ["usn"])

    op.create_table(
        "movies",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("script_version_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("stage", sa.String(length=64), nullable=False),
        sa.Column("video_key", sa.String(length=200), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("chapters", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("usn", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_movies_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["script_version_id"],
            ["script_versions.id"],
            name=op.f("fk_movies_script_version_id_script_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_movies")),
    )
    op.create_index(op.f("ix_movies_script_version_id"), "movies", ["script_version_id"])
    op.create_index(op.f("ix_movies_usn"), "movies", ["usn"])

    op.create_table(
        "score_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("script_version_id", sa.Uuid(), nullable=False),
        sa.Column("validator_id", sa.Uuid(), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("overall", sa.Integer(), nullable=True),
        sa.Column("verdict", sa.String(length=16), nullable=True),
        sa.Column("confidence", sa.Integer(), nullable=True),
        sa.Column("comments", sa.Text(), nullable=False),
        sa.Column("scene_ref", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("usn", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["script_version_id"],
            ["script_versions.id"],
            name=op.f("fk_score_events_script_version_id_script_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["validator_id"], ["users.id"], name=op.f("fk_score_events_validator_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_events")),
    )
    op.create_index(
        op.f("ix_score_events_script_version_id_validator_id"),
        "score_events",
        ["script_version_id", "validator_id"],
    )
    op.create_index(op.f("ix_score_events_usn"), "score_events", ["usn"])
    op.create_index(op.f("ix_score_events_validator_id"), "score_events", ["validator_id"])

    op.create_table(
        "review_notes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("movie_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("frame", sa.Integer(), nullable=False),
        sa.Column("frame_end", sa.Integer(), nullable=True),
        sa.Column("fps", sa.Float(), nullable=False),
        sa.Column("timecode", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("usn", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_review_notes_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["movie_id"], ["movies.id"], name=op.f("fk_review_notes_movie_id_movies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_notes")),
    )
    op.create_index(op.f("ix_review_notes_movie_id"), "review_notes", ["movie_id"])
    op.create_index(op.f("ix_review_notes_usn"), "review_notes", ["usn"])


def downgrade() -> None:
    op.drop_index(op.f("ix_review_notes_usn"), table_name="review_notes")
    op.drop_index(op.f("ix_review_notes_movie_id"), table_name="review_notes")

    op.drop_table("review_notes")
    op.drop_index(op.f("ix_score_events_validator_id"), table_name="score_events")
    op.drop_index(op.f("ix_score_events_usn"), table_name="score_events")
    op.drop_index(op.f("ix_score_events_script_version_id_validator_id"), table_name="score_events")

    op.drop_table("score_events")
    op.drop_index(op.f("ix_movies_usn"), table_name="movies")
    op.drop_index(op.f("ix_movies_script_version_id"), table_name="movies")

    op.drop_table("movies")
    op.drop_index(op.f("ix_script_versions_usn"), table_name="script_versions")
    op.drop_index(op.f("ix_script_versions_script_id"), table_name="script_versions")

    op.drop_table("script_versions")
    op.drop_index(op.f("ix_sync_ops_usn"), table_name="sync_ops")
    op.drop_index(op.f("ix_sync_ops_user_id"), table_name="sync_ops")

    op.drop_table("sync_ops")
    op.drop_index(op.f("ix_scripts_usn"), table_name="scripts")
    op.drop_index(op.f("ix_scripts_status"), table_name="scripts")
    op.drop_index(op.f("ix_scripts_author_id"), table_name="scripts")

    op.drop_table("scripts")
    op.drop_index(op.f("ix_refresh_token_families_user_id"), table_name="refresh_token_families")

    op.drop_table("refresh_token_families")
    op.drop_table("usn_counter")
    op.drop_table("users")
