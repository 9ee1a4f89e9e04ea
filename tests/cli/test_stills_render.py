"""`render --video openai-images`: a film of stills from OpenAI's image API, and `--providers`.

The film is rendered against the fake of OpenAI's documented protocol
(``tests/providers/cloud/openai_fake.py``) over real HTTP on 127.0.0.1, with the
key in its environment variable, exactly as a user's shell would run it.
"""

from __future__ import annotations

import contextlib
import io
import json
import resource
import time
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import keyring
import pytest

from tests.providers.cloud.fake import FakeService
from tests.providers.cloud.media import make_media
from tests.providers.cloud.openai_fake import IMAGES, serve_openai
from tests.render.conftest import SCRIPT
from tests.sync.memory_keyring import MemoryKeyring
from vividverse_desktop.cli import build_parser, main
from vividverse_desktop.core.pipeline.ffmpeg_args import VideoFormat
from vividverse_desktop.core.pipeline.mux import film_slots
from vividverse_desktop.core.pipeline.plan import Plan
from vividverse_desktop.core.pipeline.plan_json import plan_from_json
from vividverse_desktop.core.resources import resource_path
from vividverse_desktop.media.probe import count_frames, probe
from vividverse_desktop.providers.cloud.openai_images import OpenAIImages
from vividverse_desktop.providers.cloud.pricing import OPENAI_IMAGE
from vividverse_desktop.providers.registry import load_registry
from vividverse_desktop.render.jobdb import JobDB
from vividverse_desktop.render.setup import pair_providers

KEY = "sk-fake-openai"
KEY_VAR = "VIVIDVERSE_OPENAI_IMAGES_API_KEY"
TINY = ["--size", "160x90", "--fps", "12", "--jobs", "2"]
FMT = VideoFormat(160, 90, Fraction(12))
PRICE = OPENAI_IMAGE[("medium", "1536x1024")]  # a 16:9 frame asks the landscape size


def _cli(*argv: str) -> tuple[int, str]:
    """Run the CLI in-process; its exit code and everything it wrote to stderr."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, err.getvalue()


@dataclass
class Rendered:
    """A film rendered from a sample through the fake, and what it took."""

    fake: FakeService
    plan: Plan
    plan_path: Path
    script: Path
    film: Path
    stderr: str
    wall: float
    cpu: float


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rendered]:
    """The Lamplighter sample, scene 1's shot edited to push in, rendered with openai-images."""
    folder = tmp_path_factory.mktemp("stills-film")
    fake = serve_openai(FakeService().start(), make_media(folder), KEY)
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv(KEY_VAR, KEY)
            patch.setattr(OpenAIImages, "base_url", fake.url)
            script = resource_path("samples", "the_lamplighter.fountain")
            plan_path, film = folder / "plan.json", folder / "film.mp4"
            assert _cli("plan", str(script), "-o", str(plan_path))[0] == 0
            data = json.loads(plan_path.read_text(encoding="utf-8"))
            data["scenes"][0]["shots"][0]["motion"] = "push_in"
            plan_path.write_text(json.dumps(data), encoding="utf-8")
            wall, cpu = time.monotonic(), _cpu()
            code, err = _cli("render", str(script), "-o", str(film), "--plan", str(plan_path),
                             "--video", "openai-images", *TINY)  # fmt: skip
            wall, cpu = time.monotonic() - wall, _cpu() - cpu
            assert code == 0, err
            yield Rendered(fake, plan_from_json(data), plan_path, script, film, err, wall, cpu)
    finally:
        keyring.set_keyring(previous)
        fake.stop()


def _cpu() -> float:
    """CPU seconds of this process and its finished children (FFmpeg runs)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _prompts(plan: Plan) -> set[str]:
    return {shot.prompt for scene in plan.scenes for shot in scene.shots}


@pytest.mark.slow
def test_one_image_is_asked_per_distinct_shot_prompt(rendered: Rendered) -> None:
    """Every shot's prompt reached the image API once, with the key, and nothing else did."""
    calls = rendered.fake.calls("POST", IMAGES)
    asked = [call.json()["prompt"] for call in calls]
    assert sorted(asked) == sorted(_prompts(rendered.plan))
    assert {call.headers["authorization"] for call in calls} == {f"Bearer {KEY}"}
    print(f"\n[stills e2e] {len(calls)} images, render {rendered.wall:.2f} s wall, "
          f"{rendered.cpu:.2f} s CPU")  # fmt: skip


@pytest.mark.slow
def test_the_film_plays_with_the_planned_frames_per_scene(rendered: Rendered) -> None:
    """H.264 160x90 with sound; one chapter per scene, cut at the planned frames; exact length."""
    info = probe(rendered.film)
    (video,) = info.video
    assert (video.codec, video.width, video.height, video.sar) == ("h264", 160, 90, (1, 1))
    assert len(info.audio) == 1
    slots = film_slots([scene.duration for scene in rendered.plan.scenes], FMT)
    assert len(info.chapters) == len(slots)
    for chapter, slot in zip(info.chapters, slots, strict=True):
        assert chapter.start == pytest.approx(slot.start_frame / 12, abs=1e-3)
        assert chapter.end == pytest.approx(slot.end_frame / 12, abs=1e-3)
    assert count_frames(rendered.film) == slots[-1].end_frame


