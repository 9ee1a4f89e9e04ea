"""ElevenLabs text to speech (``POST /v1/text-to-speech/{voice_id}``), kept as WAV.

Auth is the ``xi-api-key`` header; ``output_format=pcm_24000`` answers raw
16-bit mono PCM at 24 kHz. Voices are ElevenLabs' premade voice ids.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

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

PREMADE_VOICES = (
    "21m00Tcm4TlvDq8ikWAM", "pNInz6obpgDQGcFmaJgB", "EXAVITQu4vr4xnSDxMaL",
    "ErXwobaYiN019PkySvjV", "MF3mGyEYCl7XYWbV9V6O", "TxGEqnHWrfWFTfGW9XjX",
    "AZnzlk1XvdvUeBnXmlld", "VR6AewLTigWG4xSOukaG",
)  # fmt: skip
"""Premade voices every account has (Rachel, Adam, Sarah, Antoni, Elli, Josh, Domi, Arnold)."""
PCM_RATE = 24_000


class ElevenLabsSpeech(CloudProvider):
    """Voice lines from ElevenLabs; cost per character (an estimate)."""

    name = "elevenlabs"
    modality = Modality.VOICE
    base_url = "https://api.elevenlabs.io"
    model = "eleven_multilingual_v2"

    def auth_headers(self, key: str) -> dict[str, str]:
        """ElevenLabs takes the key in ``xi-api-key``."""
        return {"xi-api-key": key}

    def settings(self) -> Mapping[str, Any]:
        """The model changes the voice."""
        return {"model_id": self.model}

    def cost(self, request: Request) -> float:
        """Estimated USD: characters times the model's per-character price."""
        line: VoiceRequest = expect(request, VoiceRequest, self.name)
        return len(line.text) * pricing.ELEVENLABS_PER_CHAR.get(self.model, 0.0)

    def cast(self, speakers: tuple[str, ...]) -> dict[str, str]:
        """Premade voices in order, one per speaker (they repeat past eight)."""
        voices = PREMADE_VOICES
        return {who: voices[n % len(voices)] for n, who in enumerate(speakers)}

    def submit(self, request: Request, scratch: Path) -> Ticket:
        """Speak the line (synchronous) and keep it in ``scratch`` as WAV."""
        line: VoiceRequest = expect(request, VoiceRequest, self.name)
        if not line.text.strip():
            raise ProviderError("nothing to speak")
        url = f"{self.url}/v1/text-to-speech/{quote(line.voice, safe='')}"
        body = {"text": line.text, "model_id": self.model}
        answer = self.retried(
            lambda: self.client.call(
                "POST", url, params={"output_format": f"pcm_{PCM_RATE}"}, json=body,
                refusal=policy_refusal,
            ).content
        )  # fmt: skip
        if len(answer) < 2:
            raise ProviderError(f"{self.name} answered no audio")
        return self.store(line, scratch, pcm_to_wav(answer, PCM_RATE), ".wav")

    def poll(self, ticket: Ticket) -> PollResult:
        """Done at once: the API is synchronous."""
        return PollResult(done=True)
