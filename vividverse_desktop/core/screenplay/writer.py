"""The Fountain writer: ``Screenplay`` in, Fountain text out.

``parse(write(s))`` gives back ``s`` (line numbers aside) for every screenplay
``parse`` can produce. The writer separates elements with blank lines (none
inside a speech), puts each boneyard on its own line before the element it
preceded, escapes markup characters, and adds a forcing mark (``!`` ``@`` ``.``
``>``) when the element was forced or would otherwise read as another kind.
"""

from __future__ import annotations

from vividverse_desktop.core.screenplay.emphasis import markup
from vividverse_desktop.core.screenplay.grammar import (
    FORCE_MARKS,
    note_block,
    opening_kind,
)
from vividverse_desktop.core.screenplay.model import DualSide, Element, ElementKind, Screenplay
from vividverse_desktop.core.screenplay.title_page import key_of, write_title_page

_SPEECH_BODY = (ElementKind.PARENTHETICAL, ElementKind.DIALOGUE)
_SPEECH = (ElementKind.CHARACTER, *_SPEECH_BODY)


def write(screenplay: Screenplay) -> str:
    """Fountain text for ``screenplay``, ending with a newline."""
    out: list[str] = write_title_page(dict(screenplay.title_page))
    bones: dict[int, list[str]] = {}
    for bone in screenplay.boneyards:
        bones.setdefault(bone.before, []).append(f"/*{bone.text}*/")
    elements = screenplay.elements
    previous: Element | None = None
    for index, element in enumerate(elements):
        in_speech = (
            element.kind in _SPEECH_BODY and previous is not None and previous.kind in _SPEECH
        )
        if out and not in_speech:
            out.append("")
        out.extend(bones.get(index, ()))
        following = elements[index + 1] if index + 1 < len(elements) else None
        out.extend(_lines(element, following))
        previous = element
    if len(elements) in bones:
        if out:
            out.append("")
        out.extend(bones[len(elements)])
    if not screenplay.title_page and out and key_of(out[0]) is not None:
        out.insert(0, "")  # a body line that looks like a title-page key
    return "\n".join(out) + "\n" if out else ""


def _lines(element: Element, following: Element | None) -> list[str]:
    """The Fountain lines of one element, in the context ``write`` gives it."""
    kind = element.kind
    text = markup(element.text, element.spans)
    if kind is ElementKind.ACTION:
        return _action(text, element.forced)
    if kind is ElementKind.CHARACTER:
        return [_cue(element, text, following)]
    if kind is ElementKind.DIALOGUE:
        return [_dialogue_line(line) for line in text.split("\n")]
    if kind is ElementKind.PARENTHETICAL:
        return [text]
    if kind is ElementKind.SCENE_HEADING:
        line = text if element.scene_number is None else f"{text} #{element.scene_number}#"
        if element.forced or not line or opening_kind(line.strip(), True) is not kind:
            return ["." + ("\\" + line if line.startswith(".") else line)]
        return [line]
    if kind is ElementKind.TRANSITION:
        if not element.forced:
            plain = _escape_first(text) if _has_mark(text.strip()) else text
            stripped = plain.strip()
            if stripped and not _marked([plain]) and opening_kind(stripped, True) is kind:
                return [plain]
        return [">" + text]
    if kind is ElementKind.CENTERED:
        return [f"> {line} <" for line in text.split("\n")]
    if kind is ElementKind.LYRICS:
        return [f"~{line}" for line in text.split("\n")]
    if kind is ElementKind.SECTION:
        return [f"{'#' * max(1, element.level)} {text}".rstrip()]
    if kind is ElementKind.SYNOPSIS:
        return [f"= {text}".rstrip()]
    if kind is ElementKind.NOTE:
        lines = element.text.split("\n")
        inner = [line or "  " for line in lines[1:-1]]
        if len(lines) == 1:
            return [f"[[{lines[0]}]]"]
        return [f"[[{lines[0]}", *inner, f"{lines[-1]}]]"]
    return ["==="]


def _action(text: str, forced: bool) -> list[str]:
    """Action lines: ``!`` where a line would open another element, two spaces for empty."""
    lines = text.split("\n")
    first = lines[0]
    if not forced and _has_mark(first.strip()):
        lines[0] = _escape_first(first)  # "\\=" keeps the action unforced
    if forced or _misread_opening(lines, lines[0].strip()):
        lines[0] = "!" + first
    for number in range(1, len(lines)):
        stripped = lines[number].strip()
        if not stripped:
            lines[number] = "  "
        elif stripped[0] in FORCE_MARKS or stripped.startswith("[["):
            lines[number] = "!" + lines[number]
    return lines


def _has_mark(stripped: str) -> bool:
    """Whether a stripped line starts with a forcing mark the parser would act on."""
    return bool(stripped) and stripped[0] in FORCE_MARKS and not stripped.startswith("..")


def _escape_first(line: str) -> str:
    """The line with a backslash before its first non-blank character."""
    indent = len(line) - len(line.lstrip())
    return line[:indent] + "\\" + line[indent:]


def _marked(lines: list[str]) -> bool:
    """Whether the parser reads ``lines[0]`` by its first characters (a forcing mark or a
    lone note), whatever the rest of the line says."""
    stripped = lines[0].strip()
    if stripped[0] in FORCE_MARKS:
        return not stripped.startswith("..")
    if stripped.startswith("[["):
        written = [line if line.strip() else "  " for line in lines]
        _content, last, _fail = note_block(written, 0)
        return last >= 0
    return False


def _misread_opening(lines: list[str], stripped: str) -> bool:
    """Whether an unforced action paragraph starting ``lines`` would read as something else."""
    if not stripped or _marked(lines):
        return True
    next_blank = len(lines) == 1 or not lines[1].strip()
    return opening_kind(stripped, next_blank) is not ElementKind.ACTION


def _cue(element: Element, name: str, following: Element | None) -> str:
    """A character cue line, with extensions, ``^`` and ``@`` as needed."""
    line = name + "".join(f" ({extension})" for extension in element.extensions)
    if element.dual is DualSide.RIGHT:
        line += " ^"
    alone = (
        following is None
        or following.kind not in _SPEECH_BODY
        or not following.text.split("\n", 1)[0].strip()
    )
    if element.forced or alone:
        return "@" + line
    plain = _escape_first(line) if _has_mark(line.strip()) or line.startswith("(") else line
    stripped = plain.strip()
    if stripped and not _marked([plain]) and opening_kind(stripped, False) is ElementKind.CHARACTER:
        return plain
    return "@" + line


def _dialogue_line(line: str) -> str:
    """A dialogue line: two spaces for an empty line, ``(`` escaped at the start."""
    stripped = line.strip()
    if not stripped:
        return "  "
    if stripped[0] == "(":
        return "\\" + line  # else it could open a parenthetical
    return line
