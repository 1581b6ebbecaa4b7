from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Programmes")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts.privacy import register_exporter
        from programmes.privacy import export_programmes

        register_exporter("programmes", export_programmes)

        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_delete
        from wagtail.signals import page_published

        from programmes.signals import on_page_published, on_user_deleted

        page_published.connect(on_page_published, dispatch_uid="programmes-event-published")
        pre_delete.connect(
            on_user_deleted, sender=get_user_model(), dispatch_uid="programmes-user-deleted"
        )
