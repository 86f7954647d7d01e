"""Export packs: the engagement's devices and stabilization plan as CSV files in the import shape
of the tool the delivery team uses (ConnectWise PSA, Autotask, HaloPSA, IT Glue, or a generic
CSV with every field), each folder with a README on how to import it.

A pack is built in memory from the workbook's rows (:class:`~discovery_app.export.workbook_data.
HandoffData`: the same tasks, weeks and dates as the workbook and the plan), then checked before
anything is written: every required column is in the header and filled, dates are ISO
(YYYY-MM-DD), picklist columns hold only values from the tool's table (``picklists/<tool>.json``,
data the provider edits to match their own instance), and no text starts like a formula. A pack
with any problem writes nothing and says what is wrong and where (file, row, column).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import BinaryIO

from ..atomic import ExportError, write_atomic
from ..problems import listed
from ..xlsx_tables import DANGEROUS_STARTS

TOOLS = ("connectwise", "autotask", "halopsa", "itglue", "generic")
TOOL_NAMES = {"connectwise": "ConnectWise PSA", "autotask": "Autotask", "halopsa": "HaloPSA",
              "itglue": "IT Glue", "generic": "Generic CSV (Hudu and anything else)"}
README = "README.txt"
MAX_PROBLEMS = 20
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


class PackError(ValueError):
    """The pack failed its checks; nothing was written. ``problems`` name file, row and column."""

    def __init__(self, tool: str, problems: Sequence[str]):
        self.tool = tool
        self.problems = list(problems)
        super().__init__(f"The {TOOL_NAMES.get(tool, tool)} pack was not written; fix these first:\n"
                         f"{listed(self.problems, limit=MAX_PROBLEMS)}")


@dataclass(frozen=True)
class Picklist:
    values: tuple[str, ...]
    map: Mapping[str, str]
    default: str

    def pick(self, key: str) -> str:
        """The tool's value for our ``key`` (through the map, else the default)."""
        return self.map.get(key, self.default)


def picklist_path(tool: str) -> Path:
    return Path(str(resources.files(__package__).joinpath("picklists", f"{tool}.json")))


def load_picklists(tool: str, path: Path | None = None) -> dict[str, Picklist]:
    """The tool's picklist table (``picklists/<tool>.json`` unless ``path``)."""
    path = path or picklist_path(tool)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        lists = raw["picklists"]
        out = {col: Picklist(tuple(str(v) for v in p["values"]), {str(k): str(v) for k, v in p.get("map", {}).items()},
                             str(p.get("default", ""))) for col, p in lists.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PackError(tool, [f"{path.name}: the picklist table cannot be read ({exc.__class__.__name__}: {exc})"]) from exc
    problems = [f"{path.name}: {col}: the default {p.default!r} is not one of its values"
                for col, p in out.items() if p.default and p.default not in p.values]
    problems += [f"{path.name}: {col}: {ours!r} maps to {theirs!r}, which is not one of its values"
                 for col, p in out.items() for ours, theirs in p.map.items() if theirs not in p.values]
    if problems:
        raise PackError(tool, problems)
    return out


@dataclass(frozen=True)
class CsvFile:
    name: str  # "configurations.csv"
    columns: tuple[str, ...]
    required: tuple[str, ...]  # columns that must be in the header and filled on every row
    dates: tuple[str, ...] = ()  # columns holding ISO dates
    rows: tuple[Mapping[str, str], ...] = ()


@dataclass(frozen=True)
class Pack:
    tool: str
    files: tuple[CsvFile, ...]
    readme: str
    picklists: Mapping[str, Picklist] = field(default_factory=dict)


@dataclass(frozen=True)
class PackResult:
    tool: str
    folder: Path
    files: tuple[Path, ...]
    rows: dict[str, int]


def check(pack: Pack) -> list[str]:
    """Every problem of ``pack``, each naming file, row (as a spreadsheet numbers it: the header is
    row 1) and column."""
    problems: list[str] = []
    for f in pack.files:
        missing = [c for c in f.required if c not in f.columns]
        if missing:
            problems.append(f"{f.name}: the header has no {', '.join(repr(c) for c in missing)} column")
        for n, row in enumerate(f.rows, 2):
            extra = set(row) - set(f.columns)
            if extra:
                problems.append(f"{f.name}, row {n}: values for unknown columns {sorted(extra)}")
            for col in f.columns:
                value = row.get(col, "")
                where = f"{f.name}, row {n}, column {col!r}"
                if col in f.required and not value.strip():
                    problems.append(f"{where}: is required and empty")
                    continue
                if not value:
                    continue
                if col in f.dates and not _ISO.fullmatch(value):
                    problems.append(f"{where}: {value!r} is not a date written YYYY-MM-DD")
                pick = pack.picklists.get(col)
                if pick is not None and value not in pick.values:
                    problems.append(f"{where}: {value!r} is not in the {pack.tool} picklist "
                                    f"({', '.join(pick.values)}); edit picklists/{pack.tool}.json")
                if value.startswith(DANGEROUS_STARTS) and not _harmless(value):
                    problems.append(f"{where}: starts with {value[0]!r}, which a spreadsheet runs as a formula; "
                                    "change the text in the engagement")
    return problems


# A phone number (+1 503 555 0142) or a negative number starts like a formula but cannot call
# anything: a harmful formula needs a name (HYPERLINK, cmd|...) or a quote.
_DIGITS_ONLY = re.compile(r"[-+][\d\s().,/+-]*")


def _harmless(text: str) -> bool:
    return _DIGITS_ONLY.fullmatch(text) is not None


def csv_bytes(f: CsvFile) -> bytes:
    """UTF-8 (no byte-order mark), comma-separated, every field quoted when it needs it."""
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, fieldnames=list(f.columns), lineterminator="\r\n", extrasaction="raise")
    w.writeheader()
    for row in f.rows:
        w.writerow({c: row.get(c, "") for c in f.columns})
    return buf.getvalue().encode("utf-8")


def write_pack(pack: Pack, folder: Path) -> PackResult:
    """Check ``pack`` and write its files and README into ``folder`` (created if missing; its
    parent must exist). Raises :class:`PackError` (nothing written) or ExportError."""
    problems = check(pack)
    if problems:
        raise PackError(pack.tool, problems)
    folder = Path(folder)
    if not folder.parent.is_dir():
        raise ExportError(f"Cannot write the pack: the folder {folder.parent} does not exist.")
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise ExportError(f"Cannot create the folder {folder}: {exc.strerror or exc}.") from exc
    if not folder.is_dir():
        raise ExportError(f"Cannot write the pack: {folder} is a file, not a folder.")
    # Everything is rendered before the first file is written.
    payloads = [(f.name, csv_bytes(f)) for f in pack.files] + [(README, pack.readme.encode("utf-8"))]
    written: list[Path] = []
    for name, data in payloads:
        written.append(write_atomic(folder / name, _writer(data)))
    return PackResult(pack.tool, folder, tuple(written), {f.name: len(f.rows) for f in pack.files})


def _writer(data: bytes) -> Callable[[BinaryIO], None]:
    def write(fh: BinaryIO) -> None:
        fh.write(data)
    return write


__all__ = ["README", "TOOLS", "TOOL_NAMES", "CsvFile", "Pack", "PackError", "PackResult", "Picklist", "check",
           "load_picklists", "picklist_path", "write_pack"]
