"""Load benchmark of the real-time messaging: many WebSockets, users paired, each sending.

Run: .venv/bin/python bench/ws.py [--connections 1000] [--seconds 30]
Needs PostgreSQL (127.0.0.1:5432, user postgres, trust auth) and Redis (127.0.0.1:6379).

It creates its own database (--database, dropped at the end), migrates it, and creates
--connections users paired into conversations with a published business (one owns it, the
other writes to it), with a session each. Then, for each of two servers —
  app:  2 daphne processes on config.asgi:application (our ChatConsumer: session auth, Origin
        check, a database transaction and an Event row per message, unread counts pushed),
  echo: 2 daphne processes on bench/ws_echo_asgi.py (relays over the same Redis channel layer,
        no database, no auth): the floor under the app —
it opens every connection from this one asyncio process (half to each daphne, partners on
different daphnes), waits until the 1-minute load average is below --load-below, has each user
send a message every --interval seconds (with jitter) to its partner for --seconds, waits
for stragglers, and prints what was sent, acked, delivered, lost and duplicated, the delivery
latency (send → partner's receive, one clock: the same process), and the CPU time of the
servers, this client, PostgreSQL and Redis over the measurement. The Redis db (--redis-db)
must be empty: it is flushed at the end. The goal: nothing lost or duplicated, p99 under
200 ms at 1,000 connections.
"""

import argparse
import asyncio
import json
import os
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.machine import (  # noqa: E402
    describe_machine,
    drop_database,
    free_port,
    loadavg,
    machine_cpu,
    percentile,
    postgres_cpu,
    process_cpu,
    recreate_database,
    wait_until_quiet,
)

GOAL_P99_MS = 200
PACKAGES = ("django", "channels", "channels-redis", "daphne", "websockets", "redis")
GOAL_CONNECTIONS = 1000
SERVERS = {"app": "config.asgi:application", "echo": "bench.ws_echo_asgi:application"}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--connections", type=int, default=1000, help="users (even number)")
    parser.add_argument("--seconds", type=float, default=30, help="how long everyone sends")
    parser.add_argument(
        "--interval", type=float, default=1.0, help="seconds between one user's messages"
    )
    parser.add_argument("--only", choices=["both", "app", "echo"], default="both")
    parser.add_argument("--database", default="tremplin_ws_bench")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379")
    parser.add_argument("--redis-db", type=int, default=5)
    parser.add_argument("--load-below", type=float, default=1.0)
    parser.add_argument("--load-wait", type=float, default=3600, help="longest wait (s)")
    parser.add_argument("--drain", type=float, default=5, help="stop after this long idle (s)")
    parser.add_argument("--drain-max", type=float, default=120)
    parser.add_argument("--open-concurrency", type=int, default=50)
    parser.add_argument(
        "--server-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra environment for the app's daphne processes (e.g. DB_CONN_MAX_AGE=60)",
    )
    parser.add_argument("--keep-logs", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.connections < 2 or args.connections % 2:
        parser.error("--connections must be an even number ≥ 2")
    return args


# --- Machine, load and CPU -------------------------------------------------------------------


def postgres_stats(args):
    """Sessions opened and transactions committed in our database (pg_stat_database)."""
    import psycopg

    try:
        with psycopg.connect(f"{args.postgres}/postgres", autocommit=True) as conn:
            row = conn.execute(
                "SELECT sessions, xact_commit + xact_rollback, tup_inserted, tup_updated"
                " FROM pg_stat_database WHERE datname = %s",
                [args.database],
            ).fetchone()
    except psycopg.Error:
        row = None
    return row or (float("nan"),) * 4


def snapshot(servers, redis_pid, args):
    return {
        "pg": postgres_stats(args),
        "servers": [process_cpu(process.pid) for process, _port in servers],
        "client": time.process_time(),
        "postgres": postgres_cpu(),
        "redis": process_cpu(redis_pid) if redis_pid else float("nan"),
        "machine": machine_cpu(),
        "at": time.monotonic(),
    }


def cpu_delta(before, after):
    busy = after["machine"][0] - before["machine"][0]
    total = after["machine"][1] - before["machine"][1]
    return {
        "pg": [b - a for a, b in zip(before["pg"], after["pg"], strict=True)],
        "servers": [b - a for a, b in zip(before["servers"], after["servers"], strict=True)],
        "client": after["client"] - before["client"],
        "postgres": after["postgres"] - before["postgres"],
        "redis": after["redis"] - before["redis"],
        "machine_busy": busy,
        "machine_total": total,
        "steal": after["machine"][2] - before["machine"][2],
        "wall": after["at"] - before["at"],
    }


# --- Database, Redis, people -----------------------------------------------------------------


def prepare_database(args, database_url):
    server_version = recreate_database(args.postgres, args.database)
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        check=True,
    )
    print(
        f"database {args.database} (PostgreSQL {server_version}) migrated in "
        f"{time.monotonic() - started:.1f} s",
        flush=True,
    )


