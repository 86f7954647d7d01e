"""One background writer for the workspace's autosaves, so typing never waits for the disk.

A :class:`SaveQueue` owns one worker thread and a FIFO queue. ``submit(fn, on_done, on_error)``
puts a save (a plain function calling the service) at the end of the queue and returns at once;
the worker runs the saves one after another, in the order they were submitted, and hands each
outcome back to the GUI thread, where ``on_done(result)`` or ``on_error(exc)`` runs, also in
order. Widgets are only ever touched on the GUI thread.

:meth:`SaveQueue.flush` waits until every submitted save has committed and then runs the callbacks
still due: call it before anything that must see the edits (closing, leaving the workspace,
undo, a reload). A flush waits for at most the saves already queued, usually one commit (a few
milliseconds).

:class:`QueuedService` wraps the service for the pages: every call made through it on the GUI
thread first waits for the queue to drain (:meth:`SaveQueue.wait`), so a read never misses an edit
still in the queue and a synchronous write never overtakes one. Calls made by the worker itself
go straight through.

SQLite and threads: the store's engine is a file database, for which SQLAlchemy's pysqlite dialect
uses a ``QueuePool`` with ``check_same_thread=False``; the worker checks out its own connection
for each transaction, so the engine is safe to use from it. Two writers (the worker and a
synchronous edit on the GUI thread) never overlap because of the wait above; readers on the GUI
thread run beside the worker's commit (WAL), and ``busy_timeout`` covers the rest.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

log = logging.getLogger(__name__)

Done = Callable[[Any], object]
Failed = Callable[[BaseException], object]


class _Job:
    __slots__ = ("fn", "on_done", "on_error", "result", "error", "thread")

    def __init__(self, fn: Callable[[], Any], on_done: Done | None, on_error: Failed | None) -> None:
        self.fn = fn
        self.on_done = on_done
        self.on_error = on_error
        self.result: Any = None
        self.error: BaseException | None = None
        self.thread = ""  # the thread the save ran on (for the benchmark and tests)


class SaveQueue(QObject):
    """A single worker thread running saves in submission order; see the module docstring."""

    #: A save failed and no ``on_error`` took it: the message, for the status bar.
    failed = Signal(str)
    #: Every submitted save has committed and its callbacks have run (the queue is idle).
    idle = Signal()
    _finished = Signal()

    def __init__(self, parent: QObject | None = None, name: str = "discovery-autosave") -> None:
        super().__init__(parent)
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._results: deque[_Job] = deque()
        self._lock = threading.Lock()
        self._all_done = threading.Condition(self._lock)
        self._unfinished = 0  # submitted, not yet run by the worker
        self._closed = False
        self._delivering = False
        self._finished.connect(self.deliver, Qt.ConnectionType.QueuedConnection)
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    # ---- the GUI thread's side --------------------------------------------------------------

    def submit(self, fn: Callable[[], Any], on_done: Done | None = None, on_error: Failed | None = None) -> None:
        """Queue ``fn`` (a save through the service) behind every save submitted before it."""
        if self._closed:
            raise RuntimeError("the save queue is closed")
        if self.on_worker():  # a save that queues another: run it in line, keeping the order
            job = _Job(fn, on_done, on_error)
            self._execute(job)
            with self._lock:
                self._results.append(job)
            return
        with self._lock:
            self._unfinished += 1
        self._jobs.put(_Job(fn, on_done, on_error))

    @property
    def pending(self) -> int:
        """Saves submitted and not yet committed."""
        with self._lock:
            return self._unfinished

    def on_worker(self) -> bool:
        return threading.current_thread() is self._thread

    def wait(self, timeout: float | None = None) -> bool:
        """Block until every submitted save has run (not their callbacks); False on timeout."""
        if self.on_worker():
            return True
        with self._all_done:
            return self._all_done.wait_for(lambda: self._unfinished == 0, timeout)

    def flush(self) -> None:
        """Wait for every submitted save, then run the callbacks still due, in order."""
        self.wait()
        self.deliver()

    def deliver(self) -> None:
        """Run ``on_done``/``on_error`` of the saves that have finished (GUI thread)."""
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
        """Flush, then stop the worker. Nothing submitted before is lost."""
        if self._closed:
            return
        self.flush()
        self._closed = True
        self._jobs.put(None)
        self._thread.join(timeout=10)

    # ---- the worker ---------------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            self._execute(job)
            with self._all_done:
                self._results.append(job)
                self._unfinished -= 1
                if self._unfinished == 0:
                    self._all_done.notify_all()
            try:
                self._finished.emit()
            except RuntimeError:  # the queue's QObject is gone (the app is quitting)
                pass

    @staticmethod
    def _execute(job: _Job) -> None:
        job.thread = threading.current_thread().name
        try:
            job.result = job.fn()
        except BaseException as exc:  # handed to the GUI thread, never lost in the worker
            job.error = exc

    def _callback(self, job: _Job) -> None:
        if job.error is None:
            if job.on_done is not None:
                job.on_done(job.result)
            return
        exc = job.error
        if job.on_error is not None:
            job.on_error(exc)
            return
        if isinstance(exc, Exception) and for_consultant(exc):
            log.warning("autosave failed: %s", exc)
            self.failed.emit(f"Not saved: {exc}")
            return
        raise exc  # a bug: the application's excepthook shows it, as for any slot


def for_consultant(exc: BaseException) -> bool:
    """True for the errors whose message is written for the consultant (service and store)."""
    from ..services import ServiceError
    from ..storage.db import StoreError

    return isinstance(exc, ServiceError | StoreError)


class QueuedService:
    """The service as the workspace pages see it: every call waits for queued saves first."""

    def __init__(self, service: Any, saves: SaveQueue) -> None:
        self._service = service
        self._saves = saves

    @property
    def unwrapped(self) -> Any:
        return self._service

    def __getattr__(self, name: str) -> Any:
        from ..services.base import Feature

        attr = getattr(self._service, name)
        if isinstance(attr, Feature):  # a sub-service: its calls wait for queued saves too
            return QueuedService(attr, self._saves)
        if not callable(attr) or name.startswith("__"):
            return attr
        saves = self._saves

        def call(*args: Any, **kwargs: Any) -> Any:
            if saves.pending and not saves.on_worker():
                saves.wait()
            return attr(*args, **kwargs)

        call.__name__ = name
        return call
