"""Build Discovery's installer for one platform with Briefcase, the same steps everywhere.

    python scripts/package.py [linux|windows|macOS] [--identity ID] [--skip-tests]

Run it with the Python that has Briefcase installed (scripts/requirements-briefcase.txt); on
Linux use scripts/package-linux, which prepares that Python (Briefcase's `linux system` format
must run on the system python3). From the checkout's root, in order:

1. ``briefcase create``      a fresh bundle (an earlier one of this app is removed first), from
                             the template in DISCOVERY_BRIEFCASE_TEMPLATE when set (a local
                             checkout of Briefcase's template; Briefcase's public one otherwise);
2. ``briefcase build -r --update --test``   the bundle with the test suite and test requirements
                             (without -r Briefcase does not install pytest into it);
3. bytecode for every module, compiled by the bundle's own Python (see below);
4. ``briefcase run --test --no-update``     the whole suite inside the built bundle;
5. ``briefcase build -r --update``          again without the tests and test requirements;
6. bytecode again, then checks: no test code left, >= 99 % of .py files have bytecode;
7. ``briefcase package``     signed with the identity from the environment variable that
                             briefcase.toml [signing] names (ad-hoc signed without one);
8. a report: the package's path and size, module and bytecode counts, the largest parts.

Why the bytecode: Briefcase's launchers never write bytecode (an installed app's folder is
read-only to its user, and a signed bundle must not change), and Briefcase removes every
__pycache__ it finds. Without it every start compiles each imported module again (measured on
the installed .deb: usable 1.7-2.1 s instead of about 1 s). The .pyc files use the unchecked-hash
mode: valid whatever modification times the installer gives the files (MSI and DMG do not keep
them), and the launcher reads them without hashing the source again. Optimization level 0, no
pycache prefix: what Briefcase's isolated launchers use.

Briefcase's platform, output format and package format come from briefcase.toml [targets].
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = "discovery_app"
# The branch of beeware/briefcase-linux-system-template that Briefcase 0.4.7 generates from,
# used with a local checkout (DISCOVERY_BRIEFCASE_TEMPLATE). Briefcase's own default pins a
# commit of the public repository instead.
LINUX_SYSTEM_TEMPLATE_BRANCH = "v0.4.1"
MIN_BYTECODE_SHARE = 0.99
# Nothing of these may be left in a release bundle.
TEST_ONLY = ("pytest", "_pytest", "pytestqt", "xdist", "execnet", "hypothesis", "pluggy", "iniconfig")


class PackagingError(Exception):
    """A step failed; the message says which and what to do."""


def log(message: str) -> None:
    print(message, flush=True)


def step(title: str) -> float:
    log(f"\n==> {title}")
    return time.monotonic()


def step_done(title: str, started: float) -> None:
    log(f"==> {title}: done in {time.monotonic() - started:.1f} s")


def manifest() -> dict:
    return tomllib.loads((ROOT / "briefcase.toml").read_text(encoding="utf-8"))


def pinned_briefcase() -> str:
    text = (ROOT / "scripts" / "requirements-briefcase.txt").read_text(encoding="utf-8")
    match = re.search(r"^briefcase==(\S+)", text, re.M)
    if not match:
        raise PackagingError("scripts/requirements-briefcase.txt does not pin briefcase==VERSION")
    return match.group(1)


def host_platform() -> str:
    return {"win32": "windows", "darwin": "macOS"}.get(sys.platform, "linux")


def briefcase(*args: str, env: dict[str, str] | None = None) -> None:
    cmd = [sys.executable, "-m", "briefcase", *args]
    log("$ briefcase " + " ".join(args))
    result = subprocess.run(cmd, cwd=ROOT, env=env)
    if result.returncode != 0:
        raise PackagingError(f"`briefcase {' '.join(args)}` failed (exit {result.returncode}); "
                             "its log is in logs/")


# --- the bundle ------------------------------------------------------------------------------


class Bundle:
    """A built bundle, located through the briefcase.toml Briefcase writes inside it."""

    def __init__(self, config_file: Path):
        self.path = config_file.parent
        text = config_file.read_text(encoding="utf-8")
        paths = tomllib.loads(text).get("paths", {})
        self.app = self.path / paths["app_path"]
        self.app_packages = self.path / paths["app_packages_path"]
        version = re.search(r"Python (\d+)\.(\d+)", text)
        self.python_version = (int(version.group(1)), int(version.group(2))) if version else None

    @classmethod
    def find(cls, platform: str) -> Bundle:
        found = [cls(p) for p in sorted((ROOT / "build" / APP).rglob("briefcase.toml"))
                 if '[paths]' in p.read_text(encoding="utf-8", errors="replace")]
        if len(found) != 1:
            raise PackagingError(f"expected one {platform} bundle under build/{APP}/, found {len(found)}")
        return found[0]

    def code_roots(self) -> list[Path]:
        return [p for p in (self.app, self.app_packages) if p.is_dir()]

    def python(self, platform: str) -> list[str]:
        """The interpreter the installed app runs on, to compile with."""
        if platform == "linux":
            # `linux system` bundles run on the system Python (the one Briefcase ran on).
            candidates = [Path("/usr/bin/python3")]
        elif platform == "windows":
            # The embeddable distribution Briefcase puts beside the app's launcher.
            candidates = sorted(self.path.rglob("python.exe"))
        else:
            candidates = []
        for candidate in candidates:
            if candidate.is_file():
                return [str(candidate)]
        # macOS ships Python as a framework without an interpreter program; the magic number is
        # the same for every release of one minor version, so the same minor version compiles
        # identical bytecode.
        if self.python_version and sys.version_info[:2] != self.python_version:
            raise PackagingError(
                f"the bundle runs Python {'.'.join(map(str, self.python_version))} but this is "
                f"{sys.version.split()[0]}: run this script with the bundle's Python version")
        return [sys.executable]

    def python_identity(self, python: list[str]) -> tuple[str, str]:
        """(cache tag, magic number hex) of ``python``."""
        out = subprocess.run(
            [*python, "-I", "-c", "import sys, importlib.util as u; "
             "print(sys.implementation.cache_tag, u.MAGIC_NUMBER.hex())"],
            capture_output=True, text=True, check=True).stdout.split()
        return out[0], out[1]

    def compile(self, platform: str) -> None:
        python = self.python(platform)
        log(f"compiling with {python[0]}")
        for root in self.code_roots():
            # -q: errors only. A module that does not compile (for example a template with
            # placeholder syntax) is counted as lacking bytecode in the report, not fatal here.
            subprocess.run([*python, "-I", "-m", "compileall", "-q", "-j", "0",
                            "--invalidation-mode", "unchecked-hash", str(root)], check=False)

    def bytecode(self, platform: str) -> tuple[int, int, list[Path]]:
        """(.py files, those with bytecode the launcher will use, the first few without)."""
        tag, magic = self.python_identity(self.python(platform))
        magic_bytes = bytes.fromhex(magic)
        total = usable = 0
        missing: list[Path] = []
        for root in self.code_roots():
            for py in root.rglob("*.py"):
                total += 1
                pyc = py.parent / "__pycache__" / f"{py.stem}.{tag}.pyc"
                try:
                    with open(pyc, "rb") as fh:
                        header = fh.read(16)
                except OSError:
                    header = b""
                if header[:4] == magic_bytes and _used_as_is(header, py):
                    usable += 1
                elif len(missing) < 10:
                    missing.append(py.relative_to(self.path))
        return total, usable, missing

    def leftover_test_code(self) -> list[str]:
        left = [name for name in TEST_ONLY if (self.app_packages / name).exists()]
        if (self.app / "tests").exists():
            left.append("app/tests")
        return left

    def largest_parts(self, count: int = 12) -> list[tuple[int, str]]:
        sizes: dict[str, int] = {}
        for root in self.code_roots():
            for f in root.rglob("*"):
                if f.is_file() and not f.is_symlink():
                    rel = f.relative_to(root).parts
                    depth = 3 if rel[:2] == ("PySide6", "Qt") else 1
                    key = f"{root.name}/{'/'.join(rel[:depth])}"
                    sizes[key] = sizes.get(key, 0) + f.stat().st_size
        return sorted(((size, key) for key, size in sizes.items()), reverse=True)[:count]

    def size(self) -> int:
        return sum(f.stat().st_size for f in self.path.rglob("*") if f.is_file() and not f.is_symlink())


def _used_as_is(header: bytes, source: Path) -> bool:
    """Whether the launcher loads a .pyc with this 16-byte header without compiling the source.

    Flags (bytes 4-8): 0b01 hash-based, unchecked (what this script writes: always used);
    0b11 hash-based, checked (used after hashing the source); 0 timestamp-based (used while the
    source's modification time and size are the recorded ones).
    """
    flags = int.from_bytes(header[4:8], "little")
    if flags == 0b01:
        return True
    if flags == 0:
        st = source.stat()
        return (int.from_bytes(header[8:12], "little") == int(st.st_mtime) & 0xFFFFFFFF
                and int.from_bytes(header[12:16], "little") == st.st_size & 0xFFFFFFFF)
    return flags == 0b11


# --- the steps -------------------------------------------------------------------------------


def signing_args(platform: str, identity: str | None) -> list[str]:
    if identity is None:
        env_name = manifest()["signing"].get(f"{platform.lower()}_identity_env")
        identity = os.environ.get(env_name, "") if env_name else ""
    if not identity:
        return ["--adhoc-sign"]
    args = ["--identity", identity]
    if platform == "macOS":
        profile_env = manifest()["signing"].get("macos_notary_profile_env", "")
        if not os.environ.get(profile_env):
            # Signed, but without stored notarization credentials: Briefcase would stop to ask.
            args.append("--no-notarize")
    return args


def template_args(platform: str) -> list[str]:
    template = os.environ.get("DISCOVERY_BRIEFCASE_TEMPLATE", "").strip()
    if not template:
        return []
    path = Path(template).expanduser().resolve()
    if not (path / "cookiecutter.json").is_file():
        raise PackagingError(f"DISCOVERY_BRIEFCASE_TEMPLATE={template}: no cookiecutter.json there; "
                             "it must be a checked-out copy of Briefcase's template (not a bare git folder)")
    args = ["-C", f'template="{path.as_posix()}"']
    if platform == "linux":
        args += ["-C", f'template_branch="{LINUX_SYSTEM_TEMPLATE_BRANCH}"']
    return args


def run(platform: str, identity: str | None, skip_tests: bool) -> int:
    target = manifest()["targets"][platform]
    output_format, package_format = target["output_format"], target["format"]
    pb = [platform, output_format]
    started_all = time.monotonic()

    pinned, installed = pinned_briefcase(), metadata.version("briefcase")
    if installed != pinned:
        raise PackagingError(f"Briefcase {installed} is installed, scripts/requirements-briefcase.txt "
                             f"pins {pinned}: pip install -r scripts/requirements-briefcase.txt")

    t = step(f"briefcase create {platform} {output_format} (fresh)")
    shutil.rmtree(ROOT / "build" / APP, ignore_errors=True)
    before = {p: p.stat().st_mtime for p in (ROOT / "dist").glob("*")} if (ROOT / "dist").is_dir() else {}
    briefcase("create", *pb, "--no-input", *template_args(platform))
    step_done("create", t)

    test_env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    if skip_tests:
        log("\n==> --skip-tests: the suite is NOT run inside the bundle (never for a release)")
    else:
        t = step("build with the test suite and its requirements inside")
        briefcase("build", *pb, "-r", "--update", "--test", "--no-input")
        Bundle.find(platform).compile(platform)
        step_done("build --test", t)

        t = step("the whole test suite inside the built bundle")
        briefcase("run", *pb, "--test", "--no-update", "--no-input", env=test_env)
        step_done("run --test", t)

    t = step("rebuild without the tests")
    briefcase("build", *pb, "-r", "--update", "--no-input")
    bundle = Bundle.find(platform)
    bundle.compile(platform)
    left = bundle.leftover_test_code()
    if left:
        raise PackagingError(f"test code left in the release bundle: {', '.join(left)}")
    total, usable, missing = bundle.bytecode(platform)
    share = usable / total if total else 0.0
    log(f"bytecode: {usable} of {total} .py files ({share:.1%})")
    if share < MIN_BYTECODE_SHARE:
        raise PackagingError(f"only {share:.1%} of modules have bytecode (need {MIN_BYTECODE_SHARE:.0%}); "
                             f"for example: {', '.join(map(str, missing))}")
    step_done("rebuild", t)

    t = step(f"briefcase package -p {package_format}")
    briefcase("package", *pb, "-p", package_format, "--no-input", *signing_args(platform, identity))
    step_done("package", t)

    packages = [p for p in sorted((ROOT / "dist").glob("*"))
                if p.is_file() and before.get(p) != p.stat().st_mtime]
    if not packages:
        raise PackagingError("briefcase package wrote nothing into dist/")
    # The package must hold the bytecode (packaging never rebuilds, but check what ships).
    total, usable, missing = bundle.bytecode(platform)

    log("\n==> Report")
    for package in packages:
        log(f"package:   {package}")
        log(f"size:      {package.stat().st_size / 1e6:.1f} MB ({package.stat().st_size} bytes)")
        if package.suffix == ".deb" and shutil.which("dpkg-deb"):
            listing = subprocess.run(["dpkg-deb", "-c", str(package)], capture_output=True, text=True)
            if listing.returncode != 0:
                raise PackagingError(f"dpkg-deb cannot read {package.name}: {listing.stderr.strip()}")
            names = [line.rsplit(" ", 1)[-1] for line in listing.stdout.splitlines()]
            log(f"in the .deb: {sum(n.endswith('.py') for n in names)} .py, "
                f"{sum(n.endswith('.pyc') for n in names)} .pyc, {len(names)} entries")
    log(f"bundle:    {bundle.path.relative_to(ROOT)} ({bundle.size() / 1e6:.1f} MB unpacked)")
    log(f"modules:   {total} .py, {usable} with bytecode the app will use ({usable / total:.1%})")
    log("largest parts (unpacked):")
    for size, name in bundle.largest_parts():
        log(f"  {size / 1e6:7.1f} MB  {name}")
    log(f"suite inside the bundle: {'SKIPPED (--skip-tests)' if skip_tests else 'passed'}")
    log(f"total time: {(time.monotonic() - started_all) / 60:.1f} min")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("platform", nargs="?", default=host_platform(),
                        choices=sorted(manifest()["targets"]),
                        help="the target in briefcase.toml [targets] (default: this system)")
    parser.add_argument("--identity", help="signing identity (default: from the environment "
                        "variable briefcase.toml [signing] names; ad-hoc signed without one)")
    parser.add_argument("--skip-tests", action="store_true",
                        help="do not run the suite inside the bundle (trying packaging changes only)")
    args = parser.parse_args(argv)
    if args.platform != host_platform():
        parser.error(f"{args.platform} installers are built on {args.platform} (this is {host_platform()})")
    try:
        return run(args.platform, args.identity, args.skip_tests)
    except PackagingError as exc:
        print(f"\nerror: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
