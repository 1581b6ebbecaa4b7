from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Editorial content")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from cms.setup import editorial_setup

        post_migrate.connect(editorial_setup, dispatch_uid="cms.editorial_setup")

        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Page, PageViewRestriction
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from cms.frame import frame_changed, site_settings_saved
        from cms.models import SiteSettings

        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(frame_changed, dispatch_uid=f"cms.frame.{id(signal)}")
        post_delete.connect(frame_changed, sender=Page, dispatch_uid="cms.frame.page-deleted")
        # The menu lists public pages only: a page made private (or public again) changes it.
        for signal in (post_save, post_delete):
            signal.connect(
                frame_changed,
                sender=PageViewRestriction,
                dispatch_uid=f"cms.frame.restriction.{id(signal)}",
            )
        post_save.connect(
            site_settings_saved, sender=SiteSettings, dispatch_uid="cms.frame.settings"
        )
