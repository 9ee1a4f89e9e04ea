"""The keyless voice provider: local espeak-ng, a distinct voice per character.

Voice ids are ``language+variant:pitch:rate`` (``en+f3:50:170``), chosen by
:func:`media.speech.cast_voices` for the film's speakers.
"""

from __future__ import annotations

import wave
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from vividverse_desktop.core.cancel import CancelToken
from vividverse_desktop.media.speech import SpeechError, Voice, cast_voices, speak
from vividverse_desktop.providers.contract import (
    Modality,
    PollResult,
    ProviderError,
    Request,
    Ticket,
    VoiceRequest,
)


def voice_id(voice: Voice) -> str:
    """The id of an espeak-ng voice: ``en+m3:44:160``."""
    return f"{voice.name}:{voice.pitch}:{voice.rate}"


def parse_voice_id(text: str) -> Voice:
    """The voice an id names; ProviderError when it is not one of ours."""
    try:
        name, pitch, rate = text.split(":")
        language, variant = name.split("+")
        return Voice(language, variant, int(pitch), int(rate))
    except ValueError as error:
        raise ProviderError(f"not an espeak-ng voice id: {text!r}") from error


def _expect_voice(request: Request) -> VoiceRequest:
    if not isinstance(request, VoiceRequest):
        raise ProviderError(f"espeak speaks lines, not {type(request).__name__}")
    return request


class LocalSpeech:
    """Lines spoken by the bundled espeak-ng into 22.05 kHz mono WAV; costs nothing."""

    name = "espeak"
    modality = Modality.VOICE
    version = "1"
    speed = 100.0
    """Seconds of media made per second of one worker (espeak lines, ``bench.render``, 2 cores)."""

    def settings(self) -> Mapping[str, Any]:
        """Nothing beyond the voice id in each request changes the audio."""
        return {}

    def cost(self, request: Request) -> float:
        """Local speech is free."""
        return 0.0

    def cast(self, speakers: tuple[str, ...]) -> dict[str, str]:
        """A distinct voice id per speaker (deterministic for the same names)."""
        return {name: voice_id(voice) for name, voice in cast_voices(speakers).items()}

    def submit(self, request: Request, scratch: Path) -> Ticket:
        """Check the request; the speech itself is made in :meth:`download`."""
        line = _expect_voice(request)
        parse_voice_id(line.voice)
        if not line.text.strip():
            raise ProviderError("nothing to speak")
        return Ticket(line.voice, line, scratch)

    def poll(self, ticket: Ticket) -> PollResult:
        """Always ready: local speech runs in :meth:`download`."""
        return PollResult(done=True)

    def download(self, ticket: Ticket, part: Path, cancel: CancelToken | None) -> None:
        """Speak the line into a WAV file at ``part``."""
        line = _expect_voice(ticket.request)
        try:
            speak(line.text, parse_voice_id(line.voice), part)
        except SpeechError as error:
            raise ProviderError(str(error)) from error

    def verify(self, path: Path, request: Request) -> float:
        """Read the WAV header: 16-bit mono PCM with samples; returns its seconds."""
        try:
            with wave.open(str(path), "rb") as reader:
                frames, rate = reader.getnframes(), reader.getframerate()
                if reader.getsampwidth() != 2 or reader.getnchannels() != 1 or frames == 0:
                    raise ProviderError("the speech is not 16-bit mono audio")
        except (wave.Error, EOFError) as error:
            raise ProviderError(f"the speech is not a WAV file: {error}") from error
        return frames / rate
