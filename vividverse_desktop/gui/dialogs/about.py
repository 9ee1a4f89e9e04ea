"""Help > About: versions of the app and what it runs on, and the licences of what ships."""

from __future__ import annotations

import html

import PySide6
from PySide6.QtCore import qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vividverse_desktop import __version__
from vividverse_desktop.gui.tasks import TaskRunner
from vividverse_desktop.gui.theme import UNIT
from vividverse_desktop.studio.about import Component, component_versions, shipped_licences


def qt_components() -> tuple[Component, ...]:
    """Qt and PySide6, whose versions only the GUI can ask."""
    return (
        Component("Qt", qVersion(), "LGPL version 3"),
        Component("PySide6", PySide6.__version__, "LGPL version 3"),
    )


def licences_html() -> str:
    """The licences of what ships, as rich text with links."""
    rows = []
    for item in shipped_licences():
        note = html.escape(item.note)
        for word in note.split():
            if word.startswith("https://"):
                url = word.rstrip(".;,)")
                note = note.replace(url, f'<a href="{url}">{url}</a>', 1)
        rows.append(
            f"<p><b>{html.escape(item.name)}</b> — {html.escape(item.licence)}<br>{note}</p>"
        )
    return "".join(rows)


class AboutDialog(QDialog):
    """Versions (FFmpeg asked in the work pool, so the dialog opens at once) and licences."""

    def __init__(
        self,
        runner: TaskRunner | None,
        *,
        ffmpeg_path: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setAccessibleName("About Vividverse")
        self.setWindowTitle("About Vividverse")
        self.resize(140 * UNIT, 150 * UNIT)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(5 * UNIT, 5 * UNIT, 5 * UNIT, 5 * UNIT)
        layout.setSpacing(3 * UNIT)
        title = QLabel(f"Vividverse {__version__}", self)
        title.setProperty("role", "title")
        title.setObjectName("aboutTitle")
        blurb = QLabel(
            "A studio for screenplays: write, score, select, render and review, offline first.",
            self,
        )
        blurb.setProperty("role", "muted")
        blurb.setWordWrap(True)
        self.versions = QTreeWidget(self)
        self.versions.setObjectName("aboutVersions")
        self.versions.setAccessibleName("Component versions")
        self.versions.setHeaderLabels(["Component", "Version", "Licence"])
        self.versions.setRootIsDecorated(False)
        self._show(
            (
                Component("Vividverse", __version__, "MIT"),
                *qt_components(),
                Component("FFmpeg", "checking…"),
                Component("espeak-ng", "checking…"),
            )
        )
        licences = QTextBrowser(self)
        licences.setObjectName("aboutLicences")
        licences.setAccessibleName("Licences of what ships")
        licences.setOpenExternalLinks(True)
        licences.setHtml(licences_html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.setObjectName("aboutButtons")
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close")
        close.setObjectName("aboutClose")
        self.copy_button = QPushButton("Copy versions", self)
        self.copy_button.setObjectName("aboutCopyVersions")
        self.copy_button.setAccessibleName("Copy versions")
        self.copy_button.setToolTip("Copy the versions to the clipboard (for a bug report)")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.copy_button.clicked.connect(self.copy_versions)
        for widget in (title, blurb, self.versions):
            layout.addWidget(widget)
        heading = QLabel("<b>Licences</b>", self)
        layout.addWidget(heading)
        layout.addWidget(licences, 1)
        layout.addWidget(buttons)
        self.task = None
        if runner is not None:
            self.task = runner.run_work(
                component_versions, ffmpeg_path or None, on_done=self._found, on_error=self._failed
            )
        else:
            self._found(component_versions(ffmpeg_path or None))

    def version_of(self, name: str) -> str:
        """The version shown for component ``name`` ('' when it is not listed)."""
        for i in range(self.versions.topLevelItemCount()):
            item = self.versions.topLevelItem(i)
            if item.text(0) == name:
                return item.text(1)
        return ""

    def copy_versions(self) -> None:
        """Put 'name version' lines on the clipboard."""
        lines = []
        for i in range(self.versions.topLevelItemCount()):
            item = self.versions.topLevelItem(i)
            lines.append(f"{item.text(0)} {item.text(1)}")
        QGuiApplication.clipboard().setText("\n".join(lines))

    def _found(self, components: tuple[Component, ...]) -> None:
        self._show((*components, *qt_components()))

    def _failed(self, error: BaseException) -> None:
        self._show(
            (
                Component("Vividverse", __version__, "MIT"),
                *qt_components(),
                Component("FFmpeg", f"could not be asked: {error}"),
            )
        )

    def _show(self, components: tuple[Component, ...]) -> None:
        self.versions.clear()
        order = ["Vividverse", "Python", "Qt", "PySide6", "FFmpeg", "espeak-ng"]
        ranked = sorted(components, key=lambda c: order.index(c.name) if c.name in order else 99)
        for c in ranked:
            QTreeWidgetItem(self.versions, [c.name, c.version, c.licence])
        for column in range(3):
            self.versions.resizeColumnToContents(column)
