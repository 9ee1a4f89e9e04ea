"""The film's AAC track joined from per-scene segments: placement, packet choice, join quality."""

from __future__ import annotations

import math
import random
from array import array
from fractions import Fraction
from itertools import pairwise
from pathlib import Path

import pytest

from vividverse_desktop.core.pipeline.audio_segment import (
    AAC_FRAME,
    PRIMING,
    AdtsError,
    SegmentPlacement,
    adts_frames,
    join_segments,
    place_segments,
    placed_bytes,
    placed_frames,
    segment_argv,
    segment_packets,
)
from vividverse_desktop.core.pipeline.ffmpeg_args import VideoFormat
from vividverse_desktop.core.pipeline.loudness import Loudness
from vividverse_desktop.core.pipeline.mux import film_slots, scene_samples
from vividverse_desktop.core.pipeline.stitch import AudioEncoding, EncodedAudio
from vividverse_desktop.media.ffmpeg import FFmpeg

HALF = AAC_FRAME // 2
FPS24 = VideoFormat(1280, 720, Fraction(24))


def _random_films(seed: int, films: int = 200) -> list[tuple[list[float], list[int]]]:
    """Planned durations and cut bounds (samples, with the film's end) of random films."""
    rng = random.Random(seed)
    made = []
    for _ in range(films):
        durations = [rng.uniform(0.0, 90.0) for _ in range(rng.randrange(1, 80))]
        slots = film_slots(durations, FPS24)
        made.append((durations, [s.start_sample for s in slots] + [slots[-1].end_sample]))
    return made


def test_every_segment_lands_within_half_a_frame_of_its_cut() -> None:
    """Over many random films no scene's audio starts more than 512 samples off its video cut."""
    for _, bounds in _random_films(7):
        placements = place_segments(bounds[:-1], bounds[-1])
        assert all(-HALF <= p.offset <= HALF for p in placements)
        assert all(
            p.block * AAC_FRAME - p.offset == s for p, s in zip(placements, bounds, strict=False)
        )


def test_segments_follow_each_other_without_gaps() -> None:
    """Each segment starts where the previous one's packets end; none has a negative count."""
    for _, bounds in _random_films(11):
        placements = place_segments(bounds[:-1], bounds[-1])
        assert placements[0].block == 0
        for before, after in pairwise(placements):
            assert after.block == before.block + before.packets
        assert min(p.packets for p in placements) >= 0


def test_the_track_lasts_as_long_as_the_video_to_half_a_frame() -> None:
    """Packets minus the priming one the stitch removes cover the film to +-512 samples."""
    for _, bounds in _random_films(13):
        placements = place_segments(bounds[:-1], bounds[-1])
        heard = (sum(p.packets for p in placements) * AAC_FRAME) - PRIMING
        assert abs(heard - bounds[-1]) <= HALF
        assert abs(heard - bounds[-1]) < 48_000 / 24  # within one video frame


def test_placement_is_deterministic() -> None:
    """The same cuts always give the same placements."""
    bounds = _random_films(17, films=1)[0][1]
    assert place_segments(bounds[:-1], bounds[-1]) == place_segments(bounds[:-1], bounds[-1])


def test_a_scene_rendered_alone_has_packets_for_any_slot() -> None:
    """A segment of a scene's longest-slot audio never runs short, wherever the scene sits."""
    for durations, bounds in _random_films(19):
        placements = place_segments(bounds[:-1], bounds[-1])
        for placement, duration in zip(placements, durations, strict=True):
            assert placement.packets <= segment_packets(scene_samples(duration, FPS24))


@pytest.mark.parametrize(
    ("starts", "total"), [([], 10), ([5, 10], 20), ([0, 10, 5], 20), ([0, 10], 5)]
)
def test_placement_refuses_impossible_cuts(starts: list[int], total: int) -> None:
    """No scenes, a first scene not at 0, decreasing starts or a film ending early: refused."""
    with pytest.raises(ValueError, match="scene"):
        place_segments(starts, total)


def test_a_long_segment_loses_its_tail() -> None:
    """Only the placed number of packets is kept, from the segment's first one."""
    frames = [bytes([n]) for n in range(10)]
    assert placed_frames(SegmentPlacement(0, 0, 4, 0), frames) == frames[:4]
    assert placed_frames(SegmentPlacement(3, 8, 0, 100), frames) == []


def test_a_short_segment_is_padded_with_its_silent_last_packet() -> None:
    """A segment with too few packets repeats its last one (post-roll silence)."""
    frames = [bytes([n]) for n in range(5)]
    assert placed_frames(SegmentPlacement(0, 0, 8, 0), frames) == frames + [frames[-1]] * 3


def _adts(length: int, fill: int = 0) -> bytes:
    header = bytes(
        [
            0xFF,
            0xF1,
            0x4C,
            0x80 | (length >> 11),
            (length >> 3) & 0xFF,
            ((length & 7) << 5) | 0x1F,
            0xFC,
        ]
    )
    return header + bytes([fill]) * (length - 7)


