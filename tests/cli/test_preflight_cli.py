"""`render` checks the chosen providers' API keys before it renders anything."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from tests.render.conftest import SCRIPT
from tests.sync.memory_keyring import MemoryKeyring
from vividverse_desktop.cli import main
from vividverse_desktop.providers.keys import KEYRING_SERVICE

TINY = ["--size", "160x90", "--fps", "12", "--jobs", "2"]


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    """An empty in-memory keyring; no Luma or ElevenLabs key in the environment."""
    monkeypatch.delenv("VIVIDVERSE_LUMA_API_KEY", raising=False)
    monkeypatch.delenv("VIVIDVERSE_ELEVENLABS_API_KEY", raising=False)
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "pier.fountain"
    path.write_text(SCRIPT, encoding="utf-8")
    return path


def test_a_missing_key_stops_the_render_before_it_starts(
    script: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--video luma without a key: exit 1, one line naming luma and its env var, nothing made."""
    film = tmp_path / "film.mp4"
    assert main(["render", str(script), "-o", str(film), "--video", "luma", *TINY]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "luma needs an API key" in err
    assert "VIVIDVERSE_LUMA_API_KEY" in err
    assert "scene 1/3" not in err
    assert not film.exists()
    assert not (tmp_path / "film.mp4.job").exists()


def test_a_voice_provider_without_a_key_is_named_too(
    script: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--voice elevenlabs without a key names elevenlabs and where its key goes."""
    film = tmp_path / "film.mp4"
    assert main(["render", str(script), "-o", str(film), "--voice", "elevenlabs", *TINY]) == 1
    err = capsys.readouterr().err
    assert "VIVIDVERSE_ELEVENLABS_API_KEY" in err
    assert f"service '{KEYRING_SERVICE}', user 'elevenlabs'" in err
    assert not film.exists()


def test_a_provider_whose_key_is_set_is_not_named(
    script: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Luma's key in the environment, ElevenLabs' missing: only elevenlabs is reported."""
    monkeypatch.setenv("VIVIDVERSE_LUMA_API_KEY", "luma-test")
    film = tmp_path / "film.mp4"
    argv = ["render", str(script), "-o", str(film), "--video", "luma", "--voice", "elevenlabs"]
    assert main([*argv, *TINY]) == 1
    err = capsys.readouterr().err
    assert "elevenlabs needs an API key" in err
    assert "luma" not in err
    assert not film.exists()


def test_keyless_defaults_render_with_no_keys_at_all(
    script: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The storyboard and espeak defaults skip the check and render."""
    film = tmp_path / "film.mp4"
    assert main(["render", str(script), "-o", str(film), *TINY]) == 0
    assert film.is_file()
