"""studio.writing: one reading of a draft serves the whole Write room."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from bench.scriptgen import feature_script
from tests.studio.conftest import Server
from vividverse_desktop.core.resources import resource_path
from vividverse_desktop.core.screenplay.fountain import parse
from vividverse_desktop.core.screenplay.pagination import paginate
from vividverse_desktop.studio import writing
from vividverse_desktop.studio.errors import StudioError

SAMPLE = resource_path("samples", "night_market.fountain")


def _apply(text: str, edit: writing.LineEdit) -> str:
    lines = text.split("\n")
    lines[edit.start : edit.end] = list(edit.lines)
    return "\n".join(lines)


def test_the_reading_has_the_export_pages_and_the_scene_outline() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    analysis = writing.analyse(text=text)
    screenplay = parse(text)
    assert analysis.pagination.page_count == paginate(screenplay).page_count
    scenes = [e for e in analysis.outline if e.kind == "scene"]
    assert [s.number for s in scenes] == [s.number for s in screenplay.scenes()]
    assert all(s.page >= 1 and s.eighths >= 1 for s in scenes)
    assert any(e.kind == "section" for e in analysis.outline)
    assert any(e.kind == "note" for e in analysis.outline)
    lines = text.split("\n")
    for entry in scenes:
        assert lines[entry.line].strip().upper().lstrip(".").startswith(
            ("INT", "EXT", "EST", "I/E")
        ) or lines[entry.line].startswith(".")


def test_line_lookups_follow_the_script() -> None:
    text = feature_script(20, seed=3)
    analysis = writing.analyse(text=text)
    last_scene = len(analysis.scene_lines) - 1
    assert analysis.scene_at(analysis.scene_lines[last_scene] + 1) == last_scene
    assert analysis.scene_at(0) == -1 or analysis.scene_lines[0] == 0
    assert analysis.page_at(len(text.split("\n")) - 1) == analysis.pagination.page_count
    page = analysis.pagination.page_count // 2
    assert analysis.page_at(analysis.line_of_page(page)) == page


def test_a_refused_text_still_reads_with_the_reason() -> None:
    analysis = writing.analyse(text="INT. A - DAY\n\nbad\x00\n")
    assert "NUL" in analysis.error
    assert analysis.pagination.page_count == 0


def test_cue_completion_offers_the_one_who_spoke_before_first() -> None:
    text = "INT. A - DAY\n\nANNA\nHi.\n\nBORIS\nHello.\n\nCLARA\nYes?\n\nANNA\nNo.\n\n"
    analysis = writing.analyse(text=text)
    line = len(text.split("\n")) - 1
    offered = writing.completions(analysis, "character", "", line=line)
    assert offered[0] == "CLARA"  # Anna spoke last; the one before her answers
    assert set(offered) == {"ANNA", "BORIS", "CLARA"}
    assert writing.completions(analysis, "character", "bo", line=line) == ("BORIS",)
    assert "ANNA (V.O.)" in writing.completions(analysis, "character", "ANNA (", line=line)


def test_heading_completion_goes_prefix_then_place_then_time() -> None:
    analysis = writing.analyse(text="INT. KITCHEN - DAY\n\nx\n\nEXT. GARDEN - NIGHT\n\ny\n")
    assert "INT. " in writing.completions(analysis, "scene_heading", "i")
    assert writing.completions(analysis, "scene_heading", "INT. KI") == ("INT. KITCHEN",)
    assert "INT. GARDEN - NIGHT" in writing.completions(
        analysis, "scene_heading", "INT. GARDEN - N"
    )
    assert writing.completions(analysis, "transition", "cut") == ("CUT TO:",)


def test_moving_a_scene_moves_its_text_and_keeps_the_others() -> None:
    text = feature_script(8, seed=5)
    analysis = writing.analyse(text=text)
    scenes = [e for e in analysis.outline if e.kind == "scene"]
    third = scenes[2]
    edit = writing.move_scene(text, start=third.line, end=third.end, before=scenes[0].line)
    assert edit is not None
    moved = writing.analyse(text=_apply(text, edit))
    titles = [e.title for e in moved.outline if e.kind == "scene"]
    assert titles[0] == third.title
    assert sorted(titles) == sorted(s.title for s in scenes)
    assert writing.move_scene(text, start=third.line, end=third.end, before=third.line) is None
    to_end = writing.move_scene(text, start=scenes[0].line, end=scenes[0].end, before=-1)
    assert to_end is not None
    ended = [
        e.title for e in writing.analyse(text=_apply(text, to_end)).outline if e.kind == "scene"
    ]
    assert ended[-1] == scenes[0].title
    assert len(ended) == len(scenes)


def test_open_draft_reads_fountain_as_is_and_imports_the_rest(tmp_path: Path) -> None:
    fountain = tmp_path / "a.fountain"
    fountain.write_bytes(b"\xef\xbb\xbfINT. A - DAY\r\n\r\nHi.\r\n")
    opened = writing.open_draft(path=fountain)
    assert opened.text == "INT. A - DAY\n\nHi.\n"
    assert opened.editable_in_place
    empty = tmp_path / "empty.fountain"
    empty.write_bytes(b"")
    assert writing.open_draft(path=empty).text == ""
    with pytest.raises(StudioError, match="no such file"):
        writing.open_draft(path=tmp_path / "missing.fountain")


def test_export_writes_the_same_pages_the_preview_counts(tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    done = writing.export_text(text=text, output=tmp_path / "out.pdf", title_page=False)
    assert (
        len(PdfReader(tmp_path / "out.pdf").pages)
        == writing.analyse(text=text).pagination.page_count
    )
    assert done.pages == len(PdfReader(tmp_path / "out.pdf").pages)
    kept = writing.export_text(text=text, output=tmp_path / "copy.fountain")
    assert (tmp_path / "copy.fountain").read_text(encoding="utf-8") == text
    assert kept.pages == 0
    fdx = writing.export_text(text=text, output=tmp_path / "out.fdx")
    assert fdx.format == "fdx"
    assert "<FinalDraft" in (tmp_path / "out.fdx").read_text(encoding="utf-8")
    with pytest.raises(StudioError, match=r"\.pdf, \.fdx or \.fountain"):
        writing.export_text(text=text, output=tmp_path / "x.doc")


@pytest.mark.anyio
async def test_my_scripts_shows_waiting_then_sent_then_a_new_version(server: Server) -> None:
    wren = await server.desk("wren")
    done = writing.submit_draft(
        store=wren.store, user_id=wren.user.id, text="Title: Kettle\n\nINT. LAB - NIGHT\n\nSteam.\n"
    )
    mine = writing.my_scripts(store=wren.store, author_id=wren.user.id)
    assert [(m.title, m.waiting, m.versions) for m in mine] == [("Kettle", 1, 1)]
    await server.sync(wren)
    mine = writing.my_scripts(store=wren.store, author_id=wren.user.id)
    assert [(m.id, m.waiting, m.status) for m in mine] == [(done.script_id, 0, "PendingValidation")]
    revised = writing.submit_draft(
        store=wren.store,
        user_id=wren.user.id,
        text="Title: Kettle\n\nINT. LAB - NIGHT\n\nSteam rises.\n",
        script_id=done.script_id,
    )
    assert revised.script_id == done.script_id
    text = writing.version_text(store=wren.store, version_id=revised.version_id)
    assert "Steam rises." in text
    with pytest.raises(StudioError, match="already has this text"):
        writing.submit_draft(
            store=wren.store, user_id=wren.user.id, text=text, script_id=done.script_id
        )
    with pytest.raises(StudioError, match="empty"):
        writing.submit_draft(store=wren.store, user_id=wren.user.id, text="")
    with pytest.raises(StudioError, match="title"):
        writing.submit_draft(store=wren.store, user_id=wren.user.id, text="INT. A - DAY\n\nx\n")


def test_watch_scene_refuses_a_line_before_the_first_scene(tmp_path: Path) -> None:
    with pytest.raises(StudioError, match="put the cursor in a scene"):
        writing.watch_scene(
            text="Title: X\n\nFADE IN:\n\nINT. A - DAY\n\nHi.\n", line=2, cache_dir=tmp_path
        )
