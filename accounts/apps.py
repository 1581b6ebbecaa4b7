from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        import accounts.privacy  # noqa: F401 - registers the account's data exporters


class UsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with forms for our e-mail-and-display-name user."""

    user_viewset = "accounts.wagtail_hooks.UserViewSet"
