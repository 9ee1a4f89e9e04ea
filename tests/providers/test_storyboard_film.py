"""The storyboard film beat by beat: lower thirds, marks, fades, dissolves, headings that fit.

Every check renders real cards with the bundled FFmpeg and reads the decoded pixels.
"""

from __future__ import annotations

import subprocess
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest

from tests.core.pipeline.conftest import write_card_files
from vividverse_desktop.core.pipeline.card_clips import (
    CardPieces,
    card_argv,
    card_pieces,
    piece_starts,
    pieces_argv,
)
from vividverse_desktop.core.pipeline.card_draw import card_filter
from vividverse_desktop.core.pipeline.cards import (
    Card,
    CardFiles,
    CardFonts,
    CardLayout,
    ShotKind,
    card_look,
    card_text,
)
from vividverse_desktop.core.pipeline.ffmpeg_args import VideoFormat
from vividverse_desktop.core.pipeline.marks import mark_at, marks_for
from vividverse_desktop.core.pipeline.plan import Transition, build_plan, film_cast
from vividverse_desktop.core.screenplay import parse
from vividverse_desktop.core.screenplay.heading import parse_heading
from vividverse_desktop.media.ffmpeg import FFmpeg
from vividverse_desktop.media.probe import count_frames
from vividverse_desktop.providers.contract import ClipRequest, fetch
from vividverse_desktop.providers.storyboard import StoryboardCards

SMALL = VideoFormat(320, 180, Fraction(12))

SCRIPT = """\
Title: The Moat

FADE IN:

EXT. BEACH - DAY

Waves. MARA builds a sandcastle.

MARA
It needs a moat.

JONAS
It needs a king.

DISSOLVE TO:

INT. CELLAR - NIGHT

Candles gutter in the dark.

FADE OUT.
"""

Frame = list[tuple[int, int, int]]


@pytest.fixture(scope="module")
def ffmpeg_exe() -> str:
    """The bundled FFmpeg executable."""
    return str(FFmpeg().executable)


