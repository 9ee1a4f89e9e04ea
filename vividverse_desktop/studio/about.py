"""What the About box and ``--version`` say: component versions and the licences shipped."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass

from vividverse_desktop import __version__
from vividverse_desktop.media.ffmpeg import FFmpegError
from vividverse_desktop.media.versions import espeak_version, ffmpeg_build


@dataclass(frozen=True, slots=True)
class Component:
    """A part of the application: its name, version and licence ('' when not known)."""

    name: str
    version: str
    licence: str = ""


@dataclass(frozen=True, slots=True)
class Licence:
    """Something that ships with the application, the licence it comes under, and a note."""

    name: str
    licence: str
    note: str


def component_versions(ffmpeg_path: str | os.PathLike[str] | None = None) -> tuple[Component, ...]:
    """Vividverse, Python, FFmpeg and espeak-ng with their versions.

    Runs FFmpeg once (``-version``): call it off the GUI thread. A missing component
    says so in its version instead of raising.
    """
    try:
        build = ffmpeg_build(ffmpeg_path or None)
        ffmpeg = Component("FFmpeg", build.version, build.licence)
    except FFmpegError as error:
        ffmpeg = Component("FFmpeg", f"not available ({error.message})")
    espeak = espeak_version()
    return (
        Component("Vividverse", __version__, "MIT"),
        Component("Python", platform.python_version(), "PSF License"),
        ffmpeg,
        Component("espeak-ng", espeak or "not available", "GPL version 3 or later"),
    )


SHIPPED_LICENCES: tuple[Licence, ...] = (
    Licence(
        "FFmpeg (static build, via imageio-ffmpeg)",
        "GPL (the build enables GPL parts)",
        "Its source is at https://ffmpeg.org/download.html (the version shown above); the "
        "build recipe is https://github.com/BtbN/FFmpeg-Builds. FFmpeg runs as a separate "
        "program; Vividverse does not link it.",
    ),
    Licence(
        "espeak-ng (via espeakng-loader)",
        "GPL version 3 or later",
        "Source: https://github.com/espeak-ng/espeak-ng.",
    ),
    Licence(
        "Qt and PySide6",
        "LGPL version 3",
        "Loaded as shared libraries; source at https://code.qt.io and "
        "https://download.qt.io/official_releases/QtForPython/.",
    ),
    Licence(
        "Courier Prime (the script font)",
        "SIL Open Font License 1.1",
        "By Alan Dague-Greene for Quote-Unquote Apps; the licence ships beside the font in "
        "resources/fonts/courier-prime/OFL.txt.",
    ),
    Licence(
        "QtAwesome",
        "MIT",
        "Icons: Material Design Icons 6 (Apache License 2.0), drawn from its font. QtAwesome "
        "also carries Font Awesome and Elusive Icons (SIL OFL 1.1), Phosphor (MIT), Remix "
        "Icon (Apache 2.0) and Codicons (CC BY 4.0).",
    ),
    Licence("qasync", "BSD 2-Clause", "Runs asyncio inside the Qt event loop."),
    Licence(
        "pyspellchecker",
        "MIT",
        "The Write room's spell checking; its English word frequency list, which it ships, "
        "was built from OpenSubtitles (see the package's readme).",
    ),
)


def shipped_licences() -> tuple[Licence, ...]:
    """The licences of what ships with the application, the GPL ones first."""
    return SHIPPED_LICENCES