def create_people(count):
    """`count` users in pairs: the even one owns a published business, the odd one has a
    conversation with it (the shape conversation_with_business makes), a session each.
    Returns [(user id, partner id, conversation id, session cookie)], partners adjacent."""
    from datetime import timedelta
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.base import VALID_KEY_CHARS
    from django.db import transaction
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from accounts.models import User
    from marketplace.models import Business, Membership
    from messaging import services
    from messaging.models import Conversation, Participant

    started = time.monotonic()
    now = timezone.now()
    pairs = count // 2
    with transaction.atomic():
        users = [
            User(
                email=f"ws-bench-{i}@example.org",
                display_name=f"Bench {i}",
                email_verified_at=now,
            )
            for i in range(count)
        ]
        for user in users:
            user.set_unusable_password()
        users = User.objects.bulk_create(users)
        owners, buyers = users[0::2], users[1::2]
        businesses = Business.objects.bulk_create(
            Business(
                name=f"Bench business {i}",
                slug=f"ws-bench-{i}",
                legal_form="cooperative",
                stage="operating",
                sector="food",
                region="rabat-sale-kenitra",
                city="Salé",
                status="published",
                published_at=now,
            )
            for i in range(pairs)
        )
        Membership.objects.bulk_create(
            Membership(business=business, user=owner, role=Membership.Role.OWNER)
            for business, owner in zip(businesses, owners, strict=True)
        )
        conversations = Conversation.objects.bulk_create(
            Conversation(
                subject=Conversation.Subject.BUSINESS,
                business=business,
                title=business.name,
                created_by=buyer,
            )
            for business, buyer in zip(businesses, buyers, strict=True)
        )
        Participant.objects.bulk_create(
            Participant(conversation=conversation, user=user)
            for conversation, owner, buyer in zip(conversations, owners, buyers, strict=True)
            for user in (owner, buyer)
        )
    # The service finds the same conversation: the bulk rows have the shape it makes.
    found = services.conversation_with_business(actor=buyers[0], business=businesses[0])
    assert found.pk == conversations[0].pk, "bulk conversation not found by the service"

    engine = import_module(settings.SESSION_ENGINE)
    backend = "django.contrib.auth.backends.ModelBackend"

    def data(user):
        return {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }

    keys = {}
    if settings.SESSION_ENGINE == "django.contrib.sessions.backends.db":
        from django.contrib.sessions.models import Session

        store = engine.SessionStore()
        expire = now + timedelta(seconds=settings.SESSION_COOKIE_AGE)
        rows = []
        for user in users:
            keys[user.pk] = get_random_string(32, VALID_KEY_CHARS)
            rows.append(
                Session(
                    session_key=keys[user.pk],
                    session_data=store.encode(data(user)),
                    expire_date=expire,
                )
            )
        Session.objects.bulk_create(rows)
    else:
        for user in users:
            store = engine.SessionStore()
            store.update(data(user))
            store.create()
            keys[user.pk] = store.session_key
    people = []
    for owner, buyer, conversation in zip(owners, buyers, conversations, strict=True):
        for user, partner in ((owner, buyer), (buyer, owner)):
            cookie = f"{settings.SESSION_COOKIE_NAME}={keys[user.pk]}"
            people.append((user.pk, partner.pk, conversation.pk, cookie))
    print(
        f"created {count} users, {pairs} businesses and conversations, {count} sessions in "
        f"{time.monotonic() - started:.1f} s",
        flush=True,
    )
    return people


