from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = _("Messages")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts.privacy import register_exporter
        from messaging.privacy import export_messages

        register_exporter("messages", export_messages)
