"""Final Draft (.fdx) import: the XML's paragraphs become screenplay elements, written as Fountain.

FDX keeps a screenplay as ``<Paragraph Type="...">`` elements (Scene Heading, Action,
Character, Parenthetical, Dialogue, Transition, Shot, General...) whose ``<Text>`` runs
carry styles (``Bold+Italic+Underline``). Each paragraph becomes the element it is, with
its emphasis as spans; the Fountain writer then adds whatever forcing marks Fountain
needs (a heading without INT/EXT gets ``.``, a mixed-case cue ``@``...). A ``Number``
is the heading's scene number, ``StartsNewPage="Yes"`` a page break, ``<DualDialogue>``
a dual-dialogue pair, a centred Action a centred line. The types our own export writes
for what Final Draft has no element for (``Section``/``Section N``, ``Synopsis``,
``Note``, ``Lyrics``) and a run that is exactly ``[[...]]`` (an inline note) read back
as those elements. Title-page paragraphs become Title, Credit, Author, Source (centred)
and Draft date, Copyright, Contact, Notes (left). Paragraph types Fountain has no element
for (a cast list, act breaks) are kept as action and named in the warnings.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from vividverse_desktop.core.screenplay.errors import ScreenplayError
from vividverse_desktop.core.screenplay.grammar import split_cue
from vividverse_desktop.core.screenplay.model import (
    ONE_LINE_KINDS,
    DualSide,
    Element,
    ElementKind,
    Screenplay,
    Span,
    Style,
)

PARAGRAPH_TYPES: dict[ElementKind, str] = {
    ElementKind.SCENE_HEADING: "Scene Heading",
    ElementKind.ACTION: "Action",
    ElementKind.CHARACTER: "Character",
    ElementKind.PARENTHETICAL: "Parenthetical",
    ElementKind.DIALOGUE: "Dialogue",
    ElementKind.TRANSITION: "Transition",
    ElementKind.LYRICS: "Lyrics",
    ElementKind.SYNOPSIS: "Synopsis",
    ElementKind.NOTE: "Note",
}
"""The FDX paragraph type each element kind is written as (sections: ``Section N``)."""
STYLE_NAMES: tuple[tuple[Style, str], ...] = (
    (Style.BOLD, "Bold"),
    (Style.ITALIC, "Italic"),
    (Style.UNDERLINE, "Underline"),
)
CREDIT_WORDS = frozenset({"by", "written by", "screenplay by", "story by", "teleplay by"})
_KINDS = {name: kind for kind, name in PARAGRAPH_TYPES.items()} | {
    "Shot": ElementKind.SCENE_HEADING,
    "General": ElementKind.ACTION,
}
_SECTION = re.compile(r"Section(?: ([1-9][0-9]?))?$")
_SPEECH = frozenset({ElementKind.CHARACTER, ElementKind.PARENTHETICAL, ElementKind.DIALOGUE})
_DATE = re.compile(
    r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[a-z]*\.?\s+\d|\d\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)",
    re.IGNORECASE,
)


@dataclass
class _Reader:
    elements: list[Element] = field(default_factory=list)
    unknown: dict[str, int] = field(default_factory=dict)
    page_break: bool = False


def read_runs(paragraph: ET.Element) -> tuple[str, tuple[Span, ...]]:
    """A paragraph's text and its spans: styled runs, and runs that are exactly ``[[note]]``."""
    parts: list[str] = []
    spans: list[Span] = []
    at = 0
    for run in paragraph.findall("Text"):
        words = (run.text or "").replace("\r\n", "\n").replace("\r", "\n")
        if not words:
            continue
        if words.startswith("[[") and words.endswith("]]") and "]]" not in words[2:-2]:
            words = words[2:-2]
            if words:
                spans.append(Span(at, at + len(words), Style.NOTE))
        else:
            styles = set((run.get("Style") or "").split("+"))
            for style, name in STYLE_NAMES:
                if name in styles and words.strip():
                    _extend(spans, Span(at, at + len(words), style))
        parts.append(words)
        at += len(words)
    return "".join(parts), tuple(sorted(spans, key=lambda s: (s.start, s.end, s.style.value)))


def _extend(spans: list[Span], span: Span) -> None:
    """Add ``span``, joining it to a same-style span that ends where it starts."""
    for index, old in enumerate(spans):
        if old.style is span.style and old.end == span.start:
            spans[index] = Span(old.start, span.end, span.style)
            return
    spans.append(span)


def _trimmed(text: str, spans: tuple[Span, ...], *, one_line: bool) -> tuple[str, tuple[Span, ...]]:
    """Text without leading/trailing blank lines (one line: no newlines, no outer spaces)."""
    if one_line:
        text = text.replace("\n", " ")
        lead = len(text) - len(text.lstrip())
        text = text.strip()
    else:
        lead = len(text) - len(text.lstrip("\n"))
        text = text.strip("\n").rstrip()
    kept = []
    for span in spans:
        start, end = max(0, span.start - lead), min(len(text), span.end - lead)
        if end > start:
            kept.append(Span(start, end, span.style))
    return text, tuple(kept)


