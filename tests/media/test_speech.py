"""Local speech: a stable, distinct voice per character, spoken into WAV files by espeak-ng."""

from __future__ import annotations

import sys
import threading
import wave
from pathlib import Path

import pytest

from vividverse_desktop.core.pipeline.plan import NARRATOR as PLAN_NARRATOR
from vividverse_desktop.media.speech import (
    NARRATOR,
    SAMPLE_RATE,
    EspeakCommand,
    SpeechError,
    Voice,
    cast_voices,
    default_engine,
    speak,
    voice_for,
)

LINE = "Where were you last night?"


def test_a_character_always_gets_the_same_voice() -> None:
    """The voice depends only on the name, ignoring case and spacing."""
    assert voice_for("MARA") == voice_for("mara") == voice_for("  Mara ")


def test_different_names_mostly_get_different_voices() -> None:
    """Forty names spread over many voices rather than a few."""
    voices = {voice_for(f"CHARACTER {n}") for n in range(40)}
    assert len(voices) >= 30


def test_a_cast_gives_every_character_a_distinct_voice() -> None:
    """Within one script no two characters share a voice, and none sounds like the narrator."""
    names = [f"PERSON {n}" for n in range(30)]
    cast = cast_voices(names)
    assert len(set(cast.values())) == 30
    assert NARRATOR not in cast.values()


def test_the_plans_narrator_speaks_with_the_narrator_voice() -> None:
    """Narrated action gets the narrator's voice, which no character shares."""
    cast = cast_voices(["MARA", PLAN_NARRATOR, "JONAS"])
    assert cast[PLAN_NARRATOR] == NARRATOR
    assert NARRATOR not in (cast["MARA"], cast["JONAS"])
    assert cast_voices(["MARA", "JONAS"]) == {k: cast[k] for k in ("MARA", "JONAS")}


def test_a_small_cast_differs_by_variant() -> None:
    """Up to eleven characters each get their own espeak-ng variant."""
    cast = cast_voices(["MARA", "JONAS", "THE CAPTAIN", "OLD WOMAN", "KID", "DOCTOR"])
    assert len({voice.variant for voice in cast.values()}) == 6


def test_a_cast_does_not_depend_on_order() -> None:
    """The same set of names casts the same way, in any order."""
    names = ["MARA", "JONAS", "KID", "DOCTOR"]
    assert cast_voices(names) == cast_voices(list(reversed(names)))


def test_spellings_of_one_name_share_a_voice() -> None:
    """'Mara' and 'MARA' are one character."""
    cast = cast_voices(["Mara", "MARA", "JONAS"])
    assert cast["Mara"] == cast["MARA"] != cast["JONAS"]


@pytest.mark.parametrize(
    "kwargs", [{"variant": "x9"}, {"pitch": 120}, {"rate": 10}, {"language": "en;rm"}]
)
def test_invalid_voices_are_refused(kwargs: dict[str, object]) -> None:
    """Unknown variants, out-of-range pitch or rate and odd language codes raise."""
    with pytest.raises(ValueError, match=r"variant|pitch|rate|language"):
        Voice(**kwargs)  # type: ignore[arg-type]


def test_voice_name_is_what_espeak_selects_by() -> None:
    """A voice is selected as language+variant."""
    assert Voice("en", "f3").name == "en+f3"


def _read(path: Path) -> tuple[int, int, int, bytes]:
    with wave.open(str(path)) as reader:
        return (
            reader.getframerate(),
            reader.getnchannels(),
            reader.getsampwidth(),
            reader.readframes(reader.getnframes()),
        )


def test_speech_is_written_as_22khz_mono_16bit_wav(tmp_path: Path) -> None:
    """The WAV holds audible speech of a plausible length at espeak-ng's native format."""
    clip = speak(LINE, voice_for("MARA"), tmp_path / "mara.wav")
    rate, channels, width, frames = _read(clip.path)
    assert (rate, channels, width) == (SAMPLE_RATE, 1, 2)
    assert len(frames) == 2 * clip.samples
    assert 0.8 < clip.seconds < 5.0
    assert any(frames)


def test_different_voices_sound_different(tmp_path: Path) -> None:
    """The same line in two voices gives different audio."""
    first = speak(LINE, Voice("en", "m1", 40, 160), tmp_path / "a.wav")
    second = speak(LINE, Voice("en", "f4", 70, 180), tmp_path / "b.wav")
    assert _read(first.path)[3] != _read(second.path)[3]


