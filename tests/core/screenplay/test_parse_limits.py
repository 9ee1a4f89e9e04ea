"""No input makes parsing super-linear; inputs past the limits are refused by name.

Times are compared with a normal screenplay of the same size parsed in the same
run (a ratio, not wall time), taking the best of a few runs to damp machine load.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from bench.scriptgen import feature_script
from vividverse_desktop.core.screenplay import ScreenplayError, lint, parse, parse_bytes
from vividverse_desktop.core.screenplay.fountain import MAX_INPUT_CHARS, MAX_LINE_CHARS

# Dense markup costs ~1 us per marker against ~0.04 us per character of prose: the
# worst case measured is ~23x a normal script of the same size. Quadratic would be
# thousands of times.
RATIO_BOUND = 60.0
NORMAL = feature_script(120)


def best_time(run: Callable[[], object], repeat: int = 3) -> float:
    """The fastest of ``repeat`` runs, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def normal_text(size: int) -> str:
    """A realistic script cut to ``size`` characters."""
    return (NORMAL * (size // len(NORMAL) + 1))[:size]


PATHOLOGICAL = {
    "a line of 99,999 asterisks": "*" * 99_999,
    "alternating _* markers": "_*" * 49_999,
    "emphasis-dense lines": ("*a _b " * 15 + "\n") * 3_000,
    "unclosed [[ then 1 MB": "[[" + ("words and more words " * 4 + "\n") * 12_000,
    "a [[ on every line": "[[x\n" * 60_000,
    "unclosed /* then 1 MB": "/*" + ("words and more words " * 4 + "\n") * 12_000,
    "boneyard openers": "/* " * 33_000,
    "closed boneyards on every line": "a /* b */ c\n" * 40_000,
    "back-to-back notes": "[[a]]" * 19_999,
    "backslashes": "\\" * 99_999,
    "escaped slashes": "\\/*" * 33_000,
    "speeches with carets": "\nBOB ^\nhi\n" * 25_000,
    "a long speech then a caret": "\nBOB\n" + "(beat)\n" * 50_000 + "\nAL ^\nhi\n",
    "unclosed ( on every dialogue line": "\nBOB\n" + "(x\n" * 60_000,
    "cue with many extensions": "\nBOB" + " (V.O.)" * 14_000 + "\nhi\n",
}


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_pathological_input_parses_in_linear_time(name: str) -> None:
    """Each pathological input parses within a bounded multiple of normal text's time."""
    text = PATHOLOGICAL[name]
    reference = best_time(lambda: parse(normal_text(len(text))))
    assert best_time(lambda: parse(text)) <= RATIO_BOUND * reference


@pytest.mark.parametrize(
    "name", ["alternating _* markers", "a [[ on every line", "speeches with carets"]
)
def test_quadrupling_the_input_about_quadruples_the_time(name: str) -> None:
    """Four times the pathological input takes about four times as long (quadratic: 16x).

    The bound of 8x sits halfway between linear and quadratic on a log scale, so a
    loaded machine does not make it flaky and a quadratic parser cannot pass it.
    """
    text = PATHOLOGICAL[name]
    quarter = text[: len(text) // 4]
    for _ in range(3):  # a load spike passes on a second look; quadratic fails every look
        ratio = best_time(lambda: parse(text), 5) / best_time(lambda: parse(quarter), 5)
        if ratio <= 8.0:
            break
    assert ratio <= 8.0


@pytest.mark.parametrize(
    "name", ["a [[ on every line", "unclosed /* then 1 MB", "back-to-back notes"]
)
def test_lint_stays_linear_on_pathological_input(name: str) -> None:
    """The linter's own markup scan is linear too."""
    text = PATHOLOGICAL[name]
    reference = best_time(lambda: lint(normal_text(len(text))))
    assert best_time(lambda: lint(text)) <= RATIO_BOUND * reference


@pytest.mark.parametrize("text", ["a\n" * 1_000_000, "a\n\n" * 500_000], ids=["one", "many"])
def test_million_line_file_parses_within_the_bound(text: str) -> None:
    """A 1,000,000-line file, one paragraph or 500,000 of them, stays within the bound."""
    reference = best_time(lambda: parse(normal_text(len(text))), repeat=1)
    assert best_time(lambda: parse(text), repeat=1) <= RATIO_BOUND * reference


def test_a_5_mb_line_is_refused_naming_the_limit_and_line() -> None:
    """A single line over MAX_LINE_CHARS is a ScreenplayError on that line."""
    with pytest.raises(ScreenplayError) as caught:
        parse("Title: T\n\n" + "x" * 5_000_000 + "\n")
    assert caught.value.line == 3
    assert f"{MAX_LINE_CHARS:,}" in caught.value.message


def test_input_over_the_size_limit_is_refused() -> None:
    """Text longer than MAX_INPUT_CHARS is refused before any work."""
    with pytest.raises(ScreenplayError) as caught:
        parse("a\n" * (MAX_INPUT_CHARS // 2 + 1))
    assert f"{MAX_INPUT_CHARS:,}" in caught.value.message
    with pytest.raises(ScreenplayError):
        parse_bytes(b"a\n" * (2 * MAX_INPUT_CHARS + 1))


def test_limits_leave_room_for_any_real_script() -> None:
    """A 120-page script is far below both limits."""
    assert len(NORMAL) * 50 < MAX_INPUT_CHARS
    assert max(map(len, NORMAL.split("\n"))) * 100 < MAX_LINE_CHARS
