"""Page weight, query count and server time of the public pages, on the demo content.

Run: .venv/bin/python bench/pages.py [--requests 200]
Uses a throw-away SQLite database (or DATABASE_URL if set), migrates it and loads the demo
content, then renders each page through Django's test client (no network, no server): the
figures are the application's own cost per page, not a load test.
"""

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.contrib.staticfiles import finders  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

PAGES = [
    "/fr/",
    "/ar/",
    "/en/",
    "/fr/news/",
    "/fr/news/lancement-du-programme/",
    "/fr/evenements/",
    "/fr/appels/appel-fonds-amorcage/",
    "/fr/guides/devenir-auto-entrepreneur/",
    "/fr/news/feed/rss/",
    "/sitemap.xml",
    "/fr/businesses/",
    "/fr/businesses/cooperative-saveurs-du-sahel/",
    "/ar/businesses/taawuniyat-al-amal-tanger/",
    "/fr/opportunities/",
    "/api/v1/marketplace/businesses",
    "/fr/mentors/",
    "/ar/mentors/?language=ar",
    "/api/v1/mentoring/mentors",
]


def static_bytes(html):
    total = 0
    for url in set(re.findall(r'(?:href|src)="/static/([^"]+)"', html)):
        with open(finders.find(url), "rb") as asset:
            total += len(asset.read())
    return total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    print(f"database: {connection.vendor}; preparing (migrate + seed_demo)…", flush=True)
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=StringIO())
    client = Client(HTTP_HOST="127.0.0.1")
    print(f"{'page':<42} {'HTML KB':>8} {'+static':>8} {'queries':>8} {'p50 ms':>7} {'p95 ms':>7}")
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        html = response.content.decode()
        timings = []
        for _ in range(args.requests):
            start = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        with override_settings(DEBUG=True):  # DEBUG only to count queries
            reset_queries()
            client.get(url)
            queries = len(connection.queries)
        timings.sort()
        print(
            f"{url:<42} {len(response.content) / 1024:>8.1f} "
            f"{static_bytes(html) / 1024:>8.1f} {queries:>8} "
            f"{statistics.median(timings):>7.1f} {timings[int(len(timings) * 0.95)]:>7.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
