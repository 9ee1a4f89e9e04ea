"""The keyless video provider: a storyboard-card animatic, one card per shot, via FFmpeg.

Each shot of a scene becomes a designed card (see ``core.pipeline.cards``): an
establishing card of the place in its INT/EXT and light, an action card, or a
speech card with everyone present as figures in their own marks (a shape and a
colour each, see ``core.pipeline.marks``) and a lower third naming the speaker
with the line. A scene opens with a fade from black or a dissolve from the
previous scene's last card and ends with a fade to black when the plan says so.

With x264 ``ultrafast`` (no B-frames) each card is encoded once as at most three
short pieces (its fade or dissolve, one held group of pictures, its fade out) into
one raw H.264 stream in a single FFmpeg run; a second run copies the clip together
from byte ranges of that stream, repeating the held piece: x264 encodes about half
a second per card instead of the whole hold, and the clip still has exactly the
requested frames with a keyframe every half second. Other presets encode every
frame in one run.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from vividverse_desktop.core.cancel import CancelToken
from vividverse_desktop.core.pipeline.card_clips import (
    card_pieces,
    cards_argv,
    piece_starts,
    pieces_argv,
)
from vividverse_desktop.core.pipeline.cards import (
    Card,
    CardFiles,
    CardFonts,
    CardLook,
    ShotKind,
    card_look,
    card_text,
)
from vividverse_desktop.core.pipeline.ffmpeg_args import VideoFormat
from vividverse_desktop.core.pipeline.plan import PlanScene, Shot, Transition
from vividverse_desktop.core.pipeline.stitch import (
    access_units,
    byte_range_clip_argv,
    byte_slice_list,
)
from vividverse_desktop.core.screenplay.heading import SceneHeading, parse_heading
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


def _expect_clip(request: Request) -> ClipRequest:
    if not isinstance(request, ClipRequest):
        raise ProviderError(f"storyboard cards make scene clips, not {type(request).__name__}")
    return request


class StoryboardCards:
    """Scene clips drawn as storyboard cards with the bundled Courier Prime; costs nothing."""

    name = "storyboard"
    modality = Modality.VIDEO
    version = "3"
    draws_marks = True
    """Each character present is drawn with its mark (a shape and a colour, by its place
    in the request's ``cast``): clip keys hold those marks."""
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
        files = [
            _write_card(scratch / f"card-{digest}-{n}", clip.fmt, scene, shot)
            for n, shot in enumerate(scene.shots)
        ]
        before = None
        if clip.before is not None and clip.before.shots:
            last = clip.before.shots[-1]
            before = _write_card(scratch / f"card-{digest}-before", clip.fmt, clip.before, last)
        return Ticket(digest, clip, scratch, {"files": tuple(files), "before": before})

    def poll(self, ticket: Ticket) -> PollResult:
        """Local work happens in :meth:`download`: always ready."""
        return PollResult(done=True)

    def download(self, ticket: Ticket, part: Path, cancel: CancelToken | None) -> None:
        """Encode the scene's cards into one clip at ``part``."""
        clip = _expect_clip(ticket.request)
        cards = _cards(clip, ticket.data["files"], ticket.data["before"])
        if not cards:
            raise ProviderError("a scene clip needs at least one frame")
        temporary: list[Path] = []
        try:
            if clip.x264.preset == "ultrafast":
                self._pieces(ticket, cards, part, cancel=cancel, temporary=temporary)
            else:
                self._run(cards_argv(cards, part, clip.x264), cancel)
        finally:
            written = [*ticket.data["files"], ticket.data["before"]]
            for files in written:
                if files is not None:
                    temporary += [files.heading, files.action, files.cast]
                    temporary += [p for p in (files.speaker, files.line) if p is not None]
            for path in temporary:
                path.unlink(missing_ok=True)

    def _run(
        self, args: tuple[str, ...], cancel: CancelToken | None, cwd: Path | None = None
    ) -> None:
        try:
            self.ffmpeg.run(args, timeout=self._timeout, cancel=cancel, cwd=cwd)
        except FFmpegCancelled as error:
            raise ProviderCancelled("cancelled") from error
        except FFmpegError as error:
            raise ProviderError(f"FFmpeg could not draw the cards: {error}") from error

    def _pieces(
        self,
        ticket: Ticket,
        cards: list[Card],
        part: Path,
        *,
        cancel: CancelToken | None,
        temporary: list[Path],
    ) -> None:
        """Every card's pieces encoded in one run, then repeated and cut by stream copy."""
        clip = _expect_clip(ticket.request)
        stream = ticket.scratch / f"pieces-{ticket.job_id}.h264"
        listing = ticket.scratch / f"pieces-{ticket.job_id}.txt"
        temporary += [stream, listing]
        self._run(pieces_argv(cards, stream, clip.x264), cancel)
        data = stream.read_bytes()
        offsets = [*access_units(data), len(data)]
        starts = piece_starts(cards)
        group = clip.fmt.keyframe_interval
        slices: list[tuple[str, int, int]] = []
        first = 0
        for card in cards:
            pieces = card_pieces(card, group)
            for k, frames in pieces.entries():
                begin = starts[first + k]
                slices.append((stream.name, offsets[begin], offsets[begin + frames]))
            first += len(pieces.sizes())
        listing.write_text(byte_slice_list(slices), encoding="utf-8")
        args = byte_range_clip_argv(listing, part.resolve(), clip.fmt.fps, clip.fmt.timescale)
        self._run(args, cancel, cwd=ticket.scratch)

    def verify(self, path: Path, request: Request) -> float:
        """Probe the clip: one H.264 video stream of the requested size."""
        return verify_clip(path, _expect_clip(request), self.ffmpeg)


_PLACES = {"INT/EXT": "INTERIOR / EXTERIOR", "EST": "ESTABLISHING"}


def _write_card(stem: Path, fmt: VideoFormat, scene: PlanScene, shot: Shot) -> CardFiles:
    """Write one shot's card texts next to ``stem``; the files drawtext reads."""
    heading = scene.heading
    action = shot.action
    if shot.kind is ShotKind.ESTABLISHING:
        heading = scene.location or scene.heading
        prefix = parse_heading(scene.heading).prefix
        place = _PLACES.get(prefix, "EXTERIOR" if scene.exterior else "INTERIOR")
        action = " · ".join(w for w in (place, scene.time_of_day.upper()) if w)
    text = card_text(fmt, heading, action, scene.characters, kind=shot.kind,
                     speaker=shot.speaker, line=shot.line)  # fmt: skip
    speech = shot.kind is ShotKind.SPEECH
    paths = CardFiles(
        stem.with_suffix(".heading.txt"),
        stem.with_suffix(".action.txt"),
        stem.with_suffix(".cast.txt"),
        stem.with_suffix(".speaker.txt") if speech else None,
        stem.with_suffix(".line.txt") if speech else None,
    )
    paths.heading.write_text(text.heading, encoding="utf-8")
    paths.action.write_text(text.action, encoding="utf-8")
    paths.cast.write_text(text.cast, encoding="utf-8")
    if paths.speaker is not None and paths.line is not None:
        paths.speaker.write_text(text.speaker, encoding="utf-8")
        paths.line.write_text(text.line, encoding="utf-8")
    return paths


def _card(clip: ClipRequest, scene: PlanScene, shot: Shot, files: CardFiles, frames: int) -> Card:
    text = card_text(clip.fmt, scene.heading, "", scene.characters, kind=shot.kind,
                     speaker=shot.speaker, line=shot.line, cast=clip.cast)  # fmt: skip
    if shot.kind is ShotKind.ESTABLISHING:
        text = card_text(clip.fmt, scene.location or scene.heading, "", (), kind=shot.kind)
    return Card(_look(scene), files, clip.fmt, frames, CardFonts.bundled(), shot.motion, text,
                light=scene.light, exterior=scene.exterior)  # fmt: skip


def _cards(clip: ClipRequest, files: tuple[CardFiles, ...], before: CardFiles | None) -> list[Card]:
    """The scene's cards with frames, the first rising and the last falling as planned."""
    scene = clip.scene
    cards = [
        _card(clip, scene, shot, paths, frames)
        for shot, paths, frames in zip(scene.shots, files, clip.shot_frames, strict=True)
        if frames > 0
    ]
    if not cards:
        return cards
    group = clip.fmt.keyframe_interval  # half a second
    fall = min(group, cards[-1].frames) if scene.transition_out is Transition.FADE else 0
    cards[-1] = replace(cards[-1], fade_out=fall)
    rising = scene.transition_in in (Transition.FADE, Transition.DISSOLVE)
    rise = min(group, cards[0].frames - cards[0].fade_out) if rising else 0
    source = None
    if scene.transition_in is Transition.DISSOLVE and clip.before is not None and before:
        last = clip.before.shots[-1]
        source = _card(clip, clip.before, last, before, max(1, rise))
    cards[0] = replace(cards[0], fade_in=rise, dissolve_from=source)
    return cards


def _look(scene: PlanScene) -> CardLook:
    """The card colours for the plan's (editable) INT/EXT and light."""
    # The light names are time-of-day words card_look reads back as that light.
    heading = SceneHeading("EXT" if scene.exterior else "INT", "", scene.light.value.upper())
    return card_look(heading)
