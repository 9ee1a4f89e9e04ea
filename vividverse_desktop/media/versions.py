"""What the bundled FFmpeg and espeak-ng are: version and licence, for the About box."""

from __future__ import annotations

import ctypes
import os
import subprocess
from dataclasses import dataclass

from vividverse_desktop.media.ffmpeg import FFmpegError, locate_ffmpeg


@dataclass(frozen=True, slots=True)
class FFmpegBuild:
    """One FFmpeg executable: its path, version and the licence its configuration implies."""

    path: str
    version: str
    licence: str


def ffmpeg_build(
    explicit: str | os.PathLike[str] | None = None, timeout: float = 10.0
) -> FFmpegBuild:
    """Run ``ffmpeg -version`` and read the version and licence of the build.

    Raises :class:`~vividverse_desktop.media.ffmpeg.FFmpegError` when it cannot run.
    """
    path = locate_ffmpeg(explicit)
    try:
        done = subprocess.run(
            [str(path), "-hide_banner", "-version"],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise FFmpegError(f"could not run {path}: {error}") from error
    return FFmpegBuild(str(path), *read_version_output(done.stdout))


def read_version_output(text: str) -> tuple[str, str]:
    """(version, licence) from the text of ``ffmpeg -version``."""
    first = text.splitlines()[0] if text.strip() else ""
    words = first.split()
    version = words[2] if len(words) > 2 and words[:2] == ["ffmpeg", "version"] else "unknown"
    config = " ".join(line for line in text.splitlines() if line.startswith("configuration:"))
    gpl, v3 = "--enable-gpl" in config, "--enable-version3" in config
    if gpl:
        licence = "GPL version 3 or later" if v3 else "GPL version 2 or later"
    else:
        licence = "LGPL version 3 or later" if v3 else "LGPL version 2.1 or later"
    return version, licence


def espeak_version() -> str:
    """The version of libespeak-ng in the espeakng-loader wheel ('' when it is missing)."""
    try:
        import espeakng_loader
    except ImportError:
        return ""
    try:
        lib = ctypes.CDLL(espeakng_loader.get_library_path())
    except OSError:
        return ""
    lib.espeak_Info.argtypes = [ctypes.c_void_p]
    lib.espeak_Info.restype = ctypes.c_char_p
    raw = lib.espeak_Info(None)
    return raw.decode("ascii", "replace") if raw else ""
