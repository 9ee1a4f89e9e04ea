"""Export the script: PDF (paper, scene numbers, title page, watermark, revision marks),
Final Draft or Fountain, to a file chosen here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vividverse_desktop.gui.preferences import Preferences
from vividverse_desktop.gui.theme import UNIT

FORMATS = (("pdf", "PDF (print, share)"), ("fdx", "Final Draft (.fdx)"), ("fountain", "Fountain"))
SUFFIX = {"pdf": ".pdf", "fdx": ".fdx", "fountain": ".fountain"}
SIDES = (("none", "None"), ("left", "Left"), ("right", "Right"), ("both", "Both margins"))


class ExportDialog(QDialog):
    """Choose the format, its options and the file; ``options()`` gives export_text's
    keyword arguments."""

    def __init__(
        self,
        suggested: Path,
        preferences: Preferences,
        *,
        has_previous: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export the script")
        self.preferences = preferences
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4 * UNIT, 4 * UNIT, 4 * UNIT, 4 * UNIT)
        form = QFormLayout()
        self.format = QComboBox(self)
        self.format.setObjectName("exportFormat")
        self.format.setAccessibleName("Format")
        for key, label in FORMATS:
            self.format.addItem(label, key)
        self.paper = QComboBox(self)
        self.paper.setObjectName("exportPaper")
        self.paper.setAccessibleName("Paper")
        self.paper.addItem("US Letter", "letter")
        self.paper.addItem("A4", "a4")
        self.sides = QComboBox(self)
        self.sides.setObjectName("exportSceneNumbers")
        self.sides.setAccessibleName("Scene numbers")
        for key, label in SIDES:
            self.sides.addItem(label, key)
        self.title_page = QCheckBox("Print the title page", self)
        self.title_page.setObjectName("exportTitlePage")
        self.title_page.setAccessibleName("Print the title page")
        self.title_page.setChecked(True)
        self.watermark = QLineEdit(self)
        self.watermark.setObjectName("exportWatermark")
        self.watermark.setAccessibleName("Watermark")
        self.watermark.setPlaceholderText("e.g. CONFIDENTIAL, or a reader's name")
        self.revised = QCheckBox("Mark lines changed since the previous version (*)", self)
        self.revised.setObjectName("exportRevised")
        self.revised.setAccessibleName("Mark revised lines")
        self.revised.setEnabled(has_previous)
        if not has_previous:
            self.revised.setToolTip("Only for a submitted script with an earlier version")
        self.file = QLineEdit(str(suggested), self)
        self.file.setObjectName("exportFile")
        self.file.setAccessibleName("Export to file")
        browse = QPushButton("Choose…", self)
        browse.setObjectName("exportBrowse")
        browse.setAccessibleName("Choose the file")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.file, 1)
        where.addWidget(browse)
        form.addRow("Format", self.format)
        form.addRow("Paper", self.paper)
        form.addRow("Scene numbers", self.sides)
        form.addRow("", self.title_page)
        form.addRow("Watermark", self.watermark)
        form.addRow("", self.revised)
        form.addRow("File", where)
        layout.addLayout(form)
        self.note = QLabel("", self)
        self.note.setObjectName("exportNote")
        self.note.setProperty("role", "muted")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setObjectName("exportGo")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.format.currentIndexChanged.connect(self._format_changed)
        self._restore()
        self._format_changed()

    def _restore(self) -> None:
        for combo, key in (
            (self.format, "write/export_format"),
            (self.paper, "write/export_paper"),
            (self.sides, "write/export_scene_numbers"),
        ):
            index = combo.findData(self.preferences.get(key, combo.itemData(0)))
            combo.setCurrentIndex(max(0, index))

    def _format_changed(self) -> None:
        kind = self.format.currentData()
        pdf = kind == "pdf"
        for widget in (self.paper, self.sides, self.title_page, self.watermark):
            widget.setEnabled(pdf)
        self.revised.setEnabled(pdf and self.revised.toolTip() == "")
        path = Path(self.file.text())
        self.file.setText(str(path.with_suffix(SUFFIX[kind])))
        self.note.setText(
            {
                "pdf": "The pages are the ones in the Page view: the same count everywhere.",
                "fdx": "Final Draft opens it; sections, synopses and notes travel as custom "
                "paragraph types, boneyard is left out.",
                "fountain": "The text exactly as written here.",
            }[kind]
        )

    def _browse(self) -> None:
        kind = self.format.currentData()
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Export to", self.file.text(), f"*{SUFFIX[kind]}"
        )
        if chosen:
            self.file.setText(str(Path(chosen).with_suffix(SUFFIX[kind])))

    def path(self) -> Path:
        """The file to write, with the format's suffix."""
        return Path(self.file.text()).with_suffix(SUFFIX[self.format.currentData()])

    def options(self) -> dict[str, Any]:
        """Keyword arguments for ``studio.writing.export_text`` (without text and previous)."""
        self.preferences.set("write/export_format", self.format.currentData())
        self.preferences.set("write/export_paper", self.paper.currentData())
        self.preferences.set("write/export_scene_numbers", self.sides.currentData())
        if self.format.currentData() != "pdf":
            return {}
        return {
            "paper": self.paper.currentData(),
            "scene_numbers": self.sides.currentData(),
            "title_page": self.title_page.isChecked(),
            "watermark": self.watermark.text().strip(),
        }

    def wants_revision_marks(self) -> bool:
        """Whether changed lines should be starred against the previous version."""
        return self.revised.isEnabled() and self.revised.isChecked()
