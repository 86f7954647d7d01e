"""Help > User guide inside the app: docs/user-guide.md rendered by Qt's Markdown reader
(``QTextBrowser.setMarkdown``), its screenshots shown (scaled to the reading width), a table of
contents built from its headings on the left, and F1 opening it at the part for the current screen.

Links to other guides in docs/ open in the same window (Back returns); web links go to the
browser. The window is one per main window and not modal: the consultant can keep it beside the
workspace while working.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QModelIndex, QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QTextDocument
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

#: The guide's heading for each screen (a workspace page's ``section_id``; "q:" means any
#: questionnaire section). Anything else opens the guide at its top.
TOPICS: dict[str, str] = {
    "list": "Before the visit",
    "client": "Client & sites",
    "q:": "Questionnaire",
    "fit": "Questionnaire",
    "inventory": "Inventory",
    "standards": "Standards",
    "risks": "Risks, evidence and the heat map",
    "remediation": "Remediation and the plan",
    "responsibilities": "Responsibilities",
    "pricing": "Pricing and discount approval",
    "review": "Review & export",
}

#: Screenshots are scaled down to this width (logical pixels) so a page reads without scrolling sideways.
IMAGE_WIDTH = 760


def topic_for(section_id: str | None) -> str | None:
    if not section_id:
        return None
    if section_id.startswith("q:"):
        return TOPICS["q:"]
    return TOPICS.get(section_id)


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    position: int


class GuideBrowser(QTextBrowser):
    """A QTextBrowser that scales the guide's screenshots to the reading width."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("userGuideBrowser")
        self.setOpenLinks(False)
        self.base: Path | None = None

    def loadResource(self, kind: int, url: QUrl | str) -> object:
        if kind == QTextDocument.ResourceType.ImageResource.value and self.base is not None:
            name = QUrl(url).toString() if not isinstance(url, str) else url
            path = (self.base / QUrl(name).path()).resolve() if not Path(QUrl(name).path()).is_absolute() \
                else Path(QUrl(name).path())
            image = QImage(str(path))
            if not image.isNull():
                ratio = self.devicePixelRatioF() or 1.0
                width = int(IMAGE_WIDTH * ratio)
                if image.width() > width:
                    image = image.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
                image.setDevicePixelRatio(ratio)
                return image
        return super().loadResource(kind, url)


