"""Final Draft (.fdx) export: a ``Screenplay`` as the XML Final Draft opens.

One ``<Paragraph Type="...">`` per element, emphasis as ``<Text Style="Bold+Italic">``
runs, an explicit scene number as the heading's ``Number``, a shot heading (one that
opens no scene) as ``Shot``, a page break as ``StartsNewPage="Yes"`` on the next
paragraph, a centred line as a centred Action, a dual-dialogue pair inside
``<DualDialogue>``, the title page in ``<TitlePage>`` (title, credit, author and source
centred; the other fields bottom left). Final Draft has no element for sections,
synopses and notes: they are written as paragraphs of custom types (``Section N``,
``Synopsis``, ``Note``; ``Lyrics`` too) that ``<ElementSettings>`` define, so Final
Draft shows them as lines of their own, and an inline note as a run ``[[...]]`` in its
paragraph. ``fdx.fdx_to_screenplay`` reads all of these back. Boneyards are not written.
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

from vividverse_desktop.core.screenplay.emphasis import inline
from vividverse_desktop.core.screenplay.fdx import PARAGRAPH_TYPES, STYLE_NAMES
from vividverse_desktop.core.screenplay.model import (
    DualSide,
    Element,
    ElementKind,
    Screenplay,
    Span,
    Style,
)

FDX_VERSION = "5"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPEECH_BODY = (ElementKind.PARENTHETICAL, ElementKind.DIALOGUE, ElementKind.LYRICS)
# Paragraph type -> (alignment, left indent, right indent, space before, font style).
_SETTINGS: dict[str, tuple[str, float, float, int, str]] = {
    "General": ("Left", 1.50, 7.50, 0, ""),
    "Scene Heading": ("Left", 1.50, 7.50, 24, "Bold"),
    "Action": ("Left", 1.50, 7.50, 12, ""),
    "Character": ("Left", 3.70, 7.50, 12, ""),
    "Parenthetical": ("Left", 3.10, 5.60, 0, ""),
    "Dialogue": ("Left", 2.50, 6.00, 0, ""),
    "Transition": ("Right", 5.50, 7.50, 12, ""),
    "Shot": ("Left", 1.50, 7.50, 12, ""),
    "Lyrics": ("Left", 2.50, 6.00, 0, "Italic"),
    "Synopsis": ("Left", 1.50, 7.50, 12, "Italic"),
    "Note": ("Left", 1.50, 7.50, 12, "Italic"),
}
_TITLE_CENTRED = ("title", "credit", "author", "authors", "source")
_TITLE_GAP = 14  # blank paragraphs between the centred block and the bottom-left one


def screenplay_to_fdx(screenplay: Screenplay) -> tuple[str, tuple[str, ...]]:
    """FDX text for ``screenplay``, and warnings naming what Final Draft cannot hold."""
    root = ET.Element(
        "FinalDraft", {"DocumentType": "Script", "Template": "No", "Version": FDX_VERSION}
    )
    content = ET.SubElement(root, "Content")
    warnings: list[str] = []
    used = _body(content, screenplay, warnings)
    _title_page(ET.SubElement(root, "TitlePage"), screenplay)
    for name in ("General", *sorted(used)):
        _element_settings(root, name)
    if screenplay.boneyards:
        warnings.append(
            f"{len(screenplay.boneyards)} boneyard passage(s) (/* */) left out: "
            "Final Draft has no place for text that is not part of the script"
        )
    ET.indent(root, space="  ")
    text = ET.tostring(root, encoding="unicode")
    head = '<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n'
    return head + text + "\n", tuple(warnings)


def _body(content: ET.Element, screenplay: Screenplay, warnings: list[str]) -> set[str]:
    """Write the elements into ``content``; returns the paragraph types used."""
    elements = screenplay.elements
    starts = set(screenplay.scene_starts())
    used: set[str] = set()
    new_page = False
    lone_right = 0
    i, n = 0, len(elements)
    while i < n:
        element = elements[i]
        if element.kind is ElementKind.PAGE_BREAK:
            if new_page:  # two breaks in a row: the first gets an empty page of its own
                _paragraph(content, "Action", "", (), {"StartsNewPage": "Yes"})
            new_page = True
            i += 1
            continue
        extra = {"StartsNewPage": "Yes"} if new_page else {}
        new_page = False
        if element.kind is ElementKind.CHARACTER and element.dual is DualSide.LEFT:
            left = _speech_end(elements, i)
            if left < n and elements[left].dual is DualSide.RIGHT:
                right = _speech_end(elements, left)
                wrapper = ET.SubElement(content, "Paragraph", {"Type": "General", **extra})
                pair = ET.SubElement(wrapper, "DualDialogue")
                for inner in elements[i:right]:
                    used.add(_write(pair, inner, {}, starts, i))
                i = right
                continue
        if element.dual is DualSide.RIGHT and element.kind is ElementKind.CHARACTER:
            lone_right += 1
        used.add(_write(content, element, extra, starts, i))
        i += 1
    if new_page:
        _paragraph(content, "Action", "", (), {"StartsNewPage": "Yes"})
        used.add("Action")
    if lone_right:
        warnings.append(
            f"{lone_right} second speech(es) of a dual dialogue with no first: written one "
            "below the other"
        )
    return used


def _speech_end(elements: tuple[Element, ...], cue: int) -> int:
    """Index just past the speech whose cue is at ``cue``."""
    end = cue + 1
    while end < len(elements) and elements[end].kind in _SPEECH_BODY:
        end += 1
    return end


def _write(
    parent: ET.Element, element: Element, extra: dict[str, str], starts: set[int], index: int
) -> str:
    """One element as a paragraph of ``parent``; returns its paragraph type."""
    kind = element.kind
    attributes = dict(extra)
    text = element.text
    if kind is ElementKind.SCENE_HEADING:
        name = "Scene Heading" if index in starts or not starts else "Shot"
        if element.scene_number:
            attributes["Number"] = element.scene_number
    elif kind is ElementKind.SECTION:
        name = f"Section {max(1, element.level)}"
    elif kind is ElementKind.CENTERED:
        name = "Action"
        attributes["Alignment"] = "Center"
    elif kind is ElementKind.CHARACTER:
        name = "Character"
        text += "".join(f" ({extension})" for extension in element.extensions)
    else:
        name = PARAGRAPH_TYPES.get(kind, "Action")
    _paragraph(parent, name, text, element.spans, attributes)
    return name


def _paragraph(
    parent: ET.Element, name: str, text: str, spans: tuple[Span, ...], attributes: dict[str, str]
) -> None:
    paragraph = ET.SubElement(parent, "Paragraph", {"Type": name, **attributes})
    for words, style in runs(text, spans):
        run = ET.SubElement(paragraph, "Text", {"Style": style} if style else {})
        run.text = _NOT_XML.sub("", words)
    if not len(paragraph):
        ET.SubElement(paragraph, "Text").text = ""


def runs(text: str, spans: tuple[Span, ...]) -> list[tuple[str, str]]:
    """``text`` cut where its style changes: (words, FDX style such as ``Bold+Italic``).

    An inline note is a run of its own, ``[[note]]``, with no style.
    """
    cuts = {0, len(text)}
    for span in spans:
        cuts.update((span.start, span.end))
    notes = {s.start: s.end for s in spans if s.style is Style.NOTE}
    styled = [s for s in spans if s.style is not Style.NOTE]
    out: list[tuple[str, str]] = []
    points = sorted(c for c in cuts if 0 <= c <= len(text))
    skip_to = 0
    for start, end in itertools.pairwise(points):
        if start < skip_to:
            continue
        if start in notes:
            skip_to = notes[start]
            out.append((f"[[{text[start:skip_to]}]]", ""))
            continue
        on = {s.style for s in styled if s.start <= start and end <= s.end}
        style = "+".join(name for value, name in STYLE_NAMES if value in on)
        if out and out[-1][1] == style and not out[-1][0].startswith("[["):
            out[-1] = (out[-1][0] + text[start:end], style)
        else:
            out.append((text[start:end], style))
    return out


def _title_page(page: ET.Element, screenplay: Screenplay) -> None:
    content = ET.SubElement(page, "Content")
    fields = list(screenplay.title_page.items())
    centred = [(k, v) for k, v in fields if k.lower() in _TITLE_CENTRED]
    centred.sort(key=lambda pair: _TITLE_CENTRED.index(pair[0].lower()))
    corner = [(k, v) for k, v in fields if k.lower() not in _TITLE_CENTRED]
    for number, (_key, value) in enumerate(centred):
        if number:
            _title_line(content, "", "Center")
        for line in value.split("\n"):
            _title_line(content, line, "Center")
    if corner:
        for _ in range(_TITLE_GAP):
            _title_line(content, "", "Left")
    for number, (_key, value) in enumerate(corner):
        if number:
            _title_line(content, "", "Left")
        for line in value.split("\n"):
            _title_line(content, line, "Left")


def _title_line(content: ET.Element, line: str, alignment: str) -> None:
    text, spans = inline(line.strip())
    _paragraph(content, "General", text, spans, {"Alignment": alignment})


def _element_settings(root: ET.Element, name: str) -> None:
    """The ``<ElementSettings>`` of a paragraph type: font, indents, spacing, behaviour."""
    alignment, left, right, before, style = _SETTINGS.get(
        name, ("Left", 1.50, 7.50, 12, "Bold" if name.startswith("Section") else "")
    )
    settings = ET.SubElement(root, "ElementSettings", {"Type": name})
    ET.SubElement(
        settings,
        "FontSpec",
        {"Font": "Courier Final Draft", "Size": "12", "Style": style, "Color": "#000000000000"},
    )
    ET.SubElement(
        settings,
        "ParagraphSpec",
        {
            "Alignment": alignment,
            "FirstIndent": "0.00",
            "Leading": "Regular",
            "LeftIndent": f"{left:.2f}",
            "RightIndent": f"{right:.2f}",
            "SpaceBefore": str(before),
            "Spacing": "1",
            "StartsNewPage": "No",
        },
    )
    follows = {
        "Scene Heading": "Action",
        "Character": "Dialogue",
        "Parenthetical": "Dialogue",
        "Dialogue": "Action",
        "Transition": "Scene Heading",
    }
    ET.SubElement(
        settings,
        "Behavior",
        {
            "PaginateAs": name if name in _SETTINGS else "Action",
            "ReturnKey": follows.get(name, name),
        },
    )
