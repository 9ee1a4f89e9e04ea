"""Scripts: import any format, submit and revise (offline, through the outbox), versions,
export to Fountain, Final Draft or an industry-format PDF (comparing versions: ``compare``).

Reading a file may take a while (a PDF is read in a child process): front ends call
:func:`load_script` off their event loop. Submitting and revising write an op to the
store's outbox in one durable transaction and return the store's ``Changes``; the next
sync sends them.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from vividverse_desktop.core.changes import Changes
from vividverse_desktop.core.screenplay.errors import ScreenplayError
from vividverse_desktop.core.screenplay.model import Screenplay
from vividverse_desktop.core.wire import (
    Op,
    ScriptRecord,
    ScriptRevision,
    ScriptSubmission,
    ScriptVersionRecord,
    SourceFormat,
)
from vividverse_desktop.studio.errors import StudioError

if TYPE_CHECKING:
    from vividverse_desktop.core.cancel import CancelToken
    from vividverse_desktop.store import LocalStore

Paper = Literal["letter", "a4"]
SceneNumbers = Literal["none", "left", "right", "both"]
SCENE_NUMBER_SIDES: tuple[SceneNumbers, ...] = ("none", "left", "right", "both")
MAX_TITLE = 300


@dataclass(frozen=True, slots=True)
class LoadedScript:
    """A screenplay read from a file: its model, its Fountain text and what to tell the user.

    ``fountain_text`` is the file's own text for Fountain and the converted text for a
    PDF or plain-text import (what a submission stores).
    """

    path: Path
    screenplay: Screenplay
    fountain_text: str
    source_format: SourceFormat
    warnings: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        """The title page's title as plain text, or the file's name without its suffix."""
        return plain_title(self.screenplay) or self.path.stem


def plain_title(screenplay: Screenplay) -> str:
    """The title page's title without Fountain markup, its lines joined by spaces."""
    return screenplay.title


def load_script(*, path: Path, cancel: CancelToken | None = None) -> LoadedScript:
    """Read a Fountain, PDF or plain-text screenplay; the format comes from the content.

    Raises :class:`StudioError` naming the file: missing, a directory, unreadable,
    empty, binary, oversized, or a PDF that cannot be read safely. Blocks while a PDF
    is read in its child process (``cancel`` is honoured there when the media layer
    takes a token).
    """
    from vividverse_desktop.core.screenplay.writer import write
    from vividverse_desktop.media.importer import load_screenplay

    if not path.exists():
        raise StudioError(f"{path}: no such file")
    if path.is_dir():
        raise StudioError(f"{path}: is a directory, not a screenplay file")
    try:
        result = load_screenplay(path)
    except ScreenplayError as exc:
        raise StudioError(f"{path}: {exc}") from exc
    except OSError as exc:
        raise StudioError(f"{path}: {exc.strerror or exc}") from exc
    source = SourceFormat(result.source_format)
    if source is SourceFormat.FOUNTAIN:
        from vividverse_desktop.core.screenplay.fountain import decode

        text = decode(path.read_bytes())
    else:
        text = write(result.screenplay)
    return LoadedScript(path, result.screenplay, text, source, tuple(result.warnings))


@dataclass(frozen=True, slots=True)
class Submitted:
    """A script (or a new version of one) recorded in the outbox, waiting for the next sync."""

    script_id: str
    version_id: str
    changes: Changes


def submit_script(
    *,
    store: LocalStore,
    user_id: str,
    title: str,
    fountain_text: str,
    source_format: SourceFormat = SourceFormat.FOUNTAIN,
) -> Submitted:
    """Submit a new script for validation (works offline: sent on the next sync).

    Raises :class:`StudioError` for an empty title or one over 300 characters.
    """
    clean = " ".join(title.split())
    if not clean:
        raise StudioError("a script needs a title: add 'Title:' to the title page or name it")
    if len(clean) > MAX_TITLE:
        raise StudioError(f"the title is {len(clean)} characters; at most {MAX_TITLE} fit")
    body = ScriptSubmission.of(clean, fountain_text, source_format)
    changes = store.record(Op.of(body), user_id=user_id)
    return Submitted(body.script_id, body.version_id, changes)


def revise_script(
    *,
    store: LocalStore,
    user_id: str,
    script_id: str,
    fountain_text: str,
    source_format: SourceFormat = SourceFormat.FOUNTAIN,
) -> Submitted:
    """Submit a new version of a script (nothing is overwritten; works offline).

    Raises :class:`StudioError` when the script is unknown here or the text is the
    same as its latest version's.
    """
    versions = store.script_versions(script_id)
    if store.script(script_id) is None:
        raise StudioError(f"no script {script_id} here; sync first if it was made elsewhere")
    if versions and versions[-1].fountain_text == fountain_text:
        raise StudioError(f"version {versions[-1].n} already has this text: nothing to submit")
    body = ScriptRevision.of(script_id, fountain_text, source_format)
    changes = store.record(Op.of(body), user_id=user_id)
    return Submitted(script_id, body.version_id, changes)


def script(*, store: LocalStore, script_id: str) -> ScriptRecord:
    """One script, or :class:`StudioError` if it is not in the local store."""
    found = store.script(script_id)
    if found is None:
        raise StudioError(f"no script {script_id} here; sync first if it was made elsewhere")
    return found


def versions(*, store: LocalStore, script_id: str) -> tuple[ScriptVersionRecord, ...]:
    """A script's versions, oldest first (numbered by the server; unsent ones last)."""
    return store.script_versions(script_id)


