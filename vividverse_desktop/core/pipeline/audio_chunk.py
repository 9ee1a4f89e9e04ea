"""The film's AAC track encoded in independent chunks, so one edited scene re-encodes ~a minute.

Encoding the whole film's audio is the slowest step of a keyless render (~50x real
time); redoing it for every edited line would break the "re-render one scene" goal.
Instead the track is cut into chunks whose bounds are whole AAC frames (1024
samples). Each chunk is encoded on its own with 2048 samples of pre-roll before its
start and 2048 of post-roll after its end, so the encoder sees the audio the
boundary frames overlap and no artificial silence; the extra packets are dropped
and the kept ADTS packets of all chunks are joined. On a test chirp the joins are as
clean as the codec itself (RMS error ~1 around a join, as away from it); without the
post-roll the encoder codes the cut as a transient and the join clicks.

FFmpeg's AAC encoder delays its output by one frame (priming). A single pass
records that in the MP4 edit list; a joined ADTS stream cannot, so the stitch reads
it as ``EncodedAudio(path, adts_priming=PRIMING)``, shifted back by one frame, and
the muxer writes the edit list. The film ends up to 1023 samples (21 ms) longer
than its video: the last AAC frame's padding, which ADTS cannot mark.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from vividverse_desktop.core.pipeline.ffmpeg_args import Argv, global_args, input_path
from vividverse_desktop.core.pipeline.stitch import DEFAULT_AUDIO, AudioEncoding

AAC_FRAME = 1024
"""Samples per AAC-LC frame."""

PRE_ROLL = 2 * AAC_FRAME
"""Samples each chunk's encoder sees before the chunk starts (dropped afterwards)."""

PRIMING = AAC_FRAME
"""Encoder delay of FFmpeg's AAC encoder, in samples."""

DEFAULT_CHUNK = 2812 * AAC_FRAME
"""About 60 s at 48 kHz."""


@dataclass(frozen=True, slots=True)
class AudioChunk:
    """Samples ``[start, end)`` of the film's audio; ``end`` is ``None`` for the last chunk."""

    index: int
    start: int
    end: int | None

    @property
    def input_start(self) -> int:
        """First sample the chunk's encoder reads: ``PRE_ROLL`` before ``start`` (or 0)."""
        return max(0, self.start - PRE_ROLL)

    @property
    def input_end(self) -> int | None:
        """Sample after the last one the encoder reads: ``PRE_ROLL`` past ``end``.

        Without it the encoder would see the audio stop dead at ``end``, code that
        transient with short windows and leave a click at the join.
        """
        return None if self.end is None else self.end + PRE_ROLL

    @property
    def skip(self) -> int:
        """Leading packets of the chunk's encode that are not the chunk's own.

        Packet ``j`` of an encode decodes to input samples ``[(j-1)*1024, j*1024)``
        (packet 0 is the encoder's priming), so the chunk's first own packet comes
        one after its pre-roll. The first chunk keeps its priming packet: the stitch
        removes it from the film's start.
        """
        if self.start == 0:
            return 0
        return (self.start - self.input_start) // AAC_FRAME + 1

    @property
    def count(self) -> int | None:
        """Packets the chunk contributes; ``None`` (all the rest) for the last chunk."""
        if self.end is None:
            return None
        own = (self.end - self.start) // AAC_FRAME
        return own + 1 if self.start == 0 else own


def film_chunks(total_samples: int, chunk_samples: int = DEFAULT_CHUNK) -> tuple[AudioChunk, ...]:
    """Chunks covering ``total_samples``, each ``chunk_samples`` long but the last.

    ``chunk_samples`` must be a positive multiple of :data:`AAC_FRAME`; chunk bounds
    depend only on the film's length, so editing a scene changes the content of the
    chunks it overlaps and no others (unless the film's length changes).
    """
    if chunk_samples <= 0 or chunk_samples % AAC_FRAME:
        raise ValueError(f"chunk length must be a positive multiple of {AAC_FRAME} samples")
    if total_samples <= 0:
        raise ValueError("the film has no audio")
    starts = range(0, total_samples, chunk_samples)
    chunks = [AudioChunk(n, start, start + chunk_samples) for n, start in enumerate(starts)]
    last = chunks[-1]
    chunks[-1] = AudioChunk(last.index, last.start, None)
    return tuple(chunks)


