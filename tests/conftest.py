"""Test-wide setup: Qt runs offscreen, never on a real display."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"
