"""The stitch: safe concat lists, chapters, subtitles, and the film FFmpeg writes from them."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from tests.core.pipeline.conftest import write_card_files
from vividverse_desktop.core.pipeline.card_clips import card_argv
from vividverse_desktop.core.pipeline.cards import Card, CardFonts, card_look, card_text
from vividverse_desktop.core.pipeline.ffmpeg_args import VideoFormat
from vividverse_desktop.core.pipeline.loudness import Loudness, loudness_argv, parse_loudness
from vividverse_desktop.core.pipeline.mux import (
    SceneSlot,
    ShotClip,
    VoiceCue,
    film_slots,
    scene_audio_argv,
    scene_video_argv,
)
from vividverse_desktop.core.pipeline.progress import Progress
from vividverse_desktop.core.pipeline.stitch import (
    BYTE_RANGE_PROTOCOLS,
    AudioEncoding,
    Chapter,
    EncodedAudio,
    Stitch,
    Subtitle,
    UnsafeMediaName,
    access_units,
    annexb_argv,
    byte_range_list,
    concat_list,
    ffmetadata,
    film_audio_argv,
    srt,
    srt_time,
    stitch_argv,
)
from vividverse_desktop.core.screenplay.heading import parse_heading
from vividverse_desktop.media.ffmpeg import FFmpeg, FFmpegError
from vividverse_desktop.media.probe import audio_duration, count_frames, probe


def test_concat_list_names_each_clip() -> None:
    """Safe relative names are listed in order under the ffconcat header."""
    assert concat_list(["scene-001.mp4", "clips/scene_002.mp4"]) == (
        "ffconcat version 1.0\nfile 'scene-001.mp4'\nfile 'clips/scene_002.mp4'\n"
    )


@pytest.mark.parametrize(
    "entry",
    [
        "it's.mp4",
        "a\nfile '/etc/passwd'",
        "../secret.mp4",
        "clips/../../x.mp4",
        "/etc/passwd",
        "http://example.com/a.mp4",
        "file:x.mp4",
        ".hidden.mp4",
        "a b.mp4",
        "a\\b.mp4",
        "",
        "clips//a.mp4",
        "ünicode.mp4",
    ],
)
def test_hostile_concat_entries_are_refused(entry: str) -> None:
    """Quotes, newlines, '..', absolute paths, URL schemes and odd characters never get listed."""
    with pytest.raises(UnsafeMediaName):
        concat_list(["ok.mp4", entry])


def test_ffmetadata_has_frame_exact_chapters() -> None:
    """Chapters are counted in frames, so they start exactly on the cuts."""
    text = ffmetadata(
        [Chapter("One", 0, 30), Chapter("Two", 30, 75)], Fraction(30000, 1001), title="Film"
    )
    assert text == (
        ";FFMETADATA1\ntitle=Film\n"
        "[CHAPTER]\nTIMEBASE=1001/30000\nSTART=0\nEND=30\ntitle=One\n"
        "[CHAPTER]\nTIMEBASE=1001/30000\nSTART=30\nEND=75\ntitle=Two\n"
    )


def test_ffmetadata_escapes_special_characters() -> None:
    """'=', ';', '#', backslash and newline in titles are backslash-escaped."""
    text = ffmetadata([Chapter("a=b;c#d\\e\nf", 0, 1)], Fraction(24))
    assert "title=a\\=b\\;c\\#d\\\\e\\\nf\n" in text


def test_empty_chapter_is_refused() -> None:
    """A chapter must cover at least one frame."""
    with pytest.raises(ValueError, match="empty"):
        ffmetadata([Chapter("x", 5, 5)], Fraction(24))


def test_srt_numbers_and_times_cues_in_order() -> None:
    """Cues are sorted by start, numbered from 1 and timed to the millisecond."""
    text = srt([Subtitle(3.5, 4.25, "Second."), Subtitle(0.0, 1.0, "First.")])
    assert text == (
        "1\n00:00:00,000 --> 00:00:01,000\nFirst.\n\n2\n00:00:03,500 --> 00:00:04,250\nSecond.\n"
    )


def test_srt_time_handles_hours_and_rounding() -> None:
    """Times over an hour and sub-millisecond parts are written correctly."""
    assert srt_time(3723.4567) == "01:02:03,457"
    assert srt_time(0.0004) == "00:00:00,000"


def test_srt_text_cannot_break_the_format() -> None:
    """Blank lines, '-->' and markup characters in dialogue are neutralised."""
    text = srt([Subtitle(0, 1, "Wait -->\n\nthere <i>is</i> {\\an8} more")])
    body = text.split("\n", 2)[2]
    assert body == "Wait →\nthere ‹i›is‹/i› (\\an8) more\n"


def test_empty_subtitles_are_skipped_and_numbering_stays_dense() -> None:
    """A cue with only whitespace is left out."""
    text = srt([Subtitle(0, 1, "  \n "), Subtitle(1, 2, "Hi.")])
    assert text.startswith("1\n00:00:01,000")


def test_stitch_argv_copies_video_and_encodes_audio_once() -> None:
    """Safe concat inputs, explicit demuxers, stream copy, AAC, chapters, mov_text, faststart."""
    args = stitch_argv(
        Stitch(
            Path("/j/video.txt"),
            Path("/j/audio.txt"),
            Path("/j/film.mp4.part"),
            chapters=Path("/j/chapters.txt"),
            subtitles=Path("/j/film.srt"),
        )
    )
    assert args == (
        "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-nostats",
        "-progress", "pipe:1",
        "-protocol_whitelist", "file", "-f", "concat", "-safe", "1", "-i", "/j/video.txt",
        "-protocol_whitelist", "file", "-f", "concat", "-safe", "1", "-i", "/j/audio.txt",
        "-protocol_whitelist", "file", "-f", "srt", "-i", "/j/film.srt",
        "-protocol_whitelist", "file", "-f", "ffmetadata", "-i", "/j/chapters.txt",
        "-map", "0:v:0", "-map", "1:a:0", "-map", "2:s:0",
        "-map_metadata", "3", "-map_chapters", "3",
        "-c:v", "copy",
        "-af", "loudnorm=I=-16:TP=-1.5:LRA=11,aresample=48000,asetpts=N/SR/TB",
        "-c:a", "aac", "-aac_coder", "fast", "-b:a", "160k", "-ar", "48000", "-ac", "2",
        "-metadata:s:a:0", "language=eng",
        "-c:s", "mov_text", "-metadata:s:s:0", "language=eng",
        "-movflags", "+faststart", "-f", "mp4", "/j/film.mp4.part",
    )  # fmt: skip


def test_stitch_without_side_files_drops_metadata_and_loudness() -> None:
    """No chapters, no subtitles, no loudness target: audio is only re-timed by sample count."""
    args = stitch_argv(
        Stitch(Path("/j/v.txt"), Path("/j/a.txt"), Path("/j/f.mp4"), encoding=AudioEncoding(None))
    )
    assert args[args.index("-af") + 1] == "asetpts=N/SR/TB"
    assert "srt" not in args
    assert args[args.index("-map_chapters") + 1] == "-1"


def test_film_audio_argv_encodes_the_scene_audio_once() -> None:
    """The film's audio alone: safe concat list in, measured gain, fast AAC, M4A out."""
    encoding = AudioEncoding(Loudness().with_measurement(-22.0), bitrate="128k")
    assert film_audio_argv(Path("/j/audio.txt"), Path("/j/film.m4a"), encoding) == (
        "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-nostats",
        "-progress", "pipe:1",
        "-protocol_whitelist", "file", "-f", "concat", "-safe", "1", "-i", "/j/audio.txt",
        "-map", "0:a:0",
        "-af", "volume=6.00dB,alimiter=limit=0.8414:level=disabled:latency=1,asetpts=N/SR/TB",
        "-c:a", "aac", "-aac_coder", "fast", "-b:a", "128k", "-ar", "48000", "-ac", "2",
        "-f", "mp4", "/j/film.m4a",
    )  # fmt: skip