def redis_client(args):
    import redis

    return redis.Redis.from_url(f"{args.redis}/{args.redis_db}")


# --- Servers ---------------------------------------------------------------------------------


def start_servers(application, env, logdir, label):
    started = []
    for number in range(2):
        port = free_port()
        log = open(Path(logdir) / f"{label}-daphne{number}.log", "w")  # noqa: SIM115
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), application],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        started.append((process, port))
    begun = time.monotonic()
    for process, port in started:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    stop_servers(started)
                    raise RuntimeError(f"daphne did not start: see {logdir}") from None
                time.sleep(0.2)
    print(
        f"[{label}] 2 daphne processes up in {time.monotonic() - begun:.1f} s "
        f"(ports {started[0][1]}, {started[1][1]}; pids {started[0][0].pid}, "
        f"{started[1][0].pid})",
        flush=True,
    )
    return started


def stop_servers(servers):
    for process, _port in servers:
        if process.poll() is None:
            process.terminate()
    for process, _port in servers:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def server_log_problems(logdir, label):
    problems = []
    for path in sorted(Path(logdir).glob(f"{label}-daphne*.log")):
        for line in path.read_text(errors="replace").splitlines():
            if any(word in line for word in ("Traceback", "Error", "ERROR", "Exception")):
                problems.append(f"{path.name}: {line.strip()}")
    return problems


# --- The client ------------------------------------------------------------------------------