def latest_version(*, store: LocalStore, script_id: str) -> ScriptVersionRecord:
    """The newest version of a script; :class:`StudioError` if it has none here."""
    found = store.latest_version(script_id)
    if found is None:
        raise StudioError(f"script {script_id} has no version here; sync first")
    return found


def export_fountain(*, screenplay: Screenplay, path: Path) -> Path:
    """Write the screenplay as Fountain to ``path`` atomically; returns the path."""
    from vividverse_desktop.core.screenplay.writer import write

    return write_atomically(path, write(screenplay).encode("utf-8"))


def export_pdf(
    *,
    screenplay: Screenplay,
    path: Path,
    paper: Paper = "letter",
    scene_numbers: SceneNumbers = "none",
    title_page: bool = True,
    watermark: str = "",
    revised_from: Screenplay | None = None,
) -> Path:
    """Write an industry-format PDF (the same pages the statistics count) atomically.

    ``scene_numbers`` puts each heading's number in the left margin, the right one,
    both or neither. ``revised_from`` is the previous version: every printed line that
    is new or changed since it gets an asterisk in the right margin. Raises
    :class:`StudioError` for an unknown side and a failed write.
    """
    from vividverse_desktop.media.pdf_export import render_pdf

    if scene_numbers not in SCENE_NUMBER_SIDES:
        raise StudioError(
            f"scene numbers go {', '.join(SCENE_NUMBER_SIDES)}; {scene_numbers!r} is not one"
        )
    data = render_pdf(
        screenplay,
        paper=paper,
        scene_numbers=scene_numbers,
        title_page=title_page,
        watermark=watermark,
        revised_from=revised_from,
    )
    return write_atomically(path, data)


def export_fdx(*, screenplay: Screenplay, path: Path) -> tuple[str, ...]:
    """Write the screenplay as Final Draft XML to ``path`` atomically.

    Returns warnings naming what Final Draft cannot hold (boneyards are left out).
    """
    from vividverse_desktop.core.screenplay.fdx_writer import screenplay_to_fdx

    text, warnings = screenplay_to_fdx(screenplay)
    write_atomically(path, text.encode("utf-8"))
    return warnings


EXPORT_SUFFIXES = {
    ".pdf": "pdf",
    ".fountain": "fountain",
    ".spmd": "fountain",
    ".fdx": "fdx",
}
"""Output suffixes ``export_script`` writes, and the format each means."""


@dataclass(frozen=True, slots=True)
class Exported:
    """What ``export_script`` wrote: the file, its format, body pages (PDF), scenes, warnings."""

    path: Path
    format: str
    pages: int
    scenes: int
    warnings: tuple[str, ...]


def export_script(
    *,
    source: Path,
    output: Path,
    paper: Paper = "letter",
    scene_numbers: SceneNumbers = "none",
    title_page: bool = True,
    watermark: str = "",
    revised_from: Path | None = None,
    force: bool = False,
) -> Exported:
    """Read any screenplay file and write it as PDF, Fountain or Final Draft (by the suffix).

    The PDF options are those of ``export_pdf``; ``revised_from`` is the previous
    version's file (any format ``load_script`` reads). Raises :class:`StudioError` for an
    unknown suffix, PDF options on another output, an output that is the input,
    an existing output without ``force``, and every load or write failure.
    """
    kind = EXPORT_SUFFIXES.get(output.suffix.lower())
    if kind is None:
        raise StudioError(f"{output}: write a .pdf, a .fountain or a .fdx file")
    pdf_options = (scene_numbers != "none", watermark, paper != "letter", not title_page)
    if kind != "pdf" and (any(pdf_options) or revised_from is not None):
        raise StudioError(
            f"{output}: paper, scene numbers, title page, watermark and revision marks "
            "are PDF options"
        )
    if output.exists() and source.exists() and output.resolve() == source.resolve():
        raise StudioError(f"{output}: refusing to overwrite the input file")
    if output.exists() and not force:
        raise StudioError(f"{output}: already exists (use --force to overwrite)")
    loaded = load_script(path=source)
    screenplay = loaded.screenplay
    pages = 0
    warnings = loaded.warnings
    if kind == "pdf":
        from vividverse_desktop.core.screenplay.pagination import paginate

        previous = None if revised_from is None else load_script(path=revised_from).screenplay
        export_pdf(
            screenplay=screenplay,
            path=output,
            paper=paper,
            scene_numbers=scene_numbers,
            title_page=title_page,
            watermark=watermark,
            revised_from=previous,
        )
        pages = paginate(screenplay, paper).page_count
    elif kind == "fdx":
        warnings += export_fdx(screenplay=screenplay, path=output)
    else:
        export_fountain(screenplay=screenplay, path=output)
    return Exported(output, kind, pages, len(screenplay.scenes()), warnings)


def write_atomically(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a fsynced temporary file and a rename (fsynced too).

    Raises :class:`StudioError` for a missing directory or a failed write (disk full,
    permission): the file already at ``path`` is then left as it was.
    """
    directory = path.parent
    if not directory.is_dir():
        raise StudioError(f"{directory}: no such directory")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=directory)
    except OSError as exc:
        raise StudioError(f"{path}: cannot write here: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        _sync_directory(directory)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise StudioError(f"{path}: the file could not be written: {exc.strerror or exc}") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _sync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable (POSIX; elsewhere the rename is all there is)."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
