"""A backup restores: the demo site (seed_demo) in a database of its own is dumped with
pg_dump -Fc, restored with pg_restore into a fresh database, and every table has the same
number of rows there; the restored schema needs no migration. The commands are those of
docs/operations.md."""

import os
import shutil
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from tests.reliability.servers import ROOT

pytestmark = [
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="needs PostgreSQL (set DATABASE_URL)",
    ),
    pytest.mark.skipif(
        not (shutil.which("pg_dump") and shutil.which("pg_restore")),
        reason="needs the PostgreSQL client programs pg_dump and pg_restore",
    ),
]

MAIN_TABLES = [
    "accounts_user",
    "wagtailcore_page",
    "marketplace_business",
    "marketplace_opportunity",
    "mentoring_mentorprofile",
    "mentoring_mentorship",
    "messaging_message",
    "search_entry",
]


@pytest.fixture
def databases():
    """Two databases of their own beside the test database (names follow it, so that parallel
    runs keep apart), dropped afterwards."""
    import psycopg

    params = connection.settings_dict
    base = f"{params['NAME']}_backup"
    names = (f"{base}_source", f"{base}_restored")
    server = {
        "host": params["HOST"] or "127.0.0.1",
        "port": str(params["PORT"] or 5432),
        "user": params["USER"],
        "password": params["PASSWORD"] or "",
    }

    def admin(*statements):
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as conn:
            for statement in statements:
                conn.execute(statement)

    admin(*(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names))
    admin(*(f'CREATE DATABASE "{name}"' for name in names))
    yield server, names
    admin(*(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names))


def _counts(server, name):
    import psycopg

    with psycopg.connect(dbname=name, **server) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        return {
            table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for table in tables
        }


def test_a_dump_of_the_demo_site_restores_into_a_fresh_database_with_every_row(databases, tmp_path):
    server, (source, restored) = databases
    url = f"postgres://{server['user']}:{server['password']}@{server['host']}:{server['port']}"
    env = {**os.environ, "DATABASE_URL": f"{url}/{source}", "PGPASSWORD": server["password"]}
    env.pop("PYTEST_VERSION", None)
    env.pop("REDIS_URL", None)
    env.pop("ELASTICSEARCH_URL", None)
    for command in (["migrate", "--no-input", "--verbosity", "0"], ["seed_demo"]):
        subprocess.run(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    connection_args = ["--host", server["host"], "--port", server["port"]]
    connection_args += ["--username", server["user"]]
    dump = tmp_path / "tremplin.dump"
    subprocess.run(  # noqa: S603 - fixed programs and arguments
        [shutil.which("pg_dump"), "--format=custom", *connection_args, f"--file={dump}", source],
        env=env,
        check=True,
    )
    subprocess.run(  # noqa: S603
        [shutil.which("pg_restore"), "--no-owner", "--exit-on-error", *connection_args]
        + ["--dbname", restored, str(dump)],
        env=env,
        check=True,
    )

    before, after = _counts(server, source), _counts(server, restored)
    assert after == before
    for table in MAIN_TABLES:
        assert before[table] > 0, f"the demo left {table} empty: the check would prove nothing"
    # The restored database is a working one: its schema is up to date for this code.
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "migrate", "--check"],
        cwd=ROOT,
        env={**env, "DATABASE_URL": f"{url}/{restored}"},
        check=True,
        capture_output=True,
    )
