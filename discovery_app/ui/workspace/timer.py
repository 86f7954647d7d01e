"""The discovery timer in the workspace's toolbar: start/stop, and the time spent so far."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStyle, QToolButton, QWidget

if TYPE_CHECKING:
    from ...services import Discovery
    from ...services.workspace import TimeSummary


def clock(d: timedelta) -> str:
    seconds = max(int(d.total_seconds()), 0)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}"


class DiscoveryTimer(QWidget):
    #: The timer started or stopped (the summary shows the total against the fee).
    changed = Signal()

    def __init__(self, service: Discovery, eid: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.eid = eid
        self._closed = timedelta()  # time of finished entries
        self._since: datetime | None = None
        self.button = QToolButton()
        self.button.setObjectName("timerButton")
        self.button.setCheckable(True)
        self.button.setToolButtonStyle(self.button.toolButtonStyle().ToolButtonTextBesideIcon)
        self.label = QLabel()
        self.label.setObjectName("timerLabel")
        self.label.setMinimumWidth(self.label.fontMetrics().horizontalAdvance("00:00:00") + 8)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.button)
        lay.addWidget(self.label)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._show)
        self.button.clicked.connect(self.toggle)

    def load(self) -> TimeSummary:
        t = self.service.timer.summary(self.eid)
        self._since = t.running_since
        now = datetime.now(UTC)
        self._closed = t.spent - (now - t.running_since if t.running_since else timedelta())
        self._show()
        return t

    @property
    def running(self) -> bool:
        return self._since is not None

    def elapsed(self) -> timedelta:
        return self._closed + (datetime.now(UTC) - self._since if self._since else timedelta())

    def toggle(self) -> None:
        if self.running:
            self.service.timer.stop(self.eid)
        else:
            self.service.timer.start(self.eid)
        self.load()
        self.changed.emit()

    def stop(self) -> None:
        if self.running:
            self.toggle()

    def _show(self) -> None:
        running = self.running
        self.button.setChecked(running)
        style = self.style()
        icon = QStyle.StandardPixmap.SP_MediaStop if running else QStyle.StandardPixmap.SP_MediaPlay
        self.button.setIcon(style.standardIcon(icon))
        self.button.setText("Stop timer" if running else "Start timer")
        self.button.setToolTip(
            "Stop timing this discovery" if running else
            "Time this discovery: the summary compares the time spent with the discovery fee"
        )
        self.label.setText(clock(self.elapsed()))
        self.label.setToolTip("Time spent on this discovery, all sessions together")
        if running and not self._tick.isActive():
            self._tick.start()
        elif not running:
            self._tick.stop()
