"""Local text-to-speech with espeak-ng: a distinct voice per character, written as WAV.

The library comes from the espeakng-loader wheel (``libespeak-ng`` and its data)
and is driven through ctypes in synchronous mode: ``espeak_Synth`` calls back with
22,050 Hz 16-bit mono PCM chunks. libespeak-ng keeps global state and is not
thread-safe, so every call into it holds one process-wide lock. Without the wheel
a system ``espeak-ng`` executable is used instead (text passed on stdin).

Voices are chosen deterministically from the character's name: a variant
(``+m1``..``+m7``, ``+f1``..``+f5``), a pitch and a rate. :func:`cast_voices`
gives every speaking character of a script a different voice.
"""

from __future__ import annotations

import ctypes
import hashlib
import io
import shutil
import subprocess
import threading
import wave
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from vividverse_desktop.core.pipeline.plan import NARRATOR as PLAN_NARRATOR

SAMPLE_RATE = 22_050
"""espeak-ng's output rate (Hz): 16-bit mono PCM."""

VARIANTS: tuple[str, ...] = (
    *(f"m{n}" for n in range(1, 8)),
    *(f"f{n}" for n in range(1, 6)),
)
PITCHES: tuple[int, ...] = (34, 42, 50, 58, 66)
RATES: tuple[int, ...] = (150, 160, 170, 180)

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_ESPEAK_RATE = 1
_ESPEAK_PITCH = 3
_EE_OK = 0


class SpeechError(RuntimeError):
    """Speech could not be synthesised (no engine, unknown voice, engine failure)."""


@dataclass(frozen=True, slots=True)
class Voice:
    """An espeak-ng voice: language, variant (``m3``, ``f2``), pitch 0-99, rate in words/min."""

    language: str = "en"
    variant: str = "m1"
    pitch: int = 50
    rate: int = 170

    def __post_init__(self) -> None:
        if self.variant not in VARIANTS:
            raise ValueError(f"unknown espeak-ng variant {self.variant!r}")
        if not 0 <= self.pitch <= 99:
            raise ValueError(f"pitch must be 0-99, got {self.pitch}")
        if not 80 <= self.rate <= 450:
            raise ValueError(f"rate must be 80-450 words per minute, got {self.rate}")
        if not self.language.replace("-", "").isalnum():
            raise ValueError(f"bad language code {self.language!r}")

    @property
    def name(self) -> str:
        """The name espeak-ng selects the voice by, e.g. ``en+f3``."""
        return f"{self.language}+{self.variant}"


NARRATOR = Voice("en", "m3", pitch=44, rate=160)
"""The voice that reads action lines when narration is asked for."""

# Every (variant, pitch, rate) combination, in a fixed order a name's hash indexes into.
_GRID: tuple[tuple[str, int, int], ...] = tuple(
    (variant, pitch, rate) for variant in VARIANTS for pitch in PITCHES for rate in RATES
)


def _name_key(character: str) -> str:
    return " ".join(character.upper().split())


def _hash(character: str) -> int:
    return int.from_bytes(hashlib.sha256(_name_key(character).encode()).digest()[:8], "big")


def voice_for(character: str, language: str = "en") -> Voice:
    """The voice a character speaks with, the same on every machine and run.

    The name is compared case- and whitespace-insensitively (``Mara`` is ``MARA``).
    """
    variant, pitch, rate = _GRID[_hash(character) % len(_GRID)]
    return Voice(language, variant, pitch, rate)


def cast_voices(characters: Iterable[str], language: str = "en") -> dict[str, Voice]:
    """A different voice for each character, deterministic for the same set of names.

    Every given name is a key of the result; spellings of one name (``Mara``,
    ``MARA``) share a voice.

    Characters are placed in order of their name hash; each takes its own
    :func:`voice_for` voice unless an earlier one holds that variant already, in
    which case it moves to the next free variant (same pitch and rate), so voices
    differ by variant for up to eleven characters (the narrator keeps one) and by
    pitch or rate after that. The narrator's voice is never given to a character;
    the plan's narrator (``core.pipeline.plan.NARRATOR``) always speaks with it.
    """
    given = list(characters)
    keys = sorted({_name_key(c) for c in given if c != PLAN_NARRATOR}, key=lambda k: (_hash(k), k))
    taken: set[tuple[str, int, int]] = {(NARRATOR.variant, NARRATOR.pitch, NARRATOR.rate)}
    used_variants: set[str] = {NARRATOR.variant}
    by_key: dict[str, Voice] = {}
    for key in keys:
        start = _hash(key) % len(_GRID)
        stride = len(PITCHES) * len(RATES)
        # First a variant nobody uses yet, at this name's own pitch and rate ...
        free_variant = (
            _GRID[(start + step * stride) % len(_GRID)] for step in range(len(VARIANTS))
        )
        choice = next((c for c in free_variant if c[0] not in used_variants), None)
        if choice is None:
            # ... else the next combination nobody has.
            choice = next(
                _GRID[(start + step) % len(_GRID)]
                for step in range(len(_GRID))
                if _GRID[(start + step) % len(_GRID)] not in taken
            )
        taken.add(choice)
        used_variants.add(choice[0])
        by_key[key] = Voice(language, *choice)
    by_key[_name_key(PLAN_NARRATOR)] = NARRATOR
    return {name: by_key[_name_key(name)] for name in given}


@dataclass(frozen=True, slots=True)
class SpeechClip:
    """A written WAV file of speech and its length."""

    path: Path
    samples: int
    sample_rate: int = SAMPLE_RATE

    @property
    def seconds(self) -> float:
        """Duration in seconds."""
        return self.samples / self.sample_rate


