"""A Fountain linter: problems a writer should look at, by line.

Errors are markup that swallows or loses text (an unclosed ``[[`` note or ``/*``
boneyard, a stray closer). Warnings are things that parse, but probably not as
meant: a cue with no dialogue, a forced transition inside a paragraph, an empty
scene heading, ``^`` with no speech before it, an unknown title-page key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from vividverse_desktop.core.screenplay.errors import ScreenplayError
from vividverse_desktop.core.screenplay.fountain import parse
from vividverse_desktop.core.screenplay.grammar import STANDARD_PREFIXES
from vividverse_desktop.core.screenplay.model import DualSide, ElementKind
from vividverse_desktop.core.screenplay.title_page import KNOWN_KEYS, key_of

Severity = Literal["error", "warning"]
_TOKENS = ("/*", "*/", "[[", "]]")


@dataclass(frozen=True, slots=True)
class LintIssue:
    """One finding: 1-based line, ``"error"`` or ``"warning"``, and what to fix."""

    line: int
    severity: Severity
    message: str


def lint(text: str) -> list[LintIssue]:
    """Issues found in Fountain ``text``, sorted by line (errors first on a line)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    issues = _markup_issues(text)
    try:
        screenplay = parse(text)
    except ScreenplayError as exc:
        issues.append(LintIssue(exc.line or 1, "error", exc.message))
        return _sorted(issues)
    lines = text.split("\n")
    if screenplay.title_page:
        key_lines: dict[str, int] = {}
        for number, line in enumerate(lines, 1):
            if not line.strip():
                break
            key = key_of(line)
            if key is not None:
                key_lines.setdefault(key, number)
        for key in screenplay.title_page:
            if key.lower() not in KNOWN_KEYS:
                issues.append(
                    LintIssue(key_lines.get(key, 1), "warning", f"unknown title page key {key!r}")
                )
    elements = screenplay.elements
    for index, element in enumerate(elements):
        kind = element.kind
        following = elements[index + 1] if index + 1 < len(elements) else None
        if kind is ElementKind.CHARACTER:
            sung = (  # sung lines right under the cue are the speech
                following is not None
                and following.kind is ElementKind.LYRICS
                and following.line == element.line + 1
            )
            if not sung and (
                following is None
                or following.kind not in (ElementKind.DIALOGUE, ElementKind.PARENTHETICAL)
            ):
                issues.append(
                    LintIssue(
                        element.line, "warning", f"character cue {element.text!r} has no dialogue"
                    )
                )
            if element.dual is DualSide.RIGHT and not _has_left(elements, index):
                issues.append(
                    LintIssue(
                        element.line,
                        "warning",
                        "dual dialogue '^' with no dialogue right before it",
                    )
                )
        elif kind is ElementKind.SCENE_HEADING:
            if not element.text.strip():
                issues.append(LintIssue(element.line, "warning", "empty scene heading"))
            elif not element.forced and not element.text.upper().startswith(STANDARD_PREFIXES):
                prefix = element.text.split(None, 1)[0]
                issues.append(
                    LintIssue(
                        element.line,
                        "warning",
                        f"heading prefix {prefix!r} is not Fountain's: read as INT/EXT here,"
                        " other apps may read the line as action (write INT./EXT.)",
                    )
                )
        elif kind is ElementKind.TRANSITION and element.forced:
            after = element.line  # 1-based; lines[after] is the next source line
            if after < len(lines) and lines[after].strip():
                issues.append(
                    LintIssue(element.line, "warning", "transition '>' does not end its paragraph")
                )
        elif kind is ElementKind.PARENTHETICAL and element.text == "()":
            issues.append(LintIssue(element.line, "warning", "empty parenthetical"))
    return _sorted(issues)


def _has_left(elements: tuple[object, ...], index: int) -> bool:
    """Whether the ``^`` cue at ``index`` pairs with a speech right before it."""
    back = index - 1
    while back >= 0:
        element = elements[back]
        kind = getattr(element, "kind", None)
        if kind in (ElementKind.DIALOGUE, ElementKind.PARENTHETICAL):
            back -= 1
            continue
        return kind is ElementKind.CHARACTER and getattr(element, "dual", None) is DualSide.LEFT
    return False


def _markup_issues(text: str) -> list[LintIssue]:
    """Unbalanced ``[[ ]]`` notes and ``/* */`` boneyards, at the line where they open.

    One linear scan: inside a boneyard only ``*/`` matters; a note that meets a
    blank line (not two spaces) before ``]]`` is unclosed.
    """
    issues: list[LintIssue] = []
    bone_open = 0  # line of an open boneyard, 0 when none
    note_open = 0
    for number, line in enumerate(text.split("\n"), 1):
        if note_open and not bone_open and not line.strip() and line != "  ":
            issues.append(
                LintIssue(note_open, "error", "note '[[' is not closed before a blank line")
            )
            note_open = 0
        if "/" not in line and "[" not in line and "]" not in line:
            continue
        pos = 0
        ahead = dict.fromkeys(_TOKENS, -2)  # next position of each token; -1: none left
        while True:
            if bone_open:
                close = line.find("*/", pos)
                if close < 0:
                    break
                bone_open = 0
                pos = close + 2
                continue
            for token, found in ahead.items():
                if -1 < found < pos or found == -2:
                    ahead[token] = line.find(token, pos)
            targets = [(at, token) for token, at in ahead.items() if at >= 0]
            if not targets:
                break
            at, token = min(targets)
            if at > 0 and line[at - 1] == "\\":
                pos = at + 1
                continue
            pos = at + 2
            if token == "/*":
                bone_open = number
            elif token == "*/":
                issues.append(LintIssue(number, "error", "'*/' closes no boneyard"))
            elif token == "[[":
                if note_open:
                    issues.append(LintIssue(note_open, "error", "note '[[' is not closed"))
                note_open = number
            elif note_open:
                note_open = 0
            else:
                issues.append(LintIssue(number, "warning", "']]' closes no note"))
    if bone_open:
        issues.append(LintIssue(bone_open, "error", "boneyard '/*' is not closed"))
    if note_open:
        issues.append(LintIssue(note_open, "error", "note '[[' is not closed"))
    return issues


def _sorted(issues: list[LintIssue]) -> list[LintIssue]:
    """Issues by line, errors before warnings on the same line."""
    return sorted(issues, key=lambda issue: (issue.line, issue.severity != "error", issue.message))
