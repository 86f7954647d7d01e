"""Running slow inventory work (reading a 20,000-row export, importing it, pricing counts) off the
GUI thread, so the window keeps painting and a progress indicator shows.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QEventLoop, QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

T = TypeVar("T")


class _Relay(QObject):
    finished = Signal(object, object)  # result, exception


def run_busy(parent: QWidget | None, label: str, work: Callable[[], T], *, delay_ms: int = 400) -> T:
    """Run ``work`` on a worker thread and return its result (or raise its exception).

    The window keeps repainting meanwhile; a busy cursor shows at once and a progress dialog
    after ``delay_ms``. User input is held back until the work is done, so nothing can change
    the data under it.
    """
    outcome: dict[str, Any] = {}
    relay = _Relay()

    def done(result: Any, error: Any) -> None:
        outcome["result"], outcome["error"] = result, error

    relay.finished.connect(done, Qt.ConnectionType.QueuedConnection)

    def body() -> None:
        try:
            relay.finished.emit(work(), None)
        except BaseException as exc:
            relay.finished.emit(None, exc)

    dialog = QProgressDialog(label, "", 0, 0, parent)
    dialog.setWindowTitle("Working")
    dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(delay_ms)
    dialog.setAutoClose(False)
    QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
    try:
        threading.Thread(target=body, name="discovery-busy", daemon=True).start()
        # Process events until the worker reports back. Not QEventLoop.exec(): once anything
        # has called QCoreApplication.quit() outside a running exec(), every later nested loop
        # returns at once; processEvents is not affected.
        flags = QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents | QEventLoop.ProcessEventsFlag.WaitForMoreEvents
        while "error" not in outcome:
            QApplication.processEvents(flags)
    finally:
        QApplication.restoreOverrideCursor()
        dialog.close()
        dialog.deleteLater()
    if outcome["error"] is not None:
        raise outcome["error"]
    return outcome["result"]


class BackgroundCall(QObject):
    """Call ``work`` on a worker thread and deliver the result to ``on_done`` on the GUI thread.

    Only the newest call of one :class:`BackgroundCall` delivers: an older result that arrives
    late is dropped, so quick successive refreshes never show stale figures.
    """

    finished = Signal(object, object)

    def __init__(self, on_done: Callable[[Any, BaseException | None], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_done = on_done
        self._generation = 0
        self._running = 0
        self.finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def start(self, work: Callable[[], Any]) -> None:
        self._generation += 1
        generation = self._generation
        self._running += 1

        def body() -> None:
            try:
                payload, error = (generation, work()), None
            except BaseException as exc:  # handed back to the GUI thread
                payload, error = (generation, None), exc
            try:
                self.finished.emit(payload, error)
            except RuntimeError:
                pass  # the page was closed meanwhile: nobody is waiting for the result

        threading.Thread(target=body, name="discovery-background", daemon=True).start()

    @property
    def busy(self) -> bool:
        return self._running > 0

    def _deliver(self, payload: tuple[int, Any], error: BaseException | None) -> None:
        self._running -= 1
        generation, result = payload
        if generation == self._generation:
            self._on_done(result, error)
