"""Final Draft (.fdx) import: the XML's paragraphs written out as Fountain, then parsed.

FDX keeps a screenplay as ``<Paragraph Type="...">`` elements (Scene Heading, Action,
Character, Parenthetical, Dialogue, Transition, Shot, General...) whose ``<Text>`` runs
carry styles (Bold, Italic, Underline). Each becomes the Fountain that parses back to
the same element, forcing it where Fountain's own rules would read it otherwise (a
heading without INT/EXT gets ``.``, a cue in mixed case ``@``, a transition not ending
in ``TO:`` ``>``, capitalised action ``!``). Dual dialogue becomes ``^``. The title page
keeps its title and author lines. Paragraph types Fountain has no element for (a cast
list, act breaks) are kept as action and named in the warnings.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from vividverse_desktop.core.screenplay.errors import ScreenplayError

_HEADING = re.compile(r"^(?:INT|EXT|EST|INT\./EXT|INT/EXT|I/E)[.\s]", re.IGNORECASE)
_STYLE_MARKS = (("Underline", "_"), ("Bold", "**"), ("Italic", "*"))
_AS_ACTION = {"General", "Action", "Cast List", "New Act", "End of Act", "Shot", "Outline"}
_UNKNOWN_OK = {"General", "Action"}


@dataclass
class _Out:
    lines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    last: str = ""  # the type of the paragraph written last

    def block(self, *lines: str) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")
        self.lines.extend(lines)


def _text(paragraph: ET.Element) -> str:
    """The paragraph's text with Fountain emphasis for styled runs."""
    parts = []
    for run in paragraph.iter("Text"):
        words = run.text or ""
        if not words:
            continue
        styles = set((run.get("Style") or "").split("+"))
        core, lead, trail = words.strip(), "", ""
        if core and styles & {"Bold", "Italic", "Underline"}:
            lead = words[: len(words) - len(words.lstrip())]
            trail = words[len(words.rstrip()) :]
            for style, mark in _STYLE_MARKS:
                if style in styles:
                    core = f"{mark}{core}{mark}"
            words = f"{lead}{core}{trail}"
        parts.append(words)
    return "".join(parts).replace("\r\n", "\n").replace("\r", "\n").strip("\n")


def _write(out: _Out, kind: str, text: str, *, dual: bool = False, centered: bool = False) -> None:
    if not text.strip():
        return
    if kind == "Scene Heading":
        line = " ".join(text.split())
        out.block(line if _HEADING.match(line) else f".{line}")
    elif kind == "Character":
        name = " ".join(text.split())
        if name != name.upper() or not any(ch.isalpha() for ch in name):
            name = f"@{name}"
        out.block(f"{name} ^" if dual else name)
    elif kind == "Parenthetical":
        inner = text.strip()
        if not inner.startswith("("):
            inner = f"({inner})"
        out.lines.append(inner)
    elif kind == "Dialogue":
        lines = [line if line.strip() else "  " for line in text.split("\n")]
        if out.last in ("Character", "Parenthetical", "Dialogue"):
            out.lines.extend(lines)
        else:  # dialogue with no cue before it: keep the words as action
            out.block(*lines)
    elif kind == "Transition":
        line = " ".join(text.split())
        out.block(line if line.isupper() and line.endswith("TO:") else f"> {line}")
    elif kind == "Lyrics":
        out.block(*(f"~{line}" for line in text.split("\n")))
    else:
        lines = text.split("\n")
        if centered:
            lines = [f"> {line.strip()} <" for line in lines]
        elif lines and _needs_force(lines[0]):
            lines[0] = f"!{lines[0]}"
        out.block(*lines)
    out.last = kind


def _needs_force(line: str) -> bool:
    """Whether an action line would parse as something else (a cue, a heading, a transition)."""
    stripped = line.strip()
    letters = any(ch.isalpha() for ch in stripped)
    return bool(
        _HEADING.match(stripped)
        or (letters and stripped.isupper())
        or stripped.startswith((".", "@", "~", ">", "!", "=", "#", "["))
    )


def _title_page(root: ET.Element) -> list[str]:
    found = [
        " ".join(_text(p).split())
        for p in root.findall("./TitlePage/Content/Paragraph")
        if _text(p).strip()
    ]
    if not found:
        return []
    lines = [f"Title: {found[0]}"]
    rest = found[1:]
    for n, words in enumerate(rest):
        lowered = words.lower()
        if lowered in ("by", "written by", "screenplay by", "story by") and n + 1 < len(rest):
            lines.append(f"Credit: {words}")
            lines.append(f"Author: {rest[n + 1]}")
            break
    return [*lines, ""]


def fdx_to_fountain(data: str) -> tuple[str, tuple[str, ...]]:
    """Fountain text for the FDX document ``data``, and warnings about what was approximated.

    Raises ScreenplayError when ``data`` is not a readable Final Draft document.
    """
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise ScreenplayError(f"not a readable Final Draft file: {exc}") from None
    if root.tag != "FinalDraft":
        raise ScreenplayError("not a Final Draft file (no <FinalDraft> document)")
    content = root.find("Content")
    if content is None:
        raise ScreenplayError("the Final Draft file has no <Content>")
    out = _Out(lines=_title_page(root))
    unknown: dict[str, int] = {}
    for paragraph in content:
        if paragraph.tag == "Paragraph":
            _paragraph(out, paragraph, unknown)
        dual = paragraph.find("DualDialogue") if paragraph.tag == "Paragraph" else None
        if dual is not None:
            characters = 0
            for inner in dual.iter("Paragraph"):
                kind = inner.get("Type") or "General"
                if kind == "Character":
                    characters += 1
                _write(out, kind, _text(inner), dual=kind == "Character" and characters > 1)
    for kind, count in sorted(unknown.items()):
        out.warnings.append(f"{count} paragraph(s) of type {kind!r} kept as action")
    text = "\n".join(out.lines).strip("\n") + "\n"
    return text, tuple(out.warnings)


def _paragraph(out: _Out, paragraph: ET.Element, unknown: dict[str, int]) -> None:
    if paragraph.find("DualDialogue") is not None:
        return  # written by the caller, side by side
    kind = paragraph.get("Type") or "General"
    known = {"Scene Heading", "Character", "Parenthetical", "Dialogue", "Transition", "Lyrics"}
    if kind not in known and kind not in _UNKNOWN_OK:
        unknown[kind] = unknown.get(kind, 0) + 1
    if kind not in known and kind not in _AS_ACTION:
        kind = "Action"
    _write(
        out,
        kind if kind in known else "Action",
        _text(paragraph),
        centered=paragraph.get("Alignment") == "Center",
    )
