from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    # Two configs live in this module: without `default`, Django used neither for "accounts"
    # and ready() below never ran.
    default = True
    name = "accounts"
    verbose_name = _("Accounts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from axes.models import AccessFailureLog
        from django.db.models.signals import post_save

        import accounts.privacy  # noqa: F401 - registers the account's data exporters
        from accounts.login_throttle import failure_logged

        post_save.connect(failure_logged, sender=AccessFailureLog, dispatch_uid="login-alarm")


class UsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with forms for our e-mail-and-display-name user."""

    user_viewset = "accounts.wagtail_hooks.UserViewSet"
