"""Real-browser tests: Debian's Chromium driven by Playwright against a real server.

The server is `manage.py runserver` (daphne, as `make run` serves it) on a free port, with its
own throw-away database holding the demo content, so browser tests never share state with the
rest of the suite: SQLite by default; with DATABASE_URL / REDIS_URL set (as in CI), a database
of its own on that PostgreSQL server and another Redis database number. Without Chromium on the
machine (`apt-get install chromium`, which .ci/run does) these tests are skipped with that reason.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    if CHROMIUM:
        return
    skip = pytest.mark.skip(reason="Chromium is not installed (apt-get install chromium)")
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(skip)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_database(tmp_path_factory):
    """A database URL for the server, and a function that drops it afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tmp_path_factory.mktemp('e2e')}/site.sqlite3", lambda: None
    import psycopg

    base, _, suite_database = url.rpartition("/")
    name = f"{suite_database}_e2e"  # runs on other databases of the server keep apart

    def run(sql):
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(sql)

    run(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    run(f"CREATE DATABASE {name}")
    return f"{base}/{name}", lambda: run(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def site_url(tmp_path_factory):
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    database_url, drop_database = _server_database(tmp_path_factory)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "PYTEST_VERSION", "DJANGO_ENV"}
    }
    if os.environ.get("REDIS_URL"):
        base, _, number = os.environ["REDIS_URL"].rpartition("/")
        env["REDIS_URL"] = f"{base}/{(int(number or 0) + 8) % 16}"  # beside the suite's db
    env.update(
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(tmp_path_factory.mktemp("media")),
        DEBUG="true",
        SITE_URL=url,
        AXES_FAILURE_LIMIT="50",
    )
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--no-input"], ["seed_demo"]):
        subprocess.run(manage + command, cwd=ROOT, env=env, check=True, capture_output=True)
    log = open(tmp_path_factory.mktemp("log") / "server.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/v1/health", timeout=2)  # noqa: S310 - our server
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError(f"the test server did not start: see {log.name}") from None
            time.sleep(0.3)
    yield url
    server.terminate()
    server.wait(timeout=10)
    log.close()
    drop_database()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A phone-sized page, as most of our readers have."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    yield context.new_page()
    context.close()


@pytest.fixture
def page_without_js(browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    yield context.new_page()
    context.close()