def fdx_to_screenplay(data: str) -> tuple[Screenplay, tuple[str, ...]]:
    """The screenplay in the FDX document ``data`` and warnings about what was approximated.

    Line numbers in the result are paragraph positions, not Fountain lines: write it
    (``fdx_to_fountain``) and parse that for a model with real ones. Raises
    ScreenplayError when ``data`` is not a readable Final Draft document.
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
    reader = _Reader()
    for paragraph in content.findall("Paragraph"):
        if paragraph.get("StartsNewPage") == "Yes":
            if reader.page_break:
                reader.elements.append(
                    Element(ElementKind.PAGE_BREAK, "", len(reader.elements) + 1)
                )
            reader.page_break = True
        dual = paragraph.find("DualDialogue")
        if dual is None:
            _paragraph(reader, paragraph, None)
            continue
        side = DualSide.LEFT
        for index, inner in enumerate(dual.findall("Paragraph")):
            if inner.get("Type") == "Character" and index:
                side = DualSide.RIGHT
            _paragraph(reader, inner, side)
    if reader.page_break:
        reader.elements.append(Element(ElementKind.PAGE_BREAK, "", len(reader.elements) + 1))
    warnings = [
        f"{count} paragraph(s) of type {kind!r} kept as action"
        for kind, count in sorted(reader.unknown.items())
    ]
    return Screenplay(_title_page(root), tuple(reader.elements)), tuple(warnings)


def fdx_to_fountain(data: str) -> tuple[str, tuple[str, ...]]:
    """Fountain text for the FDX document ``data``, and warnings about what was approximated.

    Raises ScreenplayError when ``data`` is not a readable Final Draft document.
    """
    from vividverse_desktop.core.screenplay.writer import write

    screenplay, warnings = fdx_to_screenplay(data)
    return write(screenplay), warnings


def _paragraph(reader: _Reader, paragraph: ET.Element, dual: DualSide | None) -> None:
    name = paragraph.get("Type") or "General"
    section = _SECTION.match(name)
    kind = ElementKind.SECTION if section else _KINDS.get(name)
    if kind is None:
        reader.unknown[name] = reader.unknown.get(name, 0) + 1
        kind = ElementKind.ACTION
    if kind is ElementKind.ACTION and paragraph.get("Alignment") == "Center":
        kind = ElementKind.CENTERED
    text, spans = read_runs(paragraph)
    text, spans = _trimmed(text, spans, one_line=kind in ONE_LINE_KINDS)
    if not text.strip():
        return
    elements = reader.elements
    previous = elements[-1].kind if elements and not reader.page_break else None
    if kind in (ElementKind.DIALOGUE, ElementKind.PARENTHETICAL) and previous not in _SPEECH:
        kind = ElementKind.ACTION  # a speech with no cue before it: keep the words as action
        dual = None
    if reader.page_break:
        elements.append(Element(ElementKind.PAGE_BREAK, "", len(elements) + 1))
        reader.page_break = False
    extensions: tuple[str, ...] = ()
    if kind is ElementKind.CHARACTER:
        cue = split_cue(text)
        if cue is not None:
            text, extensions = cue[0], cue[1]
            spans = tuple(s for s in spans if s.start < len(text))
            spans = tuple(Span(s.start, min(s.end, len(text)), s.style) for s in spans)
    elif kind is ElementKind.PARENTHETICAL and not text.startswith("("):
        text = f"({text})"
        spans = tuple(Span(s.start + 1, s.end + 1, s.style) for s in spans)
    number = paragraph.get("Number") if kind is ElementKind.SCENE_HEADING else None
    elements.append(
        Element(
            kind,
            text,
            len(elements) + 1,
            spans=spans,
            scene_number=number or None,
            extensions=extensions,
            dual=dual if kind in _SPEECH else None,
            level=int(section.group(1) or 1) if section else 0,
        )
    )


def _title_page(root: ET.Element) -> dict[str, str]:
    """Title-page fields from the centred and left-aligned groups of paragraphs."""
    from vividverse_desktop.core.screenplay.emphasis import markup

    groups: list[tuple[bool, list[str]]] = []  # (centred, lines)
    open_group = False
    for paragraph in root.findall("./TitlePage/Content/Paragraph"):
        text, spans = read_runs(paragraph)
        text, spans = _trimmed(text, spans, one_line=True)
        if not text:
            open_group = False
            continue
        centred = paragraph.get("Alignment") == "Center"
        line = markup(text, tuple(s for s in spans if s.style is not Style.NOTE))
        credit = text.lower().rstrip(":") in CREDIT_WORDS  # "Written by" stands alone
        if open_group and groups[-1][0] == centred and not credit:
            groups[-1][1].append(line)
        else:
            groups.append((centred, [line]))
        open_group = not credit
    fields: dict[str, str] = {}
    centred_groups = [lines for centred, lines in groups if centred]
    if not centred_groups:  # no alignment given: read every group as centred
        centred_groups = [lines for _, lines in groups]
        groups = []
    keys = iter(("Title", "Author", "Source"))
    for lines in centred_groups:
        value = "\n".join(lines)
        if fields and value.lower().rstrip(":") in CREDIT_WORDS and "Credit" not in fields:
            _add(fields, "Credit", value)
            continue
        _add(fields, next(keys, "Source"), value)
    for centred, lines in groups:
        if centred:
            continue
        value = "\n".join(lines)
        if _DATE.search(value) and "Draft date" not in fields:
            _add(fields, "Draft date", value)
        elif "©" in value or "copyright" in value.lower() or "(c)" in value.lower():
            _add(fields, "Copyright", value)
        else:
            _add(fields, "Contact" if "Contact" not in fields else "Notes", value)
    return fields


def _add(fields: dict[str, str], key: str, value: str) -> None:
    fields[key] = f"{fields[key]}\n{value}" if key in fields else value