class Run:
    """One measurement: every socket of one server pair, and what came back on them."""

    def __init__(self, label, people, ports, args):
        self.label, self.people, self.ports, self.args = label, people, ports, args
        self.sockets = {}
        self.sent = {}  # client key -> (send time ns, sender, recipient)
        self.received = Counter()  # client key -> times the recipient got it
        self.latencies = []  # ms, first delivery of each message
        self.acked = {}  # client key -> ack latency ms
        self.errors = Counter()
        self.own_copies = 0
        self.misrouted = 0
        self.unknown = 0
        self.other = Counter()
        self.send_failures = 0
        self.open_failures = Counter()
        self.closed_early = Counter()
        self.lag = []
        self.last_progress = time.monotonic()

    def url(self, user, port):
        if self.label == "echo":
            return f"ws://127.0.0.1:{port}/ws/chat/?user={user}"
        # As the page's script does: resume from the last event seen (none yet: the database is
        # new), so the socket is live once its (empty) replay is done.
        return f"ws://127.0.0.1:{port}/ws/chat/?after=0"

    async def open_one(self, index, person, gate):
        import websockets

        user, _partner, _conversation, cookie = person
        port = self.ports[index % 2]  # partners are adjacent: one on each server
        async with gate:
            for attempt in range(3):
                try:
                    ws = await websockets.connect(
                        self.url(user, port),
                        additional_headers={"Cookie": cookie, "Origin": f"http://127.0.0.1:{port}"},
                        open_timeout=60,
                        close_timeout=5,
                        compression=None,
                    )
                    break
                except Exception as error:  # noqa: BLE001 - counted and shown
                    if attempt == 2:
                        self.open_failures[f"{type(error).__name__}: {error}"[:120]] += 1
                        return
                    await asyncio.sleep(0.5)
        self.sockets[user] = ws
        return asyncio.create_task(self.read(user, ws))

    async def read(self, user, ws):
        try:
            async for raw in ws:
                now = time.monotonic_ns()
                event = json.loads(raw)
                kind = event.get("type")
                if kind == "message.new":
                    key = event.get("client_key")
                    sent = self.sent.get(key)
                    if sent is None:
                        self.unknown += 1
                    elif user == sent[2]:
                        self.received[key] += 1
                        if self.received[key] == 1:
                            self.latencies.append((now - sent[0]) / 1e6)
                            self.last_progress = time.monotonic()
                    elif user == sent[1]:
                        self.own_copies += 1  # the app also sends the author their message
                    else:
                        self.misrouted += 1
                elif kind == "ack":
                    key = event.get("client_key")
                    sent = self.sent.get(key)
                    if sent is not None and sent[1] == user and key not in self.acked:
                        self.acked[key] = (now - sent[0]) / 1e6
                        self.last_progress = time.monotonic()
                elif kind == "error":
                    self.errors[str(event.get("code"))] += 1
                else:
                    self.other[str(kind)] += 1  # unread, presence: ignored
        except Exception as error:  # noqa: BLE001 - a socket the server closed: counted
            self.closed_early[f"{type(error).__name__}: {error}"[:120]] += 1

    async def send_loop(self, person, start, end, rng):
        user, partner, conversation, _cookie = person
        ws = self.sockets.get(user)
        if ws is None:
            return
        loop = asyncio.get_running_loop()
        offset = 0.25 + rng.random()  # spread over the first second, none before the start
        number = 0
        while True:
            at = start + (offset + number + rng.uniform(-0.25, 0.25)) * self.args.interval
            if at >= end:
                return
            delay = at - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            now = time.monotonic_ns()
            key = f"{user}-{number}-{now}"
            self.sent[key] = (now, user, partner)
            frame = {
                "action": "send",
                "conversation": conversation,
                "to": partner,
                "text": f"Bench message {number} from {user}",
                "client_key": key,
            }
            try:
                await ws.send(json.dumps(frame))
            except Exception:  # noqa: BLE001 - counted
                self.send_failures += 1
                return
            number += 1

    async def watch_lag(self, stop):
        """How late this client's event loop wakes up: its own share of the latency."""
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            expected = loop.time() + 0.01
            await asyncio.sleep(0.01)
            self.lag.append((loop.time() - expected) * 1000)

    async def progress(self, start, stop):
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            await asyncio.sleep(10)
            if stop.is_set():
                return
            delivered = len(self.received)
            print(
                f"[{self.label}] t={loop.time() - start:4.0f} s sent {len(self.sent):,} "
                f"acked {len(self.acked):,} delivered {delivered:,} "
                f"in flight {len(self.sent) - delivered:,}",
                flush=True,
            )


