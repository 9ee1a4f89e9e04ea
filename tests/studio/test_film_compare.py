"""studio.film_compare: the renders of one script held in a real store, labelled by title,
version and date; and how two films line up, every difference said in words."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from vividverse_desktop.core.timecode import FrameRate
from vividverse_desktop.core.wire import (
    Change,
    MovieRecord,
    PullResponse,
    ScriptRecord,
    ScriptVersionRecord,
    SourceFormat,
    UserRecord,
)
from vividverse_desktop.core.workflow import Role, Status
from vividverse_desktop.store import LocalStore
from vividverse_desktop.studio.film_compare import (
    compare_films,
    file_label,
    follow_speed,
    renders,
)
from vividverse_desktop.studio.screening import FilmFacts, film_facts, make_frame_code_film


def _version(script: ScriptRecord, n: int, day: int) -> ScriptVersionRecord:
    text = f"Title: {script.title}\n\nINT. KITCHEN - DAY\n\nTake {n}.\n"
    return ScriptVersionRecord(
        f"{script.id}-v{n}", script.id, n, hashlib.sha256(text.encode()).hexdigest(), text,
        SourceFormat.FOUNTAIN, datetime(2026, 12, day, 9, 0, tzinfo=UTC),
    )  # fmt: skip


def _store(path: Path) -> LocalStore:
    """Kettle v1 rendered once and v2 twice (the second with a film uploaded); Teapot once."""
    user = UserRecord("u-eddie", "eddie", "Eddie Editor", Role.EDITOR)
    when = datetime(2026, 12, 1, tzinfo=UTC)
    kettle = ScriptRecord("s-kettle", user.id, "Kettle", Status.COMPLETED, 3, when)
    teapot = ScriptRecord("s-teapot", user.id, "Teapot", Status.COMPLETED, 3, when)
    v1, v2, t1 = _version(kettle, 1, 1), _version(kettle, 2, 3), _version(teapot, 1, 2)

    def movie(movie_id: str, version: ScriptVersionRecord, video: str | None) -> MovieRecord:
        return MovieRecord(
            movie_id, version.id, "completed", 1.0, "published", user.id, 2, video_key=video
        )

    records = (
        user, kettle, teapot, v1, v2, t1,
        movie("m-k1", v1, "films/k1.mp4"), movie("m-t1", t1, "films/t1.mp4"),
        movie("m-k2a", v2, None), movie("m-k2b", v2, "films/k2b.mp4"),
    )  # fmt: skip
    store = LocalStore.open(path)
    changes = [Change.of(record, usn) for usn, record in enumerate(records, 1)]
    store.apply_pull(PullResponse(tuple(changes), len(changes)))
    return store


def test_the_renders_of_a_films_script_newest_version_first(tmp_path: Path) -> None:
    """From Kettle v1's film: Kettle's three renders (v2's two told apart, oldest first),
    not Teapot's; with no film named, every film held here."""
    store = _store(tmp_path / "store.sqlite")
    try:
        found = renders(store=store, movie_id="m-k1")
        assert [(r.movie_id, r.label, r.has_film) for r in found] == [
            ("m-k2b", "Kettle v2, render 2 of 2 · 03 Dec 2026", True),
            ("m-k2a", "Kettle v2, render 1 of 2 · 03 Dec 2026", False),
            ("m-k1", "Kettle v1 · 01 Dec 2026", True),
        ]
        everything = renders(store=store)
        assert {r.movie_id for r in everything} == {"m-k1", "m-k2a", "m-k2b", "m-t1"}
        assert renders(store=store, movie_id="m-unknown") == everything
    finally:
        store.close()


def _facts(fps: float, frames: int, size: tuple[int, int] = (640, 360)) -> FilmFacts:
    return FilmFacts(Path("x.mp4"), FrameRate.conventional(fps), frames, *size)


def test_films_alike_are_compared_whole_without_a_word_of_difference() -> None:
    """Same rate, length and size: every frame compared, nothing to say."""
    same = compare_films(_facts(24, 240), _facts(24, 240))
    assert (same.frames, same.last, same.differences) == (240, 239, ())


def test_every_difference_is_said_and_the_shorter_film_bounds_the_comparison() -> None:
    """24 fps x 240 at 640x360 against 29.97 fps x 200 at 1280x720: three sentences,
    compared up to frame 199; B plays at 24/29.97 of its speed to keep frame numbers."""
    compared = compare_films(_facts(24, 240), _facts(29.97, 200, (1280, 720)))
    assert compared.frames == 200
    rates, lengths, sizes = compared.differences
    assert rates == (
        "Different frame rates: A 24 fps, B 29.97 fps DF. Frames are matched by number, "
        "so B plays at 80% of its speed to stay in step."
    )
    assert lengths == (
        "Different lengths: A has 240 frames, B 200. Compared up to frame 199, the last one B has."
    )
    assert sizes == "Different sizes: A 640×360, B 1280×720; both are shown at the same size."
    assert follow_speed(FrameRate.of(24), FrameRate.of("30000/1001"), 2.0) == 2 * 24 * 1001 / 30000
    assert "the last one A has" in compare_films(_facts(25, 10), _facts(25, 12)).differences[0]


def test_a_film_files_facts_say_when_it_was_written(tmp_path: Path) -> None:
    """film_facts reads the file's time; the label names the file and that time."""
    path = make_frame_code_film(path=tmp_path / "cut.mp4", rate=FrameRate.of(24), frames=12)
    before = datetime.now(UTC)
    facts = film_facts(path=path)
    assert facts.modified is not None
    assert abs((facts.modified - before).total_seconds()) < 60
    when = datetime(2026, 12, 3, 14, 5, tzinfo=UTC)
    assert file_label(path, when) == f"cut.mp4 · {when.astimezone():%d %b %Y %H:%M}"
    assert file_label(path, None) == "cut.mp4"