def chunk_overlapping(chunks: Sequence[AudioChunk], start: int, end: int) -> list[AudioChunk]:
    """The chunks whose samples intersect ``[start, end)`` (e.g. an edited scene's slot)."""
    return [
        chunk for chunk in chunks if chunk.start < end and (chunk.end is None or start < chunk.end)
    ]


def chunk_argv(
    audio_list: Path,
    chunk: AudioChunk,
    output: Path,
    encoding: AudioEncoding = DEFAULT_AUDIO,
    *,
    list_start: int = 0,
) -> Argv:
    """FFmpeg arguments encoding one chunk (with pre- and post-roll) to an ADTS AAC file.

    ``audio_list`` is a concat list of scene audio starting at film sample
    ``list_start``: the whole film's list (0), or, cheaper late in a long film, a
    list of just the scenes the chunk's input overlaps. ``encoding.loudness`` must
    carry the film-wide measurement so every chunk gets the same gain (single-pass
    ``loudnorm`` adapts per chunk and is refused).
    """
    if encoding.loudness is not None and encoding.loudness.measured is None:
        raise ValueError("chunked audio needs a measured loudness: loudnorm varies per chunk")
    if not 0 <= list_start <= chunk.input_start:
        raise ValueError("the concat list must start at or before the chunk's input")
    start = chunk.input_start - list_start
    end = "" if chunk.input_end is None else f":end_sample={chunk.input_end - list_start}"
    trim = f"atrim=start_sample={start}{end},asetpts=N/SR/TB"
    args = list(encoding.args())
    af = args.index("-af")
    args[af + 1] = f"{trim},{args[af + 1]}"
    return (
        *global_args(),
        "-protocol_whitelist", "file", "-f", "concat", "-safe", "1", "-i", input_path(audio_list),
        "-map", "0:a:0",
        *args,
        "-f", "adts", input_path(output),
    )  # fmt: skip


class AdtsError(ValueError):
    """Bytes that are not a clean sequence of ADTS frames."""


def adts_frames(data: bytes) -> list[bytes]:
    """Split an ADTS stream into its frames (one AAC packet each, header included)."""
    frames: list[bytes] = []
    offset = 0
    while offset < len(data):
        header = data[offset : offset + 7]
        if len(header) < 7 or header[0] != 0xFF or header[1] & 0xF6 != 0xF0:
            raise AdtsError(f"no ADTS frame at byte {offset}")
        length = ((header[3] & 0x03) << 11) | (header[4] << 3) | (header[5] >> 5)
        if length < 7 or offset + length > len(data):
            raise AdtsError(f"truncated ADTS frame at byte {offset}")
        frames.append(data[offset : offset + length])
        offset += length
    return frames


def kept_frames(chunk: AudioChunk, frames: Sequence[bytes]) -> list[bytes]:
    """The frames of a chunk's encode that belong to the film (pre-roll dropped)."""
    count = chunk.count
    if count is None:
        if len(frames) <= chunk.skip:
            raise AdtsError(f"chunk {chunk.index} produced too few frames")
        return list(frames[chunk.skip :])
    if len(frames) < chunk.skip + count:
        raise AdtsError(f"chunk {chunk.index} produced {len(frames)} frames, needs more")
    return list(frames[chunk.skip : chunk.skip + count])


def join_chunks(encoded: Sequence[tuple[AudioChunk, bytes]]) -> bytes:
    """One ADTS stream from every chunk's encode, in film order (all chunks required)."""
    ordered = sorted(encoded, key=lambda pair: pair[0].index)
    if [chunk.index for chunk, _ in ordered] != list(range(len(ordered))):
        raise ValueError("a chunk of the film's audio is missing")
    return b"".join(b"".join(kept_frames(chunk, adts_frames(data))) for chunk, data in ordered)
