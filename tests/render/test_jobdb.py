"""The job database: assets keyed by input hashes, recorded only when their file exists."""

from __future__ import annotations

from pathlib import Path

from vividverse_desktop.render.jobdb import JobDB, asset_key


def test_asset_keys_depend_on_every_input_and_not_on_key_order() -> None:
    """Same inputs in any order give the same key; any changed input a different one."""
    a = asset_key("clip", {"scene": {"x": 1, "y": 2}, "provider": ["storyboard", "1"]})
    b = asset_key("clip", {"provider": ["storyboard", "1"], "scene": {"y": 2, "x": 1}})
    assert a == b
    assert a != asset_key("clip", {"scene": {"x": 1, "y": 3}, "provider": ["storyboard", "1"]})
    assert a != asset_key("clip", {"scene": {"x": 1, "y": 2}, "provider": ["storyboard", "2"]})
    assert a != asset_key("voice", {"scene": {"x": 1, "y": 2}, "provider": ["storyboard", "1"]})


def test_a_recorded_asset_is_found_again_after_reopening(tmp_path: Path) -> None:
    """Rows survive closing the database; paths are stored relative to the job directory."""
    file = tmp_path / "assets" / "clip-1.mp4"
    file.parent.mkdir()
    file.write_bytes(b"x")
    with JobDB(tmp_path) as db:
        run = db.start_run()
        db.record("k1", kind="clip", scene_id="3", provider="storyboard", path=file, run_id=run,
                  cost=0.5, seconds=2.0, meta={"lufs": -20.0})  # fmt: skip
    with JobDB(tmp_path) as db:
        row = db.get("k1")
    assert row is not None
    assert (row.path, row.scene_id, row.cost, row.meta) == ("assets/clip-1.mp4", "3", 0.5,
                                                             {"lufs": -20.0})  # fmt: skip


def test_a_row_whose_file_is_gone_does_not_count(tmp_path: Path) -> None:
    """If the asset file was deleted, the key is treated as not made."""
    file = tmp_path / "a.wav"
    file.write_bytes(b"x")
    with JobDB(tmp_path) as db:
        db.record("k", kind="voice", scene_id="1", provider="espeak", path=file,
                  run_id=db.start_run())  # fmt: skip
        file.unlink()
        assert db.get("k") is None


def test_rows_can_be_listed_per_run(tmp_path: Path) -> None:
    """Each run's new assets are distinguishable."""
    (tmp_path / "a").write_bytes(b"1")
    (tmp_path / "b").write_bytes(b"2")
    with JobDB(tmp_path) as db:
        first, second = db.start_run(), db.start_run()
        db.record("a", kind="voice", scene_id="1", provider="p", path=tmp_path / "a", run_id=first)
        db.record("b", kind="voice", scene_id="2", provider="p", path=tmp_path / "b", run_id=second)
        assert [r.key for r in db.rows(second)] == ["b"]
        assert len(db.rows()) == 2
