"""Load benchmark of the pages: 50 users on loopback against gunicorn, PostgreSQL and Redis.

Run: .venv/bin/python bench/http_load.py [--users 50] [--seconds 60] [--think 1.0]
Needs PostgreSQL (127.0.0.1:5432, user postgres, trust auth) and Redis (127.0.0.1:6379).

It creates its own database (--database, dropped at the end unless --keep-database), migrates
it, loads the demo content (seed_demo), then scales the data up with bulk inserts: --businesses
published businesses (10,000) with their owners, --mentors published mentors (1,000) with weekly
availability, and --messages messages (100,000) in conversations about the businesses, each
with its event row; --users of the business owners get an active mentorship, conversations in
their inbox and a session. It rebuilds the search index, then serves the site as production
does: DJANGO_ENV=production (generated SECRET_KEY, DEBUG off, ALLOWED_HOSTS=127.0.0.1,localhost,
SECURE_SSL_REDIRECT off for plain HTTP on loopback), collected static files, Redis cache, gunicorn
with --workers sync workers (2), persistent database connections. Before the load it counts the
SQL queries of each route once (Django's test client in this process).

Users: each of --users asyncio tasks (one per signed-in person) requests the six routes in a
random order, over and over: home, the business directory (a random page or filter), a business
page (random among all), search (a random query), a mentor's free slots (the booking page of the
person's mentorship) and the inbox (the last two signed in). A new TCP connection per request
(gunicorn's sync workers close it). Phase "paced": each user waits --think seconds on average
(uniformly 0.5-1.5 ×) between requests — people reading pages — and starts after a random
delay within one think time; phase "saturation" (--saturation
seconds, 0 to skip): no wait, the server's capacity. Both start once the 1-minute load average is
below --load-below. For each phase and route it prints requests/s, p50/p95/p99, errors (anything
but a 200, or a failed connection), the CPU of gunicorn, PostgreSQL and this client, and checks
the goal on the paced phase: no errors and p95 < 150 ms on every route.
"""

import argparse
import asyncio
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.machine import (  # noqa: E402 - once the project is on the path
    describe_machine,
    drop_database,
    free_port,
    loadavg,
    machine_cpu,
    percentile,
    postgres_cpu,
    proc_stat,
    recreate_database,
    wait_until_quiet,
)

GOAL_P95_MS = 150
ROUTES = ["home", "directory", "business", "search", "slots", "inbox"]
QUERIES = [
    "cooperative",
    "atelier",
    "couture",
    "marrakech",
    "huile d'argan",
    "تعاونية",
    "comptabilité",
    "boulangrie",
    "traiteur",
    "Khadija",
]
SECTORS = ["agriculture", "crafts", "food", "beauty", "textile", "trade", "services", "it"]
CITIES = {
    "rabat-sale-kenitra": ["Rabat", "Salé", "Kénitra"],
    "tanger-tetouan-al-hoceima": ["Tanger", "Tétouan"],
    "casablanca-settat": ["Casablanca"],
    "marrakech-safi": ["Marrakech"],
    "souss-massa": ["Agadir"],
    "fes-meknes": ["Fès", "Meknès"],
}
WORDS = [
    "atelier",
    "couture",
    "traiteur",
    "coopérative",
    "argan",
    "épices",
    "tissage",
    "poterie",
    "boulangerie",
    "cosmétiques",
    "savon",
    "henné",
    "miel",
    "dattes",
    "transport",
    "livraison",
    "réparation",
    "téléphone",
    "informatique",
    "formation",
    "cuisine",
    "sénégalaise",
    "ivoirienne",
    "camerounaise",
    "thiéboudienne",
    "wax",
    "pagne",
    "broderie",
    "menuiserie",
    "coiffure",
    "tresses",
    "marché",
    "quartier",
    "clients",
    "qualité",
]
FIRST = [
    "Aminata",
    "Moussa",
    "Fatou",
    "Ibrahima",
    "Khadija",
    "Youssef",
    "Awa",
    "Mamadou",
    "Grace",
    "Jean-Paul",
]
LAST = [
    "Diallo",
    "Traoré",
    "Ndiaye",
    "Koné",
    "Alaoui",
    "Bennani",
    "Mbeki",
    "Okafor",
    "Tazi",
    "Camara",
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50, help="concurrent users")
    parser.add_argument("--seconds", type=float, default=60, help="paced phase length")
    parser.add_argument("--think", type=float, default=1.0, help="mean wait between requests")
    parser.add_argument("--saturation", type=float, default=30, help="no-wait phase length")
    parser.add_argument("--businesses", type=int, default=10_000)
    parser.add_argument("--mentors", type=int, default=1_000)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--max-requests", type=int, default=2000, help="as docker-compose.yml")
    parser.add_argument("--database", default="tremplin_http_bench")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/4")
    parser.add_argument("--load-below", type=float, default=1.0)
    parser.add_argument("--load-wait", type=float, default=1800, help="longest wait (s)")
    parser.add_argument("--keep-database", action="store_true", help="reuse it with --reuse")
    parser.add_argument("--reuse", action="store_true", help="skip creating the data")
    parser.add_argument("--only", choices=ROUTES, action="append", help="only these routes")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


