"""The shared store on a PostgreSQL server: prepared once with init-store, never migrated behind
the practice's back, backups left to the server (and said so), passwords never shown."""

import uuid

import pytest
import sqlalchemy as sa

from discovery_app.cli import main as cli_main
from discovery_app.paths import AppPaths
from discovery_app.services import Discovery, ServiceError
from discovery_app.services.store_admin import init_store
from discovery_app.storage import location
from discovery_app.storage.db import StoreError, StoreTooNew, open_store
from discovery_app.storage.migrations.head import HEAD_REVISION


@pytest.fixture
def empty_db(_backend):
    """The URL of a new, empty database on the test server (dropped with the run's others)."""
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    if _backend is None:
        pytest.skip("needs --backend=postgresql")
    name = f"{_backend['prefix']}empty_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_backend["admin"], autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return make_url(_backend["server"]).set(database=name).render_as_string(hide_password=False)


@pytest.mark.postgresql_only
def test_an_empty_server_database_is_refused_until_init_store_prepares_it_once(empty_db, capsys):
    with pytest.raises(StoreError, match="has no Discovery store yet") as caught:
        open_store(empty_db)
    assert f"discovery-app --db {location.describe(empty_db)} init-store" in str(caught.value)

    assert cli_main(["--db", empty_db, "init-store"]) == 0
    assert f"(schema {HEAD_REVISION})" in capsys.readouterr().out
    assert cli_main(["--db", empty_db, "init-store"]) == 0
    out = capsys.readouterr().out
    assert "already up to date" in out and "nothing was changed" in out

    service = Discovery.open(AppPaths.resolve(empty_db))
    try:
        eid = service.engagements.create("Harbor & Finch", form_key="co-managed-discovery")
        assert [s.header.id for s in service.engagements.summaries()] == [eid]
        assert service.store.on_server and service.store.path is None
        # Who changes what is the database user the server authenticated, not the laptop's login.
        user = sa.engine.make_url(empty_db).username
        assert service.store.revisions.who.startswith(f"{user} on ")
        assert service.store.kind is not None and service.store.kind.lock("command") is None
    finally:
        service.close()


@pytest.mark.postgresql_only
def test_consultants_with_their_own_logins_share_a_store_whoever_prepared_it(_backend):
    """The README's setup: a group role owns the database, each consultant logs in as a member."""
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    tag = uuid.uuid4().hex[:8]
    group, anna, bob, db = f"practice_{tag}", f"anna_{tag}", f"bob_{tag}", f"{_backend['prefix']}team_{tag}"
    with psycopg.connect(_backend["admin"], autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(group)))
        conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(db), sql.Identifier(group)))
        for login in (anna, bob):
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN IN ROLE {}").format(sql.Identifier(login), sql.Identifier(group)))
    base = make_url(_backend["server"]).set(database=db, password=None)
    url_of = {who: base.set(username=who).render_as_string(hide_password=False) for who in (anna, bob)}
    try:
        init_store(AppPaths.resolve(url_of[anna]))  # anna prepares it; the tables belong to the group
        service = Discovery.open(AppPaths.resolve(url_of[bob]))
        try:
            eid = service.engagements.create("Harbor & Finch", form_key="co-managed-discovery")
            assert service.store.revisions.who.startswith(f"{bob} on ")
        finally:
            service.close()
        service = Discovery.open(AppPaths.resolve(url_of[anna]))
        try:
            service.engagements.archive(eid)  # anna writes what bob made
            assert service.engagements.summaries(include_archived=True)[0].header.archived
        finally:
            service.close()
        with psycopg.connect(make_url(_backend["admin"]).set(database=db).render_as_string(hide_password=False)) as c:
            owners = {r[0] for r in c.execute("SELECT tableowner FROM pg_tables WHERE schemaname = 'public'")}
        assert owners == {group}
    finally:
        with psycopg.connect(_backend["admin"], autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db)))
            for role in (anna, bob, group):
                conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


@pytest.mark.postgresql_only
def test_a_store_from_a_newer_version_or_a_foreign_database_is_refused_and_left_alone(empty_db):
    engine = sa.create_engine(location.server_url(empty_db))
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE payroll (id integer)"))
        with pytest.raises(ServiceError, match="holds other tables but no Discovery store"):
            init_store(AppPaths.resolve(empty_db))
        with engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE payroll"))
        init_store(AppPaths.resolve(empty_db))
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE alembic_version SET version_num = '0999_future'"))
        with pytest.raises(StoreTooNew, match="newer version of Discovery"):
            open_store(empty_db)
        with pytest.raises(ServiceError, match="newer version"):
            init_store(AppPaths.resolve(empty_db))
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0999_future"
    finally:
        engine.dispose()


@pytest.mark.postgresql_only
def test_backups_are_the_servers_business_and_the_app_says_so(tmp_path, capsys):
    paths = AppPaths.resolve(tmp_path / "shared.sqlite3")  # a server database on this backend
    service = Discovery.open(paths)
    try:
        note = service.backups.note
        assert note is not None and "backups are the server's business" in note
        assert service.backups.available() == [] and service.backups.backup_if_due() is None
        with pytest.raises(ServiceError, match="server's business"):
            service.backups.backup_now()
    finally:
        service.close()
    assert cli_main(["--db", paths.server, "backups"]) == 0
    assert "backups are the server's business" in capsys.readouterr().out
    assert cli_main(["--db", paths.server, "restore", str(tmp_path / "any.sqlite3")]) == 1
    assert "cannot restore" in capsys.readouterr().err


def test_a_server_url_is_shown_without_its_password_even_when_the_server_cannot_be_reached(capsys):
    url = "postgresql://anna:s3cret-pw@127.0.0.1:1/discovery"
    assert location.describe(url) == "postgresql://anna:***@127.0.0.1:1/discovery"
    assert AppPaths.resolve(url).location == "postgresql://anna:***@127.0.0.1:1/discovery"
    with pytest.raises(StoreError, match="Cannot reach the database server") as caught:
        open_store(url)
    assert "s3cret" not in str(caught.value)
    assert cli_main(["--db", url, "list"]) == 1
    err = capsys.readouterr().err
    assert "Cannot reach the database server postgresql://anna:***@127.0.0.1:1/discovery" in err
    assert "s3cret" not in err


def test_a_database_url_that_is_not_postgresql_is_refused_in_words(capsys):
    assert cli_main(["--db", "mysql://anna@db/discovery", "list"]) == 2
    assert 'an SQLite file or on a PostgreSQL server; "mysql://" is neither' in capsys.readouterr().err
    assert not location.is_server(r"C:\Users\anna\discovery.sqlite3")
