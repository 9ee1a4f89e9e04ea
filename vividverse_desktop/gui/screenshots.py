"""Save a PNG of every room and dialog, light and dark, at two window sizes.

    QT_QPA_PLATFORM=offscreen python -m vividverse_desktop.gui.screenshots OUTDIR

Run by ``bootstrap.py screenshots`` in a child process; settings go to a temporary file.
The app runs as it does for a person: its qasync loop, and the session it opens on a
first run (this computer's studio, the samples brought in, synced), in a temporary data
directory, so the status bar and account menu show a real session.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from vividverse_desktop.core.timecode import FrameRate
from vividverse_desktop.core.workflow import Role
from vividverse_desktop.gui.app import Shell, application, build_shell, open_desk
from vividverse_desktop.gui.dialogs.sign_in import SignInDialog
from vividverse_desktop.gui.main_window import MainWindow
from vividverse_desktop.gui.preferences import Preferences
from vividverse_desktop.gui.rooms import ROOMS
from vividverse_desktop.studio.screening import make_frame_code_film
from vividverse_desktop.studio.session import Account

if TYPE_CHECKING:
    from vividverse_desktop.gui.desk import DeskController
    from vividverse_desktop.gui.rooms.write.room import WriteRoom

SIZES = ((1366, 768), (1920, 1080))
SESSION_MS = 60_000
"""How long this computer's studio may take to start, sign in and sync once (a cold
start of its server on a busy 2-core machine takes up to ~40 s)."""
SYNC_STATUS_KEY = "Sync status"
ACCOUNT_KEY = "Account"
_EXAMPLE_ACCOUNTS = (
    Account(server_url="http://127.0.0.1:8765", username="owner", this_computer=True),
    Account(
        server_url="https://studio.example.org",
        username="ada",
        display_name="Ada Quill",
        roles=frozenset({Role.WRITER, Role.VALIDATOR}),
    ),
)
SCHEMES = ("light", "dark")
FEATURE = ("samples", "the_long_take.fountain")
"""The hand-written feature-length sample the Write room and its dialogs are shown on."""
FEATURE_CURSOR = "\nTEO ^\n"
"""Where the cursor goes: mid-script, scene 21's dual dialogue (side by side on the page)."""


