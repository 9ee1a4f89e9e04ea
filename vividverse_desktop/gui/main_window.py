"""The main window. Until the studio panes land it shows what the app will hold."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget

from vividverse_desktop import __version__

_WELCOME = """
<h1 style="margin-bottom:0">Vividverse</h1>
<p style="color:#667">A studio for screenplays &mdash; version {version}</p>
<p>Write and import scripts (Fountain, PDF, text), score them, select the best,<br>
render it into a film and review it, offline first.</p>
<p style="color:#667">The studio panes are being built. Meanwhile the command line has
<code>vividverse-cli parse</code>, <code>stats</code>, <code>convert</code> and
<code>validate</code>.</p>
"""


class MainWindow(QMainWindow):
    """The top-level window."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Vividverse")
        self.resize(960, 640)
        body = QWidget(self)
        layout = QVBoxLayout(body)
        welcome = QLabel(_WELCOME.format(version=__version__), body)
        welcome.setAlignment(Qt.AlignmentFlag.AlignCenter)
        welcome.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(welcome)
        self.setCentralWidget(body)
        self.statusBar().showMessage("Ready")

        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self.menuBar().addMenu("&File").addAction(quit_action)
