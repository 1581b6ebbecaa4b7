from django.core.management.base import BaseCommand

from messaging.services import digests_send


class Command(BaseCommand):
    help = "E-mail each person one summary of the messages they left unread for a while."

    def handle(self, *args, **options):
        self.stdout.write(f"{digests_send()} digest(s) sent.")
