import sys

from django.core.management.base import BaseCommand, CommandError

from search import service
from search.documents import SOURCES, TYPES


class Command(BaseCommand):
    help = (
        "Search index: --rebuild every backend's index (with progress), --check counts and ids "
        "per type against the database, --retry the updates Elasticsearch missed."
    )

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--rebuild", action="store_true")
        action.add_argument("--check", action="store_true")
        action.add_argument("--retry", action="store_true")
        parser.add_argument("--type", choices=TYPES, action="append", dest="types")

    def handle(self, *args, rebuild, check, retry, types, **options):
        types = tuple(types or TYPES)
        if rebuild:
            self._rebuild(types)
        elif check:
            if not self._check(types):
                raise CommandError("The index differs from the database.")
        else:
            still = service.retry_pending()
            self.stdout.write(f"{still} index update(s) still pending.")

    def _rebuild(self, types):
        totals = {type_: SOURCES[type_].public().count() for type_ in types}

        def progress(type_, done):
            total = totals[type_] or 1
            width = 30
            filled = min(width, width * done // total)
            bar = "#" * filled + "." * (width - filled)
            end = "\n" if done >= totals[type_] else ""
            self.stdout.write(f"\r{type_:<12} [{bar}] {done}/{totals[type_]}", ending=end)
            self.stdout.flush()

        service.rebuild(progress=progress, types=types)
        self.stdout.write(self.style.SUCCESS(f"Rebuilt: {sum(totals.values())} documents."))

    def _check(self, types):
        clean = True
        for (backend, type_), row in sorted(service.check().items()):
            if type_ not in types:
                continue
            if "error" in row:
                clean = False
                self.stdout.write(f"{backend:<14} {type_:<12} unreachable: {row['error']}")
                continue
            line = (
                f"{backend:<14} {type_:<12} database {row['database']:>6}  index {row['index']:>6}"
            )
            if row["missing"] or row["extra"]:
                clean = False
                line += f"  missing {row['missing'][:20]}  extra {row['extra'][:20]}"
            self.stdout.write(line)
        sys.stdout.flush()
        return clean
