"""Card clips as FFmpeg command lines: a scene's cards in one encode, or as pieces to copy.

:func:`cards_argv` draws and encodes every frame of a scene's cards in one run;
:func:`pieces_argv` encodes each card once as at most three short pieces (its
rise, one held group of pictures, its fall) that a byte-range copy repeats to
the card's length (:class:`CardPieces`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from vividverse_desktop.core.pipeline.card_draw import card_filter
from vividverse_desktop.core.pipeline.cards import Card, Motion
from vividverse_desktop.core.pipeline.ffmpeg_args import (
    X264,
    Argv,
    clip_output_args,
    global_args,
    input_path,
)


def card_argv(card: Card, output: Path, x264: X264 | None = None) -> Argv:
    """FFmpeg arguments that render ``card`` to an H.264 MP4 (video only) at ``output``.

    The output has exactly ``card.frames`` frames of ``card.fmt`` in yuv420p with
    SAR 1; the container is forced to MP4 so ``output`` may end in ``.part``.
    """
    return cards_argv([card], output, x264)


def cards_argv(cards: Sequence[Card], output: Path, x264: X264 | None = None) -> Argv:
    """FFmpeg arguments that render several cards back to back into one clip.

    One process and one encode for a whole scene of card shots: the cheapest way to
    a scene clip. All cards must share one format; the clip has exactly the sum of
    their frames.
    """
    if not cards:
        raise ValueError("a clip needs at least one card")
    fmt = cards[0].fmt
    if any(card.fmt != fmt for card in cards):
        raise ValueError("all cards of one clip must share a video format")
    if len(cards) == 1:
        graph = card_filter(cards[0])
    else:
        chains = [card_filter(card, f"c{n}") for n, card in enumerate(cards)]
        labels = "".join(f"[c{n}]" for n in range(len(cards)))
        graph = ";".join([*chains, f"{labels}concat=n={len(cards)}:v=1:a=0[v]"])
    return (
        *global_args(),
        *clip_output_args(graph, fmt, sum(card.frames for card in cards), output, x264),
    )


@dataclass(frozen=True, slots=True)
class CardPieces:
    """How a card is encoded once and repeated by stream copy (x264 without B-frames).

    A held card is encoded as up to three pieces, each opening on a keyframe: its
    ``rise`` (a fade from black or a dissolve), one ``held`` group of pictures
    repeated to fill ``middle`` frames, and its ``fall`` to black. A moving card is
    one piece of all its frames.
    """

    rise: int
    held: int
    fall: int
    middle: int

    @property
    def rendered(self) -> int:
        """Frames encoded for the card."""
        return self.rise + self.held + self.fall

    def entries(self) -> list[tuple[int, int]]:
        """The card's frames as (piece, frames kept) in order; pieces count from 0."""
        out: list[tuple[int, int]] = []
        piece = 0
        if self.rise:
            out.append((piece, self.rise))
            piece += 1
        if self.held:
            whole, rest = divmod(self.middle, self.held)
            out += [(piece, self.held)] * whole + ([(piece, rest)] if rest else [])
            piece += 1
        if self.fall:
            out.append((piece, self.fall))
        return out

    def sizes(self) -> list[int]:
        """Frames of each encoded piece, in order."""
        return [n for n in (self.rise, self.held, self.fall) if n]


def card_pieces(card: Card, group: int) -> CardPieces:
    """The pieces of ``card`` for groups of pictures of ``group`` frames (the keyframe interval).

    Fades and dissolves last their card's ``fade_in`` / ``fade_out`` frames; the
    held group is at most ``group`` frames, so the film keeps a keyframe at least
    that often.
    """
    if card.motion is not Motion.NONE:
        return CardPieces(0, card.frames, 0, card.frames)
    fall = min(card.fade_out, card.frames)
    rise = min(card.fade_in, card.frames - fall)
    middle = card.frames - rise - fall
    return CardPieces(rise, min(group, middle), fall, middle)


def piece_starts(cards: Sequence[Card]) -> list[int]:
    """The first frame of every piece of the cards, encoded back to back."""
    group = cards[0].fmt.keyframe_interval if cards else 1
    starts, at = [], 0
    for card in cards:
        for size in card_pieces(card, group).sizes():
            starts.append(at)
            at += size
    return starts


def pieces_argv(cards: Sequence[Card], output: Path, x264: X264 | None = None) -> Argv:
    """FFmpeg arguments encoding every card's pieces in one run, as one Annex B H.264 stream.

    Each piece opens on a forced keyframe (parameter sets repeat before every
    keyframe), so any piece's bytes decode on their own and a byte range list can
    repeat or cut them by stream copy. x264 runs on one thread: the encode is a few
    frames per card and scenes render in parallel, so frame threads would only add
    their start-up and hand-over work.
    """
    if not cards:
        raise ValueError("a clip needs at least one card")
    fmt = cards[0].fmt
    encoder = x264 or X264()
    group = fmt.keyframe_interval
    chains, frames = [], 0
    for n, card in enumerate(cards):
        pieces = card_pieces(card, group)
        shaped = replace(card, fade_in=pieces.rise, fade_out=pieces.fall)
        chains.append(card_filter(shaped, f"c{n}", frames=pieces.rendered))
        frames += pieces.rendered
    labels = "".join(f"[c{n}]" for n in range(len(cards)))
    graph = ";".join([*chains, f"{labels}concat=n={len(cards)}:v=1:a=0[v]"])
    keys = "+".join(f"eq(n,{k})" for k in piece_starts(cards))
    return (
        *global_args(),
        "-filter_complex", graph, "-map", "[v]", "-frames:v", str(frames), "-r", fmt.rate,
        *encoder.args(fmt)[:-2], "-threads", "1", "-force_key_frames", f"expr:{keys}",
        "-an", "-f", "h264", input_path(output),
    )  # fmt: skip
