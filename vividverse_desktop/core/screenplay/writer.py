"""The Fountain writer: ``Screenplay`` in, Fountain text out.

``parse(write(s))`` gives back ``s`` (line numbers aside) for every screenplay
``parse`` can produce. The writer separates elements with blank lines (none
inside a speech), puts each boneyard on its own line before the element it
preceded, escapes markup characters, and adds a forcing mark (``!`` ``@`` ``.``
``>``) when the element was forced or would otherwise read as another kind.
``element_lines`` says on which lines of that text each element lands.

No literal ``/*`` it writes opens a boneyard when read back. Escaped text never
holds ``/*`` or ``*/`` (see ``emphasis``). Verbatim text (title-page values,
notes, cue extensions) can hold a literal, unclosed ``/*``; in parsed text no
``*/`` and no boneyard follows one, so the writer keeps each boneyard ahead of
it: boneyards before the first element go just after the first title-page key
(``Title:/* cut */ Brick``) when a title value holds ``/*``, and boneyards after
an element whose later lines hold ``/*`` go right after its first line. Both
places read back as the same ``Boneyard.before``. (Title values are reordered
only when one's ``/*`` would precede another's ``*/``: see ``write_title_page``.)
A model parse cannot produce (say a title value ``/* draft */`` built by hand)
has no Fountain text that reads back as it; the writer promises nothing for it.
"""

from __future__ import annotations

from collections.abc import Sequence

from vividverse_desktop.core.screenplay.boneyard import has_opener
from vividverse_desktop.core.screenplay.emphasis import markup
from vividverse_desktop.core.screenplay.grammar import (
    FORCE_MARKS,
    note_block,
    opening_kind,
)
from vividverse_desktop.core.screenplay.model import (
    DualSide,
    Element,
    ElementKind,
    Screenplay,
    Style,
)
from vividverse_desktop.core.screenplay.title_page import key_of, write_title_page

_SPEECH_BODY = (ElementKind.PARENTHETICAL, ElementKind.DIALOGUE, ElementKind.LYRICS)
_SPEECH = (ElementKind.CHARACTER, *_SPEECH_BODY)
_SPOKEN = (ElementKind.CHARACTER, ElementKind.PARENTHETICAL, ElementKind.DIALOGUE)


def write(screenplay: Screenplay) -> str:
    """Fountain text for ``screenplay``, ending with a newline."""
    out = _entries(screenplay)
    return "\n".join(out) + "\n" if out else ""


def element_lines(screenplay: Screenplay) -> tuple[tuple[int, int], ...]:
    """The 1-based ``(first, last)`` lines each element occupies in ``write(screenplay)``.

    One pair per element, in order; ``first == last`` for a one-line element. The
    numbers come from the same pass that writes the text, so they cannot drift from it.
    """
    placed: list[tuple[int, int]] = []
    out = _entries(screenplay, placed)
    starts = [0]  # starts[i]: 0-based text line of out[i] (an entry may hold several lines)
    for entry in out:
        starts.append(starts[-1] + entry.count("\n") + 1)
    return tuple((starts[first] + 1, starts[first + count]) for first, count in placed)


