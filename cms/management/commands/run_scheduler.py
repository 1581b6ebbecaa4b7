import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections


class Command(BaseCommand):
    help = (
        "Run the periodic commands (settings.SCHEDULED_COMMANDS: scheduled publishing, request "
        "expiry, session reminders) every --interval seconds; `make run` and the compose "
        "scheduler both use it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=60, help="seconds between rounds")
        parser.add_argument("--once", action="store_true", help="run one round and stop")

    def handle(self, *args, interval, once, **options):
        while True:
            for command in settings.SCHEDULED_COMMANDS:
                name, *arguments = [command] if isinstance(command, str) else command
                try:
                    call_command(name, *arguments, stdout=self.stdout, stderr=self.stderr)
                except Exception as error:  # noqa: BLE001 - one failing command must not stop the others
                    self.stderr.write(f"{name} failed: {error!r}")
            close_old_connections()
            if once:
                return
            time.sleep(interval)
