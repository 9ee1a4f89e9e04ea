"""One scene's assets: its voice lines, its audio (the lines placed in silence) and its clip.

:func:`scene_keys` says what a scene needs and under which keys, without making
anything, so an estimate and a re-render see exactly what a render would make.
:class:`SceneWork` gets or makes those assets through the :class:`Workshop`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from vividverse_desktop.core.pipeline.ffmpeg_args import AUDIO_RATE
from vividverse_desktop.core.pipeline.loudness import loudness_argv, parse_loudness
from vividverse_desktop.core.pipeline.marks import cast_order, marks_for
from vividverse_desktop.core.pipeline.mux import (
    SceneSlot,
    VoiceCue,
    scene_audio_argv,
    scene_samples,
    seconds_to_samples,
)
from vividverse_desktop.core.pipeline.plan import Plan, PlanScene, Transition, scene_cast
from vividverse_desktop.core.pipeline.plan_json import scene_to_json
from vividverse_desktop.core.pipeline.stitch import concat_list
from vividverse_desktop.providers.contract import (
    ClipRequest,
    Provider,
    VoiceProvider,
    VoiceRequest,
    part_path,
)
from vividverse_desktop.render.assets import Made, Where, Workshop
from vividverse_desktop.render.events import RenderError, SceneState
from vividverse_desktop.render.jobdb import AssetRow, JobDB, asset_key
from vividverse_desktop.render.settings import (
    ENGINE_VERSION,
    RenderSettings,
    clip_frames,
    shot_frames,
)


@dataclass(frozen=True, slots=True)
class SceneOutput:
    """What one scene contributes to the film."""

    index: int
    slot: SceneSlot
    clip: AssetRow | None
    audio: AssetRow | None
    line_seconds: tuple[float, ...]
    cost: float = 0.0


@dataclass(frozen=True, slots=True)
class SceneKeys:
    """A scene's assets as keys and requests: its lines, its audio, its clip (None: no frame)."""

    lines: tuple[tuple[str, VoiceRequest, int], ...]
    audio: str
    samples: int
    clip: tuple[str, ClipRequest] | None

    def all(self) -> tuple[str, ...]:
        """Every key the scene's own assets are recorded under."""
        clip = (self.clip[0],) if self.clip else ()
        return (*(key for key, _, _ in self.lines), self.audio, *clip)


def cast(plan: Plan, voice: VoiceProvider) -> dict[str, str]:
    """The voice provider's voice for every speaker of ``plan``."""
    speakers = tuple(dict.fromkeys(line.speaker for s in plan.scenes for line in s.lines))
    return voice.cast(speakers) if speakers else {}


def provider_facts(provider: Provider) -> list[object]:
    """What of a provider goes into its assets' keys."""
    return [provider.name, provider.version, dict(provider.settings())]


def scene_keys(
    scene: PlanScene,
    slot: SceneSlot,
    *,
    video: Provider,
    voice: VoiceProvider,
    voices: dict[str, str],
    settings: RenderSettings,
    before: PlanScene | None = None,
    cast: tuple[str, ...] = (),
) -> SceneKeys:
    """The keys (and requests) of everything ``scene`` needs, in a film slot ``slot``.

    ``before`` is the scene before it in the film: a scene opening on a dissolve
    starts on that scene's last shot, so its clip key holds that shot and look too.
    ``cast`` is the film's (``plan.film_cast``): when the video provider draws
    characters' marks, the clip key holds the marks of the characters it shows.
    """
    lines = []
    for line in scene.lines:
        request = VoiceRequest(line.text, line.speaker, voices[line.speaker])
        key = asset_key("voice", {
            "provider": provider_facts(voice),
            "text": " ".join(line.text.split()), "voice": request.voice,
        })  # fmt: skip
        lines.append((key, request, seconds_to_samples(line.start)))
    samples = scene_samples(scene.duration, settings.fmt)
    audio = asset_key("scene_audio", {
        "cues": [[key, start] for key, _, start in lines],
        "samples": samples, "rate": AUDIO_RATE, "engine": ENGINE_VERSION,
    })  # fmt: skip
    clip = None
    if slot.frames > 0:
        frames = shot_frames(scene, clip_frames(scene, slot, settings))
        picture = scene_to_json(scene)
        del picture["id"], picture["lines"]
        source = before if scene.transition_in is Transition.DISSOLVE and before else None
        if source is not None and source.shots:
            last = scene_to_json(replace(source, shots=source.shots[-1:]))
            picture["dissolve_from"] = {k: last[k] for k in _LOOK_KEYS}
            drawn = last["shots"][0]
            picture["dissolve_from"]["shot"] = {k: drawn[k] for k in _DRAWN_KEYS}
        if getattr(video, "draws_marks", False):
            picture["marks"] = _drawn_marks(scene, source, cast)
        key = asset_key("clip", {
            "provider": provider_facts(video),
            "scene": picture, "frames": list(frames),
            "format": [settings.fmt.width, settings.fmt.height, settings.fmt.rate],
            "x264": [settings.x264.preset, settings.x264.crf, settings.x264.params],
            "engine": ENGINE_VERSION,
        })  # fmt: skip
        clip = (key, ClipRequest(scene, settings.fmt, frames, settings.x264, source, cast))
    return SceneKeys(tuple(lines), audio, samples, clip)


