"""studio.scripts: import any format, submit and revise offline then sync, diff, export."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest

from tests.studio.conftest import Server
from vividverse_desktop.core.screenplay.fountain import parse
from vividverse_desktop.core.screenplay.stats import compute
from vividverse_desktop.core.wire import SourceFormat
from vividverse_desktop.core.workflow import Status
from vividverse_desktop.media.pdf_export import render_pdf
from vividverse_desktop.studio import compare, scripts
from vividverse_desktop.studio.errors import StudioError

pytestmark = pytest.mark.anyio

SCRIPT = """Title: _**BRICK & STEEL**_
    A Tale of Two Beams
Author: Ada Quill

INT. FOUNDRY - NIGHT

Sparks fly.

ADA
Pour it.

EXT. YARD - DAY

Rain on steel.
"""


def test_a_fountain_file_is_loaded_with_its_own_text(tmp_path: Path) -> None:
    """Fountain keeps its text byte for byte; the title is plain text with its lines joined."""
    path = tmp_path / "brick.fountain"
    path.write_text(SCRIPT, encoding="utf-8")
    loaded = scripts.load_script(path=path)
    assert loaded.fountain_text == SCRIPT
    assert loaded.source_format is SourceFormat.FOUNTAIN
    assert loaded.title == "BRICK & STEEL A Tale of Two Beams"
    assert len(loaded.screenplay.scenes()) == 2


def test_a_pdf_is_converted_to_fountain_on_load(tmp_path: Path) -> None:
    """A screenplay PDF comes back as Fountain text that parses to the same scenes."""
    path = tmp_path / "brick.pdf"
    path.write_bytes(render_pdf(parse(SCRIPT)))
    loaded = scripts.load_script(path=path)
    assert loaded.source_format is SourceFormat.PDF
    headings = [s.heading.text for s in parse(loaded.fountain_text).scenes()]
    assert headings == ["INT. FOUNDRY - NIGHT", "EXT. YARD - DAY"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.fountain", None, "no such file"),
        ("binary.fountain", b"\x00\x01\x02" * 100, "neither a PDF nor a text screenplay"),
    ],
)
def test_unreadable_files_are_one_line_errors_naming_the_file(
    tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    """Bad input is a StudioError naming the file and the problem, never a traceback."""
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(StudioError, match=message) as caught:
        scripts.load_script(path=path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize("content", [b"", b"\n  \n"])
def test_an_empty_file_is_an_empty_screenplay(tmp_path: Path, content: bytes) -> None:
    """An empty or blank file loads (the editor opens it) with no elements and a warning."""
    path = tmp_path / "new.fountain"
    path.write_bytes(content)
    loaded = scripts.load_script(path=path)
    assert (loaded.screenplay.elements, loaded.source_format) == ((), SourceFormat.FOUNTAIN)
    assert any("empty" in warning for warning in loaded.warnings)


async def test_a_script_submitted_offline_reaches_the_server_on_the_next_sync(
    server: Server,
) -> None:
    """Submit with no network: the script is listed here at once, and the server has it after
    a sync, pending validation, with the same text."""
    writer = await server.desk("wren")
    submitted = scripts.submit_script(
        store=writer.store, user_id=writer.user.id, title="Brick & Steel", fountain_text=SCRIPT
    )
    held = writer.store.script(submitted.script_id)
    assert held is not None
    assert held.status is Status.PENDING_VALIDATION
    assert len(writer.store.outbox()) == 1
    report = await server.sync(writer)
    assert report.accepted == 1
    assert writer.store.outbox() == ()
    version = scripts.latest_version(store=writer.store, script_id=submitted.script_id)
    assert version.fountain_text == SCRIPT
    assert version.n == 1


async def test_a_revision_is_a_new_version_and_the_old_one_stays(server: Server) -> None:
    """Revising adds version 2 after a sync; version 1 is kept unchanged."""
    writer = await server.desk("wren")
    submitted = scripts.submit_script(
        store=writer.store, user_id=writer.user.id, title="Brick", fountain_text=SCRIPT
    )
    revised_text = SCRIPT.replace("Sparks fly.", "Sparks fly everywhere.")
    scripts.revise_script(
        store=writer.store,
        user_id=writer.user.id,
        script_id=submitted.script_id,
        fountain_text=revised_text,
    )
    await server.sync(writer)
    found = scripts.versions(store=writer.store, script_id=submitted.script_id)
    assert [(v.n, v.fountain_text) for v in found] == [(1, SCRIPT), (2, revised_text)]


async def test_revising_with_the_same_text_is_refused(server: Server) -> None:
    """A revision identical to the latest version says so and records nothing."""
    writer = await server.desk("wren")
    submitted = scripts.submit_script(
        store=writer.store, user_id=writer.user.id, title="Brick", fountain_text=SCRIPT
    )
    with pytest.raises(StudioError, match="version 1 already has this text"):
        scripts.revise_script(
            store=writer.store,
            user_id=writer.user.id,
            script_id=submitted.script_id,
            fountain_text=SCRIPT,
        )
    assert len(writer.store.outbox()) == 1


@pytest.mark.parametrize(("title", "message"), [("   ", "needs a title"), ("x" * 301, "301")])
def test_a_submission_needs_a_usable_title(tmp_path: Path, title: str, message: str) -> None:
    """An empty or over-long title is refused before anything is recorded."""
    from vividverse_desktop.store import LocalStore

    with LocalStore.open(tmp_path / "s.sqlite3") as store:
        with pytest.raises(StudioError, match=message):
            scripts.submit_script(
                store=store, user_id="00000000-0000-4000-8000-000000000001", title=title,
                fountain_text=SCRIPT,
            )  # fmt: skip
        assert store.outbox() == ()


def test_the_diff_names_edited_added_and_removed_scenes() -> None:
    """A changed action line, a new scene and a dropped scene are each reported by heading."""
    new = SCRIPT.replace("Sparks fly.", "Sparks fly high.").replace(
        "EXT. YARD - DAY\n\nRain on steel.\n", "INT. OFFICE - DAY\n\nPapers.\n"
    )
    diff = compare.diff_texts(SCRIPT, new, old_label="version 1", new_label="version 2")
    changes = {(c.change, c.heading) for c in diff.scenes}
    assert changes == {
        ("edited", "INT. FOUNDRY - NIGHT"),
        ("added", "INT. OFFICE - DAY"),
        ("removed", "EXT. YARD - DAY"),
    }
    assert diff.unified[:2] == ("--- version 1", "+++ version 2")
    assert (diff.added, diff.removed) == (3, 3)
    assert not diff.same


def test_identical_texts_have_an_empty_diff() -> None:
    """Diffing a text with itself finds nothing."""
    diff = compare.diff_texts(SCRIPT, SCRIPT)
    assert diff.same
    assert diff.scenes == ()


def test_the_pdf_export_has_the_pages_the_statistics_count(tmp_path: Path) -> None:
    """The exported PDF has a title page plus exactly the body pages stats reports."""
    screenplay = parse(SCRIPT * 30)
    path = scripts.export_pdf(screenplay=screenplay, path=tmp_path / "out.pdf", paper="a4")
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    assert len(reader.pages) == compute(screenplay, paper="a4").page_count + 1


def test_the_fountain_export_parses_back_to_the_same_script(tmp_path: Path) -> None:
    """Export to Fountain and read it back: the same elements."""
    screenplay = parse(SCRIPT)
    path = scripts.export_fountain(screenplay=screenplay, path=tmp_path / "out.fountain")
    again = parse(path.read_text(encoding="utf-8"))
    assert [(e.kind, e.text) for e in again.elements] == [
        (e.kind, e.text) for e in screenplay.elements
    ]


def test_an_export_into_a_missing_directory_leaves_nothing_behind(tmp_path: Path) -> None:
    """Writing where there is no directory is a clear error."""
    with pytest.raises(StudioError, match="no such directory"):
        scripts.export_fountain(screenplay=parse(SCRIPT), path=tmp_path / "nope" / "x.fountain")


def test_a_failed_write_keeps_the_existing_file(tmp_path: Path) -> None:
    """An export that cannot be renamed into place leaves the old file as it was."""
    target = tmp_path / "taken"
    target.mkdir()  # a directory where the file should go: the rename fails
    with pytest.raises(StudioError, match="could not be written"):
        scripts.write_atomically(target, b"data")
    assert target.is_dir()
    assert list(tmp_path.iterdir()) == [target]