@pytest.mark.slow
def test_the_cost_is_the_images_times_their_price(rendered: Rendered) -> None:
    """Recorded clip costs add up to images x $0.063, and the summary says so."""
    images = len(rendered.fake.calls("POST", IMAGES))
    with JobDB(rendered.film.with_name("film.mp4.job")) as db:
        clips = [row for row in db.rows() if row.kind == "clip"]
    assert {row.provider for row in clips} == {"stills:openai-images"}
    assert sum(row.cost for row in clips) == pytest.approx(images * PRICE)
    assert f"cost ${images * PRICE:.2f}" in rendered.stderr.strip().splitlines()[-1]
    assert "providers: clips stills:openai-images, voice espeak" in rendered.stderr


@pytest.mark.slow
def test_a_resumed_render_asks_for_no_image(rendered: Rendered) -> None:
    """--resume reuses every clip: the fake sees no new request, this run costs nothing."""
    before = len(rendered.fake.calls("POST", IMAGES))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(KEY_VAR, KEY)
        patch.setattr(OpenAIImages, "base_url", rendered.fake.url)
        code, err = _cli("render", str(rendered.script), "-o", str(rendered.film), "--plan",
                         str(rendered.plan_path), "--video", "openai-images", "--resume",
                         *TINY)  # fmt: skip
    assert code == 0, err
    assert len(rendered.fake.calls("POST", IMAGES)) == before
    summary = err.strip().splitlines()[-1]
    assert "(this run $0.00)" in summary
    assert "made nothing" in summary


# -- choosing providers --------------------------------------------------------------------


@pytest.fixture
def no_keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """An empty keyring and no OpenAI keys in the environment."""
    monkeypatch.delenv(KEY_VAR, raising=False)
    monkeypatch.delenv("VIVIDVERSE_OPENAI_TTS_API_KEY", raising=False)
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def script(tmp_path: Path) -> Path:
    """A three-scene script on disk."""
    path = tmp_path / "pier.fountain"
    path.write_text(SCRIPT, encoding="utf-8")
    return path


def _chosen(*options: str) -> tuple[str, str]:
    args = build_parser().parse_args(["render", "s.fountain", "-o", "f.mp4", *options])
    video, voice = pair_providers(
        load_registry(), args.providers or (), video=args.video, voice=args.voice
    )
    return video.name, voice.name


@pytest.mark.parametrize(
    ("options", "names"),
    [
        ((), ("storyboard", "espeak")),
        (("--providers", "openai-images,openai-tts"), ("stills:openai-images", "openai-tts")),
        (("--providers", "openai-tts , luma"), ("luma", "openai-tts")),
        (("--providers", "openai-images", "--voice", "openai-tts"),
         ("stills:openai-images", "openai-tts")),
        (("--providers", "espeak,espeak", "--video", "stability"), ("stills:stability", "espeak")),
        (("--providers", "flux", "--providers", "espeak"), ("stills:flux", "espeak")),
    ],
)  # fmt: skip
def test_providers_are_placed_by_what_they_make(
    options: tuple[str, ...], names: tuple[str, str]
) -> None:
    """Image and video names make the clips (images as stills), voice names the voices."""
    assert _chosen(*options) == names


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (("--providers", "storyboard,midjourney"), "unknown provider 'midjourney'"),
        (("--video", "midjourney"), "unknown provider 'midjourney'"),
        (("--providers", "luma,openai-images"),
         "conflicting providers: luma and openai-images would both make the scene clips"),
        (("--providers", "openai-tts", "--voice", "espeak"),
         "conflicting providers: openai-tts and espeak would both speak the lines"),
        (("--video", "espeak"), "--video espeak: a voice provider, not a video or image provider"),
        (("--voice", "luma"), "--voice luma: a video provider, not a voice provider"),
    ],
)  # fmt: skip
def test_unknown_misplaced_or_conflicting_names_are_usage_errors(
    script: Path, tmp_path: Path, options: tuple[str, ...], said: str
) -> None:
    """Exit 2, one line saying what is wrong and which providers there are; nothing made."""
    film = tmp_path / "film.mp4"
    code, err = _cli("render", str(script), "-o", str(film), *options, *TINY)
    assert code == 2
    assert said in err
    assert "available: video: " in err
    assert "openai-images" in err.split("available:")[1]
    assert err.count("\n") == 1
    assert not film.exists()


@pytest.mark.usefixtures("no_keys")
def test_an_image_provider_without_its_key_stops_the_render(script: Path, tmp_path: Path) -> None:
    """--providers openai-images with no key: exit 1 naming openai-images' key, nothing made."""
    film = tmp_path / "film.mp4"
    code, err = _cli("render", str(script), "-o", str(film), "--providers", "openai-images",
                     *TINY)  # fmt: skip
    assert code == 1
    assert "openai-images needs an API key" in err
    assert KEY_VAR in err
    assert not film.exists()
    assert not (tmp_path / "film.mp4.job").exists()


def test_help_tells_of_providers_and_image_providers(capsys: pytest.CaptureFixture[str]) -> None:
    """`render --help` documents --providers and that an image provider makes stills."""
    with pytest.raises(SystemExit):
        main(["render", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--providers NAME[,NAME...]" in text
    assert "an image provider (one still per shot)" in text
