"""Every keyboard shortcut of the app, in one table.

The main window's actions, the pages' own commands, their tooltips and the Keyboard shortcuts
dialog all read their keys from :data:`SHORTCUTS`; a test checks that no two commands that can
be active on one page share a key. A key is written the portable way ("Ctrl+Shift+E") or as a
Qt standard key (which the platform maps: Ctrl+N here, Cmd+N on a Mac).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QKeySequence

Key = QKeySequence.StandardKey

#: Where a shortcut works. A workspace page has the keys of EVERYWHERE, WORKSPACE and its own.
EVERYWHERE = "Everywhere"
LIST = "Engagement list"
WORKSPACE = "Workspace"
QUESTIONS = "Question pages"
DATES = "Date boxes"
TABLES = "Tables"
INVENTORY = "Inventory"
RISKS = "Risks"
REMEDIATION = "Remediation"
RESPONSIBILITIES = "Responsibilities"
REVIEW = "Review"

#: The page scopes: each is active with EVERYWHERE, WORKSPACE, DATES and TABLES.
PAGES = (QUESTIONS, INVENTORY, RISKS, REMEDIATION, RESPONSIBILITIES, REVIEW)


@dataclass(frozen=True)
class Shortcut:
    id: str
    command: str
    keys: tuple[str | QKeySequence.StandardKey, ...]
    scope: str


SHORTCUTS: tuple[Shortcut, ...] = (
    # ---- everywhere ----
    Shortcut("find", "Search (the list) or find a question (a workspace)", (Key.Find,), EVERYWHERE),
    Shortcut("settings", "Settings", ("Ctrl+,",), EVERYWHERE),
    Shortcut("user_guide", "User guide", (Key.HelpContents,), EVERYWHERE),
    Shortcut("shortcuts", "Keyboard shortcuts", ("Ctrl+/",), EVERYWHERE),
    Shortcut("quit", "Quit", ("Ctrl+Q",), EVERYWHERE),
    # ---- the engagement list ----
    Shortcut("new", "New engagement", (Key.New,), LIST),
    Shortcut("open", "Open the selected engagement", (Key.Open,), LIST),
    Shortcut("duplicate", "Duplicate the selected engagement", ("Ctrl+D",), LIST),
    Shortcut("archive", "Archive (hide) or unarchive the selected engagement", ("Ctrl+Shift+H",), LIST),
    Shortcut("show_archived", "Show archived engagements", ("Ctrl+H",), LIST),
    Shortcut("delete", "Delete the selected engagement", ("Del",), LIST),
    Shortcut("refresh", "Refresh the list", ("F5", Key.Refresh), LIST),
    # ---- any workspace page ----
    Shortcut("back", "Back to the engagements", ("Alt+Left",), WORKSPACE),
    Shortcut("undo", "Undo", ("Ctrl+Z",), WORKSPACE),
    Shortcut("redo", "Redo", ("Ctrl+Shift+Z", Key.Redo), WORKSPACE),
    Shortcut("next_section", "Next section", ("Ctrl+PgDown",), WORKSPACE),
    Shortcut("previous_section", "Previous section", ("Ctrl+PgUp",), WORKSPACE),
    Shortcut("toggle_summary", "Show or hide the summary panel", ("F9",), WORKSPACE),
    Shortcut("timer", "Start or stop the discovery timer", ("Ctrl+T",), WORKSPACE),
    # ---- fields and tables (not commands: what keys do inside a control) ----
    Shortcut("calendar", "Open the calendar of a date box", ("F4", "Alt+Down"), DATES),
    Shortcut("table_edit", "Edit the current cell of a table", ("F2",), TABLES),
    Shortcut("carried_confirm", "Confirm the selected records carried over from the baseline", ("Ctrl+Shift+K",),
             TABLES),
    Shortcut("next_question", "Save the answer and go to the next question", ("Return",), QUESTIONS),
    Shortcut("next_question_long", "Go to the next question from a long text", ("Ctrl+Return",), QUESTIONS),
    Shortcut("note", "Open the note of the current question", ("Ctrl+Shift+M",), QUESTIONS),
    # ---- pages ----
    Shortcut("inventory_import", "Import an inventory file", ("Ctrl+I",), INVENTORY),
    Shortcut("inventory_add", "Add a device", ("Ctrl+Shift+N",), INVENTORY),
    Shortcut("inventory_bulk", "Edit the selected devices", ("Ctrl+B",), INVENTORY),
    Shortcut("inventory_delete", "Delete the selected devices", (Key.Delete,), INVENTORY),
    Shortcut("risk_library", "Add a risk from the library", ("Ctrl+Shift+L",), RISKS),
    Shortcut("risk_new", "Write a new risk", ("Ctrl+Shift+N",), RISKS),
    Shortcut("risk_delete", "Delete the selected risk", (Key.Delete,), RISKS),
    Shortcut("risk_accept", "Accept the selected suggested finding", ("Ctrl+Shift+A",), RISKS),
    Shortcut("remediation_suggest", "Suggest remediation items", ("Ctrl+G",), REMEDIATION),
    Shortcut("remediation_new", "Add a remediation item", ("Ctrl+Shift+N",), REMEDIATION),
    Shortcut("remediation_dependencies", "Choose what the selected item waits for", ("Ctrl+Shift+D",),
             REMEDIATION),
    Shortcut("remediation_delete", "Delete the selected item", (Key.Delete,), REMEDIATION),
    Shortcut("responsibilities_add", "Add an IT function", ("Ctrl+Shift+F",), RESPONSIBILITIES),
    Shortcut("review_recheck", "Check readiness again", ("F5",), REVIEW),
    Shortcut("export_proposal", "Export the proposal (PDF)", ("Ctrl+E",), REVIEW),
    Shortcut("export_plan", "Export the stabilization plan (PDF)", ("Ctrl+Shift+E",), REVIEW),
    Shortcut("export_workbook", "Export the delivery workbook (Excel)", ("Ctrl+Alt+E",), REVIEW),
)

_BY_ID = {s.id: s for s in SHORTCUTS}


def get(shortcut_id: str) -> Shortcut:
    return _BY_ID[shortcut_id]


def sequences(shortcut_id: str) -> list[QKeySequence]:
    """The key sequences of a shortcut, standard keys expanded for this platform, no repeats."""
    out: list[QKeySequence] = []
    for k in _BY_ID[shortcut_id].keys:
        seqs = QKeySequence.keyBindings(k) if isinstance(k, QKeySequence.StandardKey) else [QKeySequence(k)]
        for s in seqs:
            if not s.isEmpty() and s not in out:
                out.append(s)
    return out


def sequence(shortcut_id: str) -> QKeySequence:
    """The first (main) key of a shortcut."""
    seqs = sequences(shortcut_id)
    return seqs[0] if seqs else QKeySequence()


def native(shortcut_id: str) -> str:
    """The main key as this platform writes it ("Ctrl+E"; "⌘E" on a Mac)."""
    return sequence(shortcut_id).toString(QKeySequence.SequenceFormat.NativeText)


def tip(text: str, shortcut_id: str) -> str:
    """A tooltip that teaches the key: "Export the proposal (Ctrl+E)"."""
    key = native(shortcut_id)
    return f"{text} ({key})" if key else text


def active_scopes(page: str) -> tuple[str, ...]:
    """The scopes whose keys work together on ``page`` (a page scope, or LIST)."""
    if page == LIST:
        return (EVERYWHERE, LIST)
    return (EVERYWHERE, WORKSPACE, DATES, TABLES, page)
