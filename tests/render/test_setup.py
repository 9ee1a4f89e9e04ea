"""Setting a render up: providers paired by what they make, the job directory's policy."""

from __future__ import annotations

from pathlib import Path

import pytest

from vividverse_desktop.providers.registry import ChoiceError, load_registry
from vividverse_desktop.render.jobdb import JobDB
from vividverse_desktop.render.setup import (
    JobDirError,
    job_dir_for,
    pair_providers,
    prepare_job_dir,
)


def test_no_names_pairs_the_keyless_defaults() -> None:
    """Nothing named: storyboard clips and espeak voices."""
    video, voice = pair_providers(load_registry())
    assert (video.name, voice.name) == ("storyboard", "espeak")


def test_an_image_provider_makes_the_clips_from_stills() -> None:
    """An image provider's name is placed as the clip maker, wrapped into stills."""
    video, voice = pair_providers(load_registry(), ["openai-images"])
    assert (video.name, voice.name) == ("stills:openai-images", "espeak")


def test_a_voice_named_as_video_is_refused() -> None:
    """``video="espeak"`` is a voice provider in the wrong place: ChoiceError names it."""
    with pytest.raises(ChoiceError, match="--video espeak: a voice provider"):
        pair_providers(load_registry(), video="espeak")


def test_the_job_directory_sits_beside_the_film_unless_given(tmp_path: Path) -> None:
    """``film.mp4`` -> ``film.mp4.job``; an explicit directory wins."""
    assert job_dir_for(tmp_path / "film.mp4") == tmp_path / "film.mp4.job"
    assert job_dir_for(tmp_path / "film.mp4", tmp_path / "j") == tmp_path / "j"


def test_a_fresh_render_clears_an_old_job_and_a_resume_keeps_it(tmp_path: Path) -> None:
    """Without resume the job directory is emptied; with it, kept."""
    job = tmp_path / "film.mp4.job"
    JobDB(job).close()
    prepare_job_dir(job, resume=True)
    assert (job / JobDB.FILENAME).is_file()
    prepare_job_dir(job, resume=False)
    assert not job.exists()


def test_a_folder_that_is_not_a_job_is_never_deleted(tmp_path: Path) -> None:
    """A directory without a job database is refused, and left as it was."""
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "cat.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(JobDirError, match="not a render job directory"):
        prepare_job_dir(folder, resume=False)
    assert (folder / "cat.jpg").is_file()
