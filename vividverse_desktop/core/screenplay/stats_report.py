"""Script statistics as text: CSV sections and a table for the terminal."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from vividverse_desktop.core.screenplay.pagination import format_eighths

if TYPE_CHECKING:
    from vividverse_desktop.core.screenplay.stats import ScriptStats


def _sections(stats: ScriptStats) -> list[tuple[str, list[str], list[list[str]]]]:
    summary = [
        ["title", stats.title],
        ["page_count", str(stats.page_count)],
        ["length", stats.length],
        ["eighths", str(stats.eighths)],
        ["scene_count", str(stats.scene_count)],
        ["runtime_minutes_page_rule", f"{stats.runtime_minutes_page_rule:.1f}"],
        ["runtime_minutes_timing_model", f"{stats.runtime_minutes_timing_model:.1f}"],
        ["dialogue_words", str(stats.dialogue_words)],
        ["action_words", str(stats.action_words)],
    ]
    int_ext = [
        [key, str(share.scenes), format_eighths(share.eighths)]
        for key, share in stats.int_ext.items()
    ]
    day_night = [
        [key, str(share.scenes), format_eighths(share.eighths)]
        for key, share in stats.day_night.items()
    ]
    locations = [
        [loc.name, str(loc.scene_count), " ".join(loc.scenes), format_eighths(loc.eighths)]
        for loc in stats.locations
    ]
    characters = [
        [
            c.name,
            str(c.speeches),
            str(c.words),
            str(c.scene_count),
            str(c.pages),
            c.first_scene or "",
            str(c.first_page),
        ]
        for c in stats.characters
    ]
    scenes = [
        [
            s.number,
            s.prefix or "OTHER",
            s.location,
            s.time_of_day,
            s.day_night.value,
            str(s.page),
            format_eighths(s.eighths),
            f"{s.duration_s:.1f}",
            " ".join(s.characters),
        ]
        for s in stats.scenes
    ]
    return [
        ("summary", ["measure", "value"], summary),
        ("int_ext", ["int_ext", "scenes", "length"], int_ext),
        ("day_night", ["day_night", "scenes", "length"], day_night),
        ("locations", ["location", "scenes", "scene_numbers", "length"], locations),
        (
            "characters",
            ["character", "speeches", "words", "scenes", "pages", "first_scene", "first_page"],
            characters,
        ),
        (
            "scenes",
            [
                "scene",
                "int_ext",
                "location",
                "time_of_day",
                "day_night",
                "page",
                "length",
                "duration_s",
                "characters",
            ],
            scenes,
        ),
    ]


def stats_csv(stats: ScriptStats) -> str:
    """CSV text: one table per section, in order summary, int_ext, day_night, locations,
    characters, scenes. Each table is a row holding only ``[section]``, a header row and
    the data rows; a blank line separates tables. Lengths are written as pages and eighths.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for n, (name, header, rows) in enumerate(_sections(stats)):
        if n:
            out.write("\n")
        writer.writerow([f"[{name}]"])
        writer.writerow(header)
        writer.writerows(rows)
    return out.getvalue()


def _is_number(cell: str) -> bool:
    return bool(cell) and all(ch.isdigit() or ch in " ./" for ch in cell)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Aligned columns; a column whose cells are all numbers or lengths is right-aligned."""
    widths = [len(h) for h in header]
    numeric = [True] * len(header)
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
            numeric[i] = numeric[i] and (not cell or _is_number(cell))
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        cells = [
            cell.rjust(w) if right else cell.ljust(w)
            for cell, w, right in zip(row, widths, numeric, strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    return lines


DAY_NIGHT_RULE = (
    "DAY: day, morning, afternoon; NIGHT: night, evening; OTHER: dawn, pre-dawn, dusk,"
    " sunrise, sunset, magic hour, mixed (DAY TO NIGHT) or no time given."
    " CONTINUOUS, SAME, LATER take the scene before's light."
)
"""How the DAY/NIGHT split counts times of day, as the table states it."""


def format_table(stats: ScriptStats) -> str:
    """The statistics as aligned plain-text tables for a terminal.

    A script with no scenes says so under its summary (an empty file is an empty
    screenplay, not an error).
    """
    lines: list[str] = []
    if not stats.scene_count:
        lines.append("(no scenes: the script is empty or has no scene heading)")
    for name, header, rows in _sections(stats):
        if name == "summary":
            width = max(len(r[0]) for r in rows)
            lines.extend(f"{r[0].ljust(width)}  {r[1]}" for r in rows)
            continue
        lines.append("")
        lines.append(name.upper().replace("_", "/"))
        lines.extend(_table(header, rows))
        if name == "day_night":
            lines.append(DAY_NIGHT_RULE)
    return "\n".join(lines) + "\n"
