"""Final Draft export: Fountain -> FDX -> Fountain keeps every element, and the XML is the
shape Final Draft reads (types, styles, numbers, dual dialogue, title page, settings)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from bench.scriptgen import feature_script
from vividverse_desktop.core.resources import resource_path
from vividverse_desktop.core.screenplay import parse
from vividverse_desktop.core.screenplay.fdx import fdx_to_fountain
from vividverse_desktop.core.screenplay.fdx_writer import runs, screenplay_to_fdx
from vividverse_desktop.core.screenplay.model import (
    DualSide,
    Element,
    ElementKind,
    Screenplay,
    Span,
    Style,
)

SAMPLES = sorted(
    [
        *resource_path("samples").glob("*.fountain"),
        *resource_path("samples", "real").glob("*.fountain"),
    ]
)


def _facts(screenplay: Screenplay) -> list[tuple[object, ...]]:
    return [
        (e.kind, e.text, e.spans, e.scene_number, e.extensions, e.dual, e.level)
        for e in screenplay.elements
    ]


def _round_trip(text: str) -> tuple[Screenplay, Screenplay, tuple[str, ...]]:
    original = parse(text)
    fdx, warnings = screenplay_to_fdx(original)
    fountain, read_warnings = fdx_to_fountain(fdx)
    assert read_warnings == ()
    return original, parse(fountain), warnings


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: Path(p).name)
def test_samples_round_trip_through_fdx(path: Path) -> None:
    """Every element of every sample comes back: kind, text, spans, numbers, dual, extensions."""
    original, back, _ = _round_trip(path.read_text("utf-8"))
    assert _facts(back) == _facts(original)
    assert dict(back.title_page) == dict(original.title_page)


def test_a_feature_script_round_trips_through_fdx() -> None:
    """The 120-page generated feature (notes, sections, synopses, dual, emphasis) survives."""
    original, back, warnings = _round_trip(feature_script(120))
    kinds = {e.kind for e in original.elements}
    assert {ElementKind.NOTE, ElementKind.SECTION, ElementKind.SYNOPSIS} <= kinds
    assert any(e.dual for e in original.elements)
    assert any(e.scene_number for e in original.elements)
    assert _facts(back) == _facts(original)
    assert warnings == ()


def test_boneyards_are_named_as_left_out() -> None:
    """A boneyard has no place in Final Draft: the export says it left it out."""
    _, back, warnings = _round_trip("INT. A - DAY\n\n/* cut */\n\nHe waits.\n")
    assert not back.boneyards
    assert len(warnings) == 1
    assert "boneyard" in warnings[0]


TEXT = """Title: **Brick** & Steel
Credit: Written by
Author: Ada Quill
Draft date: 3 March 2026

INT. FOUNDRY - NIGHT #7A#

Sparks. ***_Everywhere._***

ADA (V.O.) (CONT'D)
(quietly)
Pour it. [[too soft?]]

BEN
Now!

CAL ^
Wait!

.ON THE LADLE

> THE END <

===

===

~La la la
"""


def _root(text: str = TEXT) -> ET.Element:
    return ET.fromstring(screenplay_to_fdx(parse(text))[0])


def test_the_document_is_a_final_draft_script() -> None:
    """Root attributes, one paragraph per element, shots, centred action, page breaks."""
    root = _root()
    assert root.attrib == {"DocumentType": "Script", "Template": "No", "Version": "5"}
    content = root.find("Content")
    assert content is not None
    types = [p.get("Type") for p in content.findall("Paragraph")]
    assert types[:6] == [
        "Scene Heading",
        "Action",
        "Character",
        "Parenthetical",
        "Dialogue",
        "General",
    ]
    heading = content.find("Paragraph[@Type='Scene Heading']")
    assert heading is not None
    assert heading.get("Number") == "7A"
    assert "Shot" in types
    centred = [p for p in content.findall("Paragraph") if p.get("Alignment") == "Center"]
    assert ["".join(t.text or "" for t in p.iter("Text")) for p in centred] == ["THE END"]
    breaks = [p for p in content.findall("Paragraph") if p.get("StartsNewPage") == "Yes"]
    assert [p.get("Type") for p in breaks] == ["Action", "Lyrics"]  # an empty page, then lyrics
    cue = content.findall("Paragraph[@Type='Character']")[0]
    assert "".join(t.text or "" for t in cue.iter("Text")) == "ADA (V.O.) (CONT'D)"
    declared = {s.get("Type") for s in root.findall("ElementSettings")}
    assert set(types) <= declared


def test_emphasis_is_a_text_style_and_dual_dialogue_is_paired() -> None:
    """***_x_*** is Style="Bold+Italic+Underline"; the ^ pair sits in one DualDialogue."""
    root = _root()
    styles = {t.get("Style") for t in root.iter("Text") if t.get("Style")}
    assert "Bold+Italic+Underline" in styles
    pair = root.find("Content/Paragraph/DualDialogue")
    assert pair is not None
    cues = [
        "".join(t.text or "" for t in p.iter("Text"))
        for p in pair.findall("Paragraph[@Type='Character']")
    ]
    assert cues == ["BEN", "CAL"]


def test_the_title_page_is_centred_then_bottom_left() -> None:
    """Title, credit and author centred; the draft date left-aligned below them."""
    root = _root()
    lines = [
        (p.get("Alignment"), "".join(t.text or "" for t in p.iter("Text")))
        for p in root.findall("TitlePage/Content/Paragraph")
    ]
    filled = [line for line in lines if line[1]]
    assert filled == [
        ("Center", "Brick & Steel"),
        ("Center", "Written by"),
        ("Center", "Ada Quill"),
        ("Left", "3 March 2026"),
    ]
    bold = [t.text for t in root.iter("Text") if t.get("Style") == "Bold"]
    assert "Brick" in bold


def test_runs_cut_where_the_style_changes() -> None:
    """Runs follow the spans; an inline note is its own [[...]] run."""
    text = "one two three four"
    spans = (Span(4, 13, Style.BOLD), Span(8, 13, Style.ITALIC), Span(14, 18, Style.NOTE))
    assert runs(text, spans) == [
        ("one ", ""),
        ("two ", "Bold"),
        ("three", "Bold+Italic"),
        (" ", ""),
        ("[[four]]", ""),
    ]


def test_a_lone_second_speech_is_written_and_named() -> None:
    """A right-hand speech with no left one is written as an ordinary speech, with a warning."""
    lone = Element(ElementKind.CHARACTER, "CAL", 1, dual=DualSide.RIGHT)
    screenplay = Screenplay(elements=(lone, Element(ElementKind.DIALOGUE, "Hi", 2)))
    fdx, warnings = screenplay_to_fdx(screenplay)
    assert "<DualDialogue>" not in fdx
    assert any("dual dialogue" in w for w in warnings)
