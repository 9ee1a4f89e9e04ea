"""Drafting the next migration from the models (``python -m sync_server.migrations.draft``)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from sync_server.migrations.draft import VERSIONS_DIR, draft, next_revision

ROOT = Path(__file__).resolve().parents[2]


def test_the_next_revision_follows_the_newest() -> None:
    """Revisions are numbered: the draft takes the number after the highest."""
    newest = max(int(p.name[1:5]) for p in VERSIONS_DIR.glob("v[0-9]*_*.py"))
    assert next_revision() == f"{newest + 1:04d}"


def test_models_that_match_the_migrations_draft_an_empty_revision(tmp_path: Path) -> None:
    """With nothing new in the models the draft changes nothing, after the newest."""
    path = draft("nothing new", into=tmp_path)
    text = path.read_text()
    assert path.name == f"v{next_revision()}_nothing_new.py"
    assert f"down_revision = '{int(next_revision()) - 1:04d}'" in text
    assert "add_column" not in text
    assert "drop_column" not in text


def test_a_column_added_to_a_model_is_drafted_as_added(tmp_path: Path) -> None:
    """A nullable column declared on a model (here, in a separate process) becomes
    ``add_column`` in the draft, and ``drop_column`` on the way down."""
    script = textwrap.dedent(
        f"""
        import sqlalchemy as sa
        from pathlib import Path
        from sync_server import models
        from sync_server.migrations.draft import draft
        models.ReviewNote.__table__.append_column(sa.Column("colour", sa.String(16)))
        print(draft("a review note's colour", into=Path({str(tmp_path)!r})))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    path = Path(done.stdout.strip().splitlines()[-1])
    text = path.read_text()
    assert path.name == f"v{next_revision()}_a_review_note_s_colour.py"
    assert "batch_alter_table('review_notes'" in text
    assert "add_column(sa.Column('colour', sa.String(length=16), nullable=True))" in text
    assert "drop_column('colour')" in text
