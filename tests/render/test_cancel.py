"""Cancelling a render wakes it wherever it waits: here a voice service's 60 s Retry-After."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from tests.providers.cloud.fake import FakeService, json_reply
from tests.providers.cloud.openai_fake import SPEECH
from tests.render.conftest import SCRIPT, tiny_settings
from vividverse_desktop.core.cancel import CancelToken
from vividverse_desktop.core.pipeline.plan import build_plan
from vividverse_desktop.core.screenplay import parse
from vividverse_desktop.providers.cloud.openai_speech import OpenAISpeech
from vividverse_desktop.providers.storyboard import StoryboardCards
from vividverse_desktop.render.engine import Renderer
from vividverse_desktop.render.events import RenderCancelled

RETRY_AFTER = 60


def test_cancel_during_a_retry_after_stops_the_render_at_once(
    tmp_path: Path,
    fake_openai: FakeService,
    openai_voice: OpenAISpeech,
) -> None:
    """The speech service says 429, Retry-After 60; a cancel 0.2 s later ends the render."""
    busy = json_reply({"error": {"message": "Rate limit reached", "type": "requests"}}, 429,
                      {"Retry-After": str(RETRY_AFTER)})  # fmt: skip
    fake_openai.fail("POST", SPEECH, *[busy] * 10)
    renderer = Renderer(tmp_path / "job", StoryboardCards(), openai_voice, tiny_settings())
    cancel = CancelToken()
    outcome: list[BaseException] = []

    def work() -> None:
        try:
            renderer.render(build_plan(parse(SCRIPT)), tmp_path / "f.mp4", cancel=cancel)
        except BaseException as error:  # handed to the test thread
            outcome.append(error)

    worker = threading.Thread(target=work, daemon=True)
    started = time.monotonic()
    worker.start()
    deadline = started + RETRY_AFTER
    while not fake_openai.calls("POST", SPEECH) and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)
    cancel.cancel("the user pressed Cancel")
    worker.join(RETRY_AFTER)
    assert not worker.is_alive()
    assert [type(e) for e in outcome] == [RenderCancelled]
    assert time.monotonic() - started < RETRY_AFTER / 10
    assert not (tmp_path / "f.mp4").exists()