def test_adts_stream_splits_into_frames() -> None:
    """Frames are cut at the lengths their headers give."""
    data = _adts(10) + _adts(300) + _adts(7)
    assert [len(frame) for frame in adts_frames(data)] == [10, 300, 7]


@pytest.mark.parametrize("data", [b"\x00" * 20, _adts(10)[:-1], _adts(10) + b"\xff"])
def test_broken_adts_is_refused(data: bytes) -> None:
    """Garbage or a truncated frame raises AdtsError rather than producing bad audio."""
    with pytest.raises(AdtsError):
        adts_frames(data)


def test_placed_bytes_agree_with_placed_frames() -> None:
    """Cutting the ADTS bytes directly gives the same packets as splitting them first."""
    data = b"".join(_adts(7 + n, n) for n in range(12))
    for packets in range(20):
        placement = SegmentPlacement(0, 0, packets, 0)
        expected = b"".join(placed_frames(placement, adts_frames(data)))
        assert placed_bytes(placement, data) == expected


def test_join_lays_segments_end_to_end() -> None:
    """The join is the placed packets of each segment in film order; a gap is refused."""
    one = _adts(9, 1) * 5
    two = _adts(8, 2) * 4
    placed = place_segments([0, 3 * AAC_FRAME], 5 * AAC_FRAME)
    joined = join_segments(list(zip(placed, [one, two], strict=True)))
    assert adts_frames(joined) == [_adts(9, 1)] * 3 + [_adts(8, 2)] * 3
    with pytest.raises(ValueError, match="out of place"):
        join_segments([(placed[1], two)])


def test_segment_argv_pads_then_applies_the_film_gain() -> None:
    """A segment reads the scene's .au, appends post-roll silence, applies the gain, writes ADTS."""
    encoding = AudioEncoding(Loudness().with_measurement(-20.0), bitrate="96k", channels=1)
    args = segment_argv(Path("/j/assets/a.au"), Path("/j/assets/s.aac"), encoding)
    assert args[args.index("-af") + 1] == "apad=pad_len=2048," + encoding.loudness.filter  # type: ignore[union-attr]
    assert args[args.index("-i") - 2 : args.index("-i") + 2] == ("-f", "au", "-i", "/j/assets/a.au")
    assert args[-3:] == ("-f", "adts", "/j/assets/s.aac")
    assert args[args.index("-b:a") : args.index("-b:a") + 2] == ("-b:a", "96k")


def test_segments_refuse_adaptive_loudnorm() -> None:
    """Without a film-wide measurement each segment would get its own gain: refused."""
    with pytest.raises(ValueError, match="measured"):
        segment_argv(Path("/j/a.au"), Path("/j/s.aac"), AudioEncoding())


# --- real FFmpeg: packet counts and what the joined track sounds like -----------------------

RATE = 48_000
ENCODING = AudioEncoding(Loudness().with_measurement(-16.0), bitrate="128k", channels=1)


def _tone_au(ffmpeg: FFmpeg, path: Path, samples: int, tone: tuple[float, int, int]) -> None:
    """A mono .au of ``samples`` samples with a tone (Hz, first sample, end sample)."""
    freq, on, off = tone
    expr = f"if(between(n\\,{on}\\,{off - 1})\\,0.3*sin(2*PI*{freq}*t)\\,0)"
    ffmpeg.run(
        ("-y", "-loglevel", "error", "-f", "lavfi",
         "-i", f"aevalsrc='{expr}':s={RATE}:d={samples / RATE + 1}",
         "-af", f"atrim=end_sample={samples}", "-c:a", "pcm_s16be", "-f", "au", str(path)),
        timeout=30,
    )  # fmt: skip


def _decode(ffmpeg: FFmpeg, source: Path, *before: str) -> array[int]:
    target = source.with_suffix(".pcm")
    ffmpeg.run(
        ("-y", "-loglevel", "error", *before, "-i", str(source), "-map", "0:a:0",
         "-f", "s16le", "-ac", "1", str(target)),
        timeout=30,
    )  # fmt: skip
    return array("h", target.read_bytes())


def _rms(a: array[int], b: array[int], start: int, end: int) -> float:
    start, end = max(0, start), min(end, len(a), len(b))
    return math.sqrt(sum((a[i] - b[i]) ** 2 for i in range(start, end)) / max(1, end - start))


def test_segment_packet_count_matches_the_encoder(tmp_path: Path, ffmpeg: FFmpeg) -> None:
    """FFmpeg writes segment_packets(n) packets, and the last two decode to silence."""
    _tone_au(ffmpeg, tmp_path / "s.au", 5000, (440.0, 0, 5000))
    ffmpeg.run(segment_argv(tmp_path / "s.au", tmp_path / "s.aac", ENCODING), timeout=30)
    frames = adts_frames((tmp_path / "s.aac").read_bytes())
    assert len(frames) == segment_packets(5000)
    (tmp_path / "tail.aac").write_bytes(b"".join([frames[-1]] * 4))
    assert max(abs(v) for v in _decode(ffmpeg, tmp_path / "tail.aac", "-f", "aac")) <= 2


