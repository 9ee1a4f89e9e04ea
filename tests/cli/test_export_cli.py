"""`export`: a screenplay as an industry PDF or as Fountain; `validate` and empty files."""

from __future__ import annotations

import json
from pathlib import Path

import pypdf
import pytest

from tests.cli.test_cli import run
from vividverse_desktop.core.resources import resource_path
from vividverse_desktop.core.screenplay import parse
from vividverse_desktop.core.screenplay.stats import compute

FEATURE = resource_path("samples", "real", "brick_and_steel.fountain")


def test_export_pdf_has_the_statistics_pages_and_a_title_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The PDF is the title page plus the body pages the statistics count."""
    target = tmp_path / "brick.pdf"
    code, out, err = run(["export", str(FEATURE), "-o", str(target)], capsys)
    assert (code, out) == (0, ""), err
    pages = compute(parse(FEATURE.read_text("utf-8"))).page_count
    document = pypdf.PdfReader(target)
    assert len(document.pages) == pages + 1
    assert "BRICK & STEEL" in document.pages[0].extract_text()
    assert f"{pages} page(s)" in err


def test_export_pdf_options_a4_numbers_watermark_no_title_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A4 paper, scene numbers, a watermark on every page and no title page."""
    target = tmp_path / "brick.pdf"
    argv = ["export", str(FEATURE), "-o", str(target), "--paper", "a4", "--scene-numbers"]
    argv += ["--watermark", "DRAFT 3", "--no-title-page"]
    code, _, err = run(argv, capsys)
    assert code == 0, err
    document = pypdf.PdfReader(target)
    assert round(float(document.pages[0].mediabox.height)) == 842
    texts = [page.extract_text() for page in document.pages]
    assert all("DRAFT 3" in text for text in texts)
    assert "Mara Quill" not in texts[0]
    assert "EXT/INT MILLER'S TRUCK - DAY" in texts[0]
    assert "15" in texts[-1]  # the last scene's number


def test_export_pdf_scene_numbers_on_one_side_and_revision_marks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--scene-numbers left` prints numbers on the left; `--revised-from OLD` stars a change."""
    old = tmp_path / "old.fountain"
    old.write_text(
        FEATURE.read_text("utf-8").replace("EXT/INT MILLER'S TRUCK - DAY", "EXT. TRUCK - DAY"),
        encoding="utf-8",
    )
    target = tmp_path / "brick.pdf"
    argv = ["export", str(FEATURE), "-o", str(target), "--no-title-page"]
    code, _, err = run([*argv, "--scene-numbers", "left", "--revised-from", str(old)], capsys)
    assert code == 0, err
    first = pypdf.PdfReader(target).pages[0]
    found: list[tuple[str, float]] = []
    first.extract_text(visitor_text=lambda text, cm, tm, *_: found.append((text.strip(), tm[4])))
    assert [x for text, x in found if text == "1"] == [pytest.approx(72 - 7.2, abs=1)]
    assert [text for text, _ in found if text == "*"] == ["*"]


def test_export_fountain_reads_back_the_same_script(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`-o OUT.fountain` writes Fountain that parses to the same title page and elements."""
    target = tmp_path / "brick.fountain"
    code, _, err = run(["export", str(FEATURE), "-o", str(target)], capsys)
    assert code == 0, err
    original, written = parse(FEATURE.read_text("utf-8")), parse(target.read_text("utf-8"))
    assert written.title_page == original.title_page
    assert [(e.kind, e.text) for e in written.elements] == [
        (e.kind, e.text) for e in original.elements
    ]


def test_export_fdx_reads_back_the_same_script(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`-o OUT.fdx` writes Final Draft XML that imports as the same elements and title page."""
    target = tmp_path / "brick.fdx"
    code, _, err = run(["export", str(FEATURE), "-o", str(target)], capsys)
    assert code == 0, err
    assert "boneyard" in err  # the sample's struck passage is named as left out
    assert target.read_text("utf-8").count("<FinalDraft ") == 1
    code, out, err = run(["parse", "--json", str(target)], capsys)
    assert code == 0, err
    original = parse(FEATURE.read_text("utf-8"))
    document = json.loads(out)
    assert document["title_page"] == dict(original.title_page)
    assert [(e["kind"], e["text"]) for e in document["elements"]] == [
        (e.kind.value, e.text) for e in original.elements
    ]


@pytest.mark.parametrize(
    ("name", "extra", "message"),
    [
        ("brick.docx", [], "write a .pdf, a .fountain or a .fdx file"),
        ("brick.fdx", ["--paper", "a4"], "PDF options"),
        ("brick.fountain", ["--watermark", "X"], "PDF options"),
    ],
)
def test_export_refuses_what_it_cannot_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, extra: list[str], message: str
) -> None:
    """Unknown formats and PDF options on Fountain or FDX are one-line errors on stderr, exit 1."""
    code, out, err = run(["export", str(FEATURE), "-o", str(tmp_path / name), *extra], capsys)
    assert (code, out) == (1, "")
    assert message in err
    assert not (tmp_path / name).exists()


def test_export_keeps_an_existing_file_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An existing output is kept; --force replaces it."""
    target = tmp_path / "brick.pdf"
    target.write_bytes(b"keep me")
    code, _, err = run(["export", str(FEATURE), "-o", str(target)], capsys)
    assert code == 1
    assert "already exists" in err
    assert target.read_bytes() == b"keep me"
    code, _, _ = run(["export", str(FEATURE), "-o", str(target), "--force"], capsys)
    assert code == 0
    assert target.read_bytes().startswith(b"%PDF")


def test_validate_warns_on_accepted_non_standard_prefixes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """EXT/INT is accepted as a heading, with a warning on stderr naming its line."""
    code, out, err = run(["validate", str(FEATURE)], capsys)
    assert (code, out) == (0, "")
    assert f"{FEATURE}:20: warning: heading prefix 'EXT/INT'" in err
    code, _, _ = run(["validate", "--strict", str(FEATURE)], capsys)
    assert code == 1


def test_empty_file_parses_to_nothing_and_stats_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An empty file: `parse` exits 0 with no elements; `stats` says there are no scenes."""
    empty = tmp_path / "new.fountain"
    empty.write_bytes(b"")
    code, out, err = run(["parse", "--json", str(empty)], capsys)
    assert code == 0
    assert '"elements": []' in out
    assert "empty" in err
    code, out, _ = run(["stats", str(empty)], capsys)
    assert code == 0
    assert "no scenes" in out
