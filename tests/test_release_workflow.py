"""The release workflow cannot run here (it needs hosted Windows and macOS runners), so this keeps
it consistent with the release manifest, and checks that every target is built by the one
packaging script, scripts/package.py, whose steps run here with Briefcase replaced by a recorder.
"""

import importlib.util
import shutil
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


def load_package_script():
    spec = importlib.util.spec_from_file_location("package_script", ROOT / "scripts" / "package.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_runs_on_version_tags(workflow):
    # PyYAML reads the key `on` as True.
    trigger = workflow.get("on", workflow.get(True))
    assert trigger["push"]["tags"] == ["v*"]


def test_targets_come_from_the_manifest(workflow, manifest):
    plan = commands(workflow, "plan")
    assert 'tomllib.load' in plan and '"briefcase.toml"' in plan and 'manifest["targets"]' in plan
    assert 'target.get("container", "")' in plan
    job = workflow["jobs"]["installer"]
    assert job["strategy"]["matrix"] == "${{ fromJSON(needs.plan.outputs.matrix) }}"
    assert job["runs-on"] == "${{ matrix.runner }}"
    assert job["container"] == "${{ matrix.container }}"
    assert {t["format"] for t in manifest["targets"].values()} == {"msi", "dmg", "deb"}


def test_linux_builds_on_the_system_python_of_the_release_it_is_for(workflow, manifest):
    # Briefcase refuses `linux system` on any Python but the system python3 and builds for the
    # distribution it runs on: a container of that release, not setup-python on the runner.
    containers = {name: t.get("container") for name, t in manifest["targets"].items()}
    assert containers == {"windows": None, "macOS": None, "linux": "debian:bookworm"}
    setup = next(s for s in steps(workflow, "installer") if s.get("uses", "").startswith("actions/setup-python"))
    assert setup["if"] == "matrix.platform != 'linux'"
    linux = [s for s in steps(workflow, "installer") if s.get("if") == "matrix.platform == 'linux'"]
    assert "scripts/package-linux" in linux[0]["run"]
    script = (ROOT / "scripts" / "package-linux").read_text(encoding="utf-8")
    assert 'SYSTEM_PY=/usr/bin/python3' in script and '"$SYSTEM_PY" -m venv' in script
    assert 'exec "$VENV/bin/python" scripts/package.py linux' in script


def test_every_target_is_built_by_the_one_packaging_script(workflow, manifest):
    runs = commands(workflow, "installer")
    assert 'python scripts/package.py "${{ matrix.platform }}"' in runs
    assert "scripts/package-linux" in runs
    # No Briefcase command is kept by hand in the workflow: they live in scripts/package.py.
    assert "briefcase " not in runs.replace("requirements-briefcase", "")
    package = load_package_script()
    assert set(manifest["targets"]) == {"windows", "macOS", "linux"}
    assert package.host_platform() in manifest["targets"]


def test_briefcase_is_pinned_in_one_place(workflow):
    pin = (ROOT / "scripts" / "requirements-briefcase.txt").read_text(encoding="utf-8")
    assert [line for line in pin.splitlines() if line and not line.startswith("#")] == ["briefcase==0.4.7"]
    assert "pip install -r scripts/requirements-briefcase.txt" in commands(workflow, "installer")
    assert "pip install -q -r scripts/requirements-briefcase.txt" in (ROOT / "scripts" / "package-linux").read_text()
    assert load_package_script().pinned_briefcase() == "0.4.7"


def test_signing_uses_exactly_the_manifests_variable_names(workflow, manifest, monkeypatch):
    env = workflow["jobs"]["installer"]["env"]
    names = set(manifest["signing"].values())
    assert set(env) == names
    for name in names:
        assert env[name] == f"${{{{ secrets.{name} }}}}"
    package = load_package_script()
    for name in names:
        monkeypatch.delenv(name, raising=False)
    assert package.signing_args("windows", None) == ["--adhoc-sign"]
    assert package.signing_args("macOS", None) == ["--adhoc-sign"]
    monkeypatch.setenv(manifest["signing"]["windows_identity_env"], "0123ABCD")
    assert package.signing_args("windows", None) == ["--identity", "0123ABCD"]
    monkeypatch.setenv(manifest["signing"]["macos_identity_env"], "Developer ID Application: X")
    assert package.signing_args("macOS", None) == ["--identity", "Developer ID Application: X", "--no-notarize"]
    monkeypatch.setenv(manifest["signing"]["macos_notary_profile_env"], "stored")
    assert package.signing_args("macOS", None) == ["--identity", "Developer ID Application: X"]


class FakeBundle:
    def __init__(self, root, calls):
        self.path = root / "build" / "discovery_app" / "bundle"
        self.calls = calls
        self.left = []

    def compile(self, platform):
        self.calls.append(("compile", platform))

    def leftover_test_code(self):
        return self.left

    def bytecode(self, platform):
        return 1000, 995, []

    def size(self):
        return 1

    def largest_parts(self):
        return [(1, "app_packages/PySide6")]


@pytest.fixture
def recorded(tmp_path, monkeypatch):
    """scripts/package.py in a copy of the checkout, with Briefcase replaced by a recorder."""
    for name in ("briefcase.toml", "scripts/requirements-briefcase.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    package = load_package_script()
    calls: list[tuple] = []
    bundle = FakeBundle(tmp_path, calls)

    def briefcase(*args, env=None):
        calls.append(("briefcase", *args))
        if args[0] == "package":
            (tmp_path / "dist").mkdir(exist_ok=True)
            (tmp_path / "dist" / f"Discovery-0.1.0.{args[args.index('-p') + 1]}").write_bytes(b"installer")

    monkeypatch.setattr(package, "ROOT", tmp_path)
    monkeypatch.setattr(package, "briefcase", briefcase)
    monkeypatch.setattr(package.Bundle, "find", classmethod(lambda cls, platform: bundle))
    monkeypatch.setattr(package.metadata, "version", lambda name: "0.4.7")
    monkeypatch.delenv("DISCOVERY_BRIEFCASE_TEMPLATE", raising=False)
    # The report lists a real .deb with dpkg-deb; these fake installers are not packages.
    monkeypatch.setattr(package.shutil, "which", lambda name: None)
    return package, calls, bundle


@pytest.mark.parametrize("platform", ["linux", "windows", "macOS"])
def test_the_suite_runs_inside_the_bundle_then_a_clean_compiled_bundle_is_packaged(
        recorded, manifest, platform, capsys):
    package, calls, _ = recorded
    target = manifest["targets"][platform]
    assert package.run(platform, None, skip_tests=False) == 0
    steps_ = [c[:2] if c[0] == "briefcase" else c for c in calls]
    assert steps_ == [
        ("briefcase", "create"),
        ("briefcase", "build"), ("compile", platform), ("briefcase", "run"),
        ("briefcase", "build"), ("compile", platform),
        ("briefcase", "package"),
    ]
    assert all(c[2:4] == (platform, target["output_format"]) for c in calls if c[0] == "briefcase")
    create, test_build, test_run, build, pack = (c for c in calls if c[0] == "briefcase")
    assert {"-r", "--update", "--test"} <= set(test_build)  # -r: else pytest is not in the bundle
    assert {"--test", "--no-update"} <= set(test_run)  # --no-update: keep the compiled bytecode
    assert "-r" in build and "--test" not in build  # -r again: the test requirements go
    assert pack[pack.index("-p") + 1] == target["format"] and "--adhoc-sign" in pack
    report = capsys.readouterr().out
    assert f"Discovery-0.1.0.{target['format']}" in report and "995 with bytecode" in report


def test_a_local_template_is_used_when_named(recorded, tmp_path, monkeypatch):
    package, calls, _ = recorded
    template = tmp_path / "template"
    template.mkdir()
    monkeypatch.setenv("DISCOVERY_BRIEFCASE_TEMPLATE", str(template))
    with pytest.raises(package.PackagingError, match="cookiecutter.json"):
        package.run("linux", None, skip_tests=True)
    (template / "cookiecutter.json").write_text("{}")
    package.run("linux", None, skip_tests=True)
    create = next(c for c in calls if c[:2] == ("briefcase", "create"))
    assert f'template="{template.as_posix()}"' in create
    assert f'template_branch="{package.LINUX_SYSTEM_TEMPLATE_BRANCH}"' in create


def test_test_code_left_in_the_release_bundle_stops_the_build(recorded):
    package, calls, bundle = recorded
    bundle.left = ["pytest"]
    with pytest.raises(package.PackagingError, match="test code left"):
        package.run("linux", None, skip_tests=False)
    assert not any(c[:2] == ("briefcase", "package") for c in calls)


def test_missing_bytecode_stops_the_build(recorded, monkeypatch):
    package, calls, bundle = recorded
    monkeypatch.setattr(bundle, "bytecode", lambda platform: (1000, 900, [Path("app/x.py")]))
    with pytest.raises(package.PackagingError, match="90.0% of modules have bytecode"):
        package.run("linux", None, skip_tests=False)
    assert not any(c[:2] == ("briefcase", "package") for c in calls)


def test_python_version_meets_requires_python(workflow):
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["requires-python"] == ">=3.11"
    for job in ("plan", "installer"):
        setup = next(s for s in steps(workflow, job) if s.get("uses", "").startswith("actions/setup-python"))
        assert setup["with"]["python-version"] == "3.11"


def test_the_linux_package_is_installed_and_checked(workflow):
    check = next(s for s in steps(workflow, "installer") if "scripts/check-installed" in s.get("run", ""))
    assert check["if"] == "matrix.platform == 'linux'"
    assert "dist/*.deb" in check["run"]


def test_installers_are_uploaded(workflow):
    upload = next(s for s in steps(workflow, "installer") if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["with"]["path"] == "dist/*"
    assert upload["with"]["if-no-files-found"] == "error"
