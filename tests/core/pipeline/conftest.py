"""Shared fixtures for pipeline tests: a real FFmpeg and a tiny film format."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from vividverse_desktop.core.pipeline.cards import CardFiles, CardText
from vividverse_desktop.core.pipeline.ffmpeg_args import VideoFormat
from vividverse_desktop.media.ffmpeg import FFmpeg


@pytest.fixture(scope="session")
def ffmpeg() -> FFmpeg:
    """The bundled FFmpeg."""
    return FFmpeg()


@pytest.fixture
def tiny() -> VideoFormat:
    """160x90 at 12 fps: big enough to be real, small enough to be instant."""
    return VideoFormat(160, 90, Fraction(12))


def write_card_files(folder: Path, text: CardText, stem: str = "card") -> CardFiles:
    """Write a card's texts as UTF-8 files, as the render engine does."""
    files = CardFiles(
        folder / f"{stem}-heading.txt", folder / f"{stem}-action.txt", folder / f"{stem}-cast.txt"
    )
    files.heading.write_text(text.heading, encoding="utf-8")
    files.action.write_text(text.action, encoding="utf-8")
    files.cast.write_text(text.cast, encoding="utf-8")
    return files
