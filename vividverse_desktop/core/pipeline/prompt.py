"""Prompts for image and video providers, built deterministically from a shot's facts.

The same heading, action and cast always give the same prompt, so a prompt can be
part of an asset's hash. A prompt reads like a short shot description: framing,
place, light, who is present, what happens, then a fixed style tail.
"""

from __future__ import annotations

from collections.abc import Sequence

from vividverse_desktop.core.screenplay.heading import SceneHeading

STYLE = "cinematic still, natural colour, 35mm film look"
"""The style every generated prompt ends with."""

MAX_ACTION_CHARS = 400

_SETTING = {
    "INT": "interior",
    "EXT": "exterior",
    "INT/EXT": "interior and exterior",
    "EST": "establishing shot, exterior",
    "": "",
}

_LIGHT = {
    "day": "daylight",
    "night": "night, low light",
    "dawn": "dawn light",
    "dusk": "dusk, golden hour",
}


def framing(shot_index: int, shot_count: int, cast_size: int) -> str:
    """The framing of a shot: wide to open a scene, then medium or close by cast size."""
    if shot_index == 0:
        return "wide shot"
    if cast_size >= 2:
        return "medium two-shot" if shot_index % 2 else "over-the-shoulder shot"
    if cast_size == 1:
        return "medium close-up" if shot_index % 2 else "medium shot"
    return "detail shot" if shot_index < shot_count - 1 else "wide shot"


def shot_prompt(
    heading: SceneHeading,
    light: str,
    action: str,
    characters: Sequence[str],
    *,
    shot_index: int = 0,
    shot_count: int = 1,
) -> str:
    """A one-paragraph prompt for a shot, the same for the same inputs.

    ``light`` is a card light name (``day``, ``night``, ``dawn``, ``dusk``); the
    action is whitespace-collapsed and cut to 400 characters at a word boundary.
    """
    parts = [framing(shot_index, shot_count, len(characters))]
    setting = _SETTING.get(heading.prefix, "")
    place = _words(heading.location)
    if setting and place:
        parts.append(f"{setting}, {place}")
    elif setting or place:
        parts.append(setting or place)
    parts.append(_LIGHT.get(light, light))
    if characters:
        names = [_words(name) for name in characters]
        parts.append("with " + _join(names))
    text = " ".join(action.split())
    if len(text) > MAX_ACTION_CHARS:
        text = text[:MAX_ACTION_CHARS].rsplit(" ", 1)[0] + "…"
    if text:
        parts.append(text.rstrip(". "))
    return "; ".join(parts) + ". " + STYLE


def _words(text: str) -> str:
    """``DEV'S STALL`` as ``Dev's Stall``: each word capitalised, the rest lower-case."""
    return " ".join(word.capitalize() for word in text.split())


def _join(names: Sequence[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
