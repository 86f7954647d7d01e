"""The release workflow cannot run here (it needs hosted Windows and macOS runners), so this
keeps it consistent with the release manifest and the project metadata instead."""

import tomllib
from pathlib import Path

import pytest
import yaml
from app_process import skip_without_repository

skip_without_repository(".github/workflows/release.yml")

ROOT = Path(__file__).parents[1]


@pytest.fixture(scope="module")
def workflow():
    return yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def manifest():
    return tomllib.loads((ROOT / "briefcase.toml").read_text(encoding="utf-8"))


def steps(workflow, job):
    return workflow["jobs"][job]["steps"]


def commands(workflow, job):
    return "\n".join(s.get("run", "") for s in steps(workflow, job))


def test_runs_on_version_tags(workflow):
    # PyYAML reads the key `on` as True.
    trigger = workflow.get("on", workflow.get(True))
    assert trigger["push"]["tags"] == ["v*"]


def test_targets_come_from_the_manifest(workflow, manifest):
    plan = commands(workflow, "plan")
    assert 'tomllib.load' in plan and '"briefcase.toml"' in plan and 'manifest["targets"]' in plan
    assert workflow["jobs"]["installer"]["strategy"]["matrix"] == "${{ fromJSON(needs.plan.outputs.matrix) }}"
    assert workflow["jobs"]["installer"]["runs-on"] == "${{ matrix.runner }}"
    assert {t["format"] for t in manifest["targets"].values()} == {"msi", "dmg", "deb"}


def test_signing_uses_exactly_the_manifests_variable_names(workflow, manifest):
    env = workflow["jobs"]["installer"]["env"]
    names = set(manifest["signing"].values())
    assert set(env) == names
    for name in names:
        assert env[name] == f"${{{{ secrets.{name} }}}}"
    package = commands(workflow, "installer")
    assert "--identity" in package and "--adhoc-sign" in package


def test_tests_run_inside_the_built_app_before_packaging(workflow):
    runs = [s.get("run", "") for s in steps(workflow, "installer")]
    built_with_tests = next(i for i, r in enumerate(runs) if "briefcase build" in r and "--test" in r)
    ran_tests = next(i for i, r in enumerate(runs) if "briefcase run" in r and "--test" in r)
    rebuilt = next(i for i, r in enumerate(runs) if "briefcase build" in r and "--test" not in r)
    packaged = next(i for i, r in enumerate(runs) if "briefcase package" in r)
    assert built_with_tests < ran_tests < rebuilt < packaged
    assert '-p "${{ matrix.format }}"' in runs[packaged]


def test_python_version_meets_requires_python(workflow):
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["requires-python"] == ">=3.11"
    for job in ("plan", "installer"):
        setup = next(s for s in steps(workflow, job) if s.get("uses", "").startswith("actions/setup-python"))
        assert setup["with"]["python-version"] == "3.11"


def test_installers_are_uploaded(workflow):
    upload = next(s for s in steps(workflow, "installer") if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["with"]["path"] == "dist/*"
    assert upload["with"]["if-no-files-found"] == "error"
