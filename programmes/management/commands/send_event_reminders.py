from django.core.management.base import BaseCommand

from programmes.services import reminders_send_due


class Command(BaseCommand):
    help = "Remind the people registered for events starting within a day (once each)."

    def handle(self, *args, **options):
        count = reminders_send_due()
        self.stdout.write(f"{count} event reminder(s) sent.")
