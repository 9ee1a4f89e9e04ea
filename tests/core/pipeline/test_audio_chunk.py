"""The film's AAC track in independent chunks: clean joins, exact sync, bounded re-encodes."""

from __future__ import annotations

import math
from array import array
from fractions import Fraction
from pathlib import Path

import pytest

from vividverse_desktop.core.pipeline.audio_chunk import (
    AAC_FRAME,
    PRIMING,
    AdtsError,
    AudioChunk,
    adts_frames,
    chunk_argv,
    chunk_overlapping,
    film_chunks,
    join_chunks,
    kept_frames,
)
from vividverse_desktop.core.pipeline.ffmpeg_args import VideoFormat
from vividverse_desktop.core.pipeline.loudness import Loudness
from vividverse_desktop.core.pipeline.stitch import (
    AudioEncoding,
    EncodedAudio,
    Stitch,
    concat_list,
    film_audio_argv,
    stitch_argv,
)
from vividverse_desktop.media.ffmpeg import FFmpeg

RAW = AudioEncoding(loudness=None)


def test_chunks_tile_the_film_on_aac_frames() -> None:
    """Chunks start on whole AAC frames, follow each other, and the last runs to the end."""
    chunks = film_chunks(10 * AAC_FRAME + 5, chunk_samples=4 * AAC_FRAME)
    assert [(c.start, c.end) for c in chunks] == [(0, 4096), (4096, 8192), (8192, None)]


@pytest.mark.parametrize("size", [0, 1000, -1024])
def test_chunk_length_must_be_whole_frames(size: int) -> None:
    """A chunk length that is not a positive multiple of 1024 is refused."""
    with pytest.raises(ValueError, match="multiple"):
        film_chunks(100_000, chunk_samples=size)


def test_pre_roll_packets_are_skipped_except_at_the_start() -> None:
    """The first chunk keeps its priming packet; later ones drop priming and pre-roll."""
    first, middle, last = film_chunks(12 * AAC_FRAME, chunk_samples=4 * AAC_FRAME)
    assert (first.input_start, first.input_end, first.skip, first.count) == (0, 6144, 0, 5)
    assert (middle.input_start, middle.input_end) == (2 * AAC_FRAME, 10 * AAC_FRAME)
    assert (middle.skip, middle.count) == (3, 4)
    assert (last.input_end, last.skip, last.count) == (None, 3, None)


def test_an_edit_touches_only_the_overlapping_chunks() -> None:
    """A scene inside chunk 1 re-encodes chunk 1; one across a bound re-encodes both."""
    chunks = film_chunks(12 * AAC_FRAME, chunk_samples=4 * AAC_FRAME)
    assert [c.index for c in chunk_overlapping(chunks, 5000, 6000)] == [1]
    assert [c.index for c in chunk_overlapping(chunks, 8000, 9000)] == [1, 2]
    assert [c.index for c in chunk_overlapping(chunks, 11_000, 99_999)] == [2]


def test_chunk_argv_trims_with_pre_roll_then_applies_the_film_gain() -> None:
    """A middle chunk reads 2048 samples either side, applies the film-wide gain, writes ADTS."""
    chunk = AudioChunk(1, 8192, 16384)
    encoding = AudioEncoding(Loudness().with_measurement(-20.0))
    args = chunk_argv(Path("/j/audio.txt"), chunk, Path("/j/c1.aac"), encoding)
    assert args[args.index("-af") + 1] == (
        "atrim=start_sample=6144:end_sample=18432,asetpts=N/SR/TB," + encoding.loudness.filter  # type: ignore[union-attr]
    )
    assert args[-3:] == ("-f", "adts", "/j/c1.aac")
    assert "concat" in args
    assert "-safe" in args


