"""The app finds everything it reads at run time when laid out the way a Briefcase bundle is.

Briefcase copies each of `sources` into the bundle's `app/` folder; nothing else of the
checkout comes along. This lays out such a folder, outside the checkout, and runs the app from it.
"""

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from app_process import skip_without_repository

skip_without_repository("pyproject.toml's Briefcase sources")

ROOT = Path(__file__).parents[1]


@pytest.fixture(scope="module")
def bundle_app(tmp_path_factory):
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    sources = config["tool"]["briefcase"]["app"]["discovery_app"]["sources"]
    app = tmp_path_factory.mktemp("bundle") / "app"
    app.mkdir()
    for source in sources:
        shutil.copytree(ROOT / source, app / Path(source).name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "make_icons.py"))
    return app


def run_in_bundle(app, *args, code=None):
    env = {k: v for k, v in os.environ.items() if k not in ("DISCOVERY_DB", "DISCOVERY_RESOURCES")}
    env["PYTHONPATH"] = str(app)
    cmd = [sys.executable, "-c", code] if code else [sys.executable, "-m", "discovery_app", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=app.parent, timeout=120)


def test_the_package_and_its_resources_come_from_the_bundle(bundle_app):
    proc = run_in_bundle(bundle_app, code=(
        "import json, discovery_app, discovery_app.resources as r;"
        "print(json.dumps([discovery_app.__file__, str(r.root()), str(r.resource('fonts', 'DejaVuSans.ttf')),"
        " str(r.resource('icons', 'discovery-256.png'))]))"))
    assert proc.returncode == 0, proc.stderr
    package, root, font, icon = json.loads(proc.stdout)
    assert Path(package).is_relative_to(bundle_app)
    assert Path(root) == bundle_app
    assert Path(font).is_file() and Path(icon).is_file()


def test_forms_and_a_whole_engagement_work_from_the_bundle(bundle_app, tmp_path):
    check = run_in_bundle(bundle_app, "forms", "check")
    assert check.returncode == 0, check.stderr
    assert str(bundle_app / "forms") in check.stdout
    db = tmp_path / "bundle.sqlite3"
    assert run_in_bundle(bundle_app, "--db", str(db), "demo").stdout.strip() == "1"
    quote = run_in_bundle(bundle_app, "--db", str(db), "quote", "1", "--json")
    assert quote.returncode == 0, quote.stderr
    assert json.loads(quote.stdout)["stabilization_fee"]


def test_migrations_ship_inside_the_package(bundle_app):
    versions = bundle_app / "discovery_app" / "storage" / "migrations" / "versions"
    assert sorted(p.name for p in versions.glob("0*.py"))
