"""A whole generated feature script: realistic proportions, parsed fast."""

from __future__ import annotations

from collections import Counter

import pytest

from bench.scriptgen import feature_script
from vividverse_desktop.core.screenplay import DualSide, ElementKind, parse
from vividverse_desktop.core.screenplay.pagination import paginate

K = ElementKind


@pytest.fixture(scope="module")
def feature() -> str:
    """The default 120-page benchmark script."""
    return feature_script()


def test_feature_script_is_deterministic() -> None:
    """The same pages and seed give the same text; another seed differs."""
    assert feature_script(10, seed=3) == feature_script(10, seed=3)
    assert feature_script(10, seed=3) != feature_script(10, seed=4)


def test_feature_script_paginates_to_about_its_page_count(feature: str) -> None:
    """120 pages asked, 115 to 125 pages printed."""
    assert 115 <= len(paginate(parse(feature)).pages) <= 125


def test_feature_script_has_the_parts_of_a_feature(feature: str) -> None:
    """Title page, recurring locations and cast, speeches, duals, transitions, notes."""
    screenplay = parse(feature)
    kinds = Counter(e.kind for e in screenplay.elements)
    assert screenplay.title == "The Lighthouse Ledger"
    assert kinds[K.SCENE_HEADING] >= 60
    assert kinds[K.DIALOGUE] > kinds[K.ACTION] > kinds[K.SCENE_HEADING]
    for kind in (K.PARENTHETICAL, K.TRANSITION, K.NOTE, K.SECTION, K.SYNOPSIS, K.CENTERED):
        assert kinds[kind] > 0, kind
    cast = {e.text for e in screenplay.of_kind(K.CHARACTER)}
    assert 8 <= len(cast) <= 15
    assert any(e.extensions for e in screenplay.of_kind(K.CHARACTER))
    assert any(e.dual is DualSide.RIGHT for e in screenplay.elements)
    assert any(e.spans for e in screenplay.elements)
    headings = [e.text for e in screenplay.of_kind(K.SCENE_HEADING)]
    locations = Counter(h.split(" - ")[0].split(" ", 1)[1] for h in headings)
    assert locations.most_common(1)[0][1] >= 5
    assert any("NIGHT" in h for h in headings)
    assert any("DAY" in h for h in headings)
