"""Shared test setup: no display, and no test ever touches the consultant's real files."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# Qt without a screen, unless the caller chose a platform (QT_QPA_PLATFORM=xcb under Xvfb to
# watch). Set before anything imports PySide6: pytest-qt creates the QApplication lazily, after
# this file is imported. An empty value counts as unset; Qt would try a real display.
if not os.environ.get("QT_QPA_PLATFORM"):
    os.environ["QT_QPA_PLATFORM"] = "offscreen"

TESTS_DIR = Path(__file__).resolve().parent


def _import_the_real_package() -> None:
    """Make ``import discovery_app`` mean the app package, not tests/discovery_app.py.

    tests/discovery_app.py is Briefcase's test entry and must carry the app's module name. Under
    pytest's default "prepend" import mode, a tests/ folder without __init__.py is put first on
    sys.path, so that file would shadow the package. Import the package once with tests/ off the
    path; every later import then finds it in sys.modules.
    """
    if "discovery_app" in sys.modules:
        return
    saved = list(sys.path)
    sys.path[:] = [p for p in sys.path if Path(p or os.curdir).resolve() != TESTS_DIR]
    try:
        import discovery_app  # noqa: F401
    finally:
        sys.path[:] = saved


_import_the_real_package()

# ---- the backend: --backend=postgresql runs the stores on a PostgreSQL server ------------------

PG_SITE = TESTS_DIR / "pg_site"
PG_URL_ENV = "DISCOVERY_TEST_PG"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend", choices=("sqlite", "postgresql"), default="sqlite",
        help="where the tests' stores live: SQLite files (default), or databases on the PostgreSQL "
        f"server ${PG_URL_ENV} names (postgresql://USER@HOST:PORT/postgres), one per store, made from a "
        "template migrated once per process (tests/pg_site/discovery_pg_seam.py)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only(reason): about SQLite files by nature (WAL, backup API, "
                            "a damaged file, the lock file); skipped with --backend=postgresql")
    config.addinivalue_line("markers", "postgresql_only: needs the PostgreSQL server of --backend=postgresql")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    postgresql = config.getoption("backend") == "postgresql"
    for item in items:
        only = item.get_closest_marker("sqlite_only")
        if postgresql and only is not None:
            reason = only.kwargs.get("reason") or (only.args[0] if only.args else "about SQLite files")
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {reason}"))
        if not postgresql and item.get_closest_marker("postgresql_only") is not None:
            item.add_marker(pytest.mark.skip(reason="needs --backend=postgresql"))


@pytest.fixture(scope="session", autouse=True)
def _backend(request: pytest.FixtureRequest):
    """With --backend=postgresql: a template store on the server, the seam installed here and
    in every subprocess, and this process's databases dropped at the end."""
    if request.config.getoption("backend") != "postgresql":
        yield None
        return
    url = os.environ.get(PG_URL_ENV)
    if not url:
        raise pytest.UsageError(f"--backend=postgresql needs ${PG_URL_ENV}: the URL of a PostgreSQL server "
                                "this test run may create and drop databases on (postgresql://USER@HOST:PORT/postgres)")
    import json

    sys.path.insert(0, str(PG_SITE))
    import discovery_pg_seam as seam

    cfg = seam.config_for(url, f"dt_{os.getpid()}_")
    seam.make_template(url, cfg["admin"], cfg["prefix"])
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(seam.ENV, json.dumps(cfg))
        mp.setenv("PYTHONPATH", os.pathsep.join(p for p in (str(PG_SITE), os.environ.get("PYTHONPATH")) if p))
        seam.install(cfg)
        yield cfg
    # Each DROP DATABASE waits for a checkpoint; a cluster that is thrown away after the run
    # (.ci/run's) need not pay for it.
    if os.environ.get("DISCOVERY_TEST_PG_THROWAWAY") != "1":
        seam.drop_all(cfg["admin"], cfg["prefix"])


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """"sqlite" or "postgresql": where this run's stores live."""
    return str(request.config.getoption("backend"))


_USER_DIR_KINDS = ("data", "config", "cache", "state", "log", "documents")
_XDG = {
    "XDG_DATA_HOME": "data",
    "XDG_CONFIG_HOME": "config",
    "XDG_CACHE_HOME": "cache",
    "XDG_STATE_HOME": "state",
}


def _isolate(monkeypatch: pytest.MonkeyPatch, base: Path) -> Path:
    """Point DISCOVERY_DB, platformdirs' user_*_dir functions and the XDG variables into ``base``.

    The function patches cover this process on every platform; the XDG variables also cover the
    subprocesses a test starts (on Linux, where platformdirs reads them).
    """
    import platformdirs

    db = base / "discovery.sqlite3"
    monkeypatch.setenv("DISCOVERY_DB", str(db))

    def fake(kind: str):
        def user_dir(appname: str | None = None, *args: object, **kwargs: object) -> str:
            path = base / kind
            if appname:
                path = path / appname
            if kwargs.get("ensure_exists"):
                path.mkdir(parents=True, exist_ok=True)
            return str(path)

        return user_dir

    for kind in _USER_DIR_KINDS:
        func = fake(kind)
        monkeypatch.setattr(platformdirs, f"user_{kind}_dir", func)
        monkeypatch.setattr(
            platformdirs, f"user_{kind}_path", lambda *a, _f=func, **k: Path(_f(*a, **k))
        )
    for var, kind in _XDG.items():
        monkeypatch.setenv(var, str(base / f"xdg-{kind}"))
    return db


@pytest.fixture(scope="session", autouse=True)
def _isolated_session(tmp_path_factory: pytest.TempPathFactory):
    """The same isolation for session- and module-scoped fixtures, which run before any test's."""
    with pytest.MonkeyPatch.context() as mp:
        _isolate(mp, tmp_path_factory.mktemp("session-user"))
        yield


@pytest.fixture(autouse=True)
def isolated_user_store(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Every test gets its own database file and its own user folders; returns the database path.

    DISCOVERY_DB points at a fresh file, and platformdirs (data, backups, exports, logs all come
    from it) points into a fresh temporary folder, so a test that forgets --db still cannot write
    into the consultant's real user data folder.
    """
    return _isolate(monkeypatch, tmp_path_factory.mktemp("user"))


@pytest.fixture
def mini_forms() -> Path:
    """A folder holding one small, valid form package (``mini``)."""
    return TESTS_DIR / "fixtures" / "forms"


@pytest.fixture(autouse=True)
def _window_locale_reset():
    """A test that sets the window's locale (Settings, a locale test) leaves en_US behind it."""
    yield
    mod = sys.modules.get("discovery_app.ui.app_locale")
    if mod is not None:
        mod.set_current("en_US")
