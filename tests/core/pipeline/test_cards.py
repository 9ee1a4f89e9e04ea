"""Storyboard cards: the look of a scene, its wrapped texts, and the clip FFmpeg renders."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from tests.core.pipeline.conftest import write_card_files
from vividverse_desktop.core.pipeline.card_clips import card_argv, cards_argv
from vividverse_desktop.core.pipeline.card_draw import card_filter
from vividverse_desktop.core.pipeline.cards import (
    Card,
    CardFiles,
    CardFonts,
    CardLayout,
    Light,
    Motion,
    ShotKind,
    card_look,
    card_text,
    cast_line,
    light_of,
)
from vividverse_desktop.core.pipeline.ffmpeg_args import X264, VideoFormat
from vividverse_desktop.core.pipeline.marks import mark_at
from vividverse_desktop.core.pipeline.motion import motion_canvas, motion_filter
from vividverse_desktop.core.screenplay.heading import DayNight, parse_heading
from vividverse_desktop.media.ffmpeg import FFmpeg
from vividverse_desktop.media.probe import count_frames, probe

HD = VideoFormat(1280, 720, Fraction(24))


@pytest.mark.parametrize(
    ("heading", "light"),
    [
        ("INT. OFFICE - DAY", Light.DAY),
        ("EXT. DOCKS - NIGHT", Light.NIGHT),
        ("EXT. FIELD - DAWN", Light.DAWN),
        ("EXT. ROOF - SUNSET", Light.DUSK),
        ("INT. KITCHEN - EVENING", Light.NIGHT),
        ("INT. HALL - MAGIC HOUR", Light.DUSK),
    ],
)
def test_light_follows_the_time_of_day(heading: str, light: Light) -> None:
    """Dawn and dusk words win; otherwise the day/night bucket decides."""
    assert light_of(parse_heading(heading)) is light


def test_relative_time_takes_the_resolved_light() -> None:
    """CONTINUOUS plays in the light the caller resolved from the scene before."""
    heading = parse_heading("INT. HALL - CONTINUOUS")
    assert light_of(heading, DayNight.NIGHT) is Light.NIGHT
    assert light_of(heading, DayNight.DAY) is Light.DAY


def test_interior_and_exterior_look_different_in_the_same_light() -> None:
    """INT and EXT of the same time of day get different backgrounds."""
    inside = card_look(parse_heading("INT. OFFICE - NIGHT"))
    outside = card_look(parse_heading("EXT. OFFICE - NIGHT"))
    assert (inside.top, inside.bottom) != (outside.top, outside.bottom)


def test_every_interior_exterior_and_light_has_its_own_look() -> None:
    """Eight combinations, eight distinct backgrounds."""
    looks = {
        card_look(parse_heading(f"{place}. X - {time}"))
        for place in ("INT", "EXT")
        for time in ("DAY", "NIGHT", "DAWN", "DUSK")
    }
    assert len(looks) == 8


def test_night_text_is_light_and_day_interior_text_is_dark() -> None:
    """Ink contrasts with the background: light on night, dark on a bright room."""

    def brightness(colour: str) -> int:
        value = int(colour, 16)
        return (value >> 16) + ((value >> 8) & 0xFF) + (value & 0xFF)

    night = card_look(parse_heading("EXT. STREET - NIGHT"))
    day = card_look(parse_heading("INT. STUDIO - DAY"))
    assert brightness(night.ink) > brightness(night.top)
    assert brightness(day.ink) < brightness(day.top)


def test_action_is_wrapped_to_the_frame_width() -> None:
    """No action line is wider than the columns that fit between the margins."""
    text = card_text(HD, "INT. OFFICE - DAY", "word " * 60, ["MARA"])
    layout = CardLayout.for_format(HD)
    columns = layout.columns(HD, layout.action_size)
    lines = text.action.split("\n")
    assert len(lines) > 1
    assert all(len(line) <= columns for line in lines)


def test_overflowing_action_ends_with_an_ellipsis() -> None:
    """Text beyond the lines that fit is cut and the last line ends in '…'."""
    text = card_text(HD, "INT. OFFICE - DAY", "word " * 2000, [])
    lines = text.action.split("\n")
    assert len(lines) == CardLayout.for_format(HD).action_lines
    assert lines[-1].endswith("…")


def test_heading_is_upper_case_and_at_most_two_lines() -> None:
    """A long heading is capitalised and kept to two lines."""
    text = card_text(HD, "int. a very long location name " * 6 + "- night", "", [])
    assert text.heading == text.heading.upper()
    assert len(text.heading.split("\n")) == 2


def test_cast_is_one_line_with_room_for_each_mark() -> None:
    """Each name follows two blank columns (its mark); names that do not fit are counted."""
    assert card_text(HD, "INT. X - DAY", "", ["MARA", "JONAS"]).cast == "  MARA     JONAS"
    assert cast_line(["MARA", "JONAS"], 40) == ("  MARA     JONAS", (0, 9))
    assert cast_line(["MARA", "JONAS", "EDWARD"], 16) == ("  MARA   +2", (0,))


def test_every_character_keeps_one_mark_on_every_card() -> None:
    """A mark follows the name's place in the film's cast, not the card's order or spelling."""
    cast = ("MARA", "EDDIE", "EDWARD", "JONAS")
    one = card_text(HD, "INT. X - DAY", "", ["EDWARD", "MARA"], cast=cast)
    two = card_text(HD, "EXT. Y - NIGHT", "", ["mara", " Jonas ", "EDWARD"], kind=ShotKind.SPEECH,
                    speaker="Edward", line="Well.", cast=cast)  # fmt: skip
    assert one.marks == (mark_at(2), mark_at(0))
    assert two.marks == (mark_at(0), mark_at(3), mark_at(2))
    assert two.speaker_mark == mark_at(2)
    assert len({(m.shape, m.colour) for m in two.marks}) == 3