def _drawn_marks(
    scene: PlanScene, before: PlanScene | None, cast: tuple[str, ...]
) -> list[list[str]]:
    """Name, shape and colour of every character a clip may show (``before``'s last shot too)."""
    names = cast_order((*scene_cast(scene), *(scene_cast(before) if before else ())))
    marks = marks_for(names, cast)
    return [[name, m.shape.value, m.colour] for name, m in zip(names, marks, strict=True)]


_LOOK_KEYS = ("heading", "location", "time_of_day", "exterior", "light", "characters")
_DRAWN_KEYS = ("kind", "action", "speaker", "line")
"""What of the scene before (and its last shot) decides the picture a dissolve starts from."""


def is_cached(db: JobDB, keys: SceneKeys) -> bool:
    """Whether the scene's audio and clip are both recorded (its lines then need no making)."""
    needed = [keys.audio] + ([keys.clip[0]] if keys.clip else [])
    return all(db.get(key) is not None for key in needed)


class SceneWork:
    """The per-scene steps, shared by the worker threads."""

    def __init__(
        self,
        shop: Workshop,
        *,
        video: Provider,
        voice: VoiceProvider,
        voices: dict[str, str],
        settings: RenderSettings,
        cast: tuple[str, ...] = (),
    ) -> None:
        self.shop, self.video, self.voice = shop, video, voice
        self.voices, self.settings, self.cast = voices, settings, cast

    def keys(self, scene: PlanScene, slot: SceneSlot, before: PlanScene | None = None) -> SceneKeys:
        """The scene's keys with this render's providers, voices and settings."""
        return scene_keys(
            scene, slot, video=self.video, voice=self.voice, voices=self.voices,
            settings=self.settings, before=before, cast=self.cast,
        )  # fmt: skip

    def scene(
        self, index: int, scene: PlanScene, slot: SceneSlot, before: PlanScene | None = None
    ) -> SceneOutput:
        """Voice lines, scene audio and scene clip of one scene (each reused if recorded).

        ``before`` is the scene before it in the film (a dissolve starts from it).
        """
        report = self.shop.report
        keys = self.keys(scene, slot, before)
        if is_cached(self.shop.db, keys):
            report.scene(index, SceneState.CACHED)
        try:
            output = self._scene(index, scene, slot, keys)
        except RenderError as error:
            report.scene(index, SceneState.FAILED, asset=error.asset, provider=error.provider,
                         cause=error.cause)  # fmt: skip
            raise
        report.scene(index, SceneState.DONE)
        return output

    def _scene(self, index: int, scene: PlanScene, slot: SceneSlot, keys: SceneKeys) -> SceneOutput:
        lines: list[tuple[AssetRow, int]] = []
        for n, (key, request, start) in enumerate(keys.lines):
            self.shop.check()
            where = Where(index, scene.id, f"voice line {n + 1} ({request.speaker})")
            row = self.shop.provided(key, where, kind="voice", provider=self.voice,
                                     request=request, name=f"voice-{key[:24]}.wav")  # fmt: skip
            lines.append((row, start))
        audio = self.scene_audio(index, scene, keys, lines)
        self.shop.check()
        clip = None
        if keys.clip is not None:
            clip_key, clip_request = keys.clip
            clip = self.shop.provided(clip_key, Where(index, scene.id, "scene clip"), kind="clip",
                                      provider=self.video, request=clip_request,
                                      name=f"clip-{clip_key[:24]}.mp4")  # fmt: skip
        cost = sum(row.cost for row, _ in lines) + (clip.cost if clip is not None else 0.0)
        seconds = tuple(row.seconds for row, _ in lines)
        return SceneOutput(index, slot, clip, audio, seconds, cost)

    def scene_audio(
        self, index: int, scene: PlanScene, keys: SceneKeys, lines: list[tuple[AssetRow, int]]
    ) -> AssetRow:
        """The scene's lines placed in silence, as long as its longest possible slot.

        Keyed by the scene alone (never by its place in the film), so a scene that
        only moves keeps its audio; the join of the film's track cuts it to its slot.
        """
        shop = self.shop
        cues = [VoiceCue(shop.job_dir / row.path, start) for row, start in lines]

        def make(path: Path) -> Made:
            shop.encode(path, lambda part: scene_audio_argv(cues, keys.samples, part))
            listing = part_path(path.with_suffix(".txt"))
            try:
                listing.write_text(concat_list([path.name]), encoding="utf-8")
                lufs = parse_loudness(shop.run(loudness_argv(listing)))
            finally:
                listing.unlink(missing_ok=True)
            return Made(seconds=keys.samples / AUDIO_RATE, meta={"lufs": lufs})

        return shop.obtain(keys.audio, Where(index, scene.id, "scene audio"), kind="scene_audio",
                           provider="ffmpeg", name=f"audio-{keys.audio[:24]}.au",
                           make=make)  # fmt: skip
