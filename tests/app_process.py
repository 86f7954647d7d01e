"""How a test starts the app in a process of its own, in a checkout and inside a built bundle.

In a checkout (or `briefcase dev --test`) the app is ``python -m discovery_app``. Inside a bundle
built by Briefcase (`briefcase run --test`), ``sys.executable`` is the app's own launcher: it
runs the app with the arguments it is given, and there is no Python interpreter to pass ``-m`` or
``-c`` to, nor the repository's files (pyproject.toml, README.md, .github/, briefcase.toml).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

IN_BUNDLE = not Path(sys.executable).name.lower().startswith("python")

# The command that runs the app's command line; append its arguments.
APP_COMMAND = [sys.executable] if IN_BUNDLE else [sys.executable, "-m", "discovery_app"]

needs_interpreter = pytest.mark.skipif(
    IN_BUNDLE, reason="starts a bare Python interpreter (-c); a built app has only its launcher")


def skip_without_repository(what: str) -> None:
    """Skip the calling test module when the repository's files are not here (a built bundle)."""
    if not (ROOT / "pyproject.toml").is_file():
        pytest.skip(f"reads {what} from the repository, which a built app does not carry",
                    allow_module_level=True)


def repository_file(relative: str) -> Path:
    """A file of the repository; skips the calling test where it is absent (a built bundle)."""
    path = ROOT / relative
    if not path.is_file():
        pytest.skip(f"reads {relative} from the repository, which a built app does not carry")
    return path


def run_app(*args: str, db: Path, check: bool = True, env_extra: dict[str, str] | None = None,
            timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """The app's command line on store ``db`` in a process of its own (never the user's
    DISCOVERY_DB); raises with its output when ``check`` and it exits non-zero."""
    env = {k: v for k, v in os.environ.items() if k != "DISCOVERY_DB"}
    env.update(env_extra or {})
    proc = subprocess.run([*APP_COMMAND, "--db", str(db), *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"{args} exited {proc.returncode}\nstdout:{proc.stdout}\nstderr:{proc.stderr}")
    return proc
