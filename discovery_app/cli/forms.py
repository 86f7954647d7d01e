"""Form package commands: forms check."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("forms", help="work with form packages", description="Work with form packages.")
    fsub = s.add_subparsers(dest="forms_command", metavar="ACTION", required=True)
    c = fsub.add_parser(
        "check", help="validate form packages",
        description="Validate a form package folder (or a folder of packages); print every problem "
        "with file, line and field path. Exits non-zero when any problem is found.",
    )
    c.add_argument("path", nargs="?", type=Path, metavar="PATH", help="default: the installed forms/ folder")
    c.set_defaults(handler=run_check, needs_store=False)


def run_check(args: argparse.Namespace, _service: object) -> int:
    return _forms_check(args.path)


def _forms_check(path: Path | None) -> int:
    from .. import formsio, resources

    root = path or resources.forms_dir()
    if not root.exists():
        print(f"error: {root} does not exist", file=sys.stderr)
        return 1
    results = formsio.load_all(root)
    if not results:
        print(f"error: no form package (a folder with package.yaml) in {root}", file=sys.stderr)
        return 1
    bad = 0
    for r in results:
        if r.ok and r.package:
            q = r.package.questionnaire.questions()
            print(f"ok    {r.package.key}  ({len(q)} questions, {len(r.package.standards)} standards, "
                  f"{len(r.package.risk_library.risks)} risks, {len(r.package.responsibilities.functions)} functions)  {r.folder}")
        else:
            bad += 1
            print(f"FAIL  {r.folder}: {len(r.errors)} problem(s)")
            for e in r.errors:
                print(f"  {formsio.problem_line(r.folder, e)}")
    return 1 if bad else 0