async def measure(label, people, servers, args, redis_pid):
    """Open the sockets, wait for a quiet machine, send for args.seconds, drain; figures."""
    run = Run(label, people, [port for _process, port in servers], args)
    result = {"label": label}
    before_open = snapshot(servers, redis_pid, args)
    gate = asyncio.Semaphore(args.open_concurrency)
    started = time.monotonic()
    readers = await asyncio.gather(
        *(run.open_one(index, person, gate) for index, person in enumerate(people))
    )
    readers = [reader for reader in readers if reader is not None]
    result["open_seconds"] = time.monotonic() - started
    await asyncio.sleep(2)  # let the connect-time events (unread, presence) arrive
    result["open_cpu"] = cpu_delta(before_open, snapshot(servers, redis_pid, args))
    result["opened"] = len(run.sockets)
    result["open_failures"] = dict(run.open_failures)
    print(
        f"[{label}] {len(run.sockets):,} of {len(people):,} connections open in "
        f"{result['open_seconds']:.1f} s",
        flush=True,
    )
    for failure, count in run.open_failures.items():
        print(f"[{label}]   {count} × {failure}", flush=True)

    result["load_before"] = await wait_until_quiet(args, label)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    watchers = [
        asyncio.create_task(run.watch_lag(stop)),
        asyncio.create_task(run.progress(loop.time(), stop)),
    ]
    before = snapshot(servers, redis_pid, args)
    start = loop.time() + 0.5
    end = start + args.seconds
    rng = random.Random(args.seed)
    await asyncio.gather(
        *(run.send_loop(person, start, end, random.Random(rng.random())) for person in people)
    )
    # Stragglers: until all is delivered and acked, or nothing came for args.drain seconds.
    drain_started = time.monotonic()
    run.last_progress = max(run.last_progress, drain_started)
    while time.monotonic() - drain_started < args.drain_max:
        done = len(run.received) == len(run.sent) and len(run.acked) == len(run.sent)
        if done or time.monotonic() - run.last_progress > args.drain:
            break
        await asyncio.sleep(0.1)
    result["drain_seconds"] = time.monotonic() - drain_started
    await asyncio.sleep(1.5)  # PostgreSQL backends report their statistics within a second
    after = snapshot(servers, redis_pid, args)
    stop.set()
    result["load_after"] = loadavg()
    result["cpu"] = cpu_delta(before, after)
    result["sending_seconds"] = args.seconds

    await asyncio.gather(*(ws.close() for ws in run.sockets.values()), return_exceptions=True)
    await asyncio.gather(*readers, *watchers, return_exceptions=True)

    sent = len(run.sent)
    result.update(
        sent=sent,
        acked=len(run.acked),
        delivered=len(run.received),
        lost=sum(1 for key in run.sent if run.received[key] == 0),
        # Of those: the server had handled it (acked) / had not even handled it yet (queued).
        lost_acked=sum(1 for key in run.acked if run.received[key] == 0),
        lost_unacked=sum(1 for key in run.sent if run.received[key] == 0 and key not in run.acked),
        duplicated=sum(1 for count in run.received.values() if count > 1),
        misrouted=run.misrouted,
        unknown=run.unknown,
        own_copies=run.own_copies,
        errors=dict(run.errors),
        other=dict(run.other),
        send_failures=run.send_failures,
        closed_early=dict(run.closed_early),
        latencies=run.latencies,
        ack_latencies=list(run.acked.values()),
        lag=run.lag,
    )
    return result


# --- Report ----------------------------------------------------------------------------------


