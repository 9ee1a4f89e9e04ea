"""Per-scene media: cuts by cumulative time, normalised scene clips, exact-length scene audio."""

from __future__ import annotations

import itertools
import random
import struct
import sys
from array import array
from fractions import Fraction
from pathlib import Path

import pytest

from vividverse_desktop.core.pipeline.ffmpeg_args import VideoFormat
from vividverse_desktop.core.pipeline.mux import (
    ShotClip,
    VoiceCue,
    film_slots,
    scene_audio_argv,
    scene_samples,
    scene_video_argv,
    seconds_to_samples,
)
from vividverse_desktop.media.ffmpeg import FFmpeg
from vividverse_desktop.media.probe import count_frames, probe

FPS24 = VideoFormat(320, 180, Fraction(24))


def test_slots_tile_the_film_without_gaps() -> None:
    """Each scene starts where the previous one ended, in frames and in samples."""
    slots = film_slots([1.3, 2.71, 0.5, 4.04], FPS24)
    for before, after in itertools.pairwise(slots):
        assert after.start_frame == before.end_frame
        assert after.start_sample == before.end_sample


def test_sixty_scenes_do_not_drift() -> None:
    """Over 60 scenes of awkward lengths every cut stays within half a frame of plan."""
    durations = [2.0 + 0.37 * (i % 7) + 0.013 * i for i in range(60)]
    slots = film_slots(durations, FPS24)
    planned = 0.0
    for slot, duration in zip(slots, durations, strict=True):
        planned += duration
        assert abs(slot.end_frame / 24 - planned) <= 0.5 / 24 + 1e-9


def test_audio_and_video_of_the_film_end_together() -> None:
    """At NTSC rates the total audio equals the total video to within one sample."""
    fmt = VideoFormat(320, 180, Fraction(30000, 1001))
    slots = film_slots([1.111] * 60, fmt)
    video_seconds = Fraction(slots[-1].end_frame) / fmt.fps
    audio_seconds = Fraction(slots[-1].end_sample, 48_000)
    assert abs(video_seconds - audio_seconds) <= Fraction(1, 48_000)


def test_each_scene_audio_matches_its_video_length() -> None:
    """A scene's samples cover its frames to within one sample."""
    for slot in film_slots([0.9, 1.37, 2.001], FPS24):
        assert abs(Fraction(slot.samples, 48_000) - Fraction(slot.frames, 24)) <= Fraction(
            1, 48_000
        )


@pytest.mark.parametrize("fmt", [FPS24, VideoFormat(320, 180, Fraction(30000, 1001))])
def test_scene_audio_length_covers_every_slot_the_scene_can_get(fmt: VideoFormat) -> None:
    """Wherever a scene sits, its slot fits in scene_samples with at most two frames to spare."""
    rng = random.Random(5)
    frame = Fraction(48_000) / Fraction(fmt.fps)
    for _ in range(300):
        durations = [rng.uniform(0.0, 40.0) for _ in range(rng.randrange(1, 30))]
        for slot, duration in zip(film_slots(durations, fmt), durations, strict=True):
            longest = scene_samples(duration, fmt)
            assert slot.samples <= longest
            assert longest - slot.samples <= 2 * frame + 2


def test_scene_audio_length_depends_on_the_duration_alone() -> None:
    """A 2.5 s scene at 24 fps: up to 61 frames, i.e. 122,001 samples; negative is refused."""
    assert scene_samples(2.5, FPS24) == 61 * 2000 + 1
    with pytest.raises(ValueError, match="negative"):
        scene_samples(-1.0, FPS24)


def test_negative_duration_is_refused() -> None:
    """A scene cannot last less than nothing."""
    with pytest.raises(ValueError, match="negative"):
        film_slots([1.0, -0.5], FPS24)


