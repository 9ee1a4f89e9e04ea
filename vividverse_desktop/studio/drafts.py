"""Autosave and recovery for the script editor, and saving a script without clobbering
another program's change.

A draft is the editor's unsaved text, kept under a drafts directory (``drafts_dir(root)``
beside the rest of the app's data) as one JSON file per document, written atomically and
fsynced: after a crash or a ``kill -9`` the last draft saved is whole on disk.
``pending_drafts`` lists, on the next start, the drafts whose text differs from their
file, to offer them back. ``save_script`` writes the file itself atomically and refuses
when the file changed on disk since the editor read it (its ``Fingerprint``).

All of these block on the disk: call them from a worker, not the GUI thread.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from vividverse_desktop.studio.errors import StudioError
from vividverse_desktop.studio.scripts import write_atomically

DRAFT_SUFFIX = ".draft.json"


def drafts_dir(root: Path) -> Path:
    """The drafts directory under the app's data root (``session.default_root()``)."""
    return root / "drafts"


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What identifies a file's content as read: change time, size and SHA-256."""

    mtime_ns: int
    size: int
    sha256: str


def fingerprint(path: Path) -> Fingerprint | None:
    """The file's fingerprint, or None when there is no file at ``path``.

    Raises :class:`StudioError` when the file exists but cannot be read.
    """
    try:
        with path.open("rb") as handle:
            stat = os.fstat(handle.fileno())
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StudioError(f"{path}: cannot read it: {exc.strerror or exc}") from exc
    return Fingerprint(stat.st_mtime_ns, stat.st_size, digest)


def changed_on_disk(*, path: Path, known: Fingerprint | None) -> bool:
    """Whether the file's content differs from ``known`` (None: the file should not exist).

    Cheap to poll: when the change time and size are those of ``known`` the file is not
    read; when they differ its content is hashed, so a save of the same bytes (a touch,
    an editor that rewrites on focus) is not a change.
    """
    try:
        stat = path.stat()
    except FileNotFoundError:
        return known is not None
    except OSError as exc:
        raise StudioError(f"{path}: cannot read it: {exc.strerror or exc}") from exc
    if known is None:
        return True
    if (stat.st_mtime_ns, stat.st_size) == (known.mtime_ns, known.size):
        return False
    now = fingerprint(path)
    return now is None or now.sha256 != known.sha256


class ChangedOnDisk(StudioError):
    """The file was changed (or made, or removed) by something else since it was read.

    ``current`` is the file's fingerprint now (None: it is gone).
    """

    def __init__(self, message: str, current: Fingerprint | None) -> None:
        super().__init__(message)
        self.current = current


def save_script(*, path: Path, text: str, expected: Fingerprint | None) -> Fingerprint:
    """Write ``text`` (UTF-8) to ``path`` atomically; returns the new fingerprint.

    ``expected`` is the fingerprint of the file as the editor read it (None for a new
    file). Raises :class:`ChangedOnDisk` when the content on disk is no longer that
    (another program wrote it, or it appeared or vanished): the file is left alone, and
    the editor can show both and let the writer choose. Raises :class:`StudioError` for
    a failed write, leaving the old file whole.
    """
    if changed_on_disk(path=path, known=expected):
        current = fingerprint(path)
        what = "was removed" if current is None else "was changed by another program"
        if expected is None and current is not None:
            what = "already exists"
        raise ChangedOnDisk(
            f"{path} {what} since you opened it: reload it or save under another name",
            current,
        )
    write_atomically(path, text.encode("utf-8"))
    saved = fingerprint(path)
    if saved is None:
        raise StudioError(f"{path}: the file vanished right after it was written")
    return saved


@dataclass(frozen=True, slots=True)
class Draft:
    """Unsaved editor text for one document.

    ``document_key`` names the document for the editor (a file path, or a key of its
    own for a script not yet saved); ``source_path`` is the file it belongs to, if any.
    """

    document_key: str
    source_path: Path | None
    text: str
    saved_at: datetime
    path: Path


def _draft_path(directory: Path, document_key: str) -> Path:
    name = hashlib.sha256(document_key.encode("utf-8")).hexdigest()[:32]
    return directory / f"{name}{DRAFT_SUFFIX}"


def save_draft(
    *, drafts_dir: Path, document_key: str, text: str, source_path: Path | None
) -> Draft:
    """Keep ``text`` as the draft of ``document_key``: written atomically and fsynced.

    The draft replaces the document's previous one. Makes ``drafts_dir`` if needed.
    Raises :class:`StudioError` when the directory cannot be made or written.
    """
    saved_at = time.time_ns()
    body = {
        "document_key": document_key,
        "source_path": None if source_path is None else str(source_path),
        "saved_at_ns": saved_at,
        "text": text,
    }
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    target = _draft_path(drafts_dir, document_key)
    try:
        drafts_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StudioError(f"{drafts_dir}: cannot keep drafts here: {exc.strerror or exc}") from exc
    write_atomically(target, data)
    return Draft(document_key, source_path, text, _time(saved_at), target)


def _time(ns: int) -> datetime:
    return datetime.fromtimestamp(ns / 1e9, UTC)


def _read(path: Path) -> Draft | None:
    """The draft in ``path``, or None when it is not a whole draft file."""
    try:
        body = json.loads(path.read_bytes())
        key, text, at = body["document_key"], body["text"], body["saved_at_ns"]
        source = body.get("source_path")
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not (isinstance(key, str) and isinstance(text, str) and isinstance(at, int)):
        return None
    return Draft(key, Path(source) if isinstance(source, str) else None, text, _time(at), path)


def pending_drafts(*, drafts_dir: Path) -> tuple[Draft, ...]:
    """Drafts whose text differs from their file (or that have no file), newest first.

    A draft whose file now holds the same text is deleted (it has nothing to recover);
    an unreadable draft file is skipped. No directory means no drafts.
    """
    if not drafts_dir.is_dir():
        return ()
    found: list[Draft] = []
    for path in drafts_dir.glob(f"*{DRAFT_SUFFIX}"):
        draft = _read(path)
        if draft is None:
            continue
        if draft.source_path is not None and _same_text(draft.source_path, draft.text):
            path.unlink(missing_ok=True)
            continue
        if draft.source_path is None and not draft.text.strip():
            continue
        found.append(draft)
    return tuple(sorted(found, key=lambda d: d.saved_at, reverse=True))


def _same_text(path: Path, text: str) -> bool:
    """Whether the file holds ``text`` (read as the editor reads it: BOM and UTF-16 too)."""
    from vividverse_desktop.core.screenplay.errors import ScreenplayError
    from vividverse_desktop.core.screenplay.fountain import decode

    try:
        return decode(path.read_bytes()) == text
    except (OSError, ScreenplayError):
        return False


def discard_draft(*, drafts_dir: Path, document_key: str) -> bool:
    """Delete the draft of ``document_key`` (after a save, or when the writer declines it).

    Returns whether there was one.
    """
    path = _draft_path(drafts_dir, document_key)
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise StudioError(f"{path}: the draft could not be removed: {exc.strerror or exc}") from exc
    return True