# --- Database and data -----------------------------------------------------------------------


def prepare_database(args, env):
    version = recreate_database(args.postgres, args.database)
    started = time.monotonic()
    for command in (["migrate", "--verbosity", "0"], ["seed_demo"]):
        subprocess.run(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    print(
        f"database {args.database} (PostgreSQL {version}) migrated and seeded in "
        f"{time.monotonic() - started:.1f} s",
        flush=True,
    )
    return version


def _batches(items, size=5000):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _bulk(model, rows, label):
    """bulk_create in batches with a progress line; returns the rows with their ids."""
    started = time.monotonic()
    made = []
    for batch in _batches(rows):
        made += model.objects.bulk_create(batch)
        print(
            f"  {label}: {len(made):,} / {len(rows):,} ({time.monotonic() - started:.1f} s)",
            end="\r",
            flush=True,
        )
    print(f"  {label}: {len(made):,} in {time.monotonic() - started:.1f} s" + " " * 10)
    return made


def generate(args):
    """Scale the demo data up. Returns the people who will browse: (cookie, mentorship id)."""
    from datetime import time as clock
    from datetime import timedelta

    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import User
    from marketplace.models import Business, Membership, SpokenLanguage
    from mentoring.models import AvailabilityWindow, MentorProfile, Mentorship
    from messaging.models import Conversation, Event, Message, Participant

    rng = random.Random(args.seed)
    now = timezone.now()
    started = time.monotonic()
    print("generating data:", flush=True)
    with transaction.atomic():
        people = [
            User(
                email=f"http-bench-{i}@example.org",
                display_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                email_verified_at=now,
                password="!",  # noqa: S106 - unusable: sessions are made below
            )
            for i in range(args.businesses + args.mentors)
        ]
        people = _bulk(User, people, "users")
        owners, mentor_users = people[: args.businesses], people[args.businesses :]
        entrepreneurs = Group.objects.get(name="Entrepreneurs")
        mentors_group = Group.objects.get(name="Mentors")
        through = User.groups.through
        _bulk(
            through,
            [through(user_id=u.pk, group_id=entrepreneurs.pk) for u in owners]
            + [through(user_id=u.pk, group_id=mentors_group.pk) for u in mentor_users],
            "group memberships",
        )
        regions = list(CITIES)
        businesses = []
        for i in range(args.businesses):
            region = rng.choice(regions)
            words = rng.sample(WORDS, 12)
            businesses.append(
                Business(
                    name=f"{words[0].capitalize()} {words[1]} {rng.choice(LAST)} {i}",
                    slug=f"bench-{i}",
                    tagline=" ".join(words[2:6]),
                    description=" ".join(rng.choices(WORDS, k=60)),
                    content_language=rng.choice(["fr", "fr", "ar", "en"]),
                    legal_form=rng.choice(["cooperative", "auto-entrepreneur", "sarl"]),
                    stage=rng.choice(["starting", "operating"]),
                    sector=rng.choice(SECTORS),
                    region=region,
                    city=rng.choice(CITIES[region]),
                    needs=rng.sample(["funding", "accounting", "marketing", "digital"], 2),
                    phone="+212600000000",
                    status="published",
                    published_at=now - timedelta(days=rng.randrange(400)),
                    created_at=now - timedelta(days=400),
                )
            )
        businesses = _bulk(Business, businesses, "businesses")
        _bulk(
            Membership,
            [
                Membership(business=b, user=u, role=Membership.Role.OWNER)
                for b, u in zip(businesses, owners, strict=True)
            ],
            "owners",
        )
        _bulk(
            SpokenLanguage,
            [
                SpokenLanguage(business=b, code=code)
                for b in businesses
                for code in rng.sample(["fr", "ar", "en", "wo"], 2)
            ],
            "spoken languages",
        )
        profiles = _bulk(
            MentorProfile,
            [
                MentorProfile(
                    user=u,
                    headline=" ".join(rng.sample(WORDS, 5)),
                    bio=" ".join(rng.choices(WORDS, k=40)),
                    topics=rng.sample(["accounting", "funding", "marketing", "digital"], 2),
                    sectors=rng.sample(SECTORS, 3),
                    languages=rng.sample(["fr", "ar", "en", "wo", "ary"], 2),
                    regions=rng.sample(regions, 1),
                    formats=["video", "in_person"],
                    years_experience=rng.randrange(2, 30),
                    capacity=60,
                    is_published=True,
                    submitted_at=now,
                    session_lengths=[30, 60],
                    minimum_notice_hours=0,
                )
                for u in mentor_users
            ],
            "mentors",
        )
        _bulk(
            AvailabilityWindow,
            [
                AvailabilityWindow(mentor=p, weekday=day, starts=clock(9), ends=clock(17))
                for p in profiles
                for day in range(6)
            ],
            "availability windows",
        )

        # Conversations: a buyer (another owner) writes to a business; 20 messages each.
        per_conversation = 20
        count = max(1, args.messages // per_conversation)
        browsers = owners[: args.users]
        pairs = []
        for i in range(count):
            business_index = i % args.businesses
            buyer = owners[(business_index + 1 + i // args.businesses) % args.businesses]
            if i < args.users * 10:  # each browsing person has ten conversations, as a buyer
                buyer = browsers[i % args.users]
                business_index = args.users + i
            pairs.append((businesses[business_index], owners[business_index], buyer))
        conversations = _bulk(
            Conversation,
            [
                Conversation(
                    subject=Conversation.Subject.BUSINESS,
                    business=b,
                    title=b.name,
                    created_by=buyer,
                    created_at=now - timedelta(days=30),
                    last_message_at=now - timedelta(minutes=i),
                )
                for i, (b, _owner, buyer) in enumerate(pairs)
            ],
            "conversations",
        )
        _bulk(
            Participant,
            [
                Participant(conversation=c, user=user)
                for c, (_b, owner, buyer) in zip(conversations, pairs, strict=True)
                for user in (owner, buyer)
            ],
            "participants",
        )
        messages = []
        for c, (_b, owner, buyer) in zip(conversations, pairs, strict=True):
            for n in range(per_conversation):
                author = (buyer, owner)[n % 2]
                messages.append(
                    Message(
                        conversation=c,
                        author=author,
                        text=" ".join(rng.choices(WORDS, k=rng.randrange(4, 30))),
                        client_key=f"b{c.pk}-{n}",
                        created_at=now - timedelta(minutes=per_conversation - n),
                    )
                )
        messages = _bulk(Message, messages, "messages")
        _bulk(
            Event,
            [
                Event(
                    conversation_id=m.conversation_id,
                    kind=Event.Kind.NEW,
                    payload={"message": m.pk, "author": m.author_id, "text": m.text},
                    created_at=m.created_at,
                )
                for m in messages
            ],
            "message events",
        )
        # Everyone has read all but the last two messages of each conversation.
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE messaging_participant p SET last_read_id = m.last - 2 FROM "
                "(SELECT conversation_id, max(id) AS last FROM messaging_message "
                "GROUP BY conversation_id) m WHERE m.conversation_id = p.conversation_id"
            )
        mentorships = _bulk(
            Mentorship,
            [
                Mentorship(
                    mentor=profiles[i % len(profiles)],
                    entrepreneur=u,
                    business=businesses[i],
                    status="active",
                    answered_at=now,
                )
                for i, u in enumerate(browsers)
            ],
            "active mentorships",
        )
        cookies = make_sessions(browsers)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"data generated in {time.monotonic() - started:.1f} s", flush=True)
    return list(zip(cookies, [m.pk for m in mentorships], strict=True))


def make_sessions(users):
    """A database session for each user (signed with this run's SECRET_KEY); the cookies."""
    from datetime import timedelta
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    keys = [secrets.token_hex(16) for _ in users]
    Session.objects.bulk_create(
        Session(
            session_key=key,
            session_data=store.encode(
                {
                    SESSION_KEY: str(u.pk),
                    BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                    HASH_SESSION_KEY: u.get_session_auth_hash(),
                }
            ),
            expire_date=timezone.now() + timedelta(days=1),
        )
        for key, u in zip(keys, users, strict=True)
    )
    return [f"{settings.SESSION_COOKIE_NAME}={key}" for key in keys]


def browsing_people(args):
    """With --reuse: the people and mentorships of an earlier run, with new sessions (the
    secret key is new each run)."""
    from django.contrib.sessions.models import Session

    from mentoring.models import Mentorship

    mentorships = list(
        Mentorship.objects.filter(entrepreneur__email__startswith="http-bench-", status="active")
        .select_related("entrepreneur")
        .order_by("pk")[: args.users]
    )
    Session.objects.all().delete()
    cookies = make_sessions([m.entrepreneur for m in mentorships])
    return list(zip(cookies, [m.pk for m in mentorships], strict=True))


def rebuild_index():
    from search import service

    started = time.monotonic()
    service.rebuild()
    print(f"search index rebuilt in {time.monotonic() - started:.1f} s", flush=True)


def paths_for(route, person, rng, slugs):
    cookie, mentorship = person
    if route == "home":
        return f"/{rng.choice(['fr', 'fr', 'ar', 'en'])}/", None
    if route == "directory":
        query = rng.choice(
            ["", "", f"?page={rng.randrange(2, 50)}", f"?sector={rng.choice(SECTORS)}"]
        )
        return f"/{rng.choice(['fr', 'fr', 'ar', 'en'])}/businesses/{query}", None
    if route == "business":
        return f"/fr/businesses/{rng.choice(slugs)}/", None
    if route == "search":
        return f"/fr/search/?q={quote(rng.choice(QUERIES))}", None
    if route == "slots":
        return f"/fr/my-mentoring/mentorships/{mentorship}/book/", cookie
    return "/fr/messages/", cookie


def count_queries(people, slugs):
    """One request per route through the test client, in this process: SQL queries and ms."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    rng = random.Random(0)
    found = {}
    for route in ROUTES:
        path, cookie = paths_for(route, people[0], rng, slugs)
        if route == "directory":
            path = "/fr/businesses/"
        client = Client()
        if cookie:
            name, _, value = cookie.partition("=")
            client.cookies[name] = value
        client.get(path)  # warm
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
        found[route] = (path, response.status_code, len(queries), elapsed, len(response.content))
    return found


# --- Server ----------------------------------------------------------------------------------


def production_env(args, database_url, static_root, prefix):
    return {
        **{k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", "DEBUG")},
        "DJANGO_ENV": "production",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback; TLS ends at the proxy
        "DATABASE_URL": database_url,
        "REDIS_URL": args.redis,
        "CACHE_KEY_PREFIX": prefix,
        "CHANNEL_PREFIX": prefix,
        "STATIC_ROOT": static_root,
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def start_gunicorn(args, env, log_path):
    port = free_port()
    log = open(log_path, "w")  # noqa: SIM115
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--max-requests",
            str(args.max_requests),
            "--max-requests-jitter",
            str(args.max_requests // 10),
            "--backlog",
            "2048",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"gunicorn did not start: see {log_path}") from None
            time.sleep(0.2)
    return process, port


def gunicorn_cpu(master):
    """CPU seconds of gunicorn: the master, its live workers, and the workers it has reaped
    (--max-requests replaces them)."""
    _ppid, own, reaped = proc_stat(master.pid)
    total = own + reaped
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid, worker, _children = proc_stat(entry)
            except (OSError, IndexError, ValueError):
                continue
            if ppid == master.pid:
                total += worker
    return total


# --- Load ------------------------------------------------------------------------------------


async def fetch(port, path, cookie):
    """One GET on a new connection; (status, bytes). Status 0: the connection failed."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        head = (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: tremplin-bench-http\r\n"
            "Accept: text/html\r\nConnection: close\r\n"
        )
        if cookie:
            head += f"Cookie: {cookie}\r\n"
        writer.write((head + "\r\n").encode())
        data = await reader.read()
    finally:
        writer.close()
    return int(data[9:12] or 0), len(data)


async def user_loop(port, person, routes, rng, slugs, end, think, record):
    # Users arrive spread over one think time, not all in the same millisecond: a burst of 50
    # simultaneous first requests would queue behind 2 workers and weigh on every p95.
    if think:
        await asyncio.sleep(rng.uniform(0, 1.5 * think))
    while time.monotonic() < end:
        for route in rng.sample(routes, len(routes)):
            if time.monotonic() >= end:
                return
            path, cookie = paths_for(route, person, rng, slugs)
            started = time.perf_counter()
            try:
                status, _size = await asyncio.wait_for(fetch(port, path, cookie), 30)
            except (TimeoutError, OSError, ValueError) as error:
                status = f"{type(error).__name__}"
            record(route, status, (time.perf_counter() - started) * 1000, path)
            if think:
                await asyncio.sleep(think * rng.uniform(0.5, 1.5))


async def phase(label, args, port, master, people, slugs, seconds, think):
    load_before = await wait_until_quiet(args, label)
    routes = args.only or ROUTES
    latencies = defaultdict(list)
    errors = defaultdict(lambda: defaultdict(int))
    examples = {}

    def record(route, status, ms, path):
        latencies[route].append(ms)
        if status != 200:
            errors[route][status] += 1
            examples.setdefault((route, status), path)

    before = (gunicorn_cpu(master), postgres_cpu(), time.process_time(), machine_cpu())
    started = time.monotonic()
    rng = random.Random(args.seed)
    end = started + seconds
    await asyncio.gather(
        *(
            user_loop(port, person, routes, random.Random(rng.random()), slugs, end, think, record)
            for person in people
        )
    )
    wall = time.monotonic() - started
    after = (gunicorn_cpu(master), postgres_cpu(), time.process_time(), machine_cpu())
    busy = after[3][0] - before[3][0]
    total = after[3][1] - before[3][1]
    return {
        "label": label,
        "think": think,
        "wall": wall,
        "latencies": latencies,
        "errors": errors,
        "examples": examples,
        "load_before": load_before,
        "load_after": loadavg(),
        "cpu": {
            "gunicorn": after[0] - before[0],
            "postgres": after[1] - before[1],
            "client": after[2] - before[2],
            "machine": busy / total * 100 if total else float("nan"),
            "machine_busy": busy,
            "steal": after[3][2] - before[3][2],
        },
    }


# --- Report ----------------------------------------------------------------------------------


def report(result, args, queries):
    think = f"think time {result['think']:g} s on average" if result["think"] else "no think time"
    print()
    print(
        f"== {result['label']}: {args.users} users, {think}, {result['wall']:.0f} s; load average "
        f"{result['load_before']:.2f} at start, {result['load_after']:.2f} at end =="
    )
    print(
        f"{'route':<10} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'max ms':>7} {'errors':>6} {'queries':>7}"
    )
    everything = []
    failures = []
    for route in args.only or ROUTES:
        values = result["latencies"].get(route, [])
        everything += values
        errors = sum(result["errors"][route].values())
        p95 = percentile(values, 95)
        print(
            f"{route:<10} {len(values):>8,} {len(values) / result['wall']:>7.1f} "
            f"{percentile(values, 50):>7.1f} {p95:>7.1f} {percentile(values, 99):>7.1f} "
            f"{max(values, default=float('nan')):>7.1f} {errors:>6} "
            f"{queries[route][2] if route in queries else '':>7}"
        )
        if errors:
            failures.append(f"{route}: {errors} errors {dict(result['errors'][route])}")
        if not p95 < GOAL_P95_MS:
            failures.append(f"{route}: p95 {p95:.0f} ms")
    errors = sum(sum(e.values()) for e in result["errors"].values())
    print(
        f"{'all':<10} {len(everything):>8,} {len(everything) / result['wall']:>7.1f} "
        f"{percentile(everything, 50):>7.1f} {percentile(everything, 95):>7.1f} "
        f"{percentile(everything, 99):>7.1f} {max(everything, default=float('nan')):>7.1f} "
        f"{errors:>6}"
    )
    for (route, status), path in result["examples"].items():
        print(f"  error example: {route} {status} {path}")
    cpu = result["cpu"]
    count = len(everything) or 1
    print(
        f"CPU: gunicorn {cpu['gunicorn']:.1f} s ({cpu['gunicorn'] / count * 1000:.1f} ms/request), "
        f"PostgreSQL {cpu['postgres']:.1f} s ({cpu['postgres'] / count * 1000:.1f} ms/request), "
        f"this client {cpu['client']:.1f} s; machine busy {cpu['machine']:.0f} % of both cores "
        f"(steal {cpu['steal']:.1f} s)"
    )
    others = cpu["machine_busy"] - cpu["gunicorn"] - cpu["postgres"] - cpu["client"]
    print(
        f"other processes (not this benchmark's): {others:.1f} CPU s, "
        f"{others / result['wall'] * 100:.0f} % of a core on average — above ~10 % the run was "
        "disturbed by other work on the machine"
    )
    return failures


def main():
    args = parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    database_url = f"{args.postgres}/{args.database}"
    prefix = f"httpbench{os.getpid()}"
    # This process (data, query counts) uses development settings on the bench database.
    static_root = tempfile.mkdtemp(prefix="http-bench-static-")
    # One key for both: sessions made here are signed with it and checked by the server.
    os.environ.update(
        SECRET_KEY=secrets.token_urlsafe(64),
        STATIC_ROOT=static_root,
        DATABASE_URL=database_url,
        DEBUG="false",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("DJANGO_ENV", None)
    print(f"load average (1 min) now {loadavg():.2f}", flush=True)
    log_path = Path(tempfile.gettempdir()) / f"http-bench-gunicorn-{os.getpid()}.log"
    server = None
    created = False
    try:
        if args.reuse:
            import psycopg

            with psycopg.connect(f"{args.postgres}/postgres") as conn:
                pg_version = conn.execute("SHOW server_version").fetchone()[0]
        else:
            pg_version = prepare_database(args, dict(os.environ))
        created = not args.keep_database
        import django

        django.setup()
        from django.db import connections

        people = browsing_people(args) if args.reuse else generate(args)
        if not args.reuse:
            rebuild_index()
        from marketplace.models import Business

        slugs = list(
            Business.objects.filter(slug__startswith="bench-").values_list("slug", flat=True)
        )
        queries = count_queries(people, slugs)
        connections.close_all()
        print("\nqueries per route (one request each through the test client, this process):")
        for route, (path, status, count, ms, size) in queries.items():
            print(
                f"  {route:<10} {count:>3} queries {ms:>6.1f} ms {size / 1024:>5.1f} KB "
                f"{status} {path}"
            )

        env = production_env(args, database_url, static_root, prefix)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        server, port = start_gunicorn(args, env, log_path)
        print(f"gunicorn ({args.workers} sync workers) on 127.0.0.1:{port}", flush=True)

        async def run():
            # Warm every worker and route (imports, connections, templates).
            for route in ROUTES:
                for _ in range(4 * args.workers):
                    path, cookie = paths_for(route, people[0], random.Random(0), slugs)
                    status, _size = await fetch(port, path, cookie)
                    if status != 200:
                        raise RuntimeError(f"{route}: {path} answered {status}")
            results = [
                await phase("paced", args, port, server, people, slugs, args.seconds, args.think)
            ]
            if args.saturation:
                results.append(
                    await phase("saturation", args, port, server, people, slugs, args.saturation, 0)
                )
            return results

        results = asyncio.run(run())
        print()
        print(describe_machine(("django", "wagtail", "gunicorn", "redis"), pg_version))
        print(
            f"data: {len(slugs):,} generated businesses, {args.mentors:,} mentors, "
            f"{args.messages:,} messages; gunicorn {args.workers} sync workers, "
            "DJANGO_ENV=production, Redis cache"
        )
        failures = []
        for result in results:
            found = report(result, args, queries)
            if result["label"] == "paced":
                failures = found
        print()
        if failures:
            print(
                f"goal (no errors, p95 < {GOAL_P95_MS} ms per route, {args.users} users): "
                "MISSED — " + "; ".join(failures)
            )
        else:
            print(f"goal (no errors, p95 < {GOAL_P95_MS} ms per route, {args.users} users): met")
        problems = [
            line
            for line in log_path.read_text(errors="replace").splitlines()
            if "Traceback" in line or "ERROR" in line
        ]
        if problems:
            print(f"{len(problems)} error lines in the gunicorn log ({log_path}), first ones:")
            for line in problems[:5]:
                print(f"  {line}")
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001, S110 - Django may not be set up yet
            pass
        if created:
            drop_database(args.postgres, args.database)
        try:
            import redis

            client = redis.Redis.from_url(args.redis)
            keys = list(client.scan_iter(f"{prefix}*", count=1000))
            if keys:
                client.delete(*keys)
            client.close()
        except Exception:  # noqa: BLE001, S110 - nothing to clean
            pass
        import shutil

        shutil.rmtree(static_root, ignore_errors=True)
        kept = "kept" if args.keep_database else "dropped"
        print(f"cleaned up: database {args.database} {kept}, cache keys {prefix}* deleted")


if __name__ == "__main__":
    main()
