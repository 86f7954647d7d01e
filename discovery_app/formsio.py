"""Read form packages from ``forms/`` into domain models, with errors that name file, line and path.

A form package is a folder of YAML files::

    package.yaml           id, version, title, description, device_kinds
    questionnaire.yaml     sections (with questions) and choice_lists
    fit.yaml               criteria and verdict thresholds
    standards.yaml         categories (the provider's standard stack)
    risks.yaml             risks (the risk library)
    responsibilities.yaml  functions (the responsibility-matrix template)
    pricing.yaml           roles, lane rates, coverage, contingency, rounding, approvals
    suggestions.yaml       (optional) rules: findings that suggest themselves from answers and inventory
    lifecycle.yaml         (optional) operating systems' end of support, device replacement ages
    approvers.yaml         (optional) approvers: the practice's discount approvers (name, role,
                           public_key, valid_from, valid_to) for laptops without the shared settings
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .domain.formcheck import Loc, check_package, format_loc
from .domain.forms import FormPackage

# file name -> (key in the package, the key inside the file whose value is used, or None for the whole file)
PARTS: dict[str, tuple[str | None, str | None]] = {
    "package.yaml": (None, None),
    "questionnaire.yaml": ("questionnaire", None),
    "fit.yaml": ("fit", None),
    "standards.yaml": ("standards", "categories"),
    "risks.yaml": ("risk_library", None),
    "responsibilities.yaml": ("responsibilities", None),
    "pricing.yaml": ("pricing", None),
    "suggestions.yaml": ("suggestion_rules", "rules"),
    "lifecycle.yaml": ("lifecycle", None),
    "approvers.yaml": ("approvers", "approvers"),
}
#: Parts a package may leave out (forms written before they existed).
OPTIONAL_PARTS = frozenset({"suggestions.yaml", "lifecycle.yaml", "approvers.yaml"})


@dataclass(frozen=True)
class FormError:
    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        at = f" at {self.path}" if self.path else ""
        return f"{where}:{at}: {self.message}" if at else f"{where}: {self.message}"


@dataclass
class LoadResult:
    folder: Path
    package: FormPackage | None
    errors: list[FormError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.package is not None and not self.errors


class _Source:
    """Where each path of the merged package data came from: file and line."""

    def __init__(self) -> None:
        self.files: list[tuple[Loc, str, dict[Loc, int]]] = []

    def add(self, prefix: Loc, file: str, lines: dict[Loc, int]) -> None:
        self.files.append((prefix, file, lines))

    def locate(self, loc: Loc) -> tuple[str, int | None]:
        best: tuple[Loc, str, dict[Loc, int]] | None = None
        for prefix, file, lines in self.files:
            if loc[: len(prefix)] == prefix and (best is None or len(prefix) > len(best[0])):
                best = (prefix, file, lines)
        if best is None:
            return "package.yaml", None
        prefix, file, lines = best
        rel = loc[len(prefix):]
        while True:
            if rel in lines:
                return file, lines[rel]
            if not rel:
                return file, None
            rel = rel[:-1]


def _line_map(node: yaml.Node, loc: Loc, out: dict[Loc, int]) -> None:
    out[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            k = key.value
            out[(*loc, k)] = key.start_mark.line + 1
            _line_map(value, (*loc, k), out)
            out[(*loc, k)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_map(item, (*loc, i), out)


def _read_text(path: Path, errors: list[FormError]) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        errors.append(FormError(path.name, None, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})"))
    except OSError as exc:
        errors.append(FormError(path.name, None, "", f"cannot read: {exc.strerror}"))
    return None


def _parse_yaml(name: str, text: str, errors: list[FormError]) -> tuple[Any, dict[Loc, int]]:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        errors.append(FormError(name, line, "", f"YAML syntax: {exc.problem or exc.context}"))
        return None, {}
    except yaml.YAMLError as exc:
        errors.append(FormError(name, None, "", f"YAML: {exc}"))
        return None, {}
    lines: dict[Loc, int] = {}
    if node is not None:
        _line_map(node, (), lines)
    return data, lines


def read_files(folder: Path) -> tuple[dict[str, str], list[FormError]]:
    """The text of each part file of the package folder (file name -> text), and what could not
    be read (a missing required part, a file that is not UTF-8 text)."""
    folder = Path(folder)
    errors: list[FormError] = []
    texts: dict[str, str] = {}
    if not folder.is_dir():
        return texts, [FormError(str(folder), None, "", "not a folder")]
    for name in PARTS:
        path = folder / name
        if not path.exists():
            if name not in OPTIONAL_PARTS:
                errors.append(FormError(name, None, "", "file is missing from the form package"))
            continue
        text = _read_text(path, errors)
        if text is not None:
            texts[name] = text
    return texts, errors


def load_package(folder: Path) -> LoadResult:
    """Load and validate one form package folder. Never raises for bad content."""
    folder = Path(folder)
    texts, errors = read_files(folder)
    if errors:
        return LoadResult(folder, None, errors)
    return load_texts(texts, folder)


def load_texts(texts: dict[str, str], folder: Path) -> LoadResult:
    """Load and validate a form package from the text of its part files (file name -> text), as
    :func:`read_files` gives them or the practice library keeps them; ``folder`` names where they
    came from. Never raises for bad content."""
    errors: list[FormError] = []
    merged: dict[str, Any] = {}
    source = _Source()
    for name in set(texts) - set(PARTS):
        errors.append(FormError(name, None, "", "not a part of a form package"))
    for name, (key, inner) in PARTS.items():
        if name not in texts:
            if name not in OPTIONAL_PARTS:
                errors.append(FormError(name, None, "", "file is missing from the form package"))
            continue
        data, lines = _parse_yaml(name, texts[name], errors)
        if data is None:
            continue
        if not isinstance(data, dict):
            errors.append(FormError(name, 1, "", "expected a mapping of keys at the top of the file"))
            continue
        if key is None:
            merged.update(data)
            source.add((), name, lines)
            continue
        if inner is not None:
            if set(data) != {inner}:
                errors.append(FormError(name, 1, "", f"expected exactly one top-level key, {inner!r}"))
                continue
            merged[key] = data[inner]
            source.add((key,), name, {k[1:]: v for k, v in lines.items() if k[:1] == (inner,)})
        else:
            merged[key] = data
            source.add((key,), name, lines)
    if errors:
        return LoadResult(folder, None, errors)

    try:
        pkg = FormPackage.model_validate(merged)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err["loc"])
            # Drop pydantic's internal tags (e.g. "function-after[...]") from the path.
            loc = tuple(p for p in loc if not (isinstance(p, str) and "[" in p))
            file, line = source.locate(loc)
            msg = err["msg"]
            if err["type"] == "extra_forbidden":
                msg = "unknown field (not part of the form schema)"
            elif err["type"] == "missing":
                msg = "required field is missing"
            errors.append(FormError(file, line, format_loc(loc), msg))
        return LoadResult(folder, None, errors)

    for problem in check_package(pkg):
        file, line = source.locate(problem.loc)
        errors.append(FormError(file, line, problem.path, problem.message))
    return LoadResult(folder, pkg if not errors else None, errors)


def problem_line(folder: Path, error: FormError) -> str:
    """One problem as ``forms check`` and ``library publish`` print it: file (under ``folder``),
    line, field path, message."""
    return (f"{Path(folder) / error.file}{':' + str(error.line) if error.line else ''}: "
            f"{error.path + ': ' if error.path else ''}{error.message}")


def load_all(root: Path) -> list[LoadResult]:
    """Every package folder below ``root`` (a folder holding package.yaml), sorted by path."""
    root = Path(root)
    if (root / "package.yaml").exists():
        return [load_package(root)]
    return [load_package(p.parent) for p in sorted(root.glob("*/package.yaml"))]


def from_library(files: dict[str, str], name: str) -> LoadResult:
    """A form package from the practice library: the part files it was published with, checked
    again exactly as a folder is (``name`` says where it came from in messages)."""
    return load_texts(files, Path(name))


def package_from_json(text: str) -> FormPackage:
    """Rebuild the copy of a form an engagement keeps (no cross-checks: it was valid when stored)."""
    return FormPackage.model_validate_json(text)
