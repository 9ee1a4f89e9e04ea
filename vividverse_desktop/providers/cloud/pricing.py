"""Estimated prices of cloud providers, in USD, as published by each provider.

ESTIMATES ONLY. Read from the providers' public pricing pages as recalled on
2026-11-24 (:data:`READ_ON`); prices change, plans discount, and taxes differ.
The render shows them as an estimate of spend, never as a bill.
"""

from __future__ import annotations

READ_ON = "2026-11-24"

OPENAI_IMAGE = {  # gpt-image-1, per image, by quality and size
    ("low", "1024x1024"): 0.011, ("low", "1536x1024"): 0.016, ("low", "1024x1536"): 0.016,
    ("medium", "1024x1024"): 0.042, ("medium", "1536x1024"): 0.063,
    ("medium", "1024x1536"): 0.063,
    ("high", "1024x1024"): 0.167, ("high", "1536x1024"): 0.25, ("high", "1024x1536"): 0.25,
}  # fmt: skip

OPENAI_SPEECH_PER_CHAR = {"tts-1": 15e-6, "tts-1-hd": 30e-6, "gpt-4o-mini-tts": 12e-6}
"""USD per input character (gpt-4o-mini-tts is priced by tokens: ~0.015 USD a minute)."""

ELEVENLABS_PER_CHAR = {"eleven_multilingual_v2": 0.10e-3, "eleven_flash_v2_5": 0.05e-3,
                       "eleven_turbo_v2_5": 0.05e-3}  # fmt: skip
"""USD per character of API usage beyond a plan's included credits."""

STABILITY_PER_IMAGE = {"core": 0.03, "ultra": 0.08, "sd3": 0.065}
"""Credits at 0.01 USD: Core 3, Ultra 8, SD 3.5 Large 6.5."""

LUMA_PER_SECOND = {"ray-2": 0.142, "ray-flash-2": 0.048}
"""720p generations, per second of video."""

RUNWAY_PER_SECOND = {"gen4_turbo": 0.05, "gen3a_turbo": 0.05}
"""5 credits a second at 0.01 USD a credit."""

FAL_PER_VIDEO = {"fal-ai/pika/v2.2/text-to-video": 0.20}
"""Pika 2.2 via fal, one 5-second 720p clip."""

FAL_PER_IMAGE = {"fal-ai/flux-pro/v1.1": 0.04, "fal-ai/flux/dev": 0.025,
                 "fal-ai/flux/schnell": 0.003}  # fmt: skip
"""Flux via fal, one image of about one megapixel."""

BFL_PER_IMAGE = {"flux-pro-1.1": 0.04, "flux-dev": 0.025}
"""Flux from BFL's own API, per image."""

KLING_PER_SECOND = {"kling-v1": 0.028}
"""Kling standard mode: a 5-second clip for about 0.14 USD."""

RUNWAY_STILL = 0.08
"""Runway gen4_image at 1080p: 8 credits (the first of a clip's two tasks)."""