def test_a_faster_rate_is_shorter(tmp_path: Path) -> None:
    """Rate is applied: a faster voice finishes sooner."""
    slow = speak(LINE * 3, Voice("en", "m2", 50, 120), tmp_path / "slow.wav")
    fast = speak(LINE * 3, Voice("en", "m2", 50, 300), tmp_path / "fast.wav")
    assert fast.seconds < slow.seconds * 0.7


def test_synthesis_is_repeatable_in_length(tmp_path: Path) -> None:
    """The same text and voice give the same length to within 1% (espeak-ng keeps some state)."""
    voice = voice_for("JONAS")
    first = speak(LINE, voice, tmp_path / "1.wav")
    second = speak(LINE, voice, tmp_path / "2.wav")
    assert abs(first.samples - second.samples) <= first.samples / 100


def test_concurrent_calls_are_serialised(tmp_path: Path) -> None:
    """Eight threads speaking at once each get one whole utterance, none mixed with another."""
    voice = voice_for("KID")
    reference = speak(LINE, voice, tmp_path / "ref.wav").samples
    clips: list[int] = []
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            clips.append(speak(LINE, voice, tmp_path / f"t{n}.wav").samples)
        except BaseException as error:  # collected and checked on the main thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(clips) == 8
    assert all(abs(samples - reference) <= reference / 100 for samples in clips)


def test_unicode_and_punctuation_are_spoken(tmp_path: Path) -> None:
    """Typographic quotes, dashes and accents do not break synthesis."""
    clip = speak("“Café?” — she said… «non».", NARRATOR, tmp_path / "u.wav")
    assert clip.samples > 0


def test_empty_text_is_refused(tmp_path: Path) -> None:
    """Nothing to say is an error, not an empty file."""
    with pytest.raises(SpeechError):
        speak("  \n ", NARRATOR, tmp_path / "empty.wav")
    assert not (tmp_path / "empty.wav").exists()


def test_the_library_engine_is_loaded_once() -> None:
    """default_engine() returns the same engine every time."""
    assert default_engine() is default_engine()


def test_system_espeak_command_reads_text_from_stdin() -> None:
    """The fallback passes voice, pitch and rate as options and never the text on argv."""
    argv = EspeakCommand("/usr/bin/espeak-ng").argv(Voice("en", "f2", 61, 175))
    assert argv == (
        "/usr/bin/espeak-ng", "-v", "en+f2", "-p", "61", "-s", "175", "--stdout", "--stdin",
    )  # fmt: skip


def _fake_espeak(folder: Path) -> Path:
    """A stand-in espeak-ng: records its argv and stdin, answers with a 22 kHz WAV."""
    script = folder / "espeak-ng"
    script.write_text(
        f"#!{sys.executable}\n"
        "import io, sys, wave\n"
        "text = sys.stdin.buffer.read()\n"
        "args = b' '.join(a.encode() for a in sys.argv[1:])\n"
        f"open({str(folder / 'seen.txt')!r}, 'wb').write(args + b'|' + text)\n"
        "buffer = io.BytesIO()\n"
        "with wave.open(buffer, 'wb') as w:\n"
        "    w.setnchannels(1); w.setsampwidth(2); w.setframerate(22050)\n"
        "    w.writeframes(b'\\x01\\x00' * 100 * len(text))\n"
        "sys.stdout.buffer.write(buffer.getvalue())\n"
    )
    script.chmod(0o755)
    return script


def test_system_espeak_gets_the_text_on_stdin_and_its_wav_is_read(tmp_path: Path) -> None:
    """The fallback engine sends text on stdin, never argv, and returns the WAV's samples."""
    engine = EspeakCommand(_fake_espeak(tmp_path))
    clip = speak("-v evil; rm -rf /", Voice("en", "m2"), tmp_path / "out.wav", engine=engine)
    seen = (tmp_path / "seen.txt").read_bytes()
    assert seen == b"-v en+m2 -p 50 -s 170 --stdout --stdin|-v evil; rm -rf /"
    assert clip.samples == 100 * len("-v evil; rm -rf /")


def test_system_espeak_failure_is_a_speech_error(tmp_path: Path) -> None:
    """A failing espeak-ng executable raises SpeechError with its message."""
    script = tmp_path / "broken-espeak"
    script.write_text("#!/bin/sh\necho 'no voice' >&2\nexit 3\n")
    script.chmod(0o755)
    with pytest.raises(SpeechError, match="no voice"):
        speak("Hello.", NARRATOR, tmp_path / "x.wav", engine=EspeakCommand(script))
