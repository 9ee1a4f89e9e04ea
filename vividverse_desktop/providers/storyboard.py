"""The keyless video provider: a storyboard-card animatic, one card per shot, via FFmpeg.

Each shot of a scene becomes a designed card (heading, a look from INT/EXT and the
light, the shot's action, who is present; see ``core.pipeline.cards``). A scene
of short or moving cards is encoded in one FFmpeg run. A held card is the same
picture for every frame, so a long one is encoded once as a two-second segment
(an IDR frame and skipped P-frames) and that segment is repeated, the last copy
cut short, by stream copy: x264 then encodes ~2 s per card instead of the whole
hold, and the clip still has exactly the requested frames.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from vividverse_desktop.core.cancel import CancelToken
from vividverse_desktop.core.pipeline.cards import (
    Card,
    CardFiles,
    CardFonts,
    CardLook,
    Motion,
    card_argv,
    card_look,
    card_text,
    cards_argv,
)
from vividverse_desktop.core.screenplay.heading import SceneHeading
from vividverse_desktop.media.ffmpeg import FFmpeg, FFmpegCancelled, FFmpegError
from vividverse_desktop.providers.clipcheck import verify_clip
from vividverse_desktop.providers.contract import (
    ClipRequest,
    Modality,
    PollResult,
    ProviderCancelled,
    ProviderError,
    Request,
    Ticket,
)
from vividverse_desktop.providers.cutlist import copy_concat_argv, cut_list

SEGMENT_SECONDS = 2
"""A held card is encoded for this long once, then repeated by stream copy."""


def _expect_clip(request: Request) -> ClipRequest:
    if not isinstance(request, ClipRequest):
        raise ProviderError(f"storyboard cards make scene clips, not {type(request).__name__}")
    return request


class StoryboardCards:
    """Scene clips drawn as storyboard cards with the bundled Courier Prime; costs nothing."""

    name = "storyboard"
    modality = Modality.VIDEO
    version = "1"
    speed = 25.0
    """Seconds of media made per second of one worker (720p cards, ``bench.render``, 2 cores)."""

    def __init__(self, ffmpeg: FFmpeg | None = None, timeout: float = 600.0) -> None:
        self._ffmpeg = ffmpeg
        self._timeout = timeout
        self._lock = threading.Lock()

    @property
    def ffmpeg(self) -> FFmpeg:
        """The FFmpeg used (located on first use)."""
        with self._lock:
            if self._ffmpeg is None:
                self._ffmpeg = FFmpeg()
            return self._ffmpeg

    def settings(self) -> Mapping[str, Any]:
        """Nothing but the font changes the cards: the bundled one."""
        return {"font": "courier-prime"}

    def cost(self, request: Request) -> float:
        """Local rendering is free."""
        return 0.0

    def submit(self, request: Request, scratch: Path) -> Ticket:
        """Write each card's texts to files in ``scratch`` (drawtext reads them from there)."""
        clip = _expect_clip(request)
        scene = clip.scene
        if len(clip.shot_frames) != len(scene.shots):
            raise ProviderError("one frame count per shot is needed")
        # Unique per submit: two identical scenes may render at once in one scratch folder.
        digest = uuid.uuid4().hex[:16]
        files = []
        for n, shot in enumerate(scene.shots):
            text = card_text(clip.fmt, scene.heading, shot.action, scene.characters)
            stem = scratch / f"card-{digest}-{n}"
            paths = CardFiles(
                stem.with_suffix(".heading.txt"),
                stem.with_suffix(".action.txt"),
                stem.with_suffix(".cast.txt"),
            )
            paths.heading.write_text(text.heading, encoding="utf-8")
            paths.action.write_text(text.action, encoding="utf-8")
            paths.cast.write_text(text.cast, encoding="utf-8")
            files.append(paths)
        return Ticket(digest, clip, scratch, {"files": tuple(files)})

    def poll(self, ticket: Ticket) -> PollResult:
        """Local work happens in :meth:`download`: always ready."""
        return PollResult(done=True)

    def download(self, ticket: Ticket, part: Path, cancel: CancelToken | None) -> None:
        """Encode the scene's cards into one clip at ``part``."""
        clip = _expect_clip(ticket.request)
        look = _look(clip)
        fonts = CardFonts.bundled()
        cards = [
            Card(look, files, clip.fmt, frames, fonts, shot.motion)
            for files, frames, shot in zip(
                ticket.data["files"], clip.shot_frames, clip.scene.shots, strict=True
            )
            if frames > 0
        ]
        if not cards:
            raise ProviderError("a scene clip needs at least one frame")
        segment = max(1, round(SEGMENT_SECONDS * clip.fmt.fps))
        temporary: list[Path] = []
        try:
            if _segmentable(cards, clip, segment):
                self._segmented(
                    ticket, cards, part, segment=segment, cancel=cancel, temporary=temporary
                )
            else:
                self._run(cards_argv(cards, part, clip.x264), cancel)
        finally:
            for files in ticket.data["files"]:
                temporary += [files.heading, files.action, files.cast]
            for path in temporary:
                path.unlink(missing_ok=True)

    def _run(self, args: tuple[str, ...], cancel: CancelToken | None) -> None:
        try:
            self.ffmpeg.run(args, timeout=self._timeout, cancel=cancel)
        except FFmpegCancelled as error:
            raise ProviderCancelled("cancelled") from error
        except FFmpegError as error:
            raise ProviderError(f"FFmpeg could not draw the cards: {error}") from error

    def _segmented(
        self,
        ticket: Ticket,
        cards: list[Card],
        part: Path,
        *,
        segment: int,
        cancel: CancelToken | None,
        temporary: list[Path],
    ) -> None:
        """Each held card encoded once as a short segment, repeated by stream copy."""
        clip = _expect_clip(ticket.request)
        entries: list[tuple[str, int]] = []
        for n, card in enumerate(cards):
            frames = min(card.frames, segment)
            path = ticket.scratch / f"seg-{ticket.job_id}-{n}.mp4"
            temporary.append(path)
            self._run(card_argv(replace(card, frames=frames), path, clip.x264), cancel)
            whole, rest = divmod(card.frames, frames)
            entries += [(path.name, frames)] * whole + ([(path.name, rest)] if rest else [])
        listing = ticket.scratch / f"seg-{ticket.job_id}.txt"
        temporary.append(listing)
        listing.write_text(cut_list(entries, clip.fmt.fps), encoding="utf-8")
        self._run(copy_concat_argv(listing, part, clip.fmt.timescale), cancel)

    def verify(self, path: Path, request: Request) -> float:
        """Probe the clip: one H.264 video stream of the requested size."""
        return verify_clip(path, _expect_clip(request), self.ffmpeg)


def _segmentable(cards: list[Card], clip: ClipRequest, segment: int) -> bool:
    """Held cards longer than a segment, encoded without B-frames, can repeat a segment."""
    held = all(card.motion is Motion.NONE for card in cards)
    long = any(card.frames > 2 * segment for card in cards)
    return held and long and clip.x264.preset == "ultrafast"


def _look(clip: ClipRequest) -> CardLook:
    """The card colours for the plan's (editable) INT/EXT and light."""
    scene = clip.scene
    # The light names are time-of-day words card_look reads back as that light.
    heading = SceneHeading("EXT" if scene.exterior else "INT", "", scene.light.value.upper())
    return card_look(heading)
