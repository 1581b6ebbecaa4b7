from django.core.management.base import BaseCommand

from mentoring.services import mentorship_requests_expire


class Command(BaseCommand):
    help = "Close mentoring requests left unanswered for 7 days and tell the entrepreneurs."

    def handle(self, *args, **options):
        count = mentorship_requests_expire()
        self.stdout.write(f"{count} request(s) expired.")