def test_a_shorter_list_shifts_the_trim() -> None:
    """A list that starts at the chunk's first scene trims relative to that scene."""
    chunk = AudioChunk(5, 40960, 81920)
    args = chunk_argv(Path("/j/part.txt"), chunk, Path("/j/c.aac"), RAW, list_start=36000)
    assert args[args.index("-af") + 1].startswith("atrim=start_sample=2912:end_sample=47968,")
    with pytest.raises(ValueError, match="start"):
        chunk_argv(Path("/j/part.txt"), chunk, Path("/j/c.aac"), RAW, list_start=40000)


def test_chunks_refuse_adaptive_loudnorm() -> None:
    """Without a film-wide measurement each chunk would get its own gain: refused."""
    with pytest.raises(ValueError, match="measured"):
        chunk_argv(Path("/j/a.txt"), AudioChunk(0, 0, 4096), Path("/j/c.aac"), AudioEncoding())


def _adts(length: int) -> bytes:
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
    return header + bytes(length - 7)


def test_adts_stream_splits_into_frames() -> None:
    """Frames are cut at the lengths their headers give."""
    data = _adts(10) + _adts(300) + _adts(7)
    assert [len(frame) for frame in adts_frames(data)] == [10, 300, 7]


@pytest.mark.parametrize("data", [b"\x00" * 20, _adts(10)[:-1], _adts(10) + b"\xff"])
def test_broken_adts_is_refused(data: bytes) -> None:
    """Garbage or a truncated frame raises AdtsError rather than producing bad audio."""
    with pytest.raises(AdtsError):
        adts_frames(data)


def test_kept_frames_drop_pre_roll_and_overhang() -> None:
    """A middle chunk keeps exactly its own frames; too short an encode is an error."""
    frames = [bytes([n]) for n in range(10)]
    assert kept_frames(AudioChunk(0, 0, 4096), frames) == frames[0:5]
    assert kept_frames(AudioChunk(1, 4096, 8192), frames) == frames[3:7]
    assert kept_frames(AudioChunk(2, 8192, None), frames) == frames[3:]
    with pytest.raises(AdtsError):
        kept_frames(AudioChunk(1, 4096, 8192 * 4), frames)


def test_joining_needs_every_chunk() -> None:
    """A missing chunk is refused instead of silently shortening the film."""
    with pytest.raises(ValueError, match="missing"):
        join_chunks([(AudioChunk(1, 4096, None), _adts(10))])


RATE = 48_000
SECONDS = 3


def _scene_audio(ffmpeg: FFmpeg, job: Path) -> Path:
    """Two scenes of tone-and-chirp audio as .au files, listed for the concat demuxer."""
    names = []
    for n, expr in enumerate(["0.3*sin(2*PI*(220+200*t)*t)", "0.3*sin(2*PI*330*t)*sin(2*PI*3*t)"]):
        name = f"scene-{n}.au"
        ffmpeg.run(
            ("-y", "-loglevel", "error", "-f", "lavfi",
             "-i", f"aevalsrc='{expr}|{expr}':s={RATE}:d={SECONDS / 2}",
             "-c:a", "pcm_s16be", "-f", "au", str(job / name)),
            timeout=30,
        )  # fmt: skip
        names.append(name)
    (job / "audio.txt").write_text(concat_list(names))
    return job / "audio.txt"


def _decode(ffmpeg: FFmpeg, source: Path, target: Path) -> array[int]:
    ffmpeg.run(
        ("-y", "-loglevel", "error", "-i", str(source), "-map", "0:a:0",
         "-f", "s16le", "-ac", "1", str(target)),
        timeout=30,
    )  # fmt: skip
    return array("h", target.read_bytes())


def _rms(a: array[int], b: array[int], start: int, end: int) -> float:
    return math.sqrt(sum((a[i] - b[i]) ** 2 for i in range(start, end)) / (end - start))


