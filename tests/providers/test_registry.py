"""The provider registry: built-ins always there, plugins by entry point, broken ones skipped."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from importlib.metadata import EntryPoint

import pytest

from vividverse_desktop.providers.contract import Modality
from vividverse_desktop.providers.keys import api_key, env_var
from vividverse_desktop.providers.registry import GROUP, load_registry


@pytest.fixture
def plugin_module() -> Iterator[types.ModuleType]:
    """A throwaway module holding plugin factories, good and bad."""
    from tests.providers.test_contract import FakeCloud

    module = types.ModuleType("vv_test_plugins")

    def explode() -> object:
        raise RuntimeError("no licence key")

    module.good = FakeCloud  # type: ignore[attr-defined]
    module.explode = explode  # type: ignore[attr-defined]
    module.not_a_provider = dict  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    yield module
    del sys.modules[module.__name__]


def _point(name: str, target: str) -> EntryPoint:
    return EntryPoint(name, target, GROUP)


def test_builtins_are_registered_without_entry_points() -> None:
    """The keyless storyboard and espeak providers are the defaults."""
    registry = load_registry([])
    assert registry.default(Modality.VIDEO).name == "storyboard"
    assert registry.default(Modality.VOICE).name == "espeak"
    assert registry.broken == []


def test_a_plugin_is_found_through_its_entry_point(plugin_module: types.ModuleType) -> None:
    """An entry point naming a provider factory adds that provider."""
    registry = load_registry([_point("fake", "vv_test_plugins:good")])
    assert registry.get("fake", Modality.VOICE).name == "fake"


def test_broken_plugins_are_reported_and_skipped(plugin_module: types.ModuleType) -> None:
    """Import errors, failing factories and non-providers are listed; the rest still load."""
    registry = load_registry(
        [
            _point("missing", "no_such_module_xyz:Thing"),
            _point("explode", "vv_test_plugins:explode"),
            _point("dict", "vv_test_plugins:not_a_provider"),
            _point("fake", "vv_test_plugins:good"),
        ]
    )
    reasons = {b.name: b.reason for b in registry.broken}
    assert set(reasons) == {"missing", "explode", "dict"}
    assert "no licence key" in reasons["explode"]
    assert "fake" in registry.names(Modality.VOICE)


def test_a_plugin_under_the_wrong_name_is_refused(plugin_module: types.ModuleType) -> None:
    """A provider must call itself by its entry-point name."""
    registry = load_registry([_point("luma", "vv_test_plugins:good")])
    assert [b.name for b in registry.broken] == ["luma"]


def test_an_unknown_provider_names_the_choices() -> None:
    """Asking for a provider that is not there lists those that are."""
    with pytest.raises(KeyError, match="storyboard"):
        load_registry([]).get("runway", Modality.VIDEO)


def test_api_keys_come_from_the_environment_without_a_keyring(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With no keyring entry the provider's env variable is used."""
    monkeypatch.setenv(env_var("open-ai"), "sk-test")
    assert env_var("open-ai") == "VIVIDVERSE_OPEN_AI_API_KEY"
    assert api_key("open-ai") == "sk-test"
