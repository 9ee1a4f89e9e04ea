"""Final Draft import: each paragraph type becomes the Fountain element it is, forced where
Fountain's own rules would read it otherwise; dual dialogue, emphasis, the title page."""

from __future__ import annotations

from pathlib import Path

import pytest

from vividverse_desktop.core.screenplay.errors import ScreenplayError
from vividverse_desktop.core.screenplay.fdx import fdx_to_fountain
from vividverse_desktop.core.screenplay.fountain import parse
from vividverse_desktop.core.screenplay.model import ElementKind
from vividverse_desktop.media.importer import load_screenplay

FDX = """<?xml version="1.0" encoding="UTF-8" standalone="no" ?>
<FinalDraft DocumentType="Script" Template="No" Version="5">
  <Content>
    <Paragraph Type="Scene Heading"><Text>INT. FOUNDRY - NIGHT</Text></Paragraph>
    <Paragraph Type="Action">
      <Text>Sparks fly. </Text><Text Style="Bold">Everywhere.</Text>
    </Paragraph>
    <Paragraph Type="Character"><Text>ADA</Text></Paragraph>
    <Paragraph Type="Parenthetical"><Text>quietly</Text></Paragraph>
    <Paragraph Type="Dialogue"><Text>Pour it.</Text></Paragraph>
    <Paragraph Type="Action"><Text>THE LADLE TIPS.</Text></Paragraph>
    <Paragraph Type="Character"><Text>McGregor</Text></Paragraph>
    <Paragraph Type="Dialogue"><Text>Not yet.</Text></Paragraph>
    <Paragraph>
      <DualDialogue>
        <Paragraph Type="Character"><Text>ADA</Text></Paragraph>
        <Paragraph Type="Dialogue"><Text>Now!</Text></Paragraph>
        <Paragraph Type="Character"><Text>BEN</Text></Paragraph>
        <Paragraph Type="Dialogue"><Text>Wait!</Text></Paragraph>
      </DualDialogue>
    </Paragraph>
    <Paragraph Type="Transition"><Text>Smash cut</Text></Paragraph>
    <Paragraph Type="Scene Heading"><Text>THE YARD</Text></Paragraph>
    <Paragraph Type="Cast List"><Text>Ada, a smelter</Text></Paragraph>
    <Paragraph Type="Action" Alignment="Center"><Text>THE END</Text></Paragraph>
  </Content>
  <TitlePage>
    <Content>
      <Paragraph><Text>Brick &amp; Steel</Text></Paragraph>
      <Paragraph><Text>Written by</Text></Paragraph>
      <Paragraph><Text>Ada Quill</Text></Paragraph>
    </Content>
  </TitlePage>
</FinalDraft>
"""


def _kinds(text: str) -> list[tuple[str, str]]:
    return [(e.kind.value, e.text) for e in parse(text).elements]


def test_every_paragraph_becomes_its_element() -> None:
    text, warnings = fdx_to_fountain(FDX)
    screenplay = parse(text)
    headings = [e.text for e in screenplay.elements if e.kind.value == "scene_heading"]
    assert headings == ["INT. FOUNDRY - NIGHT", "THE YARD"]
    # THE YARD has no INT/EXT and no time of day: a shot heading inside the foundry scene.
    assert [s.heading.text for s in screenplay.scenes()] == ["INT. FOUNDRY - NIGHT"]
    kinds = _kinds(text)
    assert ("character", "ADA") in kinds
    assert ("parenthetical", "(quietly)") in kinds
    assert ("dialogue", "Pour it.") in kinds
    assert ("action", "THE LADLE TIPS.") in kinds  # forced: all capitals would be a cue
    assert ("character", "McGregor") in kinds  # forced: mixed case
    assert any(kind == "transition" and words == "Smash cut" for kind, words in kinds)
    assert screenplay.title_page["Title"] == "Brick & Steel"
    assert screenplay.title_page["Author"] == "Ada Quill"
    assert warnings == ("1 paragraph(s) of type 'Cast List' kept as action",)


def test_dual_dialogue_and_emphasis_survive() -> None:
    text, _ = fdx_to_fountain(FDX)
    assert "BEN ^" in text
    assert "**Everywhere.**" in text
    dual = [e for e in parse(text).elements if e.kind is ElementKind.CHARACTER and e.dual]
    assert [e.text for e in dual] == ["ADA", "BEN"]  # the pair, side by side


@pytest.mark.parametrize(
    ("data", "message"),
    [("<FinalDraft><Content>", "not a readable"), ("<Other/>", "not a Final Draft")],
)
def test_a_broken_file_is_a_sentence(data: str, message: str) -> None:
    with pytest.raises(ScreenplayError, match=message):
        fdx_to_fountain(data)


def test_the_importer_reads_fdx_by_its_content(tmp_path: Path) -> None:
    """Named .txt or .fdx, a <FinalDraft> document is read as Final Draft."""
    path = tmp_path / "brick.txt"
    path.write_text(FDX, encoding="utf-8")
    result = load_screenplay(path)
    assert result.source_format == "fdx"
    assert sum(e.kind.value == "scene_heading" for e in result.screenplay.elements) == 2
    assert result.warnings
