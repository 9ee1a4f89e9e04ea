"""The film's AAC track from one independently encoded segment per scene, joined by bytes.

Encoding AAC is the slowest audio step of a keyless render, and a whole-film encode
(or one cut into fixed chunks of the film's timeline) ties every packet to the
scene's position: lengthen one scene and every later chunk changes. Here each
scene's audio is encoded on its own, keyed only by that audio, the film-wide gain
and the encoding, and the film's track is joined from the segments' ADTS packets
by arithmetic decided at join time (:func:`place_segments`), never in an encode key.

A segment's packet ``j`` decodes to scene samples ``[(j-1)*1024, j*1024)``: packet
0 is the encoder's priming, which codes 1024 samples of silence before the scene
(a silence pre-roll for free), and :data:`POST_ROLL` samples of silence after the
scene make its last packets silent. Laying segment *k*'s packets from film frame
``f_k = round(start_k / 1024)`` puts its audio within half an AAC frame of its
video cut; it then contributes ``f_{k+1} - f_k`` packets, so its tail past the next
cut is dropped, or, when it is too short, silent packets are added. The first
packet of every segment (silence coded by the priming) decodes overlapped with the
previous segment's last window: where the previous scene ends in silence the join
is as clean as the codec; a scene that ends on sound fades out over the last AAC
frame before the cut (~21 ms) instead of stopping dead.

The first segment's priming packet opens the film; the stitch removes it with the
MP4 edit list (``EncodedAudio(path, adts_priming=PRIMING)``). The last segment
keeps one packet more, so the track ends within half an AAC frame of the video.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from vividverse_desktop.core.pipeline.ffmpeg_args import Argv, global_args, input_path
from vividverse_desktop.core.pipeline.stitch import AudioEncoding

AAC_FRAME = 1024
"""Samples per AAC-LC frame (one ADTS packet)."""

PRIMING = AAC_FRAME
"""Encoder delay of FFmpeg's AAC encoder, in samples: packet 0 of every encode."""

POST_ROLL = 2 * AAC_FRAME
"""Silence appended to a scene before encoding, so its last two packets code silence."""


def segment_argv(scene_audio: Path, output: Path, encoding: AudioEncoding) -> Argv:
    """FFmpeg arguments encoding one scene's audio, with silence after it, to ADTS AAC.

    ``encoding.loudness`` must carry the film-wide measurement, so every segment
    gets the same gain (single-pass ``loudnorm`` adapts per segment and is refused).
    """
    if encoding.loudness is not None and encoding.loudness.measured is None:
        raise ValueError("segmented audio needs a measured loudness: loudnorm varies per segment")
    args = list(encoding.args())
    af = args.index("-af")
    args[af + 1] = f"apad=pad_len={POST_ROLL},{args[af + 1]}"
    return (
        *global_args(),
        "-protocol_whitelist", "file", "-f", "au", "-i", input_path(scene_audio),
        "-map", "0:a:0",
        *args,
        "-f", "adts", input_path(output),
    )  # fmt: skip


def segment_packets(samples: int) -> int:
    """Packets FFmpeg writes for a scene of ``samples`` samples plus the post-roll."""
    if samples < 0:
        raise ValueError("a scene cannot have a negative length")
    return -(-(samples + POST_ROLL) // AAC_FRAME) + 1


@dataclass(frozen=True, slots=True)
class SegmentPlacement:
    """Where scene ``index``'s segment goes in the film's AAC track.

    Its packets ``0 .. packets-1`` become the film's packets ``block ..``; its audio
    lands ``offset`` samples after the scene's video cut (``|offset| <= 512``).
    """

    index: int
    block: int
    packets: int
    offset: int


def _nearest_frame(sample: int) -> int:
    return (2 * sample + AAC_FRAME) // (2 * AAC_FRAME)


def place_segments(starts: Sequence[int], total: int) -> tuple[SegmentPlacement, ...]:
    """Placements of scene segments whose audio starts at ``starts`` (film samples).

    ``starts`` must begin at 0 and never decrease; ``total`` is the film's length
    in samples. Each segment starts on the AAC frame nearest its scene's start, so
    the offset stays within half a frame wherever the scene sits and never
    accumulates; the last keeps one packet more (the first segment's priming packet
    is cut by the stitch), so the track ends within half a frame of ``total``.
    Deterministic: the result depends only on the arguments.
    """
    if not starts:
        raise ValueError("the film has no scene")
    if starts[0] != 0:
        raise ValueError("the first scene must start at sample 0")
    bounds = [*starts, total]
    if any(b < a for a, b in pairwise(bounds)):
        raise ValueError("scene starts must not decrease, nor pass the film's end")
    blocks = [_nearest_frame(sample) for sample in bounds]
    placements = []
    for index, start in enumerate(starts):
        count = blocks[index + 1] - blocks[index]
        if index == len(starts) - 1:
            count += 1
        placements.append(
            SegmentPlacement(index, blocks[index], count, blocks[index] * AAC_FRAME - start)
        )
    return tuple(placements)


class AdtsError(ValueError):
    """Bytes that are not a clean sequence of ADTS frames."""


def adts_offsets(data: bytes, limit: int | None = None) -> list[int]:
    """Byte offsets where each ADTS frame of ``data`` starts, then where the last one ends.

    With ``limit``, stops after that many frames (the rest is not read).
    """
    offsets = [0]
    offset, end = 0, len(data)
    while offset < end and (limit is None or len(offsets) <= limit):
        if offset + 7 > end or data[offset] != 0xFF or data[offset + 1] & 0xF6 != 0xF0:
            raise AdtsError(f"no ADTS frame at byte {offset}")
        length = (
            ((data[offset + 3] & 0x03) << 11) | (data[offset + 4] << 3) | (data[offset + 5] >> 5)
        )
        if length < 7 or offset + length > end:
            raise AdtsError(f"truncated ADTS frame at byte {offset}")
        offset += length
        offsets.append(offset)
    return offsets


def adts_frames(data: bytes) -> list[bytes]:
    """Split an ADTS stream into its frames (one AAC packet each, header included)."""
    offsets = adts_offsets(data)
    return [data[a:b] for a, b in pairwise(offsets)]


def placed_frames(placement: SegmentPlacement, frames: Sequence[bytes]) -> list[bytes]:
    """The segment's packets the film uses: its tail dropped, or silent packets added.

    ``frames`` is the segment's whole encode (from :func:`segment_argv`); its last
    packet codes only post-roll silence and is repeated when the segment is short.
    """
    if len(frames) < 2:
        raise AdtsError(f"scene {placement.index + 1}'s audio segment has too few packets")
    kept = list(frames[: placement.packets])
    return kept + [frames[-1]] * (placement.packets - len(kept))


def placed_bytes(placement: SegmentPlacement, data: bytes) -> bytes:
    """:func:`placed_frames` on a segment's ADTS bytes, reading only the packets it needs."""
    offsets = adts_offsets(data, limit=placement.packets + 1)
    if offsets[-1] < len(data):  # more packets than placed: the tail is dropped
        return data[: offsets[placement.packets]]
    frames = [data[a:b] for a, b in pairwise(offsets)]
    return b"".join(placed_frames(placement, frames))


def join_segments(placed: Sequence[tuple[SegmentPlacement, bytes]]) -> bytes:
    """One ADTS stream from every scene's segment (``(placement, encode)``, film order)."""
    expected = 0
    parts: list[bytes] = []
    for placement, data in placed:
        if placement.block != expected:
            raise ValueError(f"scene {placement.index + 1}'s segment is out of place")
        parts.append(placed_bytes(placement, data))
        expected += placement.packets
    return b"".join(parts)