def test_scene_video_argv_normalises_each_shot() -> None:
    """Shots are fitted, padded, SAR 1, resampled, held or cut, then concatenated."""
    args = scene_video_argv(
        [ShotClip(Path("/j/a.mp4"), 10), ShotClip(Path("/j/b.mov"), 14)], FPS24, Path("/j/s.mp4")
    )
    norm = (
        "scale=320:180:force_original_aspect_ratio=decrease"
        ":out_color_matrix=bt709:out_range=tv,format=yuv420p,"
        "setparams=range=tv:color_primaries=bt709:color_trc=bt709:colorspace=bt709,"
        "pad=320:180:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1,fps=24,"
        "tpad=stop=-1:stop_mode=clone"
    )
    assert args == (
        "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-nostats",
        "-progress", "pipe:1",
        "-protocol_whitelist", "file", "-i", "/j/a.mp4",
        "-protocol_whitelist", "file", "-i", "/j/b.mov",
        "-filter_complex",
        f"[0:v:0]{norm},trim=end_frame=10,setpts=PTS-STARTPTS[s0];"
        f"[1:v:0]{norm},trim=end_frame=14,setpts=PTS-STARTPTS[s1];"
        "[s0][s1]concat=n=2:v=1:a=0[v]",
        "-map", "[v]", "-frames:v", "24", "-r", "24",
        "-c:v", "libx264", "-preset", "ultrafast", "-crf", "28",
        "-x264-params", "cabac=1:8x8dct=1",
        "-g", "12", "-pix_fmt", "yuv420p",
        "-color_range", "tv", "-colorspace", "bt709", "-color_primaries", "bt709",
        "-color_trc", "bt709", "-video_track_timescale", "90000",
        "-an", "-f", "mp4", "/j/s.mp4",
    )  # fmt: skip


def test_scene_audio_argv_delays_and_mixes_cues() -> None:
    """Cues are resampled, delayed by samples, summed, padded and cut to the length."""
    args = scene_audio_argv(
        [VoiceCue(Path("/j/1.wav"), 0), VoiceCue(Path("/j/2.mp3"), 24_000)],
        96_000,
        Path("/j/s.au"),
    )
    fmt = "aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo"
    assert args == (
        "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-nostats",
        "-progress", "pipe:1",
        "-protocol_whitelist", "file", "-i", "/j/1.wav",
        "-protocol_whitelist", "file", "-i", "/j/2.mp3",
        "-filter_complex",
        f"[0:a:0]aresample=48000,{fmt},adelay=delays=0S:all=1[c0];"
        f"[1:a:0]aresample=48000,{fmt},adelay=delays=24000S:all=1[c1];"
        f"[c0][c1]amix=inputs=2:duration=longest:normalize=0,{fmt},"
        "apad=whole_len=96000,atrim=end_sample=96000[a]",
        "-map", "[a]", "-c:a", "pcm_s16be", "-ar", "48000", "-ac", "2",
        "-f", "au", "/j/s.au",
    )  # fmt: skip


def test_silent_scene_audio_is_generated_silence() -> None:
    """With no voice lines the scene audio is a null source cut to length."""
    args = scene_audio_argv([], 1000, Path("/j/s.au"))
    assert "-i" not in args
    assert args[args.index("-filter_complex") + 1].startswith("anullsrc=r=48000:cl=stereo,")


def test_seconds_to_samples_rounds_at_48k() -> None:
    """Times become the nearest 48 kHz sample."""
    assert seconds_to_samples(0.5) == 24_000
    assert seconds_to_samples(Fraction(1, 3)) == 16_000


def _make_clip(ffmpeg: FFmpeg, path: Path, source: str, seconds: float) -> None:
    ffmpeg.run(
        ("-y", "-loglevel", "error", "-f", "lavfi", "-i", source, "-t", str(seconds),
         "-c:v", "libx264", "-preset", "ultrafast", str(path)),
        timeout=30,
    )  # fmt: skip


def test_shots_of_other_sizes_and_rates_become_one_clean_clip(
    tmp_path: Path, ffmpeg: FFmpeg, tiny: VideoFormat
) -> None:
    """A 4:3 30 fps shot with odd SAR and a short 25 fps shot join at the format's size."""
    first, second = tmp_path / "a.mkv", tmp_path / "b.mp4"
    _make_clip(ffmpeg, first, "testsrc=s=200x150:r=30,setsar=4/3", 1)
    _make_clip(ffmpeg, second, "testsrc2=s=96x54:r=25", 0.5)
    output = tmp_path / "scene.mp4"
    # The second shot is only 6 frames long at 12 fps but must fill 10: held on its last frame.
    ffmpeg.run(
        scene_video_argv([ShotClip(first, 9), ShotClip(second, 10)], tiny, output), timeout=30
    )
    info = probe(output)
    (video,) = info.video
    assert (video.width, video.height, video.pix_fmt, video.sar) == (160, 90, "yuv420p", (1, 1))
    assert video.fps == 12
    assert info.audio == ()
    assert count_frames(output) == 19