def test_control_characters_do_not_reach_the_card() -> None:
    """Tabs, escapes and NULs become spaces; newlines still break lines."""
    text = card_text(HD, "INT. X - DAY", "a\tb\x1bc\x00d\ne", [])
    assert text.action == "a b c d\ne"


def test_held_card_argv_draws_once_and_loops(tmp_path: Path) -> None:
    """A held card: one gradient frame, three drawtexts from files, looped to the length."""
    fonts = CardFonts(Path("/f/R.ttf"), Path("/f/B.ttf"))
    files = CardFiles(Path("/j/h.txt"), Path("/j/a.txt"), Path("/j/c.txt"))
    look = card_look(parse_heading("EXT. DOCKS - NIGHT"))
    card = Card(look, files, VideoFormat(320, 180, Fraction(24)), 36, fonts)
    style = (
        ":fontcolor=0xe8f0ff:shadowcolor=0x000000@0.45:shadowx=1:shadowy=1"
        ":line_spacing=2:expansion=none"
    )
    graph = (
        "gradients=s=2x180:r=24:c0=0x0b1a33:c1=0x1f3b63:x0=0:y0=0:x1=0:y1=179"
        ":nb_colors=2:speed=0,trim=end_frame=1,scale=320:180:flags=neighbor,"
        f"drawtext=fontfile=/f/B.ttf:textfile=/j/h.txt:fontsize=12:x=16:y=16{style},"
        "drawbox=x=16:y=48:w=53:h=1:color=0xe8f0ff@0.6:t=fill,"
        f"drawtext=fontfile=/f/R.ttf:textfile=/j/a.txt:fontsize=8:x=16:y=52{style},"
        f"drawtext=fontfile=/f/B.ttf:textfile=/j/c.txt:fontsize=7:x=16:y=157{style},"
        "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p,"
        "setparams=range=tv:color_primaries=bt709:color_trc=bt709:colorspace=bt709,"
        "loop=loop=35:size=1:start=0,setpts=N/FRAME_RATE/TB,setsar=1[v]"
    )
    assert card_argv(card, Path("/j/shot.mp4.part"), X264("ultrafast", 23)) == (
        "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-nostats",
        "-progress", "pipe:1",
        "-filter_complex", graph,
        "-map", "[v]", "-frames:v", "36", "-r", "24",
        "-c:v", "libx264", "-preset", "ultrafast", "-crf", "23",
        "-x264-params", "cabac=1:8x8dct=1",
        "-g", "12", "-pix_fmt", "yuv420p",
        "-color_range", "tv", "-colorspace", "bt709", "-color_primaries", "bt709",
        "-color_trc", "bt709", "-video_track_timescale", "90000",
        "-an", "-f", "mp4", "/j/shot.mp4.part",
    )  # fmt: skip


