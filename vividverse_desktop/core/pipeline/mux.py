"""Per-scene media: where each scene sits in the film, its video clip and its audio.

The film is cut by cumulative time (DESIGN §9): scene *k* starts at frame
``round(T_k * fps)`` where ``T_k`` is the planned start time, so rounding never
accumulates, and its audio starts at the sample that lines up with that frame.
A scene yields two files:

- a video-only H.264 clip, normalised (size, fps, SAR 1, yuv420p), and
- 48 kHz stereo 16-bit PCM with the voice lines placed at their start samples and
  silence everywhere else, in a Sun ``.au`` file, as long as the longest slot the
  scene's duration can get (:func:`scene_samples`), so that it does not depend on
  where the scene sits; the join of the film's audio cuts it to the slot.

Each scene's audio is encoded to AAC on its own and the film's track is joined
from those segments (``core.pipeline.audio_segment``). Scene audio is ``.au``
rather than WAV because FFmpeg opens an ``.au`` in ~2 ms and a WAV in ~30-50 ms,
with the same exact samples.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from vividverse_desktop.core.pipeline.ffmpeg_args import (
    AUDIO_RATE,
    BT709_SCALE,
    BT709_TAGS,
    X264,
    Argv,
    VideoFormat,
    global_args,
    input_path,
)


@dataclass(frozen=True, slots=True)
class SceneSlot:
    """A scene's place in the film: first frame and frame count, first sample and sample count."""

    index: int
    start_frame: int
    frames: int
    start_sample: int
    samples: int

    @property
    def end_frame(self) -> int:
        """The first frame after the scene."""
        return self.start_frame + self.frames

    @property
    def end_sample(self) -> int:
        """The first sample after the scene."""
        return self.start_sample + self.samples


def film_slots(
    durations: Sequence[float | Fraction], fmt: VideoFormat, sample_rate: int = AUDIO_RATE
) -> tuple[SceneSlot, ...]:
    """Slots for scenes of the given planned durations (seconds), cut by cumulative time.

    Frame boundaries are the rounded cumulative times; sample boundaries are the
    exact times of those frame boundaries, rounded to samples. So the video and the
    audio of the whole film end within one sample of each other and every cut is
    within half a frame of its planned time. A scene shorter than half a frame may
    get zero frames; negative durations are refused.
    """
    fps = Fraction(fmt.fps)
    slots: list[SceneSlot] = []
    elapsed = Fraction(0)
    frame_cut, sample_cut = 0, 0
    for index, duration in enumerate(durations):
        seconds = Fraction(duration)
        if seconds < 0:
            raise ValueError(f"scene {index + 1} has a negative duration")
        elapsed += seconds
        next_frame = round(elapsed * fps)
        next_sample = round(Fraction(next_frame) / fps * sample_rate)
        slots.append(
            SceneSlot(
                index, frame_cut, next_frame - frame_cut, sample_cut, next_sample - sample_cut
            )
        )
        frame_cut, sample_cut = next_frame, next_sample
    return tuple(slots)


def scene_samples(
    duration: float | Fraction, fmt: VideoFormat, sample_rate: int = AUDIO_RATE
) -> int:
    """Samples of the longest slot :func:`film_slots` can give a scene of ``duration``.

    It depends on the scene alone, not on where the scene sits: render a scene's
    audio this long and cut it to its slot when joining, and moving the scene (an
    earlier scene changed length) never makes its audio again. A slot has at most
    ``floor(duration * fps) + 1`` frames and at most one sample more than those
    frames last.
    """
    seconds = Fraction(duration)
    if seconds < 0:
        raise ValueError("a scene cannot have a negative duration")
    fps = Fraction(fmt.fps)
    frames = math.floor(seconds * fps) + 1
    return math.floor(frames * sample_rate / fps) + 1


@dataclass(frozen=True, slots=True)
class ShotClip:
    """A shot's source clip and how many frames of it the scene uses.

    A shorter clip is held on its last frame; a longer one is cut.
    """

    path: Path
    frames: int