def rows(result):
    cpu = result["cpu"]
    open_cpu = result["open_cpu"]
    handled = result["acked"] or 1  # per message the servers handled: sent may be queued
    wall = cpu["wall"] or 1
    servers = sum(cpu["servers"])
    # Servers, this client, PostgreSQL (whole server: other work's share included) and Redis.
    ours = servers + cpu["client"] + cpu["postgres"] + cpu["redis"]
    lat, ack, lag = result["latencies"], result["ack_latencies"], result["lag"]
    first_to_last = result["sending_seconds"] + result["drain_seconds"]
    return [
        ("connections opened", f"{result['opened']:,}"),
        ("  open time (s)", f"{result['open_seconds']:.1f}"),
        (
            "  server CPU per connection (ms)",
            f"{sum(open_cpu['servers']) / max(result['opened'], 1) * 1000:.2f}",
        ),
        ("load average (1 min) at start", f"{result['load_before']:.3f}"),
        ("load average (1 min) at end", f"{result['load_after']:.3f}"),
        ("messages sent", f"{result['sent']:,}"),
        ("acked", f"{result['acked']:,}"),
        ("delivered", f"{result['delivered']:,}"),
        ("lost (never received)", f"{result['lost']:,}"),
        (
            "  of which acked / never acked",
            f"{result['lost_acked']:,} / {result['lost_unacked']:,}",
        ),
        ("duplicated", f"{result['duplicated']:,}"),
        ("misrouted / unknown keys", f"{result['misrouted']} / {result['unknown']}"),
        ("error events", ", ".join(f"{k}: {v}" for k, v in result["errors"].items()) or "0"),
        (
            "send failures / sockets closed",
            f"{result['send_failures']} / {sum(result['closed_early'].values())}",
        ),
        ("messages/s sent", f"{result['sent'] / result['sending_seconds']:,.0f}"),
        ("messages/s delivered", f"{result['delivered'] / first_to_last:,.0f}"),
        ("straggler wait (s)", f"{result['drain_seconds']:.1f}"),
        ("delivery latency p50 (ms)", f"{percentile(lat, 50):.1f}"),
        ("delivery latency p95 (ms)", f"{percentile(lat, 95):.1f}"),
        ("delivery latency p99 (ms)", f"{percentile(lat, 99):.1f}"),
        ("delivery latency max (ms)", f"{max(lat, default=float('nan')):.1f}"),
        ("ack latency p50 / p99 (ms)", f"{percentile(ack, 50):.1f} / {percentile(ack, 99):.1f}"),
        (
            "client loop lag p99 / max (ms)",
            f"{percentile(lag, 99):.1f} / {max(lag, default=0):.1f}",
        ),
        ("measured window (s)", f"{wall:.1f}"),
        (
            "server CPU s (daphne 1, daphne 2)",
            " + ".join(f"{value:.1f}" for value in cpu["servers"]) + f" = {servers:.1f}",
        ),
        (
            "  server CPU % of a core (each)",
            " / ".join(f"{v / wall * 100:.0f}" for v in cpu["servers"]),
        ),
        ("  server CPU per handled message (ms)", f"{servers / handled * 1000:.2f}"),
        ("client CPU s (% of a core)", f"{cpu['client']:.1f} ({cpu['client'] / wall * 100:.0f} %)"),
        ("PostgreSQL CPU s, whole server", f"{cpu['postgres']:.1f}"),
        ("  PostgreSQL CPU per handled message (ms)", f"{cpu['postgres'] / handled * 1000:.2f}"),
        (
            "  PostgreSQL sessions / handled message",
            f"{cpu['pg'][0] / handled:.2f}",
        ),
        ("  PostgreSQL transactions / handled msg", f"{cpu['pg'][1] / handled:.1f}"),
        (
            "  rows inserted / updated per handled",
            f"{cpu['pg'][2] / handled:.1f} / {cpu['pg'][3] / handled:.1f}",
        ),
        ("Redis CPU s", f"{cpu['redis']:.1f}"),
        (
            "CPU per handled message, all ours (ms)",
            f"{ours / handled * 1000:.2f}",
        ),
        (
            "  → messages/s 2 cores could carry",
            f"{2 * handled / ours if ours else float('nan'):,.0f}",
        ),
        (
            "machine busy, % of all cores",
            f"{cpu['machine_busy'] / (cpu['machine_total'] or 1) * 100:.0f} % "
            f"(steal {cpu['steal']:.1f} s)",
        ),
        (
            "  other processes CPU s",
            f"{cpu['machine_busy'] - servers - cpu['client'] - cpu['postgres'] - cpu['redis']:.1f}",
        ),
    ]


def report(results, args):
    print()
    print(describe_machine(PACKAGES))
    print(
        f"load: {args.connections:,} connections, each sending a message every "
        f"{args.interval:g} s to its partner ({args.connections / args.interval:,.0f} messages/s) "
        f"for {args.seconds:g} s; 2 daphne processes per server, RedisPubSubChannelLayer"
    )
    if args.server_env:
        print(f"extra app server environment: {' '.join(args.server_env)}")
    table = [rows(result) for result in results]
    labels = [result["label"] for result in results]
    headers = {"app": "app (ChatConsumer)", "echo": "echo (relay only)"}
    width = max(len(label) for label, _value in table[0]) + 2
    print()
    print(f"{'':<{width}}" + "".join(f"{headers[label]:>24}" for label in labels))
    for index, (name, _value) in enumerate(table[0]):
        print(f"{name:<{width}}" + "".join(f"{column[index][1]:>24}" for column in table))
    for result in results:
        for reason, count in result["closed_early"].items():
            print(f"[{result['label']}] {count} sockets ended by: {reason}")
        if result["other"]:
            ignored = ", ".join(f"{k}: {v:,}" for k, v in sorted(result["other"].items()))
            copies = result["own_copies"]
            print(f"[{result['label']}] ignored events: {ignored}; own copies {copies:,}")
    app = next((result for result in results if result["label"] == "app"), None)
    if app is None:
        return
    p99 = percentile(app["latencies"], 99)
    gaps = []
    if app["lost"]:
        gaps.append(f"{app['lost']:,} lost")
    if app["duplicated"]:
        gaps.append(f"{app['duplicated']:,} duplicated")
    if app["opened"] < args.connections:
        gaps.append(f"{args.connections - app['opened']:,} connections not opened")
    if not p99 < GOAL_P99_MS:
        gaps.append(f"p99 {p99:.0f} ms is {p99 - GOAL_P99_MS:.0f} ms over {GOAL_P99_MS} ms")
    scope = (
        "" if args.connections >= GOAL_CONNECTIONS else f" (at {args.connections:,} connections)"
    )
    print()
    if gaps:
        print(
            f"goal (0 lost, 0 duplicated, p99 < {GOAL_P99_MS} ms){scope}: MISSED — "
            + "; ".join(gaps)
        )
    else:
        print(f"goal (0 lost, 0 duplicated, p99 < {GOAL_P99_MS} ms){scope}: met")


