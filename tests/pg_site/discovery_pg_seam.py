"""The one seam that runs the storage, services and CLI suites on PostgreSQL (``--backend=postgresql``).

Tests name their stores as SQLite files (``AppPaths.resolve(tmp_path / "s.sqlite3")``, ``--db
PATH``, ``DISCOVERY_DB``). With the seam installed, :meth:`AppPaths.resolve` maps each such path
to its own PostgreSQL database on the test server, made on first use with ``CREATE DATABASE ...
TEMPLATE`` from a template migrated once per pytest process (fast: a file copy on the server).
The same path always maps to the same database, in the test process and in every subprocess the
test starts (the CLI tests run ``python -m discovery_app``): ``sitecustomize.py`` beside this file
installs the seam there, from the environment the test process sets.

Names are ``<prefix><hash of the path>``, the prefix unique per pytest process (each pytest-xdist
worker has its own), and every database of a prefix is dropped when its process finishes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os

ENV = "DISCOVERY_TEST_PG_SEAM"

_made: set[str] = set()


def _admin_connect(admin_url: str):
    import psycopg

    return psycopg.connect(admin_url, autocommit=True)


def _with_db(server_url: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def ensure_database(admin_url: str, template: str, name: str) -> None:
    if name in _made:
        return
    from psycopg import errors, sql

    with _admin_connect(admin_url) as conn:
        try:
            conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template)))
        except errors.DuplicateDatabase:
            pass
    _made.add(name)


def database_for(path: object, prefix: str) -> str:
    return prefix + hashlib.sha1(str(path).encode()).hexdigest()[:16]


def install(config: dict[str, str] | None = None) -> None:
    """Make AppPaths.resolve map SQLite paths to PostgreSQL databases (no-op without the env)."""
    if config is None:
        raw = os.environ.get(ENV)
        if not raw:
            return
        config = json.loads(raw)
    from discovery_app import paths as paths_mod

    cls = paths_mod.AppPaths
    if getattr(cls.resolve, "_pg_seam", False):
        return
    original = cls.resolve.__func__  # type: ignore[attr-defined]
    server, admin, template, prefix = config["server"], config["admin"], config["template"], config["prefix"]

    def resolve(klass, db=None, *, new_db=False):
        got = original(klass, db, new_db=new_db)
        if got.server:
            return got
        name = database_for(got.db, prefix)
        ensure_database(admin, template, name)
        return dataclasses.replace(got, server=_with_db(server, name))

    resolve._pg_seam = True  # type: ignore[attr-defined]
    cls.resolve = classmethod(resolve)  # type: ignore[method-assign,assignment]


def make_template(server_url: str, admin_url: str, prefix: str) -> str:
    """Drop what an earlier run of this prefix left, then create and migrate the template."""
    from psycopg import sql

    from discovery_app.storage import location, server

    drop_all(admin_url, prefix)
    template = prefix + "template"
    with _admin_connect(admin_url) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(template)))
    server.init_store(location.server_url(_with_db(server_url, template)))
    return template


def drop_all(admin_url: str, prefix: str) -> None:
    from psycopg import sql

    with _admin_connect(admin_url) as conn:
        names = [r[0] for r in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s",
                                            (prefix.replace("_", r"\_") + "%",))]
        for name in names:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    _made.clear()


def config_for(server_url: str, prefix: str) -> dict[str, str]:
    return {"server": server_url, "admin": _with_db(server_url, "postgres"), "prefix": prefix,
            "template": prefix + "template"}