def test_film_audio_may_be_mono() -> None:
    """Speech-only films can trade stereo for a ~3x faster encode."""
    args = film_audio_argv(Path("/j/a.txt"), Path("/j/a.m4a"), AudioEncoding(channels=1))
    assert args[args.index("-ac") + 1] == "1"


def test_stitch_copies_an_encoded_film_track() -> None:
    """With an encoded track the stitch reads it as MP4 and copies it: nothing is encoded."""
    args = stitch_argv(Stitch(Path("/j/v.txt"), EncodedAudio(Path("/j/a.m4a")), Path("/j/f.mp4")))
    assert args[16:24] == (
        "-protocol_whitelist",
        "file",
        "-f",
        "mp4",
        "-i",
        "/j/a.m4a",
        "-map",
        "0:v:0",
    )
    assert args[args.index("-c:a") + 1] == "copy"
    assert "-af" not in args
    assert "libx264" not in args


def _render_scene(
    ffmpeg: FFmpeg, job: Path, fmt: VideoFormat, n: int, *, heading: str, frames: int
) -> str:
    files = write_card_files(job, card_text(fmt, heading, "Something happens.", ["MARA"]), f"s{n}")
    card = Card(card_look(parse_heading(heading)), files, fmt, frames, CardFonts.bundled())
    name = f"scene-{n:03d}.mp4"
    ffmpeg.run(card_argv(card, job / name), timeout=30)
    return name