# --- Main ------------------------------------------------------------------------------------


async def run_phase(label, people, env, args, logdir, redis_pid):
    servers = start_servers(SERVERS[label], env, logdir, label)
    try:
        result = await measure(label, people, servers, args, redis_pid)
    finally:
        stop_servers(servers)
    problems = server_log_problems(logdir, label)
    if problems:
        print(f"[{label}] {len(problems)} error lines in the server logs, first ones:")
        for line in problems[:5]:
            print(f"  {line}")
    result["log_problems"] = len(problems)
    return result


def main():
    args = parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, max(soft, 4 * args.connections + 1024))
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))  # the daphne processes inherit it
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # clean up on a plain kill too

    database_url = f"{args.postgres}/{args.database}"
    redis_url = f"{args.redis}/{args.redis_db}"
    prefix = f"wsbench{os.getpid()}"  # pub/sub channels are not per-db: keep ours apart
    os.environ.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        DEBUG="false",
        LOG_LEVEL="WARNING",
        CHANNEL_PREFIX=prefix,
        CACHE_KEY_PREFIX=prefix,
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    redis = redis_client(args)
    if redis.dbsize():
        sys.exit(f"Redis db {args.redis_db} is not empty: choose another with --redis-db")
    redis_pid = int(redis.info("server").get("process_id", 0))
    if redis_pid and not Path(f"/proc/{redis_pid}").exists():
        redis_pid = 0  # Redis runs elsewhere: no CPU figure
    logdir = tempfile.mkdtemp(prefix="ws-bench-")
    print(f"load average (1 min) now {loadavg():.2f}; server logs in {logdir}", flush=True)

    created_database = False
    results = []
    try:
        prepare_database(args, database_url)
        created_database = True
        import django

        django.setup()
        from django.db import connections

        people = create_people(args.connections)
        connections.close_all()

        # As in production (config/settings.py): ASGI processes keep their connections.
        app_env = {"DB_CONN_MAX_AGE": "60", **os.environ}
        for item in args.server_env:
            name, _, value = item.partition("=")
            app_env[name] = value
        echo_env = {**os.environ}
        echo_env.pop("DJANGO_SETTINGS_MODULE")
        for label, env in (("app", app_env), ("echo", echo_env)):
            if args.only in ("both", label):
                results.append(asyncio.run(run_phase(label, people, env, args, logdir, redis_pid)))
        report(results, args)
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001, S110 - Django may not be set up yet
            pass
        if created_database:
            drop_database(args.postgres, args.database)
        redis.flushdb()
        redis.close()
        if args.keep_logs or any(result.get("log_problems") for result in results):
            print(f"server logs kept in {logdir}")
        else:
            shutil.rmtree(logdir, ignore_errors=True)
        print(f"cleaned up: database {args.database} dropped, Redis db {args.redis_db} flushed")


if __name__ == "__main__":
    main()
