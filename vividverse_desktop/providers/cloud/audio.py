"""Raw PCM from speech APIs wrapped as WAV, the format the render engine mixes."""

from __future__ import annotations

import io
import wave


def pcm_to_wav(pcm: bytes, rate: int) -> bytes:
    """16-bit little-endian mono ``pcm`` at ``rate`` Hz as a WAV file's bytes."""
    if len(pcm) % 2:
        pcm = pcm[:-1]
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(pcm)
    return buffer.getvalue()
