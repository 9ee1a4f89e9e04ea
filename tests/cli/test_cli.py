"""The command line as a shell user meets it: verbs, outputs, messages and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from vividverse_desktop.cli import main

SCRIPT = """\
Title: The Lighthouse Keeper
Author: Test Writer

INT. LIGHTHOUSE - NIGHT

Rain hammers the glass. MARA (60s) winds the lamp.

MARA
Not tonight. Not again.

TOM (O.S.)
Mara? Are you up there?

EXT. CLIFF PATH - DAY

Tom climbs, out of breath.

CUT TO:

INT. LIGHTHOUSE - NIGHT

MARA
(quietly)
Come up, then.
"""


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "keeper.fountain"
    path.write_text(SCRIPT, encoding="utf-8")
    return path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_parse_json_gives_title_page_and_typed_elements(
    script: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`parse --json` prints the stable document: title page and elements with kind/text/line."""
    code, out, _ = run(["parse", str(script), "--json"], capsys)
    assert code == 0
    doc = json.loads(out)
    assert doc["title_page"]["Title"] == "The Lighthouse Keeper"
    kinds = [e["kind"] for e in doc["elements"]]
    assert kinds[:3] == ["scene_heading", "action", "character"]
    assert "transition" in kinds
    assert "parenthetical" in kinds
    first = doc["elements"][0]
    assert first == {"kind": "scene_heading", "text": "INT. LIGHTHOUSE - NIGHT", "line": 4}
    tom = next(e for e in doc["elements"] if e["kind"] == "character" and e["text"] == "TOM")
    assert tom["extensions"] == ["O.S."]


def test_stats_json_has_scene_count(script: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`stats --json` reports three scenes at the top level."""
    code, out, _ = run(["stats", str(script), "--json"], capsys)
    assert code == 0
    assert json.loads(out)["scene_count"] == 3


def test_stats_table_and_csv_name_the_characters(
    script: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The table and the CSV both list the speaking characters."""
    code, table, _ = run(["stats", str(script)], capsys)
    assert code == 0
    assert "MARA" in table
    assert "TOM" in table
    code, csv_text, _ = run(["stats", str(script), "--csv"], capsys)
    assert code == 0
    assert "MARA" in csv_text


def test_convert_writes_fountain_that_parses_to_the_same_elements(
    script: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`convert` of a Fountain file writes Fountain with the same elements."""
    out_path = tmp_path / "out.fountain"
    code, _, err = run(["convert", str(script), "-o", str(out_path)], capsys)
    assert code == 0, err
    _, original, _ = run(["parse", str(script), "--json"], capsys)
    _, converted, _ = run(["parse", str(out_path), "--json"], capsys)
    strip = lambda doc: [(e["kind"], e["text"]) for e in json.loads(doc)["elements"]]  # noqa: E731
    assert strip(converted) == strip(original)


def test_convert_refuses_to_overwrite_without_force(
    script: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An existing output file is kept unless --force is given."""
    out_path = tmp_path / "out.fountain"
    out_path.write_text("precious", encoding="utf-8")
    code, _, err = run(["convert", str(script), "-o", str(out_path)], capsys)
    assert code == 1
    assert "already exists" in err
    assert out_path.read_text(encoding="utf-8") == "precious"
    code, _, _ = run(["convert", str(script), "-o", str(out_path), "--force"], capsys)
    assert code == 0
    assert "LIGHTHOUSE" in out_path.read_text(encoding="utf-8")


def test_convert_never_overwrites_its_input(
    script: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Converting a file onto itself is refused even with --force."""
    code, _, err = run(["convert", str(script), "-o", str(script), "--force"], capsys)
    assert code == 1
    assert "input" in err
    assert script.read_text(encoding="utf-8") == SCRIPT


def test_validate_passes_a_clean_file(script: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A clean script validates with exit 0."""
    code, _, err = run(["validate", str(script)], capsys)
    assert code == 0, err
    assert "0 error(s)" in err


def test_validate_reports_an_unclosed_note_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unbalanced note is an error naming the file and the line where it opened."""
    bad = tmp_path / "bad.fountain"
    bad.write_text("INT. ROOM - DAY\n\nShe waits. [[fix this\n\nHe enters.\n", encoding="utf-8")
    code, out, err = run(["validate", str(bad)], capsys)
    assert code == 1
    assert f"{bad}:3: error:" in err
    assert out == ""


def test_invalid_utf8_is_a_clear_error_with_a_line_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bytes that are not UTF-8 give one line on stderr naming the line, and exit 1."""
    bad = tmp_path / "latin1.fountain"
    bad.write_bytes(b"INT. ROOM - DAY\n\nCaf\xe9 au lait.\n")
    code, out, err = run(["parse", str(bad), "--json"], capsys)
    assert code == 1
    assert out == ""
    assert "line 3" in err
    assert "Traceback" not in err


def test_missing_file_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file that does not exist is reported plainly with exit 1."""
    code, _, err = run(["stats", str(tmp_path / "nope.fountain")], capsys)
    assert code == 1
    assert err.strip() == f"vividverse-cli: error: {tmp_path / 'nope.fountain'}: no such file"


def test_module_entry_point_and_usage_errors() -> None:
    """`python -m vividverse_desktop.cli` works; an unknown verb is a usage error (exit 2)."""
    ok = subprocess.run(
        [sys.executable, "-m", "vividverse_desktop.cli", "--version"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert ok.returncode == 0
    assert ok.stdout.startswith("vividverse ")
    bad = subprocess.run(
        [sys.executable, "-m", "vividverse_desktop.cli", "frobnicate"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert bad.returncode == 2
    assert "invalid choice" in bad.stderr