def scene_video_argv(
    shots: Sequence[ShotClip], fmt: VideoFormat, output: Path, x264: X264 | None = None
) -> Argv:
    """FFmpeg arguments joining shot clips into one normalised, video-only scene clip.

    Each shot is scaled to fit ``fmt`` (letterboxed, never stretched), given SAR 1,
    converted to ``fmt``'s frame rate and yuv420p, held or cut to its frame count;
    the result has exactly ``sum(frames)`` frames. Audio in the sources is ignored.
    """
    if not shots:
        raise ValueError("a scene clip needs at least one shot")
    inputs: list[str] = []
    chains: list[str] = []
    for n, shot in enumerate(shots):
        if shot.frames < 1:
            raise ValueError(f"shot {n + 1} needs at least one frame")
        inputs += ["-protocol_whitelist", "file", "-i", input_path(shot.path)]
        chains.append(
            f"[{n}:v:0]scale={fmt.width}:{fmt.height}:force_original_aspect_ratio=decrease"
            f":{BT709_SCALE},format=yuv420p,{BT709_TAGS},"
            f"pad={fmt.width}:{fmt.height}:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1,"
            f"fps={fmt.rate},tpad=stop=-1:stop_mode=clone,"
            f"trim=end_frame={shot.frames},setpts=PTS-STARTPTS[s{n}]"
        )
    labels = "".join(f"[s{n}]" for n in range(len(shots)))
    chains.append(f"{labels}concat=n={len(shots)}:v=1:a=0[v]")
    total = sum(shot.frames for shot in shots)
    encoder = x264 or X264()
    return (
        *global_args(),
        *inputs,
        "-filter_complex",
        ";".join(chains),
        "-map",
        "[v]",
        "-frames:v",
        str(total),
        "-r",
        fmt.rate,
        *encoder.args(fmt),
        "-an",
        "-f",
        "mp4",
        input_path(output),
    )


@dataclass(frozen=True, slots=True)
class VoiceCue:
    """A voice line (any audio file) starting ``start_sample`` samples (48 kHz) into its scene."""

    path: Path
    start_sample: int

    def __post_init__(self) -> None:
        if self.start_sample < 0:
            raise ValueError("a voice line cannot start before its scene")


def seconds_to_samples(seconds: float | Fraction, sample_rate: int = AUDIO_RATE) -> int:
    """The sample index nearest to ``seconds``."""
    return round(Fraction(seconds) * sample_rate)


def scene_audio_argv(
    cues: Sequence[VoiceCue], samples: int, output: Path, sample_rate: int = AUDIO_RATE
) -> Argv:
    """FFmpeg arguments writing a scene's audio: 16-bit PCM ``.au``, stereo, ``samples`` long.

    Each cue is resampled to ``sample_rate`` stereo and delayed to its start sample;
    overlapping cues are summed (no level normalisation: loudness is set once for the
    whole film); silence fills the rest and anything past ``samples`` is cut.
    """
    if samples < 1:
        raise ValueError("scene audio needs at least one sample")
    inputs: list[str] = []
    chains: list[str] = []
    layout = f"aformat=sample_fmts=fltp:sample_rates={sample_rate}:channel_layouts=stereo"
    for n, cue in enumerate(cues):
        inputs += ["-protocol_whitelist", "file", "-i", input_path(cue.path)]
        chains.append(
            f"[{n}:a:0]aresample={sample_rate},{layout},"
            f"adelay=delays={cue.start_sample}S:all=1[c{n}]"
        )
    if cues:
        labels = "".join(f"[c{n}]" for n in range(len(cues)))
        mixed = f"{labels}amix=inputs={len(cues)}:duration=longest:normalize=0,"
    else:
        mixed = f"anullsrc=r={sample_rate}:cl=stereo,"
    chains.append(f"{mixed}{layout},apad=whole_len={samples},atrim=end_sample={samples}[a]")
    return (
        *global_args(),
        *inputs,
        "-filter_complex",
        ";".join(chains),
        "-map",
        "[a]",
        "-c:a",
        "pcm_s16be",
        "-ar",
        str(sample_rate),
        "-ac",
        "2",
        "-f",
        "au",
        input_path(output),
    )
