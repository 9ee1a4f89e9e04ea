"""API keys for cloud providers: the OS keyring first, then an environment variable.

Keys are never written to files by Vividverse. Headless runs set
``VIVIDVERSE_<PROVIDER>_API_KEY`` (e.g. ``VIVIDVERSE_LUMA_API_KEY``).
"""

from __future__ import annotations

import os
import re

KEYRING_SERVICE = "vividverse"


def env_var(provider: str) -> str:
    """The environment variable holding ``provider``'s key."""
    return f"VIVIDVERSE_{re.sub(r'[^A-Z0-9]+', '_', provider.upper()).strip('_')}_API_KEY"


def api_key(provider: str) -> str | None:
    """The key for ``provider`` from the keyring (service ``vividverse``), else the env, else None.

    A keyring that is missing or broken counts as empty, never as an error.
    """
    try:
        import keyring

        stored = keyring.get_password(KEYRING_SERVICE, provider)
    except Exception:  # any backend failure: fall back to the environment
        stored = None
    if stored:
        return str(stored)
    return os.environ.get(env_var(provider)) or None
