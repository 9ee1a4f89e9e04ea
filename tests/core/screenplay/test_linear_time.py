"""Reading, measuring and blinding a script take time linear in its length, whatever its shape.

Each case times the server's whole path (parse, statistics with pagination, blind copy)
on a text of n characters and of 4n: a linear path takes about 4 times as long, a
quadratic one 16 times. The ratio of the best of five runs must stay under 8. The
collector is paused while timing: its passes come at moments that depend on what
else the process holds, not on the path measured.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

import pytest

from vividverse_desktop.core.screenplay import parse, stats
from vividverse_desktop.core.screenplay.blind import blind_copy
from vividverse_desktop.core.screenplay.timing import count_words

HEAD = "INT. A - DAY\n\n"
SHAPES: dict[str, Callable[[int], str]] = {
    "a run of punctuation": lambda n: HEAD + "." * n + "\n",
    "a run of underscores": lambda n: HEAD + "_" * n + "\n",
    "one long word": lambda n: HEAD + "a" * n + "\n",
    "one long line of words": lambda n: HEAD + "word " * (n // 5) + "\n",
    "a run of headings": lambda n: "INT. A - DAY\n" * (n // 13),
    "headings with blank lines": lambda n: "INT. A - DAY\n\n" * (n // 14),
    "many notes": lambda n: HEAD + "[[n]] " * (n // 6) + "\n",
    "deep emphasis": lambda n: HEAD + "*" * (n // 2) + "a" + "*" * (n // 2) + "\n",
    "many emphasis marks": lambda n: HEAD + "***_a " * (n // 6) + "\n",
    "a long action paragraph": lambda n: HEAD + "/* a\n" * (n // 5),
    "a long speech of parentheticals": lambda n: HEAD + "BOB\n" + "(\n" * (n // 2),
    "a long speech": lambda n: HEAD + "BOB\n" + "Hi there. " * (n // 10) + "\n",
}


def _measure(text: str) -> None:
    screenplay = parse(text)
    stats.compute(screenplay)
    blind_copy(screenplay)


def _best(work: Callable[[], object]) -> float:
    times = []
    gc.collect()
    gc.disable()
    try:
        for _ in range(5):
            start = time.perf_counter()
            work()
            times.append(time.perf_counter() - start)
    finally:
        gc.enable()
    return min(times)


def _ratio(large: Callable[[], object], small: Callable[[], object], bound: float) -> float:
    """The time ratio of ``large`` to ``small``, measured again (up to three times) while it
    is over ``bound``: a load spike on a shared machine passes on a second look, a
    quadratic path (16x for 4x the text) fails every look."""
    ratio = bound
    for _ in range(3):
        ratio = _best(large) / _best(small)
        if ratio < bound:
            break
    return ratio


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_measuring_grows_linearly(shape: str) -> None:
    """Four times the text takes well under sixteen times as long."""
    make = SHAPES[shape]
    small, large = make(20_000), make(80_000)
    ratio = _ratio(lambda: _measure(large), lambda: _measure(small), 8)
    assert ratio < 8, f"{shape}: 4x the text took {ratio:.1f}x the time"


def test_counting_words_in_a_run_of_punctuation_is_linear() -> None:
    """The word count scans a run of non-letters once (it used to backtrack over it)."""
    ratio = _ratio(lambda: count_words("." * 400_000), lambda: count_words("." * 100_000), 8)
    assert ratio < 8
    assert count_words("don't -- twenty-one ... 42 _ __a") == 4
