"""PDF import: render known scripts, read them back, compare element by element.

Every bad file is built here: truncated, encrypted, a decompression bomb, random
bytes, an empty file, a PDF without text.
"""

from __future__ import annotations

import difflib
import io
import re
import zlib
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from bench.scriptgen import feature_script
from tests.reporting import report
from vividverse_desktop.core.screenplay.errors import ScreenplayError
from vividverse_desktop.core.screenplay.fountain import parse
from vividverse_desktop.core.screenplay.model import DualSide, ElementKind, Screenplay
from vividverse_desktop.media.pdf import import_pdf, page_runs, read_pdf
from vividverse_desktop.media.pdf_export import render_pdf
from vividverse_desktop.media.sandbox import Limits

K = ElementKind
NOT_PRINTED = {K.SECTION, K.SYNOPSIS, K.NOTE, K.PAGE_BREAK}

LONG_SPEECH = " ".join(f"This is sentence number {n} of a very long speech." for n in range(90))
SAMPLE = f"""\
Title: The Ledger
Credit: Written by
Author: Jane Roe
Draft date: 3 March 2026
Contact:
    jane@example.org
    Harbour Lane 5

INT. HARBOUR OFFICE - NIGHT #7#

Rain against the window. Margot counts coins into a tin, one by one, and stops
when the lamp flickers.

MARGOT (V.O.)
(quietly)
Somebody has been here before us.

OSCAR
Then we walk.

MARGOT ^
Never.

CUT TO:

EXT. CLIFF PATH - DAWN

They climb.

OSCAR
{LONG_SPEECH}

> ONE YEAR LATER <

FADE OUT.
"""


def printed(screenplay: Screenplay, *, exact: bool = False) -> list[tuple[ElementKind, str]]:
    """What a reader sees: (kind, text) of printed elements, whitespace collapsed unless exact.

    Collapsing is the default because a wrapped line and an explicit line break print
    identically when the next word would not have fitted; ``exact`` keeps the breaks.
    """
    return [
        (e.kind, e.text if exact else " ".join(e.text.split()))
        for e in screenplay.elements
        if e.kind not in NOT_PRINTED
    ]


def accuracy(
    label: str, original: Screenplay, imported: Screenplay, *, exact: bool = False
) -> float:
    """Print and return the share of original elements found in order (difflib alignment)."""
    a, b = printed(original, exact=exact), printed(imported, exact=exact)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    matched = sum(m.size for m in matcher.get_matching_blocks())
    how = "exact text" if exact else "elements"
    report(f"pdf import accuracy {label}: {matched}/{len(a)} {how} = {matched / len(a):.1%}")
    return matched / len(a)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def sample() -> Screenplay:
    return parse(SAMPLE)


@pytest.fixture(scope="module")
def sample_pdf(sample: Screenplay) -> bytes:
    return render_pdf(sample, scene_numbers="both")


@pytest.fixture(scope="module")
def imported_sample(sample_pdf: bytes, tmp_path_factory: pytest.TempPathFactory) -> Screenplay:
    path = tmp_path_factory.mktemp("pdf") / "sample.pdf"
    path.write_bytes(sample_pdf)
    return import_pdf(path).screenplay


def test_sample_reads_back_exactly(sample: Screenplay, imported_sample: Screenplay) -> None:
    """Every printed element of the sample comes back with its kind and text."""
    assert accuracy("sample", sample, imported_sample) == 1.0


def test_split_speech_comes_back_whole(sample_pdf: bytes, imported_sample: Screenplay) -> None:
    """A speech printed across pages with (MORE)/(CONT'D) is one dialogue element again."""
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(sample_pdf)).pages)
    assert "(MORE)" in text  # the fixture really splits the speech
    speech = [e for e in imported_sample.elements if e.text.startswith("This is sentence")]
    assert [" ".join(e.text.split()) for e in speech] == [LONG_SPEECH]
    assert not any("MORE" in e.text or "CONT'D" in e.text for e in imported_sample.elements)


