"""Disclosure control of the impact dashboard and k-anonymity of the records export, on the
demo programme and on a generated cohort.

Run: .venv/bin/python bench/disclosure.py [--people 2000] [--seed 1] [--repeat 5]
Uses a throw-away SQLite database (or DATABASE_URL if set), migrates it, loads the demo
content and writes a generated programme of --people journeys (programmes/synthetic.py).

For each programme it prints:
- the time to compute the dashboard's figures (five queries and the folding) and, within it,
  the suppression alone (programmes.disclosure.protect: CP-SAT pattern, LP verification and
  the rounds of cuts), as the median of --repeat runs;
- the published cells, the primary cells (published, and latent: a quarter's new people),
  the complementary cells, the rounds of the pattern search and any last resort used;
- the records export: the generalisation chosen, the k reached (measured again on the rows
  written), the journeys left out and the time to choose it.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def parse():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2000, help="journeys of the generated cohort")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5, help="runs timed per programme")
    return parser.parse_args()


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "false")
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    import django

    django.setup()


def dashboard(programme, repeat):
    from programmes import indicators

    totals, engine = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        figures = indicators.programme_figures(programme)
        totals.append(time.perf_counter() - started)
        engine.append(figures["protection"].seconds)
    protection = figures["protection"]
    published = set(protection.cells)
    primary_shown = protection.primary & published
    print(f"  dashboard figures: {statistics.median(totals) * 1000:.0f} ms median")
    print(f"    of which suppression: {statistics.median(engine) * 1000:.0f} ms median")
    print(f"  published cells: {len(published)}")
    print(
        f"  primary cells: {len(primary_shown)} published, "
        f"{len(protection.primary - published)} latent (a quarter's new people or euros)"
    )
    print(f"  complementary cells: {len(protection.complementary)}")
    hidden_zeros = sum(1 for key in protection.hidden if protection.cells[key].value == 0)
    print(f"  hidden cells: {len(protection.hidden)} (of which zeros: {hidden_zeros})")
    print(
        f"  patterns tried: {protection.rounds} for {protection.components} linked tables "
        "(one each: every first pattern passed the check)"
        if protection.rounds == protection.components
        else f"  patterns tried: {protection.rounds} for {protection.components} linked tables"
    )
    print(f"  last resorts: {protection.fallbacks or 'none'}")


def records(programme, repeat):
    from programmes import anonymity, exports

    journeys = exports.journey_records(programme)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        generalised = anonymity.generalise(journeys, domains=exports._domains())
        timings.append(time.perf_counter() - started)
    rows = list(exports.record_rows(generalised))[1:]
    measured = min(Counter(tuple(row[1:15]) for row in rows).values()) if rows else None
    levels = ", ".join(f"{name} {level}" for name, level in generalised.levels.items())
    print(f"  records: {len(journeys)} journeys; generalisation: {levels}")
    if generalised.kept_sectors:
        print(f"    sectors kept: {', '.join(generalised.kept_sectors)}")
    print(
        f"    k reached: {generalised.k} (measured on the rows written: {measured}); "
        f"left out: {generalised.left_out} ({generalised.left_out / len(journeys):.1%})"
    )
    print(f"    time to choose it: {statistics.median(timings) * 1000:.0f} ms median")


def main():
    args = parse()
    setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import translation

    from bench.machine import describe_machine, loadavg
    from programmes import demo, synthetic
    from programmes.models import Programme

    print(describe_machine(["Django", "ortools", "scipy"]))
    print(f"load average before: {loadavg():.2f}")
    print(f"database: {connection.vendor}; preparing (migrate + seed_demo + generated)…")
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=StringIO())
    started = time.perf_counter()
    generated = synthetic.generate_programme(args.people, seed=args.seed, slug="bench-generated")
    print(f"generated {args.people} journeys in {time.perf_counter() - started:.1f} s")
    translation.activate("en")
    for title, programme in (
        ("demo programme", Programme.objects.get(slug=demo.SLUG)),
        (f"generated cohort of {args.people}", generated),
    ):
        print(f"\n{title} ({programme.journeys.count()} journeys)")
        dashboard(programme, args.repeat)
        records(programme, args.repeat)
    print(f"\nload average after: {loadavg():.2f}")


if __name__ == "__main__":
    main()