def test_moving_card_uses_zoompan_over_an_oversized_frame() -> None:
    """A push-in draws a 1.25x frame and zooms over exactly the card's frames."""
    fonts = CardFonts(Path("/f/R.ttf"), Path("/f/B.ttf"))
    files = CardFiles(Path("/j/h.txt"), Path("/j/a.txt"), Path("/j/c.txt"))
    look = card_look(parse_heading("INT. OFFICE - DAY"))
    card = Card(look, files, VideoFormat(320, 180, Fraction(24)), 48, fonts, Motion.PUSH_IN)
    graph = card_argv(card, Path("/j/out.mp4"))[9]
    assert graph.startswith("gradients=s=2x224:")
    assert "scale=400:224:flags=neighbor," in graph
    assert "loop=" not in graph
    assert ":d=48:s=320x180:fps=24" in graph
    assert "x=56:y=38" in graph  # designed margin 16 plus the (400-320)/2, (224-180)/2 border


def test_the_motion_canvas_is_a_quarter_larger_and_even() -> None:
    """720p moves over 1600x900; 160x90 over 200x112 (112.5 rounded down to even)."""
    assert motion_canvas(HD) == (1600, 900)
    assert motion_canvas(VideoFormat(160, 90, Fraction(12))) == (200, 112)


def test_a_held_picture_is_looped_and_a_moving_one_zoompanned() -> None:
    """NONE loops one picture to the frame count; a pan is zoompan over exactly that many."""
    fmt = VideoFormat(160, 90, Fraction(12))
    assert motion_filter(Motion.NONE, fmt, 5) == "loop=loop=4:size=1:start=0,setpts=N/FRAME_RATE/TB"
    assert motion_filter(Motion.PAN_RIGHT, fmt, 5) == (
        "zoompan=z='1.25':x='(iw-iw/zoom)*(0.25+0.5*(on/4))':y='(ih-ih/zoom)/2':d=5:s=160x90:fps=12"
    )
    with pytest.raises(ValueError, match="at least one frame"):
        motion_filter(Motion.PUSH_IN, fmt, 0)


def test_rendered_card_has_the_exact_frame_count(
    tmp_path: Path, ffmpeg: FFmpeg, tiny: VideoFormat
) -> None:
    """The clip is H.264 yuv420p, SAR 1, at the format's size and exactly `frames` long."""
    text = card_text(tiny, "INT. OFFICE - NIGHT", "Rain on the glass.", ["MARA"])
    files = write_card_files(tmp_path, text)
    look = card_look(parse_heading("INT. OFFICE - NIGHT"))
    card = Card(look, files, tiny, 17, CardFonts.bundled())
    output = tmp_path / "card.mp4.part"
    ffmpeg.run(card_argv(card, output), timeout=30)
    info = probe(output)
    (video,) = info.video
    assert (video.codec, video.width, video.height, video.pix_fmt) == ("h264", 160, 90, "yuv420p")
    assert video.sar == (1, 1)
    assert info.audio == ()
    assert count_frames(output) == 17


@pytest.mark.parametrize(
    "motion", [Motion.PUSH_IN, Motion.PULL_OUT, Motion.PAN_LEFT, Motion.PAN_RIGHT]
)
def test_moving_cards_render_at_the_exact_length(
    tmp_path: Path, ffmpeg: FFmpeg, tiny: VideoFormat, motion: Motion
) -> None:
    """Every camera motion renders the format's size and the exact frame count."""
    files = write_card_files(tmp_path, card_text(tiny, "EXT. FIELD - DAWN", "Mist.", []))
    card = Card(
        card_look(parse_heading("EXT. FIELD - DAWN")), files, tiny, 13, CardFonts.bundled(), motion
    )
    output = tmp_path / "moving.mp4"
    ffmpeg.run(card_argv(card, output), timeout=30)
    (video,) = probe(output).video
    assert (video.width, video.height, video.sar) == (160, 90, (1, 1))
    assert count_frames(output) == 13


def test_hostile_text_and_folder_names_render_literally(
    tmp_path: Path, ffmpeg: FFmpeg, tiny: VideoFormat
) -> None:
    """Quotes, colons, brackets in paths and %{expansions} in text do not break the graph."""
    folder = tmp_path / "it's: a [job], really; ok"
    folder.mkdir()
    text = card_text(tiny, "INT. X - DAY", "%{pts} \\n 'quoted': [a], b; c", ["O'NEIL"])
    files = write_card_files(folder, text)
    card = Card(card_look(parse_heading("INT. X - DAY")), files, tiny, 3, CardFonts.bundled())
    output = folder / "card.mp4"
    ffmpeg.run(card_argv(card, output), timeout=30)
    assert count_frames(output) == 3


