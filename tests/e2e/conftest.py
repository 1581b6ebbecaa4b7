"""Real-browser tests: Debian's Chromium driven by Playwright against a real server.

The server is `manage.py runserver` (daphne, as `make run` serves it) on a free port, with its
own throw-away database holding the demo content, so browser tests never share state with the
rest of the suite: SQLite by default; with DATABASE_URL / REDIS_URL set (as in CI), a database
of its own on that PostgreSQL server and another Redis database number. Without Chromium on the
machine (`apt-get install chromium`, which .ci/run does) these tests are skipped with that reason.

The journeys run at a phone's viewport (`phone`), log each demo user in through the form once and
reuse that session (`logged_in`), read the server's e-mails from the folder its file backend
writes to (`outbox`), and take screenshots into tests/e2e/artifacts/<test>/NN-step.png (`shot`),
a folder CI keeps.
"""

import email
import email.policy
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "e2e" / "artifacts"
PASSWORD = "tremplin-demo-2026"  # noqa: S105 - the demo accounts' password (cms/demo_content.py)
PHONE = {"width": 390, "height": 844}
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


def pytest_sessionstart(session):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)


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


# Demo mentors other than mentor@, and the demo's other entrepreneurs, cannot log in (unusable
# password): the journeys give two of them the demo password: a mentor who has no mentee of
# theirs yet, and an entrepreneur who has not applied to the seed fund.
SERVER_SETUP = f"""
from accounts.models import User
for user in User.objects.filter(
    email__in=["claire.dubois@tremplin.example", "mariam@tremplin.example"]
):
    user.set_password({PASSWORD!r})
    user.save(update_fields=["password"])
"""


@pytest.fixture(scope="session")
def mail_dir(tmp_path_factory):
    """The folder where the server's file e-mail backend writes every message it sends."""
    return tmp_path_factory.mktemp("mail")


@pytest.fixture(scope="session")
def server_env(tmp_path_factory, mail_dir):
    """The environment of the test server (its database holding the demo content): another
    server on the same database starts with it (`start_server`)."""
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
        AXES_FAILURE_LIMIT="50",
        EMAIL_URL=f"file://{mail_dir}",
        # Every browser comes from 127.0.0.1: the per-address limits are for the internet.
        RATE_LIMIT_LOGIN="1000/300",
        RATE_LIMIT_SIGNUP="1000/3600",
        RATE_LIMIT_PASSWORD_RESET="1000/900",
        RATE_LIMIT_API="10000/60",
    )
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--no-input"], ["seed_demo"], ["shell", "-c", SERVER_SETUP]):
        subprocess.run(manage + command, cwd=ROOT, env=env, check=True, capture_output=True)
    yield env
    drop_database()


def start_server(env, log_path):
    """`manage.py runserver` (daphne, as `make run` serves it) on a free port with `env`, its
    SITE_URL its own address; returns (url, process) once it answers."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(log_path, "w")  # noqa: SIM115 - closed with the process (stop_server)
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env={**env, "SITE_URL": url},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server.log = log
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/v1/health", timeout=2)  # noqa: S310 - our server
            return url, server
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError(f"the test server did not start: see {log.name}") from None
            time.sleep(0.3)


def stop_server(server):
    server.terminate()
    server.wait(timeout=10)
    server.log.close()


@pytest.fixture(scope="session")
def site_url(tmp_path_factory, server_env):
    url, server = start_server(server_env, tmp_path_factory.mktemp("log") / "server.log")
    yield url
    stop_server(server)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """New phone-sized browser contexts (390 x 844), closed after the test: `phone()` is an
    anonymous visitor, `phone(storage_state=...)` someone logged in."""
    contexts = []

    def new_context(**options):
        context = browser.new_context(viewport=PHONE, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield new_context
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def _sessions():
    return {}


def log_in(page, site_url, email, password=PASSWORD):
    """Log in through the form (in English)."""
    page.goto(f"{site_url}/en/accounts/login/")
    page.get_by_label(re.compile("^E-mail address")).fill(email)
    page.get_by_label(re.compile("^Password")).fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.fixture
def logged_in(browser, phone, site_url, _sessions):
    """`logged_in(email)`: a phone page of a new context where that user is logged in. The log-in
    form is filled once per user and run; later calls reuse the session's cookies."""

    def open_page(email, **options):
        if email not in _sessions:
            context = browser.new_context(viewport=PHONE)
            log_in(context.new_page(), site_url, email)
            _sessions[email] = context.storage_state()
            context.close()
        return phone(storage_state=_sessions[email], **options).new_page()

    return open_page


class Outbox:
    """The e-mails the server has sent, read from its file backend's folder."""

    separator = b"\n" + b"-" * 79 + b"\n"

    def __init__(self, folder):
        self.folder = Path(folder)

    def messages(self):
        found = []
        for path in sorted(self.folder.glob("*.log")):
            for chunk in path.read_bytes().split(self.separator):
                if chunk.strip():
                    found.append(email.message_from_bytes(chunk, policy=email.policy.default))
        return found

    def wait_for(self, to, subject="", text="", timeout=10):
        """The last message to `to` whose subject and text contain those given, waiting for it."""
        deadline = time.monotonic() + timeout
        while True:
            for message in reversed(self.messages()):
                if (
                    to.lower() in str(message["To"]).lower()
                    and subject in str(message["Subject"])
                    and text in self.text(message)
                ):
                    return message
            if time.monotonic() > deadline:
                sent = [(str(m["To"]), str(m["Subject"])) for m in self.messages()]
                raise AssertionError(f"no e-mail to {to} about {subject!r}; sent: {sent}")
            time.sleep(0.2)

    @staticmethod
    def text(message):
        part = message.get_body(preferencelist=("plain",))
        return part.get_content() if part else ""

    @classmethod
    def link(cls, message, pattern):
        """The first link in the message's text whose path matches `pattern`."""
        for url in re.findall(r"https?://\S+", cls.text(message)):
            if re.search(pattern, url):
                return url
        raise AssertionError(f"no link matching {pattern} in:\n{cls.text(message)}")


@pytest.fixture
def outbox(site_url, mail_dir):
    return Outbox(mail_dir)


@pytest.fixture
def shot(request):
    """`shot(page, "step")` saves tests/e2e/artifacts/<test>/NN-step.png, numbered in order."""
    name = re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")
    folder = ARTIFACTS / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    count = iter(range(1, 100))

    def take(page, step, full_page=True):
        path = folder / f"{next(count):02d}-{step}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


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
