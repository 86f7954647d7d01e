"""Message boxes in one place: words a consultant understands, the detail behind a button.

Boxes are opened window-modal with ``open()`` rather than ``exec()``: no nested event loop, and
tests can find and click the real buttons.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

log = logging.getLogger(__name__)


def show_message(
    parent: QWidget | None,
    title: str,
    text: str,
    *,
    informative: str = "",
    detail: str = "",
    icon: QMessageBox.Icon = QMessageBox.Icon.Warning,
) -> QMessageBox:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("messageBox")
    if informative:
        box.setInformativeText(informative)
    if detail:
        box.setDetailedText(detail)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def show_exception(parent: QWidget | None, what: str, exc: BaseException) -> QMessageBox:
    """Our own errors (ServiceError, StoreError, ...) carry consultant-ready words; others don't."""
    if _is_expected(exc):
        return show_message(parent, what, str(exc))
    log.error("%s failed", what, exc_info=exc)
    return show_message(
        parent,
        what,
        f"{what} failed because of an error in Discovery.",
        informative="Nothing else was changed. The details below help a developer find the cause.",
        detail="".join(traceback.format_exception(exc)),
        icon=QMessageBox.Icon.Critical,
    )


def _is_expected(exc: BaseException) -> bool:
    # Imported here: these modules pull in the storage layer, which the window must not wait for.
    from ..services import ServiceError
    from ..storage.db import StoreError

    return isinstance(exc, ServiceError | StoreError)


def confirm(
    parent: QWidget | None,
    title: str,
    text: str,
    informative: str,
    *,
    accept_text: str,
    on_accept: Callable[[], None],
    alternative: tuple[str, Callable[[], None]] | None = None,
    destructive: bool = False,
) -> QMessageBox:
    """A question whose buttons are verbs; Cancel is the default and Escape."""
    box = QMessageBox(
        QMessageBox.Icon.Warning if destructive else QMessageBox.Icon.Question, title, text,
        QMessageBox.StandardButton.NoButton, parent,
    )
    box.setObjectName("confirmBox")
    box.setInformativeText(informative)
    ok = box.addButton(accept_text, QMessageBox.ButtonRole.DestructiveRole if destructive else QMessageBox.ButtonRole.AcceptRole)
    alt = box.addButton(alternative[0], QMessageBox.ButtonRole.ActionRole) if alternative else None
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def finished() -> None:
        clicked = box.clickedButton()
        if clicked is ok:
            on_accept()
        elif alt is not None and clicked is alt and alternative is not None:
            alternative[1]()

    box.finished.connect(finished)
    box.open()
    return box