HEADINGS = ("INT. OFFICE - NIGHT", "EXT. DOCK - DAY", "EXT. ROAD - DAWN")
DURATIONS = (0.71, 0.52, 0.93)


def _prepare_job(ffmpeg: FFmpeg, job: Path, fmt: VideoFormat) -> tuple[SceneSlot, ...]:
    """Three scenes as the render engine leaves them: clips, scene audio, lists, side files."""
    line = job / "line.wav"
    ffmpeg.run(
        ("-y", "-loglevel", "error", "-f", "lavfi", "-i", "sine=r=22050:d=0.4", str(line)),
        timeout=30,
    )  # fmt: skip
    slots = film_slots(DURATIONS, fmt)
    videos, audios = [], []
    for slot, heading in zip(slots, HEADINGS, strict=True):
        videos.append(
            _render_scene(ffmpeg, job, fmt, slot.index, heading=heading, frames=slot.frames)
        )
        audio = f"scene-{slot.index:03d}.au"
        cues = [VoiceCue(line, 4_800)] if slot.index != 1 else []
        ffmpeg.run(scene_audio_argv(cues, slot.samples, job / audio), timeout=30)
        audios.append(audio)
    (job / "video.txt").write_text(concat_list(videos))
    (job / "audio.txt").write_text(concat_list(audios))
    chapters = [
        Chapter(f"{s.index + 1}. {h}", s.start_frame, s.end_frame)
        for s, h in zip(slots, HEADINGS, strict=True)
    ]
    (job / "chapters.txt").write_text(ffmetadata(chapters, fmt.fps, title="Tiny Film"))
    (job / "film.srt").write_text(srt([Subtitle(0.1, 0.5, "Hello."), Subtitle(1.3, 1.6, "Bye.")]))
    return slots


def _assert_film(film: Path, slots: tuple[SceneSlot, ...], fps: float) -> None:
    info = probe(film)
    assert [v.codec for v in info.video] == ["h264"]
    assert [(a.codec, a.sample_rate, a.channels) for a in info.audio] == [("aac", 48_000, 2)]
    assert [s.codec for s in info.subtitles] == ["mov_text"]
    assert [c.title for c in info.chapters] == [f"{n + 1}. {h}" for n, h in enumerate(HEADINGS)]
    assert info.chapters[1].start == pytest.approx(slots[1].start_frame / fps, abs=1e-3)
    assert info.metadata.get("title") == "Tiny Film"
    frame = 1 / fps
    assert count_frames(film) == slots[-1].end_frame
    assert abs(slots[-1].end_frame / fps - sum(DURATIONS)) <= frame / 2
    assert abs(audio_duration(film) - slots[-1].end_frame / fps) < frame
    boxes = _top_level_boxes(film)
    assert boxes.index(b"moov") < boxes.index(b"mdat")  # faststart