def test_a_scene_of_cards_is_one_graph_and_one_encode() -> None:
    """Several cards become labelled chains joined by concat, with the summed frame count."""
    fonts = CardFonts(Path("/f/R.ttf"), Path("/f/B.ttf"))
    fmt = VideoFormat(320, 180, Fraction(24))
    look = card_look(parse_heading("INT. OFFICE - DAY"))
    first = Card(look, CardFiles(Path("/j/1h"), Path("/j/1a"), Path("/j/1c")), fmt, 10, fonts)
    second = Card(look, CardFiles(Path("/j/2h"), Path("/j/2a"), Path("/j/2c")), fmt, 15, fonts)
    args = cards_argv([first, second], Path("/j/scene.mp4"))
    graph = args[args.index("-filter_complex") + 1]
    assert graph == ";".join(
        [card_filter(first, "c0"), card_filter(second, "c1"), "[c0][c1]concat=n=2:v=1:a=0[v]"]
    )
    assert args[args.index("-frames:v") + 1] == "25"


def test_cards_of_different_formats_cannot_share_a_clip() -> None:
    """Mixing frame sizes in one clip is refused before FFmpeg runs."""
    fonts = CardFonts(Path("/f/R.ttf"), Path("/f/B.ttf"))
    files = CardFiles(Path("/j/h"), Path("/j/a"), Path("/j/c"))
    look = card_look(parse_heading("INT. OFFICE - DAY"))
    small = Card(look, files, VideoFormat(320, 180), 10, fonts)
    large = Card(look, files, VideoFormat(640, 360), 10, fonts)
    with pytest.raises(ValueError, match="format"):
        cards_argv([small, large], Path("/j/x.mp4"))


def test_a_rendered_scene_of_cards_has_every_frame(
    tmp_path: Path, ffmpeg: FFmpeg, tiny: VideoFormat
) -> None:
    """A held card and a panning card render back to back into one exact-length clip."""
    held = write_card_files(tmp_path, card_text(tiny, "INT. A - DAY", "One.", []), "a")
    moving = write_card_files(tmp_path, card_text(tiny, "INT. A - DAY", "Two.", []), "b")
    look = card_look(parse_heading("INT. A - DAY"))
    cards = [
        Card(look, held, tiny, 7, CardFonts.bundled()),
        Card(look, moving, tiny, 11, CardFonts.bundled(), Motion.PAN_LEFT),
    ]
    output = tmp_path / "scene.mp4"
    ffmpeg.run(cards_argv(cards, output), timeout=30)
    assert count_frames(output) == 18


def test_background_is_a_top_to_bottom_gradient_of_the_look(
    tmp_path: Path, ffmpeg: FFmpeg, tiny: VideoFormat
) -> None:
    """Decoded, the card's right edge runs from the top colour through the mix to the bottom."""
    files = write_card_files(tmp_path, card_text(tiny, "EXT. ROOF - DUSK", "", []))
    look = card_look(parse_heading("EXT. ROOF - DUSK"))
    clip = tmp_path / "card.mp4"
    ffmpeg.run(card_argv(Card(look, files, tiny, 2, CardFonts.bundled()), clip), timeout=30)
    raw = tmp_path / "frame.rgb"
    ffmpeg.run(
        ("-y", "-loglevel", "error", "-i", str(clip), "-frames:v", "1",
         "-f", "rawvideo", "-pix_fmt", "rgb24", str(raw)),
        timeout=30,
    )  # fmt: skip
    frame = raw.read_bytes()

    def pixel(x: int, y: int) -> bytes:
        start = 3 * (y * tiny.width + x)
        return frame[start : start + 3]

    top = bytes.fromhex(look.top.removeprefix("0x"))
    bottom = bytes.fromhex(look.bottom.removeprefix("0x"))
    middle = bytes((a + b) // 2 for a, b in zip(top, bottom, strict=True))
    x = tiny.width - 4  # right of any text
    for y, expected in ((1, top), (tiny.height // 2, middle), (tiny.height - 2, bottom)):
        assert all(abs(a - b) <= 12 for a, b in zip(pixel(x, y), expected, strict=True)), y