def frames_of(ffmpeg_exe: str, path: Path, fmt: VideoFormat) -> list[Frame]:
    """Every decoded frame as RGB pixels, row by row."""
    raw = subprocess.run(
        [ffmpeg_exe, "-v", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    size = fmt.width * fmt.height * 3
    frames = []
    for start in range(0, len(raw), size):
        chunk = raw[start : start + size]
        frames.append([tuple(chunk[i : i + 3]) for i in range(0, size, 3)])
    return frames  # type: ignore[return-value]


def pixel(frame: Frame, fmt: VideoFormat, x: int, y: int) -> tuple[int, int, int]:
    return frame[y * fmt.width + x]


def mean(frame: Frame, fmt: VideoFormat, rows: range) -> float:
    """Mean brightness (0-255) of whole rows."""
    values = [sum(frame[y * fmt.width + x]) / 3 for y in rows for x in range(fmt.width)]
    return sum(values) / len(values)


def rgb(colour: str) -> tuple[int, int, int]:
    value = int(colour, 16)
    return value >> 16, (value >> 8) & 0xFF, value & 0xFF


def near(a: tuple[int, int, int], b: tuple[int, int, int], tolerance: int = 40) -> bool:
    return all(abs(p - q) <= tolerance for p, q in zip(a, b, strict=True))


@pytest.fixture(scope="module")
def plan():  # type: ignore[no-untyped-def]
    return build_plan(parse(SCRIPT))


def test_the_sample_plans_beats_and_transitions(plan) -> None:  # type: ignore[no-untyped-def]
    """The beach opens from black on its establishing card and dissolves into the cellar."""
    beach, cellar = plan.scenes
    assert [s.kind for s in beach.shots] == [
        ShotKind.ESTABLISHING, ShotKind.ACTION, ShotKind.SPEECH, ShotKind.SPEECH,
    ]  # fmt: skip
    assert (beach.transition_in, beach.transition_out) == (Transition.FADE, Transition.CUT)
    assert (cellar.transition_in, cellar.transition_out) == (Transition.DISSOLVE, Transition.FADE)


def render(tmp_path: Path, request: ClipRequest) -> Path:
    return fetch(StoryboardCards(), request, tmp_path / "clip.mp4", scratch=tmp_path / "s").path


def test_speech_frames_carry_a_lower_third_with_the_speakers_mark(
    tmp_path: Path,
    plan,  # type: ignore[no-untyped-def]
    ffmpeg_exe: str,
) -> None:
    """The band darkens the foot of speech cards only; the speaker's mark is in their colour."""
    beach = plan.scenes[0]
    shots = (12, 12, 12, 12)
    cast = tuple(reversed(film_cast(plan)))  # the request's cast decides: JONAS comes first
    assert cast == ("JONAS", "MARA")
    path = render(tmp_path, ClipRequest(beach, SMALL, shots, cast=cast))
    frames = frames_of(ffmpeg_exe, path, SMALL)
    assert len(frames) == sum(shots)
    layout = CardLayout.for_format(SMALL)
    band = range(layout.band_top(SMALL) + 2, SMALL.height - 2)
    action, mara, jonas = frames[18], frames[30], frames[42]
    assert mean(mara, SMALL, band) < mean(action, SMALL, band) - 60
    assert mean(jonas, SMALL, band) < mean(action, SMALL, band) - 60
    side = layout.cast_size
    at = (layout.margin + side // 2, layout.band_top(SMALL) + layout.margin // 3 + side // 2)
    mara_mark, jonas_mark = marks_for(("MARA", "JONAS"), cast)
    assert (jonas_mark, mara_mark) == (mark_at(0), mark_at(1))
    assert near(pixel(mara, SMALL, *at), rgb(mara_mark.colour))
    assert near(pixel(jonas, SMALL, *at), rgb(jonas_mark.colour))
    assert mara_mark.colour != jonas_mark.colour


def test_a_fade_in_rises_from_black_and_a_fade_out_ends_black(
    tmp_path: Path,
    plan,  # type: ignore[no-untyped-def]
    ffmpeg_exe: str,
) -> None:
    """Half a second from black at the start; the last two frames of a fading clip are black."""
    beach, cellar = plan.scenes
    rising = frames_of(
        ffmpeg_exe, render(tmp_path / "a", ClipRequest(beach, SMALL, (20, 4, 4, 4))), SMALL
    )
    rows = range(SMALL.height)
    assert mean(rising[0], SMALL, rows) < 20
    assert mean(rising[2], SMALL, rows) < mean(rising[4], SMALL, rows)
    assert mean(rising[SMALL.keyframe_interval + 1], SMALL, rows) > 100  # a day sky
    falling = frames_of(
        ffmpeg_exe, render(tmp_path / "b", ClipRequest(cellar, SMALL, (6, 30))), SMALL
    )
    assert mean(falling[-1], SMALL, rows) < 8
    assert mean(falling[-2], SMALL, rows) < 8
    assert mean(falling[-10], SMALL, rows) > mean(falling[-3], SMALL, rows)


def test_a_dissolve_starts_on_the_previous_scenes_last_card(
    tmp_path: Path,
    plan,  # type: ignore[no-untyped-def]
    ffmpeg_exe: str,
) -> None:
    """The cellar's first frame is the beach's last card; it blends into the cellar's own."""
    beach, cellar = plan.scenes
    ends = frames_of(
        ffmpeg_exe, render(tmp_path / "a", ClipRequest(beach, SMALL, (4, 4, 4, 8))), SMALL
    )
    request = ClipRequest(cellar, SMALL, (24, 6), before=beach)
    starts = frames_of(ffmpeg_exe, render(tmp_path / "b", request), SMALL)
    plain = frames_of(
        ffmpeg_exe, render(tmp_path / "c", ClipRequest(cellar, SMALL, (24, 6))), SMALL
    )
    rows = range(SMALL.height // 2)
    beach_top, cellar_top = mean(ends[-1], SMALL, rows), mean(plain[12], SMALL, rows)
    assert abs(mean(starts[0], SMALL, rows) - beach_top) < 12
    middle = mean(starts[SMALL.keyframe_interval // 2], SMALL, rows)
    assert min(beach_top, cellar_top) + 10 < middle < max(beach_top, cellar_top) - 10
    assert abs(mean(starts[SMALL.keyframe_interval + 1], SMALL, rows) - cellar_top) < 6


def test_a_long_heading_shrinks_and_never_reaches_the_rule(tmp_path: Path, ffmpeg_exe: str) -> None:
    """The drawn heading's ink box ends above the rule and inside the margins."""
    fmt = VideoFormat(640, 360, Fraction(12))
    long = "INT./EXT. THE ABANDONED MUNICIPAL WATERWORKS PUMPING STATION NUMBER FOUR - NIGHT"
    text = card_text(fmt, long, "", [])
    layout = CardLayout.for_format(fmt)
    assert text.heading_size < layout.heading_size
    assert len(text.heading.split("\n")) == 2
    folder = tmp_path / "t"
    folder.mkdir()
    files = write_card_files(folder, text)
    look = card_look(parse_heading("INT. X - DAY"))  # dark ink on a light room
    card = Card(look, files, fmt, 1, CardFonts.bundled(), text=text)
    out = tmp_path / "card.mp4"
    FFmpeg().run(card_argv(card, out), timeout=30)
    frame = frames_of(ffmpeg_exe, out, fmt)[0]
    ink = rgb(look.ink)
    rows = [
        y for y in range(layout.rule_y)
        if any(near(pixel(frame, fmt, x, y), ink, 60) for x in range(fmt.width))
    ]  # fmt: skip
    columns = [
        x for x in range(fmt.width)
        if any(near(pixel(frame, fmt, x, y), ink, 60) for y in rows)
    ]  # fmt: skip
    assert rows
    assert min(rows) >= layout.margin - 2
    assert max(rows) < layout.rule_y - 1
    assert min(columns) >= layout.margin - 2
    assert max(columns) <= fmt.width - layout.margin + 2


def test_held_cards_are_pieces_of_half_a_second_repeated() -> None:
    """A card's fade, one held group of pictures and its fade out, and how they repeat."""
    look = card_look(parse_heading("INT. X - DAY"))
    files = CardFiles(Path("/j/h"), Path("/j/a"), Path("/j/c"))
    card = Card(
        look, files, SMALL, 40, CardFonts(Path("/f/R"), Path("/f/B")), fade_in=6, fade_out=6
    )
    pieces = card_pieces(card, SMALL.keyframe_interval)
    assert pieces == CardPieces(rise=6, held=6, fall=6, middle=28)
    assert pieces.entries() == [(0, 6), (1, 6), (1, 6), (1, 6), (1, 6), (1, 4), (2, 6)]
    assert sum(n for _, n in pieces.entries()) == 40
    short = Card(look, files, SMALL, 3, CardFonts(Path("/f/R"), Path("/f/B")))
    assert card_pieces(short, 6).entries() == [(0, 3)]
    args = pieces_argv([card, short], Path("/j/pieces.h264"))
    assert piece_starts([card, short]) == [0, 6, 12, 18]
    assert args[args.index("-force_key_frames") + 1] == "expr:eq(n,0)+eq(n,6)+eq(n,12)+eq(n,18)"
    assert args[args.index("-frames:v") + 1] == "21"
    assert "fade=t=in:s=0:n=6,fade=t=out:s=12:n=4" in args[args.index("-filter_complex") + 1]
    assert args[-3:] == ("-f", "h264", "/j/pieces.h264")
    dissolving = replace(card, fade_out=0, dissolve_from=short)
    graph = card_filter(dissolving, "c0", frames=12)
    assert graph.count("gradients=") == 2  # the scene before's last card, and this one
    assert graph.endswith("[c0p][c0q]xfade=transition=fade:duration=0.5:offset=0,setsar=1[c0]")
    assert "fade=t=in" not in graph


def test_a_clip_of_many_beats_keeps_every_frame(
    tmp_path: Path,
    plan,  # type: ignore[no-untyped-def]
) -> None:
    """Pieces repeated and cut by copy give exactly the requested frames."""
    path = render(tmp_path, ClipRequest(plan.scenes[0], SMALL, (7, 31, 13, 5)))
    assert count_frames(path) == 56
