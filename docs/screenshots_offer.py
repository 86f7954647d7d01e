"""Screenshots of the responsibilities and pricing pages with the demo engagement, 1280x800.

Run under Xvfb:  xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python docs/screenshots_offer.py
Writes docs/screenshots/responsibilities.png, docs/screenshots/pricing.png, pricing-discount.png
(a 15 % discount nobody approved yet) and pricing-approved.png (the same, signed by the CEO).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtGui import QUndoStack
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from discovery_app.demo import create_demo
from discovery_app.paths import AppPaths
from discovery_app.services import Discovery
from discovery_app.ui.workspace.page import PageContext

OUT = Path(__file__).resolve().parent / "screenshots"
SIZE = (1280, 800)


def shoot(app: QApplication, page, name: str) -> Path:
    page.resize(*SIZE)
    page.setWindowTitle(f"Discovery - {page.title}")
    page.show()
    QTest.qWaitForWindowExposed(page)
    QTest.qWait(300)
    OUT.mkdir(exist_ok=True)
    target = OUT / name
    page.grab().save(str(target))
    page.hide()
    return target


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as tmp:
        service = Discovery.open(AppPaths.resolve(Path(tmp) / "demo.sqlite3"))
        eid = create_demo(service)
        # Make the flag visible: a second Accountable party on one function.
        service.offer.set_raci(eid, "restore_testing", "provider", "RA")
        stack = QUndoStack()
        pages = []
        from discovery_app.ui.workspace.offer.responsibilities_page import ResponsibilitiesPage
        pages.append((ResponsibilitiesPage, "responsibilities.png"))
        try:
            from discovery_app.ui.workspace.offer.pricing_page import PricingPage
            pages.append((PricingPage, "pricing.png"))
        except ImportError:
            pass
        for cls, name in pages:
            page = cls(PageContext(service, eid, stack))
            page.load()
            print(shoot(app, page, name))
        if len(pages) == 2:
            # The same page with a 15 % discount nobody approved yet: the blocker and the approval needed.
            service.offer.set_discount(eid, "15")
            page = pages[1][0](PageContext(service, eid, stack))
            page.load()
            print(shoot(app, page, "pricing-discount.png"))
            # Signed by the CEO with a throwaway key (never a committed private key): verified.
            from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

            from discovery_app.domain.approvals import public_key_text
            from discovery_app.services import approval_files

            key = Ed25519PrivateKey.generate()
            service.approvals.add_approver("Elena Marsh", "ceo", public_key_text(key.public_key()))
            request = service.approvals.request(eid, Path(tmp) / "request.json")
            approval_files.sign_request(request, key)
            page.add_signed_approval(request)
            page.resize(*SIZE)
            page.show()
            QTest.qWaitForWindowExposed(page)
            QTest.qWait(200)
            page._inputs_scroll.verticalScrollBar().setValue(10_000)  # the approvals, at the foot of the inputs
            print(shoot(app, page, "pricing-approved.png"))
        service.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
