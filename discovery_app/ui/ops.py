"""The one way the window runs work off the GUI thread: query ops and write ops over one worker.

In the spirit of Anki's ``QueryOp``/``CollectionOp``:

- :class:`QueryOp` reads (a preview, counts, an export that only writes a file) and hands the
  result to ``success`` on the GUI thread;
- :class:`WriteOp` changes the store (an autosave, an import, applying a workbook, a backup) and
  hands its result to ``success`` on the GUI thread.

Both go onto the same :class:`Ops` worker: ONE thread running ops one after another, in the order
they were started, and delivering their callbacks on the GUI thread in that same order. A failed
op goes to its ``failure`` callback, or else the consultant sees a message saying what could not be
done (our own errors in their own words, anything else as "an error in Discovery" with the detail
behind a button): never a traceback, and the window stays usable. ``with_progress(label)`` shows a
busy cursor, the window's busy bar and, after a short delay, a progress dialog that holds user
input back until the op is done (imports, exports, backups, reading a large file).

Reads the GUI makes in line (a page loading what it shows) go through :meth:`Ops.ordered`: such a
call first waits until every write op started before it has committed, so a read never misses an
edit still queued and an in-line write never overtakes one. Calls made on the worker itself go
straight through.

:meth:`Ops.flush` waits for every op started so far and runs the callbacks still due: the
workspace calls it before undo, switching section, closing and exporting; tests call it (or
:meth:`Ops.wait_idle`) to wait for idle. :func:`shared` is the application's one worker.

SQLite and threads: the store's engine is a file database, for which SQLAlchemy's pysqlite dialect
uses a ``QueuePool`` with ``check_same_thread=False``; the worker checks out its own connection
for each transaction. Two writers never overlap because of the wait above; a reader on the GUI
thread runs beside the worker's commit (WAL), and ``busy_timeout`` covers the rest. A store on a
PostgreSQL server is the same from here: a pool of connections, one per transaction, and the server's
row locks where SQLite has its file lock.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import deque
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget
from shiboken6 import isValid

log = logging.getLogger(__name__)

T = TypeVar("T")
Done = Callable[[Any], object]
Failed = Callable[[BaseException], object]

#: A progress dialog appears only for an op that takes longer than this.
PROGRESS_DELAY_MS = 400
WORKER_NAME = "discovery-ops"


def for_consultant(exc: BaseException) -> bool:
    """True for the errors whose message is written for the consultant (service and store)."""
    from ..services import ServiceError
    from ..storage.db import StoreError

    return isinstance(exc, ServiceError | StoreError)


class _Job:
    __slots__ = ("fn", "on_done", "on_error", "write", "result", "error", "thread", "started", "finished")

    def __init__(self, fn: Callable[[], Any], on_done: Done | None, on_error: Failed | None, write: bool,
                 started: Callable[[], None] | None = None, finished: Callable[[], None] | None = None) -> None:
        self.fn = fn
        self.on_done = on_done
        self.on_error = on_error
        self.write = write
        self.result: Any = None
        self.error: BaseException | None = None
        self.thread = ""  # the thread the op ran on (for the benchmark and tests)
        self.started = started
        self.finished = finished


class Ops(QObject):
    """One worker thread running ops in the order they were started; see the module docstring."""

    #: An op failed and nobody took the error: the message, for the status bar.
    failed = Signal(str)
    #: Every op started has run and its callbacks have run (the worker is idle).
    idle = Signal()
    #: A long op started (its label) or every long op ended ("").
    busy_changed = Signal(str)
    #: A save was refused because another window or program changed the same thing (the
    #: :class:`~discovery_app.services.EditConflict`): the open workspace reloads what changed.
    conflict = Signal(object)
    _finished = Signal()

    def __init__(self, parent: QObject | None = None, name: str = WORKER_NAME) -> None:
        super().__init__(parent)
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._results: deque[_Job] = deque()
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._unfinished = 0  # started, not yet run by the worker
        self._writes = 0  # write ops started, not yet run by the worker
        self._closed = False
        self._delivering = False
        self._busy_labels: list[str] = []
        self._finished.connect(self.deliver, Qt.ConnectionType.QueuedConnection)
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    # ---- the GUI thread's side --------------------------------------------------------------

    def submit(self, fn: Callable[[], Any], on_done: Done | None = None, on_error: Failed | None = None,
               *, write: bool = True) -> None:
        """Queue ``fn`` behind every op started before it (the ops below call this)."""
        self._submit(_Job(fn, on_done, on_error, write))

    def _submit(self, job: _Job) -> None:
        if self._closed:
            raise RuntimeError("the worker is closed")
        if self.on_worker():  # an op that starts another: run it in line, keeping the order
            self._execute(job)
            with self._lock:
                self._results.append(job)
            return
        with self._lock:
            self._unfinished += 1
            self._writes += job.write
        self._jobs.put(job)

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def pending(self) -> int:
        """Ops started and not yet run."""
        with self._lock:
            return self._unfinished

    def on_worker(self) -> bool:
        return threading.current_thread() is self._thread

    def wait(self, timeout: float | None = None) -> bool:
        """Block until every op started has run (not its callbacks); False on timeout."""
        if self.on_worker():
            return True
        with self._changed:
            return self._changed.wait_for(lambda: self._unfinished == 0, timeout)

    def wait_writes(self) -> None:
        """Block until every write op started has committed (reads may still be running)."""
        if self.on_worker():
            return
        with self._changed:
            self._changed.wait_for(lambda: self._writes == 0)

    def flush(self) -> None:
        """Wait for every op started, then run the callbacks still due, in order."""
        self.wait()
        self.deliver()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """For tests and shutdown: wait (at most ``timeout`` s) until the worker is idle and every
        callback has run. False when the ops did not finish in time."""
        if not self.wait(timeout):
            return False
        self.deliver()
        return True

    def deliver(self) -> None:
        """Run ``success``/``failure`` of the ops that have finished (GUI thread), in order."""
        if self._delivering:  # a callback that flushes: the outer loop delivers the rest
            return
        self._delivering = True
        delivered = 0
        try:
            while True:
                with self._lock:
                    if not self._results:
                        break
                    job = self._results.popleft()
                delivered += 1
                self._callback(job)
        finally:
            self._delivering = False
        if delivered and not self.pending:
            self.idle.emit()

    def close(self) -> None:
        """Flush, then stop the worker. Nothing started before is lost."""
        if self._closed:
            return
        self.flush()
        self._closed = True
        self._jobs.put(None)
        self._thread.join(timeout=10)

    def ordered(self, service: T) -> T:
        """``service`` as the GUI sees it: each call waits for the write ops still queued."""
        return OrderedService(service, self)  # type: ignore[return-value]  # same calls, same results

    # ---- long ops: the busy indicator -------------------------------------------------------

    def _busy_started(self, label: str) -> None:
        self._busy_labels.append(label)
        if len(self._busy_labels) == 1:
            QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        self.busy_changed.emit(label)

    def _busy_ended(self, label: str) -> None:
        if label in self._busy_labels:
            self._busy_labels.remove(label)
            if not self._busy_labels:
                QApplication.restoreOverrideCursor()
        self.busy_changed.emit(self._busy_labels[-1] if self._busy_labels else "")

    @property
    def busy_label(self) -> str:
        """The label of the long op under way, or ""."""
        return self._busy_labels[-1] if self._busy_labels else ""

    # ---- the worker ---------------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            self._execute(job)
            with self._changed:
                self._results.append(job)
                self._unfinished -= 1
                self._writes -= job.write
                self._changed.notify_all()
            try:
                self._finished.emit()
            except RuntimeError:  # the QObject is gone (the app is quitting)
                pass

    @staticmethod
    def _execute(job: _Job) -> None:
        job.thread = threading.current_thread().name
        try:
            job.result = job.fn()
        except BaseException as exc:  # handed to the GUI thread, never lost in the worker
            job.error = exc

    def _callback(self, job: _Job) -> None:
        if job.finished is not None:
            job.finished()
        if job.error is None:
            if job.on_done is not None:
                job.on_done(job.result)
            return
        exc = job.error
        if getattr(exc, "changes", None) is not None and for_consultant(exc):  # an EditConflict
            self.conflict.emit(exc)
        if job.on_error is not None:
            job.on_error(exc)
            return
        if isinstance(exc, Exception) and for_consultant(exc):
            log.warning("an op failed: %s", exc)
            self.failed.emit(f"Not saved: {exc}")
            return
        raise exc  # a bug: the application's excepthook shows it, as for any slot


class OrderedService:
    """A service whose every call from the GUI thread waits for the write ops queued before it."""

    def __init__(self, service: Any, ops: Ops) -> None:
        self._service = service
        self._ops = ops

    @property
    def unwrapped(self) -> Any:
        return self._service

    def __getattr__(self, name: str) -> Any:
        from ..services.base import Feature

        attr = getattr(self._service, name)
        if isinstance(attr, Feature):  # a sub-service (service.findings): its calls wait too
            return OrderedService(attr, self._ops)
        if not callable(attr) or name.startswith("__"):
            return attr
        ops = self._ops

        def call(*args: Any, **kwargs: Any) -> Any:
            ops.wait_writes()
            return attr(*args, **kwargs)

        call.__name__ = name
        return call


_shared: Ops | None = None


def shared() -> Ops:
    """The application's one worker (made on first use, stopped when the application quits; a
    new one is made if work is started after that, as tests running many windows do)."""
    global _shared
    if _shared is None or _shared.closed:
        app = QApplication.instance()
        _shared = Ops(app)
        if app is not None:
            app.aboutToQuit.connect(_shared.close)
    return _shared


# ---- the two kinds of op ------------------------------------------------------------------------


class _Op(Generic[T]):
    write = True

    def __init__(self, parent: QWidget | None, op: Callable[[], T], *, what: str) -> None:
        self._parent = parent
        self._op = op
        self._what = what
        self._success: Callable[[T], object] | None = None
        self._failure: Failed | None = None
        self._progress: str | None = None

    def failure(self, failure: Failed | None) -> _Op[T]:
        """Called with the exception instead of the default message."""
        self._failure = failure
        return self

    def with_progress(self, label: str) -> _Op[T]:
        """A long op: busy cursor and bar at once, a progress dialog holding input after a moment."""
        self._progress = label
        return self

    def run_in_background(self, ops: Ops | None = None) -> None:
        ops = ops or shared()
        dialog: QProgressDialog | None = None
        label = self._progress
        if label is not None:
            dialog = _progress_dialog(self._parent, label)
            ops._busy_started(label)

        def finished() -> None:
            if label is not None:
                ops._busy_ended(label)
            if dialog is not None and isValid(dialog):
                dialog.close()
                dialog.deleteLater()

        parent, success, failure = self._parent, self._success, self._failure or self._show_failure

        def done(result: Any) -> None:
            if success is not None and self._alive(parent):
                success(result)

        def failed(exc: BaseException) -> None:
            if self._alive(parent):
                failure(exc)
            elif isinstance(exc, Exception):
                log.warning("%s failed after its window closed: %s", self._what, type(exc).__name__)

        ops._submit(_Job(self._op, done, failed, self.write, finished=finished))

    @staticmethod
    def _alive(parent: QWidget | None) -> bool:
        """The op's window is still there (a page closed meanwhile gets no callback, as a slot of a
        deleted object gets no signal)."""
        return parent is None or isValid(parent)

    def _show_failure(self, exc: BaseException) -> None:
        if not isinstance(exc, Exception):
            raise exc  # KeyboardInterrupt, SystemExit: not ours to swallow
        from .messages import show_exception

        show_exception(self._parent, self._what, exc)


class QueryOp(_Op[T]):
    """A read off the GUI thread; ``success(result)`` runs on the GUI thread.

    ``QueryOp(parent, lambda: service.inventory.preview_file(path), show, what="Reading the
    export").with_progress("Reading…").run_in_background()``
    """

    write = False

    def __init__(self, parent: QWidget | None, op: Callable[[], T], success: Callable[[T], object], *,
                 what: str) -> None:
        super().__init__(parent, op, what=what)
        self._success = success


class WriteOp(_Op[T]):
    """A change to the store off the GUI thread, in order with every other op; ``success(result)``
    runs on the GUI thread after the commit."""

    write = True

    def success(self, success: Callable[[T], object] | None) -> WriteOp[T]:
        self._success = success
        return self


def _progress_dialog(parent: QWidget | None, label: str) -> QProgressDialog:
    """A busy dialog shown after a moment; window-modal, so nothing changes the data under the op."""
    dialog = QProgressDialog(label, "", 0, 0, parent)
    dialog.setWindowTitle("Working")
    dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumDuration(PROGRESS_DELAY_MS)
    # Starts the timer that shows the dialog after the delay. Only this first call is safe: once the
    # dialog is shown, setValue on a modal dialog spins the event loop, so it is never called again.
    dialog.setValue(0)
    return dialog