def test_film_has_streams_chapters_subtitles_and_no_drift(
    tmp_path: Path, ffmpeg: FFmpeg, tiny: VideoFormat
) -> None:
    """Three scenes stitch in one pass into a film whose audio and video end on plan."""
    slots = _prepare_job(ffmpeg, tmp_path, tiny)
    measured = parse_loudness(ffmpeg.run(loudness_argv(tmp_path / "audio.txt"), timeout=30).stderr)
    film = tmp_path / "film.mp4"
    reports: list[Progress] = []
    stitch = Stitch(
        tmp_path / "video.txt",
        tmp_path / "audio.txt",
        film,
        chapters=tmp_path / "chapters.txt",
        subtitles=tmp_path / "film.srt",
        encoding=AudioEncoding(Loudness().with_measurement(measured)),
    )
    ffmpeg.run(stitch_argv(stitch), timeout=60, on_progress=reports.append)
    assert reports
    assert reports[-1].done
    _assert_film(film, slots, float(tiny.fps))


def test_film_audio_encoded_ahead_is_copied_in_sync(
    tmp_path: Path, ffmpeg: FFmpeg, tiny: VideoFormat
) -> None:
    """Audio encoded on its own (while video renders) and copied in keeps the film in sync."""
    slots = _prepare_job(ffmpeg, tmp_path, tiny)
    track = tmp_path / "film-audio.m4a"
    ffmpeg.run(film_audio_argv(tmp_path / "audio.txt", track), timeout=60)
    film = tmp_path / "film.mp4"
    stitch = Stitch(
        tmp_path / "video.txt",
        EncodedAudio(track),
        film,
        chapters=tmp_path / "chapters.txt",
        subtitles=tmp_path / "film.srt",
    )
    ffmpeg.run(stitch_argv(stitch), timeout=60)
    _assert_film(film, slots, float(tiny.fps))


def _top_level_boxes(path: Path) -> list[bytes]:
    data = path.read_bytes()
    boxes, offset = [], 0
    while offset + 8 <= len(data):
        size = int.from_bytes(data[offset : offset + 4], "big")
        boxes.append(data[offset + 4 : offset + 8])
        if size == 1:
            size = int.from_bytes(data[offset + 8 : offset + 16], "big")
        if size < 8:
            break
        offset += size
    return boxes


def test_ffmpeg_itself_refuses_an_unsafe_list(tmp_path: Path, ffmpeg: FFmpeg) -> None:
    """Even a hand-written list naming an absolute path fails in safe mode (defence in depth)."""
    (tmp_path / "video.txt").write_text("ffconcat version 1.0\nfile '/etc/passwd'\n")
    (tmp_path / "audio.txt").write_text("ffconcat version 1.0\nfile '/etc/hostname'\n")
    stitch = Stitch(tmp_path / "video.txt", tmp_path / "audio.txt", tmp_path / "film.mp4")
    with pytest.raises(FFmpegError, match=r"[Uu]nsafe"):
        ffmpeg.run(stitch_argv(stitch), timeout=30)
    assert not (tmp_path / "film.mp4").exists()


def test_card_and_provider_clips_share_one_format_for_stream_copy(
    tmp_path: Path, ffmpeg: FFmpeg, tiny: VideoFormat
) -> None:
    """A card clip and a normalised BT.709 provider clip join by copy and decode cleanly."""
    card = _render_scene(ffmpeg, tmp_path, tiny, 0, heading="INT. A - DAY", frames=12)
    source = tmp_path / "provider.mp4"
    ffmpeg.run(
        ("-y", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=30:d=1",
         "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709",
         "-c:v", "libx264", "-preset", "ultrafast", str(source)),
        timeout=30,
    )  # fmt: skip
    ffmpeg.run(scene_video_argv([ShotClip(source, 12)], tiny, tmp_path / "shot.mp4"), timeout=30)
    first, second = probe(tmp_path / card).video[0], probe(tmp_path / "shot.mp4").video[0]
    assert (first.codec, first.pix_fmt, first.color) == (second.codec, second.pix_fmt, second.color)
    assert first.color.startswith("tv, bt709")
    (tmp_path / "v.txt").write_text(concat_list([card, "shot.mp4", card]))
    joined = tmp_path / "joined.mp4"
    ffmpeg.run(
        ("-y", "-loglevel", "error", "-f", "concat", "-safe", "1", "-i", str(tmp_path / "v.txt"),
         "-c", "copy", str(joined)),
        timeout=30,
    )  # fmt: skip
    decoded = ffmpeg.run(("-v", "error", "-i", str(joined), "-f", "null", "-"), timeout=30)
    assert decoded.stderr == ""
    assert count_frames(joined) == 36


