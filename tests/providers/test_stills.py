"""An image provider as a video provider: one still per shot, kept, encoded into the clip."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import replace
from fractions import Fraction
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import keyring
import pytest

from tests.sync.memory_keyring import MemoryKeyring
from vividverse_desktop.core.cancel import CancelToken
from vividverse_desktop.core.pipeline.cards import Light, Motion
from vividverse_desktop.core.pipeline.ffmpeg_args import VideoFormat
from vividverse_desktop.core.pipeline.plan import PlanScene, Shot, Transition
from vividverse_desktop.core.pipeline.stills import Still
from vividverse_desktop.media.ffmpeg import FFmpeg
from vividverse_desktop.media.probe import count_frames, probe
from vividverse_desktop.providers.cloud.openai_images import OpenAIImages
from vividverse_desktop.providers.contract import (
    ClipRequest,
    ImageRequest,
    Modality,
    PollResult,
    ProviderError,
    Request,
    Ticket,
    VoiceRequest,
    fetch,
)
from vividverse_desktop.providers.keys import missing_keys
from vividverse_desktop.providers.registry import GROUP, ChoiceError, Registry, load_registry
from vividverse_desktop.providers.stills import STILLS_FOLDER, StillsVideo, faded
from vividverse_desktop.providers.storyboard import StoryboardCards

SMALL = VideoFormat(160, 90, Fraction(12))
PRICE = 0.04


@pytest.fixture(scope="module")
def png(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A 96x64 test picture as PNG bytes."""
    path = tmp_path_factory.mktemp("png") / "p.png"
    FFmpeg().run(("-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                  "testsrc=s=96x64", "-frames:v", "1", str(path)), timeout=30)  # fmt: skip
    return path.read_bytes()


class Painter:
    """A local image provider that paints one PNG per request and remembers every prompt."""

    name = "painter"
    modality = Modality.IMAGE
    version = "3"

    def __init__(self, png: bytes, style: str = "oil") -> None:
        self.png, self.style = png, style
        self.prompts: list[str] = []
        self.refuse: set[str] = set()
        self.delay = 0.0
        self.lock = threading.Lock()

    def settings(self) -> Mapping[str, Any]:
        return {"style": self.style}

    def cost(self, request: Request) -> float:
        assert isinstance(request, ImageRequest)
        return PRICE

    def submit(self, request: Request, scratch: Path) -> Ticket:
        assert isinstance(request, ImageRequest)
        with self.lock:
            self.prompts.append(request.prompt)
            number = len(self.prompts)  # taken under the lock: concurrent submits differ
        time.sleep(self.delay)
        if request.prompt in self.refuse:
            raise ProviderError(f"painter refused {request.prompt!r}")
        stored = scratch / f"painted-{number}.png"
        stored.write_bytes(self.png)
        return Ticket(str(number), request, scratch, {"stored": stored})

    def poll(self, ticket: Ticket) -> PollResult:
        return PollResult(done=True)

    def download(self, ticket: Ticket, part: Path, cancel: CancelToken | None) -> None:
        shutil.move(ticket.data["stored"], part)

    def verify(self, path: Path, request: Request) -> float:
        return 0.0


def _scene(*shots: Shot) -> PlanScene:
    return PlanScene("1", "INT. LAMP ROOM - NIGHT", "LAMP ROOM", "NIGHT", False, Light.NIGHT,
                     4.0, ("ELIAS",), shots, ())  # fmt: skip


def _clip(frames: tuple[int, ...], *shots: Shot) -> ClipRequest:
    return ClipRequest(_scene(*shots), SMALL, frames)


WIDE = Shot("The lamp turns.", "wide shot; a lamp room at night", 2.0)
CLOSE = Shot("Elias winds the clock.", "close-up; Elias winds the clock", 2.0, Motion.PUSH_IN)
PAN = Shot("The sea below.", "the sea below the gallery", 1.0, Motion.PAN_LEFT)


def test_name_version_and_settings_carry_the_image_provider(png: bytes) -> None:
    """stills:painter, the painter's version in its own, the painter's settings in its own."""
    oil, ink = StillsVideo(Painter(png)), StillsVideo(Painter(png, style="ink"))
    assert oil.name == "stills:painter"
    assert oil.modality is Modality.VIDEO
    assert "painter-3" in oil.version
    assert oil.settings()["images"] == {"name": "painter", "version": "3",
                                        "settings": {"style": "oil"}}  # fmt: skip
    assert oil.settings() != ink.settings()


def test_only_image_providers_can_be_wrapped() -> None:
    """Wrapping the storyboard (a video provider) is refused."""
    with pytest.raises(ValueError, match="not image"):
        StillsVideo(StoryboardCards())


def test_cost_is_what_the_distinct_stills_cost(png: bytes) -> None:
    """Two shots of one prompt share a still; a shot of zero frames needs none: 2 stills."""
    clip = _clip((10, 10, 0, 5), WIDE, replace(WIDE, action="again"), PAN, CLOSE)
    assert StillsVideo(Painter(png)).cost(clip) == pytest.approx(2 * PRICE)


def test_a_clip_is_one_still_per_shot_at_the_exact_frames(tmp_path: Path, png: bytes) -> None:
    """Three shots, three stills asked in shot order; the clip is 160x90 H.264 of 7+11+5 frames."""
    painter = Painter(png)
    clip = _clip((7, 11, 5), WIDE, CLOSE, PAN)
    asset = fetch(StillsVideo(painter), clip, tmp_path / "clip.mp4", scratch=tmp_path / "s")
    assert painter.prompts == [WIDE.prompt, CLOSE.prompt, PAN.prompt]
    assert count_frames(asset.path) == 23
    (video,) = probe(asset.path).video
    assert (video.codec, video.width, video.height, video.sar) == ("h264", 160, 90, (1, 1))
    assert asset.cost == pytest.approx(3 * PRICE)
    assert asset.seconds == pytest.approx(23 / 12)


def test_each_still_is_kept_and_the_same_clip_again_asks_for_none(
    tmp_path: Path, png: bytes
) -> None:
    """The stills stay in scratch/stills; rendering the clip again makes no image request."""
    painter = Painter(png)
    video = StillsVideo(painter)
    clip = _clip((7, 11), WIDE, CLOSE)
    fetch(video, clip, tmp_path / "a.mp4", scratch=tmp_path / "s")
    fetch(video, clip, tmp_path / "b.mp4", scratch=tmp_path / "s")
    assert len(painter.prompts) == 2
    assert len(list((tmp_path / "s" / STILLS_FOLDER).glob("still-*"))) == 2


def test_after_a_failed_still_a_retry_pays_only_for_the_missing_one(
    tmp_path: Path, png: bytes
) -> None:
    """Shot 2 refused: no clip; once it is allowed, shot 1's still is reused, shot 2's fetched."""
    painter = Painter(png)
    painter.refuse.add(CLOSE.prompt)
    clip = _clip((7, 11), WIDE, CLOSE)
    with pytest.raises(ProviderError, match="painter refused"):
        fetch(StillsVideo(painter), clip, tmp_path / "clip.mp4", scratch=tmp_path / "s")
    assert not (tmp_path / "clip.mp4").exists()
    painter.refuse.clear()
    fetch(StillsVideo(painter), clip, tmp_path / "clip.mp4", scratch=tmp_path / "s")
    assert painter.prompts == [WIDE.prompt, CLOSE.prompt, CLOSE.prompt]


def test_two_clips_wanting_one_still_at_once_fetch_it_once(tmp_path: Path, png: bytes) -> None:
    """Two scenes rendering at the same time with a shared prompt ask for that still once."""
    painter = Painter(png)
    painter.delay = 0.05  # a slow service: the second scene arrives while the first waits
    video = StillsVideo(painter)
    clips = [_clip((4, 4), WIDE, CLOSE), _clip((5, 3), WIDE, PAN)]
    start = threading.Barrier(2)

    def render(n: int) -> None:
        start.wait()
        fetch(video, clips[n], tmp_path / f"{n}.mp4", scratch=tmp_path / "s")

    threads = [threading.Thread(target=render, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(painter.prompts) == sorted([WIDE.prompt, CLOSE.prompt, PAN.prompt])
    assert count_frames(tmp_path / "0.mp4") == 8


def test_another_image_provider_setting_makes_new_stills(tmp_path: Path, png: bytes) -> None:
    """A kept oil still is not used for ink: the still's name hashes the provider's settings."""
    clip = _clip((7,), WIDE)
    fetch(StillsVideo(Painter(png)), clip, tmp_path / "a.mp4", scratch=tmp_path / "s")
    ink = Painter(png, style="ink")
    fetch(StillsVideo(ink), clip, tmp_path / "b.mp4", scratch=tmp_path / "s")
    assert ink.prompts == [WIDE.prompt]


def test_an_empty_prompt_falls_back_to_the_action(tmp_path: Path, png: bytes) -> None:
    """A shot whose prompt was edited away asks for its action."""
    painter = Painter(png)
    fetch(StillsVideo(painter), _clip((3,), replace(WIDE, prompt=" ")), tmp_path / "c.mp4",
          scratch=tmp_path / "s")  # fmt: skip
    assert painter.prompts == [WIDE.action]


def test_only_scene_clips_are_made(tmp_path: Path, png: bytes) -> None:
    """A voice request is a ProviderError naming the provider."""
    with pytest.raises(ProviderError, match="stills:painter makes scene clips"):
        StillsVideo(Painter(png)).submit(VoiceRequest("Hi.", "ELIAS", "v"), tmp_path)


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    """An empty in-memory keyring and no OpenAI images key in the environment."""
    monkeypatch.delenv("VIVIDVERSE_OPENAI_IMAGES_API_KEY", raising=False)
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.mark.usefixtures("memory_keyring")
def test_a_missing_key_is_named_after_the_image_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stills from OpenAI without a key miss openai-images' key; with it set, nothing."""
    video = StillsVideo(OpenAIImages())
    assert missing_keys([video]) == ["openai-images"]
    monkeypatch.setenv("VIVIDVERSE_OPENAI_IMAGES_API_KEY", "sk-test")
    assert missing_keys([video]) == []


REGISTERED = {
    "openai-images": "vividverse_desktop.providers.cloud.openai_images:OpenAIImages",
    "luma": "vividverse_desktop.providers.cloud.luma:LumaVideo",
    "openai-tts": "vividverse_desktop.providers.cloud.openai_speech:OpenAISpeech",
}


@pytest.fixture
def registry() -> Registry:
    """The built-ins plus one image, one video and one voice cloud provider."""
    return load_registry([EntryPoint(n, t, GROUP) for n, t in REGISTERED.items()])


def test_an_image_provider_makes_clips_as_stills(registry: Registry) -> None:
    """clip() wraps openai-images; video providers come back as they are."""
    wrapped = registry.clip("openai-images")
    assert isinstance(wrapped, StillsVideo)
    assert wrapped.name == "stills:openai-images"
    assert registry.clip("luma") is registry.get("luma")
    with pytest.raises(ChoiceError, match="espeak is a voice provider"):
        registry.clip("espeak")


def test_names_are_placed_by_what_they_make(registry: Registry) -> None:
    """Image and video names go to the clips, voice names to the voice; repeats count once."""
    placed = registry.place(["openai-tts", "openai-images", "openai-tts"])
    assert placed == {Modality.VIDEO: "openai-images", Modality.VOICE: "openai-tts"}


def test_unknown_and_conflicting_names_are_refused(registry: Registry) -> None:
    """An unknown name lists what is available; two clip makers conflict."""
    with pytest.raises(ChoiceError, match=r"unknown provider 'dall-e'.*image: openai-images"):
        registry.place(["dall-e"])
    with pytest.raises(ChoiceError, match="luma and openai-images would both make"):
        registry.place(["luma", "openai-images"])


def test_stills_fade_in_and_out_as_the_scene_says() -> None:
    """A scene opening on a fade (or a dissolve) rises from black; one ending on a fade falls."""
    scene = replace(_scene(Shot("a", "a", 1.0), Shot("b", "b", 1.0)),
                    transition_in=Transition.DISSOLVE, transition_out=Transition.FADE)  # fmt: skip
    stills = [Still(Path("/j/a.img"), 20), Still(Path("/j/b.img"), 4)]
    first, last = faded(stills, ClipRequest(scene, SMALL, (20, 4)))
    assert (first.fade_in, first.fade_out, last.fade_in, last.fade_out) == (6, 0, 0, 4)
    cut = replace(scene, transition_in=Transition.CUT, transition_out=Transition.CUT)
    plain = faded([Still(Path("/j/a.img"), 20)], ClipRequest(cut, SMALL, (20,)))
    assert (plain[0].fade_in, plain[0].fade_out) == (0, 0)
