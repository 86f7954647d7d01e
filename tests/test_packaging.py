"""Packaging facts that must agree: pyproject.toml, briefcase.toml, the package and its CLI.

No Qt here: these run anywhere Python runs.
"""

from __future__ import annotations

import os
import re
import subprocess
import tomllib
from importlib import import_module, metadata
from pathlib import Path

import pytest
from app_process import APP_COMMAND, repository_file

import discovery_app

ROOT = Path(__file__).resolve().parent.parent
APP = "discovery_app"
SUBCOMMANDS = ("list", "show", "import", "export-json", "forms", "demo")


@pytest.fixture(scope="module")
def pyproject() -> dict:
    return tomllib.loads(repository_file("pyproject.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def manifest() -> dict:
    return tomllib.loads(repository_file("briefcase.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def briefcase(pyproject: dict) -> dict:
    return pyproject["tool"]["briefcase"]


@pytest.fixture(scope="module")
def briefcase_app(briefcase: dict) -> dict:
    return briefcase["app"][APP]


def test_manifest_names_the_briefcase_app(manifest: dict, briefcase: dict, briefcase_app: dict):
    assert list(briefcase["app"]) == [manifest["app"]["name"]] == [APP]
    assert manifest["app"]["formal_name"] == briefcase_app["formal_name"]


def test_versions_agree(pyproject: dict, manifest: dict, briefcase: dict, briefcase_app: dict):
    versions = {
        "pyproject [project].version": pyproject["project"]["version"],
        "pyproject [tool.briefcase].version": briefcase["version"],
        "briefcase.toml [app].version": manifest["app"]["version"],
        "discovery_app.__version__": discovery_app.__version__,
    }
    if "version" in briefcase_app:
        versions["pyproject [tool.briefcase.app.discovery_app].version"] = briefcase_app["version"]
    assert len(set(versions.values())) == 1, versions


def test_bundle_id_agrees(manifest: dict, briefcase: dict, briefcase_app: dict):
    # As Briefcase derives it (AppConfig.bundle_identifier): bundle + "." + the app name with
    # "_" replaced by "-", lowercased. It is what the built app, its signature and its
    # notarization carry, so the release tooling must use the same string.
    bundle = briefcase_app.get("bundle", briefcase["bundle"])
    expected = f"{bundle}.{APP.replace('_', '-').lower()}"
    assert manifest["app"]["bundle_id"] == expected
    # Apple allows only letters, digits, "-" and "." in a bundle identifier.
    assert re.fullmatch(r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+", expected)


def test_manifest_targets_and_channel(manifest: dict):
    assert manifest["app"]["channel"] in {"stable", "beta"}
    formats = {name: target["format"] for name, target in manifest["targets"].items()}
    assert formats == {"windows": "msi", "macOS": "dmg", "linux": "deb"}


def test_signing_names_environment_variables_not_secrets(manifest: dict):
    signing = manifest["signing"]
    assert signing, "briefcase.toml [signing] is empty"
    for key, value in signing.items():
        assert key.endswith("_env"), (
            f"[signing] {key}: only *_env keys (variable names) belong here"
        )
        assert re.fullmatch(r"DISCOVERY_[A-Z0-9_]+", value), f"[signing] {key} = {value!r}"


def test_sources_exist_and_carry_runtime_files(briefcase_app: dict):
    sources = briefcase_app["sources"]
    missing = [s for s in sources if not (ROOT / s).is_dir()]
    assert not missing, f"sources that are not folders in the checkout: {missing}"
    # Only sources are copied into a bundle: everything read at run time must be among them.
    for needed in (APP, "forms", "resources"):
        assert needed in sources
    for test_source in briefcase_app.get("test_sources", []):
        assert (ROOT / test_source).is_dir(), test_source


def test_icon_folder_exists(briefcase_app: dict):
    icon = Path(briefcase_app["icon"])
    assert icon.suffix == "", "Briefcase wants the icon path without extension"
    assert icon.parent == Path("resources/icons")
    assert (ROOT / icon.parent).is_dir(), f"{icon.parent}/ is missing"


def test_briefcase_test_entry_exists(briefcase_app: dict):
    assert "tests" in briefcase_app.get("test_sources", [])
    assert (ROOT / "tests" / f"{APP}.py").is_file()


def test_console_entry_point_is_declared(pyproject: dict):
    target = pyproject["project"]["scripts"]["discovery-app"]
    module_name, _, func_name = target.partition(":")
    assert module_name == f"{APP}.__main__"
    assert callable(getattr(import_module(module_name), func_name))


def test_installed_entry_point_matches(pyproject: dict):
    installed = metadata.entry_points(group="console_scripts", name="discovery-app")
    if not installed:
        pytest.skip("discovery-app is not installed here (pip install -e .)")
    assert {ep.value for ep in installed} == {pyproject["project"]["scripts"]["discovery-app"]}


def _run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [*APP_COMMAND, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_help_runs_and_names_every_subcommand():
    result = _run_cli("--help")
    assert result.returncode == 0, result.stderr
    for command in SUBCOMMANDS:
        assert re.search(rf"^\s+{re.escape(command)}\b", result.stdout, re.M), (
            f"--help does not list {command!r}:\n{result.stdout}"
        )
    assert "--db" in result.stdout


def test_forms_help_names_check():
    result = _run_cli("forms", "--help")
    assert result.returncode == 0, result.stderr
    assert "check" in result.stdout


def test_version_flag():
    result = _run_cli("--version")
    assert result.returncode == 0, result.stderr
    assert discovery_app.__version__ in result.stdout


def test_readme_names_every_subcommand():
    import argparse

    from discovery_app.cli import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    readme = repository_file("README.md").read_text(encoding="utf-8")
    assert set(SUBCOMMANDS) <= set(sub.choices)
    for command in sub.choices:
        assert f"discovery-app {command}" in readme, command


def _glob_matches(pattern: str, path: str) -> bool:
    """Whether ``path`` matches ``pattern`` the way Briefcase's Path.glob reads its cleanup_paths:
    ``*`` never crosses a ``/``."""
    regex = "".join("[^/]*" if ch == "*" else re.escape(ch) for ch in pattern)
    return re.fullmatch(regex, path) is not None


def test_the_lean_linux_bundle_keeps_every_qt_part_the_app_loads(briefcase_app: dict):
    """cleanup_paths removes what Discovery never loads; it must never take what it does load."""
    cleanup = briefcase_app["linux"]["system"]["cleanup_paths"]
    bundle = "discovery_app-0.1.0/usr/lib/discovery_app/app_packages/PySide6"
    used = set()
    for folder in ("discovery_app", "tests"):
        for source in (ROOT / folder).rglob("*.py"):
            used |= set(re.findall(r"PySide6\.(Qt\w+)", source.read_text(encoding="utf-8")))
    used.add("QtTest")  # pytest-qt, in the suite run inside the bundle
    assert {"QtCore", "QtGui", "QtWidgets"} <= used
    kept = [f"{bundle}/{module}.abi3.so" for module in used]
    kept += [f"{bundle}/Qt/lib/libQt6{module[2:]}.so.6" for module in used]
    # What those and the window system plugins load (readelf NEEDED), and the plugins themselves.
    kept += [f"{bundle}/Qt/lib/libQt6{lib}.so.6" for lib in
             ("Svg", "SvgWidgets", "DBus", "OpenGL", "XcbQpa", "WaylandClient", "WlShellIntegration")]
    kept += [f"{bundle}/Qt/lib/libicu{lib}.so.73" for lib in ("data", "i18n", "uc")]
    kept += [f"{bundle}/Qt/plugins/platforms/libq{name}.so" for name in ("xcb", "wayland", "offscreen")]
    kept += [f"{bundle}/Qt/plugins/{folder}" for folder in
             ("imageformats", "iconengines", "platformthemes", "platforminputcontexts", "xcbglintegrations",
              "wayland-shell-integration", "wayland-decoration-client", "wayland-graphics-integration-client")]
    kept += [f"{bundle}/Qt/translations/qtbase_de.qm", f"{bundle}/libpyside6.abi3.so.6.11",
             f"{bundle}/__init__.py", "discovery_app-0.1.0/usr/lib/discovery_app/app_packages/sqlalchemy/orm"]
    removed = [(path, pattern) for path in kept for pattern in cleanup if _glob_matches(pattern, path)]
    assert not removed, removed
    # And it does remove the big unused parts (measured in benchmarks/RESULTS.md).
    for dropped in ("Qt/qml", "Qt/lib/libQt6Quick.so.6", "Qt/lib/libQt6Qml.so.6", "QtQml.abi3.so",
                    "Qt/plugins/sqldrivers", "Qt/translations/qtdeclarative_de.qm", "designer"):
        assert any(_glob_matches(p, f"{bundle}/{dropped}") for p in cleanup), dropped


def test_ci_installs_every_system_library_the_linux_app_needs(briefcase_app: dict):
    """`briefcase dev --test` in .ci/run stops when one of the app's system_runtime_requires is
    missing; .ci/run's apt-get list must name them all, so a fresh machine passes."""
    needed = set(briefcase_app["linux"]["system"]["debian"]["system_runtime_requires"])
    script = repository_file(".ci/run").read_text(encoding="utf-8")
    listed = re.search(r"APT_PACKAGES=\((.*?)\n\)", script, re.S)
    assert listed is not None
    words = {w for line in listed.group(1).splitlines() for w in line.split("#")[0].split()}
    assert needed - words == set()