def _chunked_track(ffmpeg: FFmpeg, job: Path, audio_list: Path, chunk_samples: int) -> Path:
    chunks = film_chunks(SECONDS * RATE, chunk_samples=chunk_samples)
    encoded = []
    for chunk in chunks:
        part = job / f"chunk-{chunk.index}.aac"
        ffmpeg.run(chunk_argv(audio_list, chunk, part, RAW), timeout=30)
        encoded.append((chunk, part.read_bytes()))
    track = job / "film.aac"
    track.write_bytes(join_chunks(encoded))
    return track


def test_chunked_encode_joins_as_cleanly_as_one_pass(tmp_path: Path, ffmpeg: FFmpeg) -> None:
    """Around every join the chunked track differs from the source no more than one pass does."""
    audio_list = _scene_audio(ffmpeg, tmp_path)
    chunk = 40 * AAC_FRAME
    track = _chunked_track(ffmpeg, tmp_path, audio_list, chunk)
    single = tmp_path / "single.m4a"
    ffmpeg.run(film_audio_argv(audio_list, single, RAW), timeout=30)
    film = tmp_path / "film.mp4"
    # Joined ADTS muxed with the priming shift, as the stitch does it.
    ffmpeg.run(
        ("-y", "-loglevel", "error", *EncodedAudio(track, PRIMING).input_args(),
         "-c", "copy", "-f", "mp4", str(film)),
        timeout=30,
    )  # fmt: skip
    source = _decode(ffmpeg, audio_list.parent / "scene-0.au", tmp_path / "s0.pcm")
    source += _decode(ffmpeg, audio_list.parent / "scene-1.au", tmp_path / "s1.pcm")
    one_pass = _decode(ffmpeg, single, tmp_path / "single.pcm")
    chunked = _decode(ffmpeg, film, tmp_path / "chunked.pcm")
    assert len(one_pass) == len(source)
    assert len(source) <= len(chunked) < len(source) + AAC_FRAME
    for join in range(chunk, len(source) - AAC_FRAME, chunk):
        window = (join - 2 * AAC_FRAME, join + 2 * AAC_FRAME)
        codec_noise = _rms(one_pass, source, *window)
        assert _rms(chunked, source, *window) <= 1.5 * codec_noise + 2, join


def test_chunked_track_stays_in_sync_with_the_picture(
    tmp_path: Path, ffmpeg: FFmpeg, tiny: VideoFormat
) -> None:
    """A click at 1.5 s in the scene audio is heard at 1.5 s in the stitched film."""
    click = f"if(between(n\\,{RATE * 3 // 2}\\,{RATE * 3 // 2 + 47})\\,0.9\\,0)"
    ffmpeg.run(
        ("-y", "-loglevel", "error", "-f", "lavfi",
         "-i", f"aevalsrc='{click}|{click}':s={RATE}:d={SECONDS}",
         "-c:a", "pcm_s16be", "-f", "au", str(tmp_path / "scene.au")),
        timeout=30,
    )  # fmt: skip
    (tmp_path / "audio.txt").write_text(concat_list(["scene.au"]))
    track = _chunked_track(ffmpeg, tmp_path, tmp_path / "audio.txt", 20 * AAC_FRAME)
    ffmpeg.run(
        ("-y", "-loglevel", "error", "-f", "lavfi", "-i", f"color=s=160x90:r=12:d={SECONDS}",
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(tmp_path / "v.mp4")),
        timeout=30,
    )  # fmt: skip
    (tmp_path / "video.txt").write_text(concat_list(["v.mp4"]))
    film = tmp_path / "film.mp4"
    stitch = Stitch(tmp_path / "video.txt", EncodedAudio(track, PRIMING), film)
    ffmpeg.run(stitch_argv(stitch), timeout=30)
    decoded = _decode(ffmpeg, film, tmp_path / "film.pcm")
    heard = next(i for i, value in enumerate(decoded) if abs(value) > 8000)
    assert abs(heard - RATE * 3 // 2) <= 48  # within a millisecond
    assert Fraction(len(decoded), RATE) - SECONDS < Fraction(AAC_FRAME, RATE)