def _joined_film(
    ffmpeg: FFmpeg, job: Path, scenes: list[tuple[int, int, float, int, int]], slots: list[int]
) -> tuple[array[int], array[int], array[int], tuple[SegmentPlacement, ...]]:
    """Joined track (as the stitch plays it), ideal at the placed offsets, and one-pass encode.

    ``scenes`` are (rendered samples, slot samples, tone Hz, tone on, tone off).
    """
    starts = [sum(slots[:k]) for k in range(len(slots))]
    total = sum(slots)
    placements = place_segments(starts, total)
    encoded, sources = [], []
    for n, (samples, _, freq, on, off) in enumerate(scenes):
        _tone_au(ffmpeg, job / f"scene{n}.au", samples, (freq, on, off))
        ffmpeg.run(segment_argv(job / f"scene{n}.au", job / f"seg{n}.aac", ENCODING), timeout=30)
        encoded.append((job / f"seg{n}.aac").read_bytes())
        sources.append(_decode(ffmpeg, job / f"scene{n}.au"))
    (job / "film.aac").write_bytes(join_segments(list(zip(placements, encoded, strict=True))))
    film = job / "film.m4a"
    ffmpeg.run(
        ("-y", "-loglevel", "error", *EncodedAudio(job / "film.aac", PRIMING).input_args(),
         "-c", "copy", "-f", "mp4", str(film)),
        timeout=30,
    )  # fmt: skip
    joined = _decode(ffmpeg, film)
    # The ideal at the placed offsets: scene k from its placed start to the next one.
    ideal = array("h", bytes(2 * (total + AAC_FRAME)))
    bounds = [p.block * AAC_FRAME for p in placements] + [len(ideal)]
    for k, source in enumerate(sources):
        for i in range(bounds[k], min(bounds[k + 1], len(ideal))):
            if 0 <= i - bounds[k] < len(source):
                ideal[i] = source[i - bounds[k]]
    raw = job / "ideal.raw"
    raw.write_bytes(ideal.tobytes())
    ffmpeg.run(
        ("-y", "-loglevel", "error", "-f", "s16le", "-ar", str(RATE), "-ac", "1", "-i", str(raw),
         "-c:a", "aac", "-aac_coder", "fast", "-b:a", "128k", "-f", "mp4", str(job / "one.m4a")),
        timeout=30,
    )  # fmt: skip
    return joined, ideal, _decode(ffmpeg, job / "one.m4a"), placements


def test_joins_of_scenes_ending_in_silence_are_as_clean_as_one_pass(
    tmp_path: Path, ffmpeg: FFmpeg
) -> None:
    """Scenes ending in silence: around every join the error is the codec's own."""
    scenes = [
        (21_000, 20_300, 440.0, 1500, 17_000),
        (16_000, 15_517, 660.0, 800, 12_000),
        (19_000, 18_011, 330.0, 3000, 15_000),
    ]
    joined, ideal, one_pass, placements = _joined_film(
        ffmpeg, tmp_path, scenes, [s[1] for s in scenes]
    )
    assert abs(len(joined) - sum(s[1] for s in scenes)) <= HALF
    for placement in placements[1:]:
        join = placement.block * AAC_FRAME
        window = (join - 3 * AAC_FRAME, join + 3 * AAC_FRAME)
        assert _rms(joined, ideal, *window) <= 1.5 * _rms(one_pass, ideal, *window) + 2
    whole = (0, len(joined) - AAC_FRAME)
    assert _rms(joined, ideal, *whole) <= 1.5 * _rms(one_pass, ideal, *whole) + 2


def test_a_scene_ending_on_sound_fades_over_the_last_frame_before_the_cut(
    tmp_path: Path, ffmpeg: FFmpeg
) -> None:
    """A tone cut hard at the scene's end fades over one AAC frame; elsewhere the join is clean."""
    scenes = [(21_000, 20_300, 440.0, 1500, 21_000), (16_000, 15_517, 660.0, 0, 16_000)]
    joined, ideal, one_pass, placements = _joined_film(
        ffmpeg, tmp_path, scenes, [s[1] for s in scenes]
    )
    join = placements[1].block * AAC_FRAME
    silence = array("h", bytes(len(ideal) * 2))
    tone = _rms(ideal, silence, join - AAC_FRAME, join)
    before = (join - 4 * AAC_FRAME, join - AAC_FRAME)
    assert _rms(joined, ideal, *before) <= 1.5 * _rms(one_pass, ideal, *before) + 2
    assert _rms(joined, ideal, join, join + 4 * AAC_FRAME) <= 0.02 * tone  # below -34 dB
    fade = _rms(joined, ideal, join - AAC_FRAME, join)
    assert fade < tone  # a fade, not a burst louder than the sound itself
