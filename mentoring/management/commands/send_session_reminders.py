from django.core.management.base import BaseCommand

from mentoring.services import reminders_send_due


class Command(BaseCommand):
    help = "Send the reminders of sessions starting within 24 hours and within 1 hour."

    def handle(self, *args, **options):
        count = reminders_send_due()
        self.stdout.write(f"{count} reminder(s) sent.")