def test_scene_numbers_title_page_and_dual_sides(imported_sample: Screenplay) -> None:
    """Printed scene numbers, the title page and dual-dialogue sides survive the round trip."""
    assert [h.scene_number for h in imported_sample.of_kind(K.SCENE_HEADING)] == ["7", "2"]
    assert dict(imported_sample.title_page) == {
        "Title": "The Ledger",
        "Credit": "Written by",
        "Author": "Jane Roe",
        "Draft date": "3 March 2026",
        "Contact": "jane@example.org\nHarbour Lane 5",
    }
    sides = [(e.text, e.dual) for e in imported_sample.elements if e.dual is not None]
    assert sides == [
        ("OSCAR", DualSide.LEFT),
        ("Then we walk.", DualSide.LEFT),
        ("MARGOT", DualSide.RIGHT),
        ("Never.", DualSide.RIGHT),
    ]


def test_line_numbers_are_those_of_the_written_fountain(imported_sample: Screenplay) -> None:
    """Each element's line numbers point at its lines in the Fountain the writer makes."""
    from vividverse_desktop.core.screenplay.writer import write

    written = parse(write(imported_sample))
    assert [(e.kind, e.line, e.last_line) for e in imported_sample.elements] == [
        (e.kind, e.line, e.last_line) for e in written.elements
    ]


@pytest.mark.parametrize(("paper", "seed", "numbers"), [("letter", 3, True), ("a4", 4, False)])
def test_generated_script_accuracy(tmp_path: Path, paper: str, seed: int, numbers: bool) -> None:
    """A 30-page generated script reads back at >= 98% of elements, Letter and A4."""
    original = parse(feature_script(pages=30, seed=seed))
    path = write(
        tmp_path,
        "s.pdf",
        render_pdf(original, paper=paper, scene_numbers="both" if numbers else "none"),
    )
    imported = import_pdf(path).screenplay
    assert accuracy(f"{paper} (30 pages)", original, imported) >= 0.98
    assert not any(re.fullmatch(r"\d+\.", e.text) for e in imported.elements)


@pytest.mark.slow
def test_feature_length_accuracy(tmp_path: Path) -> None:
    """A feature-length generated script reads back at >= 98% of elements."""
    original = parse(feature_script(pages=120, seed=1))
    path = write(tmp_path, "feature.pdf", render_pdf(original))
    imported = import_pdf(path).screenplay
    assert accuracy("letter (feature)", original, imported) >= 0.98
    assert accuracy("letter (feature)", original, imported, exact=True) >= 0.9


def pypdf_runs(path: Path) -> list[list[tuple[float, float, str]]]:
    """Reference: each page's runs as pypdf's own extract_text visitor reports them."""
    pages = []
    for page in PdfReader(path).pages:
        top = float(page.mediabox.top)
        runs: list[tuple[float, float, str]] = []

        def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                runs.append((round(x, 1), round(top - y, 1), text.strip()))  # noqa: B023

        page.extract_text(visitor_text=visit)
        pages.append(runs)
    return pages


def core_font_pdf() -> bytes:
    """A PDF in fpdf2's built-in Courier (WinAnsi encoding, no embedded font)."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="letter")
    pdf.set_font("Courier", size=12)
    for number in range(3):
        pdf.add_page()
        pdf.text(108, 90, f"INT. CAFÉ {number} - DAY")
        pdf.text(266.4, 114, "ZOË")
        pdf.text(180, 126, "Crème brûlée, s'il vous plaît.")
    return bytes(pdf.output())


@pytest.mark.parametrize("kind", ["rendered", "core font"])
def test_runs_match_pypdf_extraction(tmp_path: Path, sample_pdf: bytes, kind: str) -> None:
    """Positions and text read from the PDF are those pypdf's own extraction reports."""
    data = sample_pdf if kind == "rendered" else core_font_pdf()
    path = write(tmp_path, "runs.pdf", data)
    ours = [
        [(round(x, 1), round(y, 1), text.strip()) for x, y, text in runs]
        for _, _, runs in page_runs(str(path))["pages"]
    ]
    assert ours == pypdf_runs(path)


