"""OpenAI text to speech (``POST /v1/audio/speech``), answered as raw PCM and kept as WAV.

The body is ``model``, ``input`` (at most 4,096 characters), ``voice`` and
``response_format``; ``pcm`` answers the audio bytes themselves: 24 kHz, 16-bit
little-endian mono without a header (API reference). Errors are JSON
``{"error": {"message", "type", "code"}}``; a 429 is either a rate limit (retried)
or ``insufficient_quota`` (an empty account, not retried).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from vividverse_desktop.providers.cloud import pricing
from vividverse_desktop.providers.cloud.audio import pcm_to_wav
from vividverse_desktop.providers.cloud.base import CloudProvider, expect
from vividverse_desktop.providers.cloud.http import policy_refusal
from vividverse_desktop.providers.contract import (
    Modality,
    PollResult,
    ProviderError,
    Request,
    Ticket,
    VoiceRequest,
)

VOICES = ("alloy", "ash", "coral", "echo", "fable", "onyx", "nova", "sage", "shimmer")
"""Built-in voices every speech model takes: the API reference's list from before
gpt-4o-mini-tts added ``ballad``, ``verse`` and others, which tts-1 may refuse."""
PCM_RATE = 24_000
INPUT_LIMIT = 4096
"""Characters one request may speak (API reference)."""


class OpenAISpeech(CloudProvider):
    """Voice lines from OpenAI's speech API; cost per character (see :mod:`.pricing`)."""

    name = "openai-tts"
    modality = Modality.VOICE
    base_url = "https://api.openai.com/v1"
    key_check = "/models"
    model = "tts-1"

    def settings(self) -> Mapping[str, Any]:
        """The model changes the voice."""
        return {"model": self.model}

    def cost(self, request: Request) -> float:
        """Estimated USD: characters times the model's per-character price."""
        line: VoiceRequest = expect(request, VoiceRequest, self.name)
        return len(line.text) * pricing.OPENAI_SPEECH_PER_CHAR.get(self.model, 0.0)

    def cast(self, speakers: tuple[str, ...]) -> dict[str, str]:
        """The built-in voices in order, one per speaker (they repeat past nine)."""
        return {who: VOICES[n % len(VOICES)] for n, who in enumerate(speakers)}

    def submit(self, request: Request, scratch: Path) -> Ticket:
        """Speak the line (synchronous) and keep it in ``scratch`` as WAV."""
        line: VoiceRequest = expect(request, VoiceRequest, self.name)
        if not line.text.strip():
            raise ProviderError("nothing to speak")
        if len(line.text) > INPUT_LIMIT:
            raise ProviderError(
                f"{self.name} speaks at most {INPUT_LIMIT} characters a request; this line "
                f"has {len(line.text)}: split it in the script"
            )
        body = {"model": self.model, "input": line.text, "voice": line.voice,
                "response_format": "pcm"}  # fmt: skip
        answer = self.retried(
            lambda: (
                self.client.call(
                    "POST", f"{self.url}/audio/speech", json=body, refusal=policy_refusal
                ).content
            )
        )
        if len(answer) < 2:
            raise ProviderError(f"{self.name} answered no audio")
        return self.store(line, scratch, pcm_to_wav(answer, PCM_RATE), ".wav")

    def poll(self, ticket: Ticket) -> PollResult:
        """Done at once: the API is synchronous."""
        return PollResult(done=True)
