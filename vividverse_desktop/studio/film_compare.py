"""Comparing two renders of one script in the Screening Room, frame for frame.

:func:`renders` lists the films held here that were rendered from the same script as a
given film (its other versions, or the same version rendered again), each with a label
a reviewer recognises: the title, the script version and its date. :func:`compare_films`
says how two films line up: they are compared by frame number (frame N of A beside frame
N of B) up to the last frame both have, and every difference of rate, length or size is
said in a sentence, so nobody mistakes a longer cut for a drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from vividverse_desktop.core.timecode import FrameRate
from vividverse_desktop.studio.screening import FilmFacts

if TYPE_CHECKING:
    from vividverse_desktop.core.wire import MovieRecord
    from vividverse_desktop.store import LocalStore


@dataclass(frozen=True, slots=True)
class Render:
    """A film held here, as a choice for comparing: which script, which version, when."""

    movie_id: str
    title: str
    version: int | None  # the script version rendered (None: not held here)
    made: datetime | None  # when that version was written
    status: str
    has_film: bool  # a video was uploaded for it
    take: int = 1  # which render of its version (1: the first)
    takes: int = 1  # how many renders of its version are held here

    @property
    def label(self) -> str:
        """``Kettle v2 · 03 Dec 2026``; ``Kettle v2, render 2 of 2 · ...`` when the
        version was rendered more than once."""
        name = self.title if self.version is None else f"{self.title} v{self.version}"
        if self.takes > 1:
            name += f", render {self.take} of {self.takes}"
        return name if self.made is None else f"{name} · {self.made:%d %b %Y}"


def renders(*, store: LocalStore, movie_id: str = "") -> tuple[Render, ...]:
    """The films held here rendered from the script of ``movie_id`` (itself included),
    newest version first; every film held here when ``movie_id`` is empty or unknown."""
    movies = store.movies()
    version_of = {}
    script_of: dict[str, str | None] = {}
    for movie in movies:
        version = store.script_version(movie.script_version_id)
        version_of[movie.id] = version
        script_of[movie.id] = None if version is None else version.script_id
    wanted = script_of.get(movie_id) if movie_id else None
    chosen = [m for m in movies if wanted is None or script_of[m.id] == wanted]
    # store.movies() is newest on the server first: count takes of a version oldest first.
    takes: dict[str, list[MovieRecord]] = {}
    for movie in reversed(chosen):
        takes.setdefault(movie.script_version_id, []).append(movie)
    titles: dict[str, str] = {}
    found = []
    for movie in chosen:
        version = version_of[movie.id]
        script_id = script_of[movie.id]
        if script_id is not None and script_id not in titles:
            script = store.script(script_id)
            titles[script_id] = script.title if script is not None else movie.id
        same = takes[movie.script_version_id]
        found.append(
            Render(
                movie_id=movie.id,
                title=titles.get(script_id or "", movie.id),
                version=None if version is None else version.n,
                made=None if version is None else version.created_at,
                status=movie.status,
                has_film=bool(movie.video_key),
                take=same.index(movie) + 1,
                takes=len(same),
            )
        )
    found.sort(key=lambda r: (-(r.version or 0), -r.take))
    return tuple(found)


def file_label(path: Path, modified: datetime | None) -> str:
    """A film file as a side of a comparison: its name and when it was written."""
    when = "" if modified is None else f" · {modified.astimezone():%d %b %Y %H:%M}"
    return f"{path.name}{when}"


@dataclass(frozen=True, slots=True)
class Comparison:
    """How films A and B line up: ``frames`` compared (those both have) and the
    differences, each a sentence (none when rate, length and size agree)."""

    frames: int
    differences: tuple[str, ...] = ()

    @property
    def last(self) -> int:
        """The last frame compared."""
        return max(0, self.frames - 1)


def compare_films(a: FilmFacts, b: FilmFacts) -> Comparison:
    """Compare A and B by frame number up to the shorter, saying what differs."""
    frames = min(a.frames, b.frames)
    said: list[str] = []
    if a.rate.exact != b.rate.exact:
        pace = follow_speed(a.rate, b.rate, 1.0)
        said.append(
            f"Different frame rates: A {a.rate}, B {b.rate}. Frames are matched by number, "
            f"so B plays at {pace:.0%} of its speed to stay in step."
        )
    if a.frames != b.frames:
        shorter = "A" if a.frames < b.frames else "B"
        said.append(
            f"Different lengths: A has {a.frames} frames, B {b.frames}. Compared up to "
            f"frame {max(0, frames - 1)}, the last one {shorter} has."
        )
    if (a.width, a.height) != (b.width, b.height):
        said.append(
            f"Different sizes: A {a.width}×{a.height}, B {b.width}×{b.height}; "
            "both are shown at the same size."
        )
    return Comparison(frames, tuple(said))


def follow_speed(lead: FrameRate, follower: FrameRate, speed: float) -> float:
    """The playback rate that keeps the follower on the lead's frame numbers while the
    lead plays at ``speed`` (a 25 fps B beside a 24 fps A plays at 0.96 of 1x)."""
    return float(Fraction(speed).limit_denominator(1000) * lead.exact / follower.exact)
