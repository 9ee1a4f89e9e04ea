"""Test-wide setup: Qt runs offscreen, never on a real display."""

from __future__ import annotations

import os

import pytest

os.environ["QT_QPA_PLATFORM"] = "offscreen"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the figures tests measured (see tests/reporting.py)."""
    from tests.reporting import REPORTED

    if REPORTED:
        terminalreporter.section("measured by the tests")
        for line in REPORTED:
            terminalreporter.write_line(line)
