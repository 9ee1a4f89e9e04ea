"""Element flow as screenwriting editors have it, written as plain Fountain.

Enter after a scene heading gives action; Tab on an empty line makes a character cue;
Enter after a cue gives dialogue; Enter after dialogue gives action; Tab on a written
line cycles its element. These functions say what to type; the editor types it, so
the file stays plain Fountain that any tool reads.
"""

from __future__ import annotations

from vividverse_desktop.core.screenplay.grammar import HEADING_PREFIXES
from vividverse_desktop.core.screenplay.model import ElementKind

ACTION = ElementKind.ACTION.value
CHARACTER = ElementKind.CHARACTER.value
DIALOGUE = ElementKind.DIALOGUE.value
PARENTHETICAL = ElementKind.PARENTHETICAL.value
SCENE_HEADING = ElementKind.SCENE_HEADING.value
TRANSITION = ElementKind.TRANSITION.value

_NEXT = {
    SCENE_HEADING: ACTION,
    ACTION: ACTION,
    CHARACTER: DIALOGUE,
    PARENTHETICAL: DIALOGUE,
    DIALOGUE: ACTION,
    TRANSITION: SCENE_HEADING,
}
_SAME_PARAGRAPH = frozenset({CHARACTER, PARENTHETICAL})
_CYCLE = (ACTION, CHARACTER, SCENE_HEADING, TRANSITION)
UPPER_CASE = frozenset({CHARACTER, SCENE_HEADING, TRANSITION})
"""Kinds whose text is typed in capitals."""


def after_enter(kind: str) -> tuple[str, str]:
    """What Enter types at the end of a line of ``kind``, and the kind that follows.

    Inside a speech (cue, parenthetical) a single line break keeps the speech going;
    elsewhere a blank line ends the paragraph.
    """
    following = _NEXT.get(kind, ACTION)
    return ("\n" if kind in _SAME_PARAGRAPH else "\n\n"), following


def next_kind(kind: str, *, empty: bool) -> str:
    """The kind Tab gives a line of ``kind``: an empty line becomes a cue (or a
    parenthetical inside a speech); a written one cycles action -> cue -> heading ->
    transition -> action, and dialogue <-> parenthetical."""
    if kind in (DIALOGUE, PARENTHETICAL):
        return PARENTHETICAL if kind == DIALOGUE else DIALOGUE
    if empty:
        return CHARACTER
    if kind in _CYCLE:
        return _CYCLE[(_CYCLE.index(kind) + 1) % len(_CYCLE)]
    return ACTION


def bare(line: str) -> str:
    """A line without the marks that force its element (``.``, ``!``, ``@``, ``>``,
    ``<``, parentheses of a parenthetical)."""
    text = line.strip()
    if text.startswith(("!", "@", "~")) or (text.startswith(".") and not text.startswith("..")):
        text = text[1:]
    if text.startswith(">"):
        text = text[1:].rstrip("<").strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    return text.strip()


def retyped(line: str, kind: str) -> str:
    """``line`` written so that the parser reads it as ``kind``.

    A cue is capitals (forced with ``@`` if it would read as a heading); a heading is
    capitals, forced with ``.`` unless it opens with INT./EXT.; a transition is forced
    with ``>`` unless it ends in ``TO:``; action that would read as something else is
    forced with ``!``; a parenthetical is wrapped in parentheses.
    """
    text = bare(line)
    upper = text.upper()
    if kind == CHARACTER:
        return "@" + upper if upper.startswith(HEADING_PREFIXES) else upper
    if kind == SCENE_HEADING:
        return upper if upper[:8].startswith(HEADING_PREFIXES) else "." + upper
    if kind == TRANSITION:
        return upper if upper.endswith("TO:") else "> " + upper
    if kind == PARENTHETICAL:
        return f"({text})"
    if (
        kind == ACTION
        and text
        and (text.isupper() or text[:8].upper().startswith(HEADING_PREFIXES))
    ):
        return "!" + text
    return text