def test_empty_user_password_is_opened(tmp_path: Path, sample_pdf: bytes) -> None:
    """A PDF encrypted with an empty user password (permissions only) imports normally."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(sample_pdf)))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    result = import_pdf(write(tmp_path, "open.pdf", buffer.getvalue()))
    assert result.screenplay.title == "The Ledger"


def test_password_protected_pdf_is_refused(tmp_path: Path, sample_pdf: bytes) -> None:
    """A PDF that needs a real password is an error that says so."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(sample_pdf)))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(ScreenplayError, match="password"):
        read_pdf(write(tmp_path, "locked.pdf", buffer.getvalue()))


def test_truncated_pdf_is_refused(tmp_path: Path, sample_pdf: bytes) -> None:
    """Half a PDF is reported as truncated."""
    with pytest.raises(ScreenplayError, match="truncated"):
        read_pdf(write(tmp_path, "half.pdf", sample_pdf[: len(sample_pdf) // 2]))


def test_random_bytes_are_not_a_pdf(tmp_path: Path) -> None:
    """Bytes without a PDF header are refused as not a PDF."""
    data = bytes((n * 7919) % 256 for n in range(4096))
    with pytest.raises(ScreenplayError, match="not a PDF"):
        read_pdf(write(tmp_path, "noise.pdf", data))


def test_empty_file_is_refused(tmp_path: Path) -> None:
    """An empty file is an error, not an empty script."""
    with pytest.raises(ScreenplayError, match="empty"):
        read_pdf(write(tmp_path, "empty.pdf", b""))


def one_page_pdf(content: bytes) -> bytes:
    """A minimal one-page PDF whose page content is ``content`` (FlateDecode-compressed)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content)
        + content
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_hand_built_pdf_text_is_read(tmp_path: Path) -> None:
    """The hand-built PDF used below is valid: with text in it, the text is read."""
    content = zlib.compress(b"BT /F1 12 Tf 108 700 Td (EXT. ROAD - DAY) Tj ET")
    pages, _ = read_pdf(write(tmp_path, "road.pdf", one_page_pdf(content)))
    assert [line.text for line in pages[0].lines] == ["EXT. ROAD - DAY"]


def test_pdf_without_text_says_it_may_be_scanned(tmp_path: Path) -> None:
    """A PDF whose pages only draw (a scan) is refused with a message saying so."""
    content = zlib.compress(b"0 0 m 300 300 l S")
    with pytest.raises(ScreenplayError, match="no text"):
        read_pdf(write(tmp_path, "scan.pdf", one_page_pdf(content)))


def test_decompression_bomb_is_refused(tmp_path: Path) -> None:
    """A content stream that inflates to 100 MB is stopped and reported as too large."""
    packer = zlib.compressobj(9)
    block = b"\0" * (1 << 20)
    bomb = b"".join(packer.compress(block) for _ in range(100)) + packer.flush()
    with pytest.raises(ScreenplayError, match="too large to read safely"):
        read_pdf(write(tmp_path, "bomb.pdf", one_page_pdf(bomb)))


def test_time_limit_is_reported(tmp_path: Path, sample_pdf: bytes) -> None:
    """Reading that outlasts the wall-clock limit is stopped with a clear message."""
    with pytest.raises(ScreenplayError, match="took too long"):
        read_pdf(write(tmp_path, "slow.pdf", sample_pdf), limits=Limits(seconds=0.01))


def test_errors_carry_no_traceback(tmp_path: Path) -> None:
    """Failure messages are one sentence for a person, not a Python traceback."""
    with pytest.raises(ScreenplayError) as caught:
        read_pdf(write(tmp_path, "bad.pdf", b"%PDF-1.4\ngarbage\n%%EOF\n"))
    assert "Traceback" not in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_cancelled_pdf_import_stops_its_child(tmp_path: Path) -> None:
    """Import under a cancelled token raises Cancelled, not a screenplay error."""
    from vividverse_desktop.core.cancel import Cancelled, CancelToken

    path = tmp_path / "script.pdf"
    path.write_bytes(render_pdf(parse(feature_script(3))))
    token = CancelToken()
    token.cancel("closed the dialog")
    with pytest.raises(Cancelled, match="closed the dialog"):
        import_pdf(path, cancel=token)
    assert import_pdf(path).screenplay.scenes()  # without the token the same file reads