def _entries(screenplay: Screenplay, placed: list[tuple[int, int]] | None = None) -> list[str]:
    """The entries ``write`` joins with newlines; when ``placed`` is given, appends to it
    each element's (index of its first entry, number of entries)."""
    out: list[str] = write_title_page(dict(screenplay.title_page))
    bones: dict[int, list[str]] = {}
    for bone in screenplay.boneyards:
        bones.setdefault(bone.before, []).append(f"/*{bone.text}*/")
    if out and 0 in bones and any(map(has_opener, out)):
        key = next(iter(screenplay.title_page))
        out[0] = out[0][: len(key) + 1] + "".join(bones.pop(0)) + out[0][len(key) + 1 :]
    elements = screenplay.elements
    previous: Element | None = None
    first = count = 0  # where the previous element's lines are in ``out``
    for index, element in enumerate(elements):
        here = bones.get(index, ())
        if here and previous is not None and _tucked(out, first, count, here):
            count += len(here)
            if placed is not None:
                placed[-1] = (first, count)
            here = ()
        in_speech = previous is not None and _in_speech(element, previous)
        if out and not in_speech:
            out.append("")
        out.extend(here)
        following = elements[index + 1] if index + 1 < len(elements) else None
        lines = _lines(element, following)
        first, count = len(out), len(lines)
        if placed is not None:
            placed.append((first, count))
        out.extend(lines)
        previous = element
    here = bones.get(len(elements), ())
    if here and elements and _tucked(out, first, count, here):
        if placed is not None:
            placed[-1] = (first, count + len(here))
    elif here:
        if out:
            out.append("")
        out.extend(here)
    lead = 0 if screenplay.title_page else len(bones.get(0, ()))  # boneyards come first
    if not screenplay.title_page and lead < len(out) and key_of(out[lead]) is not None:
        out.insert(0, "")  # a body line that looks like a title-page key
        if placed is not None:
            placed[:] = [(first + 1, count) for first, count in placed]
    return out


def _in_speech(element: Element, previous: Element) -> bool:
    """Whether ``element`` goes right under ``previous``, in the same speech (no blank line).

    Sung lines join the speech above on its side of a dual pair; lyrics after lyrics were
    two elements, so a blank line keeps them two.
    """
    if element.kind is ElementKind.LYRICS:
        return previous.kind in _SPOKEN and element.dual is previous.dual
    return element.kind in _SPEECH_BODY and previous.kind in _SPEECH


def _tucked(out: list[str], first: int, count: int, bones: Sequence[str]) -> bool:
    """Put ``bones`` right after the first line of the element at ``out[first:first+count]``
    if a later line of it holds a literal ``/*``; whether it did.

    Written after the element, a boneyard's ``*/`` would close that ``/*``. Right
    after its first line the boneyard still reads as preceding the next element,
    and the source had it before the ``/*`` too, or the ``/*`` would have opened it.
    """
    if not any(map(has_opener, out[first + 1 : first + count])):
        return False
    out[first + 1 : first + 1] = bones
    return True


def _lines(element: Element, following: Element | None) -> list[str]:
    """The Fountain lines of one element, in the context ``write`` gives it."""
    kind = element.kind
    text = markup(element.text, element.spans)
    if kind is ElementKind.ACTION:
        return _action(text, element.forced)
    if kind is ElementKind.CHARACTER:
        return [_cue(element, text, following)]
    if kind is ElementKind.DIALOGUE:
        return _dialogue(element, text)
    if kind is ElementKind.PARENTHETICAL:
        return text.split("\n")
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
    alone = following is None or following.kind not in _SPEECH_BODY
    if following is not None and following.kind is ElementKind.LYRICS:
        alone = following.dual is not element.dual  # a "~" line is never blank
    elif not alone and following is not None:
        first = following.text.split("\n", 1)[0]
        # a note or an emphasis marker there makes the line non-blank
        alone = not first.strip() and not any(s.start <= len(first) for s in following.spans)
    if element.forced or alone:
        return "@" + line
    plain = _escape_first(line) if _has_mark(line.strip()) or line.startswith("(") else line
    stripped = plain.strip()
    if stripped and not _marked([plain]) and opening_kind(stripped, False) is ElementKind.CHARACTER:
        return plain
    return "@" + line


def _dialogue(element: Element, text: str) -> list[str]:
    """Dialogue lines: two spaces for an empty line, ``(`` and ``~`` escaped at a line's
    start (else it could open a parenthetical or sung lines), but not inside a note, whose
    text is verbatim.

    Parsed text never needs that escape inside a note: a ``(`` or ``~`` line there did
    not open a parenthetical or lyrics in the source and, written the same, does not now.
    """
    notes = [s for s in element.spans if s.style is Style.NOTE]
    out: list[str] = []
    start = 0  # offset in ``element.text`` of the line
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped:
            out.append("  ")
        elif stripped[0] in "(~" and not any(s.start < start < s.end for s in notes):
            out.append("\\" + line)
        else:
            out.append(line)
        start = element.text.find("\n", start) + 1
    return out
