"""The Write room on a 120-page script: keystroke cost, open time, preview refresh.

1. Keystroke: GUI-thread time of one typed character (QTest.keyClick into the editor,
   timed around the call), median, p99 and max over ``--keys`` keys typed in the middle of
   the script, while the room's reading of the text runs on its worker. The peer is a bare
   QPlainTextEdit holding the same text in the same process (no colours, no flow): the
   floor Qt pays. Goal: under 2 ms.
2. Open: from ``load_text`` to the editor holding the text and the event loop turning
   again (editable), and to the first reading applied (colours, navigator, pages). The peer
   is ``setPlainText`` on the bare QPlainTextEdit. Goal: under 150 ms to editable.
3. Preview refresh: from the last key of a burst to the pages redrawn from the new text
   (``WriteRoom.analysed``), median and max over ``--runs`` bursts. Goal: within 300 ms.
   The peer is ``studio.writing.analyse`` alone on the same text, timed on this thread.
4. Spell check: with a misspelt word every ~100 lines, from the last key of a burst to
   the underlines drawn (``Proofreader.checked``), median and max over ``--runs`` bursts;
   and the GUI-thread time of applying a check (one pass over the blocks) and of the
   largest slice of redrawn lines. The peer is ``studio.spelling.check`` alone.

``python -m bench.write`` (``--pages`` to change the generated script's length, or
``--script FILE`` to measure a script of your own, e.g. the hand-written feature
``resources/samples/the_long_take.fountain``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.write", description=__doc__)
    parser.add_argument("--pages", type=int, default=120)
    parser.add_argument("--script", type=Path, help="a Fountain file instead of a generated one")
    parser.add_argument("--keys", type=int, default=300)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QPlainTextEdit

    from bench.scriptgen import feature_script
    from vividverse_desktop.gui.fonts import script_font
    from vividverse_desktop.gui.preferences import Preferences
    from vividverse_desktop.gui.rooms.write.room import WriteRoom
    from vividverse_desktop.gui.tasks import TaskRunner
    from vividverse_desktop.gui.theme import LIGHT
    from vividverse_desktop.studio import writing

    _app = QApplication.instance() or QApplication([])
    if args.script is not None:
        text = args.script.read_text(encoding="utf-8")
    else:
        text = feature_script(args.pages, seed=7)

    def turn(ms: int = 0) -> None:
        loop = QEventLoop()
        timer = QTimer()
        timer.setSingleShot(True)
        timer.timeout.connect(loop.quit)
        timer.start(ms)
        loop.exec()
        timer.stop()

    with tempfile.TemporaryDirectory() as tmp:
        runner = TaskRunner()
        room = WriteRoom(runner, Preferences(Path(tmp) / "settings.ini"), LIGHT)
        room.resize(1366, 768)
        room.show()
        peer = QPlainTextEdit()
        peer.setFont(script_font())
        peer.resize(700, 700)
        peer.show()
        turn(200)
        settled = time.perf_counter() + 10
        while runner.pending and time.perf_counter() < settled:
            turn(10)  # the room's own start (its word list loads with it), before the open

        analysed: list[float] = []
        room.analysed.connect(lambda _a: analysed.append(time.perf_counter()))

        # 2. open
        started = time.perf_counter()
        room.load_text(text, path=None)
        turn()
        editable = time.perf_counter() - started
        while not analysed or room.analysis is None or room.analysis.text != text:
            turn(5)
        read = analysed[-1] - started
        while room.editor.highlighter.busy:
            turn(5)
        coloured = time.perf_counter() - started
        started = time.perf_counter()
        peer.setPlainText(text)
        turn()
        peer_open = time.perf_counter() - started

        # 1. keystrokes
        def type_into(editor: QPlainTextEdit, count: int) -> list[float]:
            block = editor.document().findBlockByNumber(editor.document().blockCount() // 2)
            cursor = editor.textCursor()
            cursor.setPosition(block.position())
            editor.setTextCursor(cursor)
            editor.setFocus()
            costs = []
            own.clear()
            letters = "the quick brown fox jumps over the lazy dog "
            for index in range(count):
                key = letters[index % len(letters)]
                begin, cpu = time.perf_counter(), time.thread_time()
                QTest.keyClick(editor, key)
                costs.append(time.perf_counter() - begin)
                own.append(time.thread_time() - cpu)
                if index % 25 == 0:
                    turn(1)  # let readings and timers in, as a person's pauses do
            return costs

        own: list[float] = []  # the GUI thread's own CPU time per key (the rest: waiting)
        # QTest's first key creates four of PySide6's lazily made enum types (QWindow's and
        # QSurface's); a throwaway key pays that once, for neither side.
        QTest.keyClick(QPlainTextEdit(), "x")
        ours = type_into(room.editor, args.keys)
        ours_own = list(own)
        bare = type_into(peer, args.keys)

        # 3. preview refresh
        refresh = []
        for _ in range(args.runs):
            turn(400)
            analysed.clear()
            QTest.keyClick(room.editor, Qt.Key.Key_X)
            last_key = time.perf_counter()
            wanted = room.editor.toPlainText()
            while not (room.analysis is not None and room.analysis.text == wanted):
                turn(2)
            refresh.append(analysed[-1] - last_key)
        alone = []
        for _ in range(max(3, args.runs // 2)):
            begin = time.perf_counter()
            writing.analyse(text=room.editor.toPlainText())
            alone.append(time.perf_counter() - begin)

        # 4. spell check
        from vividverse_desktop.studio import spelling

        highlighter = room.editor.highlighter
        gui_apply: list[float] = []
        gui_slice: list[float] = []

        def timed(fn, into):  # type: ignore[no-untyped-def]
            def run(*args):  # type: ignore[no-untyped-def]
                begin = time.perf_counter()
                try:
                    return fn(*args)
                finally:
                    into.append(time.perf_counter() - begin)

            return run

        highlighter.apply_spelling = timed(highlighter.apply_spelling, gui_apply)
        highlighter._slice = timed(highlighter._slice, gui_slice)
        highlighter._timer.timeout.disconnect()
        highlighter._timer.timeout.connect(highlighter._slice)
        checked: list[float] = []
        room.proofreader.checked.connect(lambda _r: checked.append(time.perf_counter()))
        lines = room.editor.toPlainText().split("\n")
        for number in range(3, len(lines), 100):
            if lines[number].strip() and not lines[number].isupper():
                lines[number] += " Teh wrod."
        room.load_text("\n".join(lines), path=None)
        while not checked:
            turn(5)
        spelt = room.proofreader.result.count if room.proofreader.result else 0
        block = room.editor.document().findBlockByNumber(len(lines) // 2)
        cursor = room.editor.textCursor()
        cursor.setPosition(block.position())
        room.editor.setTextCursor(cursor)
        spell_refresh = []
        gui_apply.clear()
        gui_slice.clear()
        for _ in range(args.runs):
            turn(400)
            checked.clear()
            for key in "wrod ":
                QTest.keyClick(room.editor, key)
            last_key = time.perf_counter()
            while not checked:
                turn(2)
            spell_refresh.append(checked[-1] - last_key)
        text_now = room.editor.toPlainText()
        reading = writing.analyse(text=text_now)
        spell_alone = []
        for _ in range(max(3, args.runs // 2)):
            spelling._line_cache.clear()
            begin = time.perf_counter()
            spelling.check(source=reading.source, text=text_now)
            spell_alone.append(time.perf_counter() - begin)

        runner.shutdown()

    def line(name: str, values: list[float]) -> str:
        ordered = sorted(values)
        p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
        return (
            f"{name}: median {_ms(statistics.median(values))}, p99 {_ms(p99)}, "
            f"max {_ms(max(values))}"
        )

    pages = room.analysis.pagination.page_count if room.analysis else 0
    print(f"Write room on a {pages}-page script ({len(text):,} characters), offscreen")
    print(f"conditions: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    print("1. keystroke (GUI-thread time)")
    print("   " + line("ours", ours))
    slowest = max(range(len(ours)), key=ours.__getitem__)
    print(
        f"   ours, the GUI thread's own CPU: median {_ms(statistics.median(ours_own))}; "
        f"the slowest key {_ms(ours[slowest])} of which {_ms(ours_own[slowest])} its own CPU "
        "(the rest waiting for a core or the interpreter lock)"
    )
    print("   " + line("peer (bare QPlainTextEdit)", bare))
    print(f"   ratio of medians: {statistics.median(ours) / statistics.median(bare):.2f}x")
    print("2. open")
    print(
        f"   ours: editable after {_ms(editable)}, read after {_ms(read)}, "
        f"coloured after {_ms(coloured)}"
    )
    print(f"   peer (setPlainText): {_ms(peer_open)}; ratio {editable / peer_open:.2f}x")
    print("3. preview refresh after the last key")
    print("   " + line("ours", refresh))
    print("   " + line("peer (analyse alone, no GUI)", alone))
    print(f"4. spell check ({spelt} misspelt words), from the last key to the underlines")
    print("   " + line("ours", spell_refresh))
    print("   " + line("GUI time applying a check", gui_apply))
    print("   " + line("GUI time per slice of redrawn lines", gui_slice or [0.0]))
    print("   " + line("peer (spelling.check alone, nothing cached)", spell_alone))
    return 0


if __name__ == "__main__":
    sys.exit(main())
