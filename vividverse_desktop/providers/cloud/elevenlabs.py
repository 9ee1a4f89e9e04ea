"""ElevenLabs text to speech (``POST /v1/text-to-speech/{voice_id}``), kept as WAV.

Auth is the ``xi-api-key`` header; the body is ``text`` and ``model_id``; the query
``output_format=pcm_24000`` answers raw 16-bit mono PCM at 24 kHz. Errors are
``{"detail": {"status", "message"}}``: 401 ``invalid_api_key`` or ``quota_exceeded``
(an empty account), 400 ``max_character_limit_exceeded``, 422 for a malformed body,
429 ``too_many_concurrent_requests`` or ``system_busy`` (both worth retrying).
Voices are the account's default voices.
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

DEFAULT_VOICES = (
    "EXAVITQu4vr4xnSDxMaL", "JBFqnCBsd6RMkjVDRZzb", "FGY2WhTYpPnrIDTdsKH5",
    "CwhRBWXzGAHq8TQ4Fs17", "Xb7hH8MSUJpSbSDYk0k2", "IKne3meq5aSn9XLyUdCD",
    "XrExE9yKIg1WjnnlVkGX", "nPczCjzI2devNBz1zQrb", "cgSgspJ2msm6clMCkdW9",
    "onwK4e9ZLuTAKqWW03F9", "pFZP5JQG7iQjIQuC4Bku", "TX3LPaxmHKxFdv7VOQHJ",
)  # fmt: skip
"""Default voices, alternating female and male: Sarah, George, Laura, Roger, Alice, Charlie,
Matilda, Brian, Jessica, Daniel, Lily, Liam. The older premade voices (Rachel, Adam, ...)
are legacy: ``GET /v1/voices`` lists them only with ``show_legacy``."""

CHARACTER_LIMITS = {"eleven_multilingual_v2": 10_000, "eleven_flash_v2_5": 40_000,
                    "eleven_turbo_v2_5": 40_000, "eleven_v3": 5_000}  # fmt: skip
"""Characters one request may speak, by model (ElevenLabs help: "API - Error Code 400 or 401")."""
PCM_RATE = 24_000


class ElevenLabsSpeech(CloudProvider):
    """Voice lines from ElevenLabs; cost per character (see :mod:`.pricing`)."""

    name = "elevenlabs"
    modality = Modality.VOICE
    base_url = "https://api.elevenlabs.io"
    key_check = "/v1/user"
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
        """Default voices in order, one per speaker (they repeat past twelve)."""
        voices = DEFAULT_VOICES
        return {who: voices[n % len(voices)] for n, who in enumerate(speakers)}

    def submit(self, request: Request, scratch: Path) -> Ticket:
        """Speak the line (synchronous) and keep it in ``scratch`` as WAV."""
        line: VoiceRequest = expect(request, VoiceRequest, self.name)
        if not line.text.strip():
            raise ProviderError("nothing to speak")
        limit = CHARACTER_LIMITS.get(self.model)
        if limit is not None and len(line.text) > limit:
            raise ProviderError(
                f"{self.name} ({self.model}) speaks at most {limit} characters a request; "
                f"this line has {len(line.text)}: split it in the script"
            )
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
