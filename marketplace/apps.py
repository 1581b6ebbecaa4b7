from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = _("Marketplace")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts.privacy import register_exporter
        from marketplace.privacy import export_businesses

        register_exporter("businesses", export_businesses)