def _read_stereo(path: Path) -> tuple[int, int, array[int]]:
    """Sample rate, channels and samples of a 16-bit PCM Sun .au file (big-endian)."""
    data = path.read_bytes()
    magic, offset, _size, encoding, rate, channels = struct.unpack(">4sIIIII", data[:24])
    assert (magic, encoding) == (b".snd", 3)  # 3: 16-bit linear PCM
    samples = array("h", data[offset:])
    if sys.byteorder == "little":
        samples.byteswap()
    return rate, channels, samples


def test_scene_audio_places_a_line_at_its_sample(tmp_path: Path, ffmpeg: FFmpeg) -> None:
    """A 22.05 kHz mono line starts at the asked sample in a 48 kHz stereo WAV of exact length."""
    line = tmp_path / "line.wav"
    ffmpeg.run(
        ("-y", "-loglevel", "error", "-f", "lavfi", "-i", "sine=f=440:r=22050:d=0.25",
         "-ac", "1", str(line)),
        timeout=30,
    )  # fmt: skip
    output = tmp_path / "scene.au"
    ffmpeg.run(scene_audio_argv([VoiceCue(line, 12_000)], 48_000, output), timeout=30)
    rate, channels, samples = _read_stereo(output)
    assert (rate, channels, len(samples)) == (48_000, 2, 2 * 48_000)
    first_sound = next(i for i, value in enumerate(samples) if abs(value) > 100) // 2
    assert 12_000 <= first_sound <= 12_000 + 48  # within a millisecond of the cue
    last_sound = max(i for i, value in enumerate(samples) if abs(value) > 100) // 2
    assert last_sound < 12_000 + 12_000 + 48  # a quarter second later it is silent again


def test_a_line_longer_than_the_scene_is_cut(tmp_path: Path, ffmpeg: FFmpeg) -> None:
    """Scene audio never runs past its slot, whatever the cues."""
    line = tmp_path / "long.wav"
    ffmpeg.run(
        ("-y", "-loglevel", "error", "-f", "lavfi", "-i", "sine=r=22050:d=2", str(line)),
        timeout=30,
    )  # fmt: skip
    output = tmp_path / "scene.au"
    ffmpeg.run(scene_audio_argv([VoiceCue(line, 100)], 4_801, output), timeout=30)
    assert len(_read_stereo(output)[2]) == 2 * 4_801


def test_silent_scene_audio_is_silent_and_exact(tmp_path: Path, ffmpeg: FFmpeg) -> None:
    """No cues: all-zero samples of exactly the slot's length."""
    output = tmp_path / "quiet.au"
    ffmpeg.run(scene_audio_argv([], 7_777, output), timeout=30)
    _, _, samples = _read_stereo(output)
    assert len(samples) == 2 * 7_777
    assert not any(samples)


def test_a_compressed_voice_line_is_accepted(tmp_path: Path, ffmpeg: FFmpeg) -> None:
    """Cloud voices arrive as MP3: a cue need not be a WAV."""
    line = tmp_path / "line.mp3"
    ffmpeg.run(
        ("-y", "-loglevel", "error", "-f", "lavfi", "-i", "sine=f=500:r=44100:d=0.3",
         "-c:a", "libmp3lame", str(line)),
        timeout=30,
    )  # fmt: skip
    output = tmp_path / "scene.au"
    ffmpeg.run(scene_audio_argv([VoiceCue(line, 0)], 48_000, output), timeout=30)
    _, _, samples = _read_stereo(output)
    assert len(samples) == 2 * 48_000
    assert any(abs(value) > 100 for value in samples[: 2 * 24_000])