def settle(ms: int = 50) -> None:
    """Let Qt lay out and paint (a short event loop, not a processEvents spin)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def save(widget: QWidget, path: Path) -> Path:
    """Grab ``widget`` into ``path`` (PNG). A main window is grabbed between syncs (the
    session's timer runs one a minute), and its status bar's words and account go into
    the PNG's text (``SYNC_STATUS_KEY``, ``ACCOUNT_KEY``) for checks to read."""
    if isinstance(widget, MainWindow):
        wait_for(lambda: not widget.sync_status.view.syncing, 20_000)
    settle()
    image = widget.grab().toImage()
    if isinstance(widget, MainWindow):
        image.setText(SYNC_STATUS_KEY, widget.sync_status.text())
        image.setText(ACCOUNT_KEY, widget.account_button.text())
    if not image.save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    return path


def wait_for(predicate: Callable[[], bool], ms: int = 10_000, *, tick_ms: int = 10) -> bool:
    """Run the event loop until ``predicate()`` holds (checked every ``tick_ms``) or ``ms``
    pass (timers stopped after)."""
    loop = QEventLoop()
    tick, deadline = QTimer(), QTimer()
    tick.timeout.connect(lambda: loop.quit() if predicate() else None)
    deadline.setSingleShot(True)
    deadline.timeout.connect(loop.quit)
    tick.start(tick_ms)
    deadline.start(ms)
    if not predicate():
        loop.exec()
    tick.stop()
    deadline.stop()
    return predicate()


LUCA_LINE = "Luca. I'm not lost. My gran is lost."
"""A line of the sample's third scene, said otherwise in its second render (Compare)."""


def _render_sample(folder: Path, *, revised: bool = False) -> Path | None:
    """The sample script rendered by the keyless providers at 640x360 (None if it fails:
    the screenshots then use a frame-code film); ``revised``: again after a line of its
    third scene was rewritten (only that scene renders anew, in the same job folder)."""
    from vividverse_desktop.core.resources import resource_path
    from vividverse_desktop.core.screenplay.fountain import parse
    from vividverse_desktop.studio.errors import StudioError
    from vividverse_desktop.studio.rendering import plan_of, prepare, render

    text = resource_path("samples", "night_market.fountain").read_text(encoding="utf-8")
    output = folder / "night-market.mp4"
    if revised:
        text = text.replace(LUCA_LINE, "I'm Luca. And I'm not lost. Gran is.", 1)
        output = folder / "night-market-take-2.mp4"
    output.with_suffix(".fountain").write_text(text, encoding="utf-8")  # the script beside it
    try:
        with prepare(output=output, job_dir=folder / "job", size=(640, 360), fps=24) as setup:
            render(setup=setup, plan=plan_of(parse(text)))
    except StudioError:
        return None
    return output


def _second_film(folder: Path, first: Path) -> Path:
    """Film B of the compare view: the sample rendered again after an edit, or (when the
    first film is a frame-code film) the same frames at twice the size."""
    if first.name == "night-market.mp4":
        revised = _render_sample(folder, revised=True)
        if revised is not None:
            return revised
    return make_frame_code_film(
        path=folder / "frame-code-film-large.mp4",
        rate=FrameRate.conventional(24),
        frames=96,
        width=480,
        height=264,
        scale_to=(960, 528),
    )


def _compare_views(window: MainWindow, film_b: Path, out: Path, scheme: str) -> list[Path]:
    """The Screening Room comparing the film with film B: side by side, then the wipe."""
    from vividverse_desktop.gui.rooms.screening import ScreeningRoom

    room = window.pages["screening"]
    if not isinstance(room, ScreeningRoom):
        return []
    window.show_room("screening")
    room.overlay.clear_draft()  # the drawing being made belongs to the other screenshots
    room.draw_bar.stop()
    frame = room.player.frame
    compare = room.compare
    compare.open_file(film_b)
    wait_for(lambda: compare.comparison is not None)
    compare.set_wipe(False)
    room.player.seek(frame)
    wait_for(lambda: room.player.frame == compare.other.frame == frame)
    shots = [save(window, out / f"screening-compare-{scheme}.png")]
    compare.set_wipe(True)
    compare.wipe.set_position(0.5)
    shots.append(save(window, out / f"screening-compare-wipe-{scheme}.png"))
    compare.stop()
    _draw_on(room)
    window.show_room("write")
    return shots


def _screen_a_film(window: MainWindow, folder: Path) -> Path:
    """Open the sample's keyless film in the Screening Room, paused in its third scene with
    an in-out range marked (a frame-code film when rendering is not possible here)."""
    from vividverse_desktop.gui.rooms.screening import ScreeningRoom

    path = _render_sample(folder) or make_frame_code_film(
        path=folder / "frame-code-film.mp4",
        rate=FrameRate.conventional(24),
        frames=96,
        chapters=(("INT. KITCHEN - DAY", 0), ("EXT. ROOF - NIGHT", 30), ("INT. CAR - LATER", 66)),
        width=480,
        height=264,
    )
    window.open_file(path)
    room = window.pages["screening"]
    if not isinstance(room, ScreeningRoom):
        return path
    wait_for(lambda: room.player.is_open and room.facts is not None)
    facts = room.facts
    assert facts is not None
    chapters = facts.chapters
    if chapters:  # the middle of the third scene: a speech, past its establishing card
        chosen = chapters[min(2, len(chapters) - 1)]
        frame = (chosen.first + chosen.last) // 2
    else:
        frame = 41
    room.player.set_in(max(0, frame - 8))
    room.player.set_out(frame + 16)
    room.player.seek(frame)
    wait_for(lambda: room.player.frame == frame)
    _draw_on(room)
    window.show_room("write")
    return path


def _screening_views(window: MainWindow, out: Path, scheme: str) -> list[Path]:
    """The Screening Room with the script of the scene on screen beside the film."""
    from vividverse_desktop.gui.rooms.screening import ScreeningRoom

    room = window.pages["screening"]
    if not isinstance(room, ScreeningRoom):
        return []
    window.show_room("screening")
    room.tabs.setCurrentWidget(room.script_pane)
    wait_for(room.script_pane.open_button.isEnabled, 5000)
    shot = save(window, out / f"screening-script-{scheme}.png")
    room.tabs.setCurrentIndex(0)
    return [shot]


def _draw_on(room: QWidget) -> None:
    """A drawing being made on the paused frame: a box, an arrow and a word."""
    from vividverse_desktop.core.wire import Arrow, Box, Label
    from vividverse_desktop.core.wire.drawing import ShapeKind
    from vividverse_desktop.gui.rooms.screening import ScreeningRoom

    assert isinstance(room, ScreeningRoom)
    room.draw_bar.choose(ShapeKind.ARROW)
    room.overlay.draft.extend(
        (
            Box((0.56, 0.18), (0.9, 0.62)),
            Arrow((0.3, 0.85), (0.54, 0.6)),
            Label((0.08, 0.7), "too bright"),
        )
    )
    room.overlay.draft_changed.emit()
    room.overlay.update()


def _feature_text() -> str:
    from vividverse_desktop.core.resources import resource_path

    return resource_path(*FEATURE).read_text(encoding="utf-8")


def _open_sample(write: QWidget) -> None:
    """Open the feature-length sample in the Write room, the cursor mid-script on the
    dual dialogue of scene 21 (page 40 of 111)."""
    from vividverse_desktop.core.resources import resource_path
    from vividverse_desktop.gui.rooms.write.room import WriteRoom

    assert isinstance(write, WriteRoom)
    text = _feature_text()
    write.load_text(text, path=resource_path(*FEATURE))
    for _ in range(400):  # read, coloured and spell-checked
        if (
            write.analysis is not None
            and write.analysis.text == text
            and not write.editor.highlighter.busy
            and (write.proofreader.result is not None or not write.proofreader.enabled)
        ):
            break
        settle(50)
    write.go_to_line(text[: text.index(FEATURE_CURSOR)].count("\n") + 1)
    settle(300)  # the navigator, page and statistics follow the cursor
    write.state.setText("")


def _write_views(window: QWidget, write: QWidget, out: Path, scheme: str) -> list[Path]:
    """The Write room's statistics, focus mode and a scene playing beside the editor."""
    from vividverse_desktop.gui.rooms.write.room import WriteRoom

    assert isinstance(write, WriteRoom)
    shots = []
    write.show_statistics()
    shots.append(save(window, out / f"write-statistics-{scheme}.png"))
    write.show_page_preview()
    write.toggle_focus()
    shots.append(save(window, out / f"write-focus-{scheme}.png"))
    write.toggle_focus()
    shots.append(_watch_a_scene(window, write, out / f"write-scene-{scheme}.png"))
    write.show_page_preview()
    return shots


def _watch_a_scene(window: QWidget, write: WriteRoom, path: Path) -> Path:
    """Watch this scene on a dialogue scene of about a page: rendered with the keyless
    providers (the second scheme finds the clip made), photographed while it plays."""
    analysis = write.analysis
    assert analysis is not None
    scenes = analysis.stats.scenes
    index = next(
        (i for i, scene in enumerate(scenes) if 6 <= scene.eighths <= 10 and scene.characters),
        0,
    )
    write.go_to_scene_index(index)
    write.editor.go_to_line(analysis.scene_lines[index] + 2)
    shown: list[float] = []
    write.scene_player.frame_shown.connect(shown.append)
    write.watch_scene()
    if not wait_for(lambda: len(shown) >= 36, 90_000):  # 1.5 s into the clip
        raise RuntimeError(f"the scene clip did not play: {write.scene_player.caption.text()}")
    write.scene_player.player.pause()
    settle(100)
    saved = save(window, path)
    write.scene_player.frame_shown.disconnect(shown.append)
    write.scene_player.stop()
    return saved


def _revised(text: str) -> str:
    """The feature revised: a line of scene 6 changed, the developer's call (scene 33) moved
    before the library (scene 25), and a scene added at the end (what Compare versions shows)."""
    start = text.index("INT. HARBOURLINE HOMES - SITE CABIN - DAY\n\nA portable cabin")
    end = text.index("INT. REGAL CINEMA - FOYER - DAY")
    call, text = text[start:end], text[:start] + text[end:]
    library = text.index("INT. SALTHAVEN LIBRARY - LOCAL STUDIES ROOM - DAY")
    text = text[:library] + call + text[library:]
    text = text.replace("Then wash your money.", "Then wash your money. And your hair.", 1)
    return text.rstrip("\n") + "\n\nEXT. REGAL SITE - DAWN\n\nThe hoarding, bare. A gull.\n"


def _write_dialogs(window: MainWindow, folder: Path, out: Path, scheme: str) -> list[Path]:
    """Compare versions (two versions of the feature in a scratch store) and the import
    review (the feature exported to PDF, one element corrected)."""
    from vividverse_desktop.core.screenplay.model import ElementKind
    from vividverse_desktop.gui.rooms.write.compare_dialog import CompareDialog
    from vividverse_desktop.gui.rooms.write.import_review import ImportReviewDialog
    from vividverse_desktop.studio import compare, writing

    shots: list[Path] = []
    text = _feature_text()
    scratch = folder / f"versions-{scheme}"
    scratch.mkdir(exist_ok=True)
    store, script_id = compare.scratch_versions(folder=scratch, texts=(text, _revised(text)))
    try:
        dialog = CompareDialog(
            runner=window.runner, store=store, script_id=script_id, parent=window
        )
        dialog.show()
        wait_for(lambda: dialog.diff is not None and dialog.scenes.topLevelItemCount() > 0)
        for row in range(dialog.scenes.topLevelItemCount()):
            if dialog.scenes.topLevelItem(row).text(0).startswith("Edited"):
                dialog.scenes.setCurrentItem(dialog.scenes.topLevelItem(row))
                break
        shots.append(save(dialog, out / f"dialog-compare-{scheme}.png"))
        dialog.close()
        dialog.deleteLater()
    finally:
        store.close()
    pdf = writing.export_text(text=text, output=folder / f"the-long-take-{scheme}.pdf").path
    review = ImportReviewDialog(path=pdf, runner=window.runner, parent=window)
    review.show()
    wait_for(lambda: review.review is not None)
    review.step_page(1)
    wait_for(lambda: review.page_area.view.image is not None)
    rows = [r for r, e in enumerate(review.shown) if e.kind is ElementKind.ACTION]
    if rows:
        review.table.setCurrentCell(rows[len(rows) // 2], 0)
        review.correct(ElementKind.CENTERED)
    wait_for(lambda: review.page_area.view.image is not None)
    shots.append(save(review, out / f"dialog-import-review-{scheme}.png"))
    review.reject()
    review.deleteLater()
    return shots


def take_all(out: Path) -> list[Path]:
    """Every room in both schemes at both sizes, the dialogs, and README's main-window.png,
    of the app as it runs: its qasync loop, and the session it opens (this computer's
    studio in a temporary data directory, the samples brought in, synced once)."""
    import qasync

    out.mkdir(parents=True, exist_ok=True)
    app = application()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    saved: list[Path] = []
    failed: list[BaseException] = []

    def shoot() -> None:  # a callback of the running loop, as every slot in the app is
        try:
            with tempfile.TemporaryDirectory() as tmp:
                saved.extend(_shoot(app, out, Path(tmp)))
        except BaseException as error:  # raised again once the loop is closed
            failed.append(error)
        finally:
            loop.stop()

    try:
        loop.call_soon(shoot)
        loop.run_forever()
    finally:
        loop.close()  # stops qasync's executor threads (asyncio.to_thread ran there)
        asyncio.set_event_loop(None)
    if failed:
        raise failed[0]
    return saved


def _shoot(app: QApplication, out: Path, tmp: Path) -> list[Path]:
    os.environ["VIVIDVERSE_DATA_DIR"] = str(tmp / "data")  # no drafts or stores of the user's
    # The session's tokens are for a server that lives as long as this run: none goes to
    # the person's keyring (and the Settings dialog shows no key of theirs).
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    shell = build_shell(app, Preferences(tmp / "settings.ini"))
    shell.window.show()
    desk = open_desk(shell)
    try:
        _wait_for_session(shell, desk)
        shots = _rooms_and_dialogs(shell.window, out, tmp)
    except BaseException:
        _close_session(shell, desk)  # what went wrong closing is not what went wrong
        raise
    problem = _close_session(shell, desk)
    if problem:
        raise RuntimeError(problem)
    return shots


def _wait_for_session(shell: Shell, desk: DeskController) -> None:
    """Wait until ``desk`` is signed in and synced once; a :class:`RuntimeError` saying
    what went wrong when it is not, within SESSION_MS."""
    synced: list[object] = []
    failures: list[str] = []
    desk.sync_finished.connect(synced.append)
    desk.sync_failed.connect(failures.append)
    status = shell.window.sync_status

    def settled() -> bool:
        return (
            desk.dialog is not None  # opening failed: the app asks, with the reason
            or bool(failures)
            or (bool(synced) and not status.view.syncing)
        )

    wait_for(settled, SESSION_MS)
    if desk.dialog is not None:
        reason = desk.dialog.error_label.text() or "the sign-in dialog was shown"
        raise RuntimeError(f"this computer's studio did not open: {reason}")
    if failures:
        raise RuntimeError(f"the first sync failed: {failures[0]}")
    if not synced or status.view.syncing:
        raise RuntimeError(
            f"this computer's studio was not signed in and synced within "
            f"{SESSION_MS // 1000} s (the status bar says: {status.text()})"
        )
    if not status.view.online:
        raise RuntimeError(f"the first sync did not reach the server: {status.text()}")
    shell.window.tour.end()  # the first run's tour: seen and closed, as a person would


def _close_session(shell: Shell, desk: DeskController) -> str | None:
    """Close the session (its client, store and this computer's server), the window and
    the task runner's threads, and let the loop's last tasks end; what did not close."""
    if desk.dialog is not None:
        desk.dialog.reject()  # the dialog shown when opening failed
    closing = desk.close()
    closed = closing is None or wait_for(lambda: closing.is_finished, 30_000)
    shell.window.close()
    stopped = shell.runner.shutdown(timeout=10)
    loop = asyncio.get_running_loop()
    wait_for(lambda: all(task.done() for task in asyncio.all_tasks(loop)), 5000)
    if not closed:
        return "the session did not close within 30 s"
    if not stopped:
        return "the task runner's threads did not stop within 10 s"
    return None


def _rooms_and_dialogs(window: MainWindow, out: Path, tmp: Path) -> list[Path]:
    saved: list[Path] = []
    for _ in range(400):  # the rooms load on a worker after the window shows
        if all(type(window.pages[key]).__name__ != "LoadingRoom" for key in window.pages):
            break
        settle(25)
    film_a = _screen_a_film(window, tmp)
    film_b = _second_film(tmp, film_a)
    write = window.pages["write"]
    _open_sample(write)
    for scheme in SCHEMES:
        window.set_theme(scheme)
        for width, height in SIZES:
            window.resize(width, height)
            for room in ROOMS:
                window.show_room(room.key)
                name = f"{room.key}-{scheme}-{width}x{height}.png"
                saved.append(save(window, out / name))
                if (room.key, scheme, width) == ("write", "light", SIZES[0][0]):
                    saved.append(save(window, out / "main-window.png"))  # README's picture
        window.resize(*SIZES[0])
        saved.extend(_screening_views(window, out, scheme))
        saved.extend(_compare_views(window, film_b, out, scheme))
        window.show_room("write")
        saved.extend(_write_views(window, write, out, scheme))
        saved.extend(_write_dialogs(window, tmp, out, scheme))
        for label, opener in (
            ("about", window.open_about),
            ("settings", window.open_settings),
            ("shortcuts", window.open_shortcuts),
        ):
            dialog = opener()
            if label == "about" and dialog.task is not None:
                wait = QEventLoop()
                dialog.task.ended.connect(wait.quit)
                # A stoppable timer: a singleShot would outlive ``wait`` and fire into it.
                deadline = QTimer()
                deadline.setSingleShot(True)
                deadline.timeout.connect(wait.quit)
                deadline.start(10_000)
                if not dialog.task.is_finished:
                    wait.exec()
                deadline.stop()
            saved.append(save(dialog, out / f"dialog-{label}-{scheme}.png"))
            dialog.close()
        sign_in = SignInDialog(window, remembered=_EXAMPLE_ACCOUNTS)
        sign_in.show()
        saved.append(save(sign_in, out / f"dialog-sign-in-{scheme}.png"))
        sign_in.close()
        sign_in.deleteLater()
        palette = window.open_palette()
        palette.query.setText("sync")
        saved.append(save(palette, out / f"dialog-palette-{scheme}.png"))
        palette.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    for path in take_all(Path(args[0])):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