class SpeechEngine(Protocol):
    """Something that turns text into 16-bit mono PCM at :data:`SAMPLE_RATE`."""

    def synthesize(self, text: str, voice: Voice) -> bytes:
        """PCM samples (little-endian int16) for ``text`` spoken by ``voice``."""
        ...


_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class EspeakLibrary:
    """libespeak-ng from the espeakng-loader wheel, driven through ctypes.

    One instance per process (see :func:`default_engine`); all calls hold a lock.
    """

    _lock = threading.Lock()

    def __init__(self, library: str, data_path: str) -> None:
        lib = ctypes.CDLL(library)
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_SetSynthCallback.argtypes = [_SynthCallback]
        lib.espeak_SetSynthCallback.restype = None
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_SetParameter.restype = ctypes.c_int
        lib.espeak_Synth.argtypes = [
            ctypes.c_char_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        lib.espeak_Synth.restype = ctypes.c_int
        self._lib = lib
        self._chunks: list[bytes] = []
        # Keep the callback object alive as long as the library may call it.
        self._callback = _SynthCallback(self._on_audio)
        with self._lock:
            rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path.encode("utf-8"), 0)
            if rate != SAMPLE_RATE:
                raise SpeechError(f"espeak-ng failed to initialise (returned {rate})")
            lib.espeak_SetSynthCallback(self._callback)

    def _on_audio(self, wav: ctypes._Pointer[ctypes.c_short], count: int, _events: int) -> int:
        if count > 0 and wav:
            self._chunks.append(ctypes.string_at(wav, count * 2))
        return 0

    def synthesize(self, text: str, voice: Voice) -> bytes:
        """PCM for ``text`` in ``voice`` (serialised: one synthesis at a time per process)."""
        data = text.encode("utf-8") + b"\0"
        with self._lock:
            lib = self._lib
            if lib.espeak_SetVoiceByName(voice.name.encode("ascii")) != _EE_OK:
                raise SpeechError(f"espeak-ng has no voice {voice.name!r}")
            lib.espeak_SetParameter(_ESPEAK_RATE, voice.rate, 0)
            lib.espeak_SetParameter(_ESPEAK_PITCH, voice.pitch, 0)
            self._chunks = []
            status = lib.espeak_Synth(
                data, len(data), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None
            )
            chunks, self._chunks = self._chunks, []
        if status != _EE_OK:
            raise SpeechError(f"espeak-ng could not speak the text (error {status})")
        return b"".join(chunks)


class EspeakCommand:
    """A system ``espeak-ng`` executable: text on stdin, WAV on stdout, with a time limit."""

    def __init__(self, executable: str | Path, timeout: float = 60.0) -> None:
        self.executable = str(executable)
        self.timeout = timeout

    def argv(self, voice: Voice) -> tuple[str, ...]:
        """The command line for one synthesis (the text itself goes to stdin)."""
        return (
            self.executable,
            "-v",
            voice.name,
            "-p",
            str(voice.pitch),
            "-s",
            str(voice.rate),
            "--stdout",
            "--stdin",
        )

    def synthesize(self, text: str, voice: Voice) -> bytes:
        """PCM for ``text`` in ``voice``, read from the WAV espeak-ng writes."""
        try:
            done = subprocess.run(
                self.argv(voice),
                input=text.encode("utf-8"),
                capture_output=True,
                timeout=self.timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise SpeechError(f"espeak-ng passed its {self.timeout:g} s time limit") from error
        if done.returncode != 0:
            raise SpeechError(f"espeak-ng failed: {done.stderr.decode(errors='replace')[-500:]}")
        with wave.open(io.BytesIO(done.stdout)) as reader:
            if reader.getframerate() != SAMPLE_RATE or reader.getsampwidth() != 2:
                raise SpeechError("espeak-ng wrote an unexpected audio format")
            frames: bytes = reader.readframes(reader.getnframes())
            return frames


_engines: dict[str, SpeechEngine] = {}
_engine_lock = threading.Lock()


def default_engine() -> SpeechEngine:
    """The process's speech engine: the wheel's library, else a system ``espeak-ng``.

    Loaded once per process. Raises :class:`SpeechError` when neither is available.
    """
    with _engine_lock:
        if "default" not in _engines:
            _engines["default"] = _load_engine()
        return _engines["default"]


def _load_engine() -> SpeechEngine:
    try:
        import espeakng_loader
    except ImportError:
        executable = shutil.which("espeak-ng")
        if executable is None:
            raise SpeechError("no speech engine: install espeakng-loader or espeak-ng") from None
        return EspeakCommand(executable)
    return EspeakLibrary(espeakng_loader.get_library_path(), espeakng_loader.get_data_path())


def write_wav(path: Path, pcm: bytes, sample_rate: int = SAMPLE_RATE) -> SpeechClip:
    """Write 16-bit mono PCM to ``path`` as a WAV file."""
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(sample_rate)
        writer.writeframes(pcm)
    return SpeechClip(path, len(pcm) // 2, sample_rate)


def speak(text: str, voice: Voice, path: Path, engine: SpeechEngine | None = None) -> SpeechClip:
    """Speak ``text`` in ``voice`` into a WAV file at ``path`` (22,050 Hz, 16-bit, mono).

    Whitespace is collapsed; empty text is refused with :class:`SpeechError`.
    """
    words = " ".join(text.split())
    if not words:
        raise SpeechError("nothing to speak")
    pcm = (engine or default_engine()).synthesize(words, voice)
    if not pcm:
        raise SpeechError(f"espeak-ng produced no audio for {words[:40]!r}")
    return write_wav(path, pcm)