class UserGuideWindow(QWidget):
    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("userGuideWindow")
        self.setWindowTitle("Discovery user guide")
        self.home = path
        self.path = path
        self.headings: list[Heading] = []

        self.toc = QTreeWidget()
        self.toc.setObjectName("userGuideContents")
        self.toc.setHeaderLabel("Contents")
        self.toc.setAccessibleName("Contents of the user guide")
        self.toc.setUniformRowHeights(True)
        self.browser = GuideBrowser()
        self.browser.setAccessibleName("User guide")
        self.find_edit = QLineEdit()
        self.find_edit.setObjectName("userGuideFind")
        self.find_edit.setPlaceholderText("Find in the guide")
        self.find_edit.setClearButtonEnabled(True)
        self.find_edit.setAccessibleName("Find in the user guide")
        self.back_button = QPushButton("Back")
        self.back_button.setObjectName("userGuideBack")
        self.back_button.setEnabled(False)
        self.home_button = QPushButton("Contents page")
        self.home_button.setObjectName("userGuideHome")
        self.note = QLabel()
        self.note.setObjectName("userGuideNote")

        bar = QHBoxLayout()
        bar.addWidget(self.back_button)
        bar.addWidget(self.home_button)
        bar.addWidget(self.note, 1)
        bar.addWidget(self.find_edit)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.toc)
        self.splitter.addWidget(self.browser)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([260, 840])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)

        self.toc.itemActivated.connect(self._toc_picked)
        self.toc.itemClicked.connect(self._toc_picked)
        self.browser.anchorClicked.connect(self._link)
        self.back_button.clicked.connect(self._back)
        self.home_button.clicked.connect(lambda: self.load(self.home))
        self.find_edit.returnPressed.connect(self._find_next)
        self._history: list[Path] = []
        self.load(path)

    def sizeHint(self) -> QSize:
        return QSize(1100, 760)

    # ---- loading -------------------------------------------------------------------------------

    def load(self, path: Path, *, remember: bool = True) -> None:
        if remember and path != self.path:
            self._history.append(self.path)
        self.path = path
        self.back_button.setEnabled(bool(self._history))
        self.browser.base = path.parent
        self.browser.document().setBaseUrl(QUrl.fromLocalFile(str(path.parent) + "/"))
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            self.browser.setPlainText(f"Discovery could not read {path.name}: {exc.strerror or exc}.")
            self.headings = []
            self.toc.clear()
            return
        self.browser.setMarkdown(text)
        self.headings = self._read_headings()
        self._fill_toc()
        self.browser.verticalScrollBar().setValue(0)
        self.note.setText("" if path == self.home else path.name)

    def _read_headings(self) -> list[Heading]:
        out = []
        block = self.browser.document().begin()
        while block.isValid():
            level = block.blockFormat().headingLevel()
            if level:
                out.append(Heading(level, block.text().strip(), block.position()))
            block = block.next()
        return out

    def _fill_toc(self) -> None:
        self.toc.clear()
        parents: dict[int, QTreeWidgetItem] = {}
        for h in self.headings:
            if h.level == 1:
                continue  # the title: the page itself
            parent = next((parents[lv] for lv in range(h.level - 1, 1, -1) if lv in parents), None)
            item = QTreeWidgetItem([h.text])
            item.setData(0, Qt.ItemDataRole.UserRole, h.position)
            item.setToolTip(0, h.text)
            if parent is None:
                self.toc.addTopLevelItem(item)
            else:
                parent.addChild(item)
            parents[h.level] = item
            for deeper in [lv for lv in parents if lv > h.level]:
                del parents[deeper]
        self.toc.expandAll()

    # ---- moving around -------------------------------------------------------------------------

    def show_topic(self, topic: str | None) -> bool:
        """Scroll to the heading ``topic`` (the part for the current screen); False if none."""
        if self.path != self.home:
            self.load(self.home, remember=False)
        heading = next((h for h in self.headings if topic and h.text == topic), None)
        if heading is None:
            self.scroll_to(0)
            self.toc.setCurrentIndex(QModelIndex())
            return False
        self.scroll_to(heading.position)
        for item in self._toc_items():
            if item.data(0, Qt.ItemDataRole.UserRole) == heading.position:
                self.toc.setCurrentItem(item)
        return True

    def _toc_items(self) -> list[QTreeWidgetItem]:
        out: list[QTreeWidgetItem] = []
        stack = [self.toc.topLevelItem(i) for i in range(self.toc.topLevelItemCount())]
        while stack:
            item = stack.pop(0)
            if item is None:
                continue
            out.append(item)
            stack.extend(item.child(i) for i in range(item.childCount()))
        return out

    def scroll_to(self, position: int) -> None:
        doc = self.browser.document()
        block = doc.findBlock(position)
        top = doc.documentLayout().blockBoundingRect(block).top()
        bar = self.browser.verticalScrollBar()
        bar.setValue(min(int(top), bar.maximum()))

    def heading_at_top(self) -> str:
        """The last heading at or above the top of the view (what the reader is looking at)."""
        doc = self.browser.document()
        y = self.browser.verticalScrollBar().value()
        seen = ""
        for h in self.headings:
            if doc.documentLayout().blockBoundingRect(doc.findBlock(h.position)).top() <= y + 2:
                seen = h.text
        return seen

    def _toc_picked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        position = item.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(position, int):
            self.scroll_to(position)

    def _link(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)
            return
        if url.hasFragment() and not url.path():
            wanted = url.fragment().replace("-", " ").casefold()
            heading = next((h for h in self.headings if h.text.casefold().replace("-", " ") == wanted), None)
            if heading is not None:
                self.scroll_to(heading.position)
            return
        target = (self.path.parent / url.path()).resolve() if not url.isLocalFile() else Path(url.toLocalFile())
        if target.suffix == ".md" and target.is_file():
            self.load(target)
        elif target.exists():
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))

    def _back(self) -> None:
        if self._history:
            self.load(self._history.pop(), remember=False)

    def _find_next(self) -> None:
        text = self.find_edit.text()
        if not text:
            return
        if not self.browser.find(text):
            cursor = self.browser.textCursor()
            cursor.movePosition(cursor.MoveOperation.Start)
            self.browser.setTextCursor(cursor)
            if not self.browser.find(text):
                self.note.setText(f"“{text}” is not in this guide")
                return
        self.note.setText("")
