"""Autosave and recovery: drafts survive a killed process, are offered back only when they
differ from their file, and a save refuses to overwrite another program's change."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from vividverse_desktop.studio import drafts
from vividverse_desktop.studio.drafts import ChangedOnDisk

REPO = Path(__file__).resolve().parents[2]
SCRIPT = "INT. LAMP ROOM - NIGHT\n\nMarta trims the wick.\n"


def test_a_draft_survives_kill_9_and_is_offered_back(tmp_path: Path) -> None:
    """A child saves a draft and is killed with SIGKILL; the next start finds the draft."""
    source = tmp_path / "lamp.fountain"
    source.write_text(SCRIPT, encoding="utf-8")
    folder = tmp_path / "drafts"
    child = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from vividverse_desktop.studio.drafts import save_draft
        text = {SCRIPT!r} + "She hears the ferry.\\n"
        save_draft(drafts_dir=Path({str(folder)!r}), document_key="lamp",
                   text=text, source_path=Path({str(source)!r}))
        print("saved", flush=True)
        time.sleep(60)
        """
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with subprocess.Popen(
        [sys.executable, "-c", child], stdout=subprocess.PIPE, text=True, env=env
    ) as process:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "saved"
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
    found = drafts.pending_drafts(drafts_dir=folder)
    assert [(d.document_key, d.source_path) for d in found] == [("lamp", source)]
    assert found[0].text.endswith("She hears the ferry.\n")
    assert not list(folder.glob("*.part"))


def test_a_draft_equal_to_its_file_is_not_offered(tmp_path: Path) -> None:
    """After the file is saved with the draft's text, nothing is pending and the draft goes."""
    source = tmp_path / "lamp.fountain"
    source.write_text(SCRIPT, encoding="utf-8")
    folder = tmp_path / "drafts"
    draft = drafts.save_draft(
        drafts_dir=folder, document_key=str(source), text=SCRIPT + "More.\n", source_path=source
    )
    assert drafts.pending_drafts(drafts_dir=folder) == (draft,)
    source.write_text(SCRIPT + "More.\n", encoding="utf-8")
    assert drafts.pending_drafts(drafts_dir=folder) == ()
    assert not draft.path.exists()


def test_the_newest_draft_of_a_document_wins_and_discard_removes_it(tmp_path: Path) -> None:
    """Saving again replaces a document's draft; an untitled draft is kept; discard deletes."""
    folder = tmp_path / "drafts"
    drafts.save_draft(drafts_dir=folder, document_key="new-1", text="one", source_path=None)
    drafts.save_draft(drafts_dir=folder, document_key="new-1", text="two", source_path=None)
    drafts.save_draft(drafts_dir=folder, document_key="new-2", text="  \n", source_path=None)
    pending = drafts.pending_drafts(drafts_dir=folder)
    assert [(d.document_key, d.text) for d in pending] == [("new-1", "two")]
    assert drafts.discard_draft(drafts_dir=folder, document_key="new-1") is True
    assert drafts.discard_draft(drafts_dir=folder, document_key="new-1") is False
    assert drafts.pending_drafts(drafts_dir=folder) == ()


def test_a_torn_draft_file_is_skipped(tmp_path: Path) -> None:
    """A draft file that is not whole JSON is skipped, not fatal."""
    folder = tmp_path / "drafts"
    kept = drafts.save_draft(drafts_dir=folder, document_key="a", text="words", source_path=None)
    (folder / f"broken{drafts.DRAFT_SUFFIX}").write_bytes(b'{"document_key": "b", "te')
    assert drafts.pending_drafts(drafts_dir=folder) == (kept,)


def test_save_script_refuses_a_file_changed_by_another_program(tmp_path: Path) -> None:
    """The save is refused when the file changed since it was read; the file is left alone."""
    path = tmp_path / "lamp.fountain"
    path.write_text(SCRIPT, encoding="utf-8")
    known = drafts.fingerprint(path)
    assert known is not None
    path.write_text(SCRIPT + "Someone else's line.\n", encoding="utf-8")
    with pytest.raises(ChangedOnDisk, match="changed by another program") as caught:
        drafts.save_script(path=path, text=SCRIPT + "Mine.\n", expected=known)
    assert caught.value.current == drafts.fingerprint(path)
    assert path.read_text("utf-8").endswith("Someone else's line.\n")
    saved = drafts.save_script(path=path, text="Mine.\n", expected=caught.value.current)
    assert path.read_text("utf-8") == "Mine.\n"
    assert saved == drafts.fingerprint(path)


def test_save_script_new_file_and_removed_file(tmp_path: Path) -> None:
    """A new file must not exist yet; a file removed since it was read is not recreated."""
    path = tmp_path / "new.fountain"
    first = drafts.save_script(path=path, text=SCRIPT, expected=None)
    with pytest.raises(ChangedOnDisk, match="already exists"):
        drafts.save_script(path=path, text="x", expected=None)
    path.unlink()
    with pytest.raises(ChangedOnDisk, match="was removed"):
        drafts.save_script(path=path, text="x", expected=first)
    assert not path.exists()


def test_changed_on_disk_ignores_a_rewrite_of_the_same_bytes(tmp_path: Path) -> None:
    """A touch or a rewrite with the same content is no change; new content is."""
    path = tmp_path / "lamp.fountain"
    path.write_text(SCRIPT, encoding="utf-8")
    known = drafts.fingerprint(path)
    os.utime(path, ns=(1, 1))
    assert drafts.changed_on_disk(path=path, known=known) is False
    path.write_text(SCRIPT.upper(), encoding="utf-8")
    assert drafts.changed_on_disk(path=path, known=known) is True
    assert drafts.changed_on_disk(path=tmp_path / "none", known=None) is False
