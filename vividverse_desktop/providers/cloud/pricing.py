"""Prices of cloud providers in USD, with where each figure was read.

Every figure is shown to the user as an estimate of spend, never as a bill:
plans discount, taxes differ and prices change. Each table says its source (the
page title or address as the documentation search gave it, with that page's own
date where it has one) and :data:`READ_ON`, the day it was checked. A table marked
ESTIMATE had no source found and is recalled or derived; :data:`ESTIMATES` names them.
"""

from __future__ import annotations

READ_ON = "2026-11-24"

OPENAI_IMAGE = {  # gpt-image-1, per image, by quality and size
    ("low", "1024x1024"): 0.011, ("low", "1536x1024"): 0.016, ("low", "1024x1536"): 0.016,
    ("medium", "1024x1024"): 0.042, ("medium", "1536x1024"): 0.063,
    ("medium", "1024x1536"): 0.063,
    ("high", "1024x1024"): 0.167, ("high", "1536x1024"): 0.25, ("high", "1024x1536"): 0.25,
}  # fmt: skip
"""Source: OpenAI's per-image table as quoted by "GPT Image 1 - In-Depth Overview"
(findllms.com, updated 2025-05-20) and "gpt-image-1 collected pricing information"
(community.openai.com), read 2026-11-24. The prompt's text tokens ($5 per 1M) come on top
and are left out (a few hundred tokens, under $0.002)."""

OPENAI_SPEECH_PER_CHAR = {"tts-1": 15e-6, "tts-1-hd": 30e-6, "gpt-4o-mini-tts": 16e-6}
"""USD per input character. Source: "OpenAI Text to Speech (gpt-4o-mini-tts / tts-1)"
(apio.sh, verified 2026-06-21): tts-1 $15 and tts-1-hd $30 per 1M characters, read
2026-11-24; "OpenAI TTS cost" (sanand0 blog, 2025-11-02) measured tts-1 at exactly that.
gpt-4o-mini-tts is billed by tokens ($0.60/1M text in, $12/1M audio out, "~$0.015 a
minute"): its figure here is an ESTIMATE, $0.015/min at the ~15 characters a second the
same blog measured (4,096 characters gave 268 s of speech)."""

ELEVENLABS_PER_CHAR = {"eleven_multilingual_v2": 0.10e-3, "eleven_flash_v2_5": 0.05e-3,
                       "eleven_turbo_v2_5": 0.05e-3}  # fmt: skip
"""USD per character. Source: "ElevenLabs API Pricing: Full Breakdown of Costs (Jun 2026)"
(developer.puter.com): Multilingual v2/v3 $0.10 and Flash/Turbo $0.05 per 1,000 characters,
read 2026-11-24. Another summary quotes $0.12/$0.06 as Business-tier list prices."""

STABILITY_PER_IMAGE = {"core": 0.03, "ultra": 0.08, "sd3": 0.065}
"""USD per image (1 credit = $0.01): Core 3, Ultra 8, SD 3.5 Large 6.5 credits. Source:
"Stability AI (Stable Diffusion) API Pricing: Full Breakdown of Costs (Jun 2026)"
(developer.puter.com), read 2026-11-24."""

LUMA_PER_SECOND = {"ray-2": 0.142, "ray-flash-2": 0.048}
"""USD per second of 720p video. Source for ray-2: the API-node price table in
Comfy-Org/docs pricing.mdx (github.com/Comfy-Org/docs pull 514): ray-2 720p 5 s $0.71,
9 s $1.27, read 2026-11-24. ray-flash-2: ESTIMATE (no source found)."""

RUNWAY_PER_SECOND = {"gen4_turbo": 0.05, "gen3a_turbo": 0.05}
"""ESTIMATE (no source found): 5 credits a second at $0.01 a credit, as recalled."""

RUNWAY_STILL = 0.08
"""ESTIMATE (no source found): gen4_image at 1080p, 8 credits, as recalled."""

FAL_PER_VIDEO = {"fal-ai/pika/v2.2/text-to-video": 0.20}
"""USD per 5 seconds of 720p Pika 2.2 on fal. Source: "Pika Text to Video (v2.2)"
(fal.ai/models/fal-ai/pika/v2.2/text-to-video/llms.txt): "5 second video at 720p costs
$0.20", read 2026-11-24. A 10-second clip is priced as twice that: ESTIMATE."""

FAL_PER_IMAGE = {"fal-ai/flux-pro/v1.1": 0.04, "fal-ai/flux/dev": 0.025,
                 "fal-ai/flux/schnell": 0.003}  # fmt: skip
"""USD per image of up to one megapixel. Source for flux/dev: "FLUX.1 [dev]"
(fal.ai/models/fal-ai/flux-1/dev/llms.txt): $0.025 per megapixel, read 2026-11-24.
flux-pro/v1.1: ESTIMATE, sources disagree ("FLUX1.1 [pro]", lumenfall.ai: $0.040 per image
via fal; a fal prompting guide on skillspool.org: $0.055 per megapixel). schnell: $0.003
per megapixel from that same guide only."""

BFL_PER_IMAGE = {"flux-pro-1.1": 0.04, "flux-dev": 0.025}
"""USD per image. Source: "FLUX1.1 [pro] Image Generation" (docs.bfl.ai/flux_models/
flux_1_1_pro): "$0.04 per image", read 2026-11-24; flux-dev $0.025 as quoted from
bfl.ai/pricing by "Model blf_flux" (openai-hk.com docs). BFL bills 1 credit = $0.01
("Overview", docs.bfl.ai/quick_start/pricing)."""

KLING_PER_SECOND = {"kling-v1": 0.028}
"""ESTIMATE (no source found): standard mode, a 5-second clip for about $0.14, as recalled."""

ESTIMATES = frozenset({"RUNWAY_PER_SECOND", "RUNWAY_STILL", "KLING_PER_SECOND"})
"""Tables with no documented source at all (others mark single estimated entries)."""
