"""How long a script plays: a timing model from the words on the page.

Dialogue plays at a speaking rate, action at a reading rate, and each speech and
scene adds a little air. The constants and where they come from:

- ``DIALOGUE_WPM = 150``: conversational English is typically spoken at 130-160
  words per minute; 150 is the usual middle figure (audiobook narration is
  150-160).
- ``ACTION_WPM = 238``: what the action describes plays on screen at about the pace
  it is read; the average adult silent reading rate for English non-fiction is
  238 wpm (Brysbaert 2019, "How many words do we read per minute?", Journal of
  Memory and Language 109, 104047: a meta-analysis of 190 studies).
- ``TURN_GAP_S = 0.2``: the typical silence between one speaker's turn and the
  next is about 200 ms across languages (Stivers et al. 2009, PNAS 106(26);
  Levinson & Torreira 2015, Frontiers in Psychology 6:731).
- ``SCENE_OVERHEAD_S = 2.0``, ``TRANSITION_S = 1.0``, ``MIN_SCENE_S = 3.0``:
  choices, not measurements: a beat to establish each scene, a second per written
  transition, and no scene shorter than three seconds so that an animatic card
  can be read.
"""

from __future__ import annotations

import re

from vividverse_desktop.core.screenplay.model import Element, ElementKind, Screenplay

DIALOGUE_WPM = 150.0
ACTION_WPM = 238.0
TURN_GAP_S = 0.2
SCENE_OVERHEAD_S = 2.0
TRANSITION_S = 1.0
MIN_SCENE_S = 3.0

_DASHES = re.compile(r"--+|[—–]")
# A letter or digit: a whitespace-separated token holding one is a word.
_WORD_CHAR = re.compile(r"[^\W_]")


def count_words(text: str) -> int:
    """Words in ``text``: runs split by whitespace or dashes (``--``, en, em) holding a letter
    or digit. ``don't`` and ``twenty-one`` are one word each; ``--`` and ``...`` are none.
    """
    search = _WORD_CHAR.search  # one search per token: linear in the text
    return sum(1 for token in _DASHES.sub(" ", text).split() if search(token))


def element_words(element: Element) -> int:
    """Printed words of an element (inline notes excluded)."""
    return count_words(element.plain_text())


def _seconds(elements: tuple[Element, ...] | list[Element]) -> float:
    seconds = 0.0
    for element in elements:
        kind = element.kind
        if kind in (ElementKind.DIALOGUE, ElementKind.LYRICS):
            seconds += element_words(element) * 60.0 / DIALOGUE_WPM
        elif kind in (ElementKind.ACTION, ElementKind.CENTERED):
            seconds += element_words(element) * 60.0 / ACTION_WPM
        elif kind is ElementKind.CHARACTER:
            seconds += TURN_GAP_S
        elif kind is ElementKind.TRANSITION:
            seconds += TRANSITION_S
    return seconds


def scene_durations(screenplay: Screenplay) -> list[float]:
    """Seconds each scene plays under the timing model, in scene order.

    A scene is ``SCENE_OVERHEAD_S`` plus its dialogue and lyrics words at
    ``DIALOGUE_WPM``, action and centered words at ``ACTION_WPM``, ``TURN_GAP_S``
    per speech and ``TRANSITION_S`` per transition; at least ``MIN_SCENE_S``.
    """
    return [
        max(MIN_SCENE_S, SCENE_OVERHEAD_S + _seconds(scene.elements))
        for scene in screenplay.scenes()
    ]


def prelude_duration(screenplay: Screenplay) -> float:
    """Seconds of what comes before the first scene heading (0 when nothing does)."""
    prelude: list[Element] = []
    for element in screenplay.elements:
        if element.kind is ElementKind.SCENE_HEADING:
            break
        prelude.append(element)
    return _seconds(prelude)