def _nal(kind: int, payload: bytes, *, long_code: bool = False) -> bytes:
    return (b"\x00\x00\x00\x01" if long_code else b"\x00\x00\x01") + bytes([0x60 | kind]) + payload


def test_access_units_start_at_parameter_sets_or_first_slice() -> None:
    """A frame starts at the SPS/PPS/SEI before its first slice; later slices join it."""
    idr = _nal(7, b"\x42\x00", long_code=True) + _nal(8, b"\xce") + _nal(5, b"\x88\x10")
    second = _nal(1, b"\x9a\x01")
    split = _nal(6, b"\x05\x01") + _nal(1, b"\x9a\x02") + _nal(1, b"\x2a\x03")
    stream = idr + second + split
    assert access_units(stream) == [0, len(idr), len(idr) + len(second)]


def test_byte_range_list_keeps_a_prefix_of_each_safe_file() -> None:
    """Each line reads bytes [0, length) of one file; unsafe names and empty ranges are refused."""
    text = byte_range_list([("assets/a.h264", 120), ("b.h264", 7)])
    assert text.splitlines() == [
        "subfile,,start,0,end,120,,:assets/a.h264",
        "subfile,,start,0,end,7,,:b.h264",
    ]
    with pytest.raises(UnsafeMediaName):
        byte_range_list([("../a.h264", 10)])
    with pytest.raises(ValueError, match="at least one byte"):
        byte_range_list([("a.h264", 0)])


def test_stitch_reads_annexb_ranges_as_one_raw_h264_input() -> None:
    """With a video rate the clips are one H.264 input limited to file, concatf and subfile."""
    stitch = Stitch(
        Path("r.txt"), EncodedAudio(Path("a.m4a")), Path("f.mp4"), video_rate=Fraction(24)
    )
    args = stitch_argv(stitch)
    first = args.index("-i")
    assert args[first - 6 : first + 2] == (
        "-protocol_whitelist", BYTE_RANGE_PROTOCOLS, "-f", "h264",
        "-framerate", "24/1", "-i", "concatf:./r.txt",
    )  # fmt: skip
    assert "concat" not in args
    assert args[args.index("-c:v") + 1] == "copy"


def test_film_from_annexb_ranges_cuts_exact_frames_in_sync(
    tmp_path: Path, ffmpeg: FFmpeg, tiny: VideoFormat
) -> None:
    """Longer clips cut by bytes at frame starts give the planned frames, chapters and sync."""
    slots = _prepare_job(ffmpeg, tmp_path, tiny)
    track = tmp_path / "film-audio.m4a"
    ffmpeg.run(film_audio_argv(tmp_path / "audio.txt", track), timeout=60)
    ranges = []
    for slot, heading in zip(slots, HEADINGS, strict=True):
        longer = _render_scene(
            ffmpeg, tmp_path, tiny, 10 + slot.index, heading=heading, frames=slot.frames + 3
        )
        name = longer.replace(".mp4", ".h264")
        ffmpeg.run(annexb_argv(tmp_path / longer, tmp_path / name), timeout=30)
        offsets = access_units((tmp_path / name).read_bytes())
        assert len(offsets) == slot.frames + 3
        ranges.append((name, offsets[slot.frames]))
    (tmp_path / "ranges.txt").write_text(byte_range_list(ranges))
    film = tmp_path / "film.mp4"
    stitch = Stitch(
        tmp_path / "ranges.txt",
        EncodedAudio(track),
        film,
        chapters=tmp_path / "chapters.txt",
        subtitles=tmp_path / "film.srt",
        video_rate=tiny.fps,
    )
    ffmpeg.run(stitch_argv(stitch), timeout=60, cwd=tmp_path)
    _assert_film(film, slots, float(tiny.fps))
