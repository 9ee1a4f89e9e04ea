"""The check every local clip maker runs on what it wrote, before the clip counts."""

from __future__ import annotations

from pathlib import Path

from vividverse_desktop.media.ffmpeg import FFmpeg
from vividverse_desktop.media.probe import ProbeError, probe
from vividverse_desktop.providers.contract import ClipRequest, ProviderError


def verify_clip(path: Path, clip: ClipRequest, ffmpeg: FFmpeg) -> float:
    """The clip's planned length in seconds, once probed as H.264 video of the clip's size.

    Raises ProviderError when the file is not readable media, has no H.264 video
    stream, or has another frame size.
    """
    try:
        info = probe(path, ffmpeg=ffmpeg)
    except ProbeError as error:
        raise ProviderError(f"the clip is not readable media: {error.message}") from error
    if not info.video or info.video[0].codec != "h264":
        raise ProviderError("the clip has no H.264 video stream")
    stream = info.video[0]
    if (stream.width, stream.height) != (clip.fmt.width, clip.fmt.height):
        raise ProviderError(f"the clip is {stream.width}x{stream.height}, not {clip.fmt.size}")
    return float(clip.fmt.seconds(sum(clip.shot_frames)))
