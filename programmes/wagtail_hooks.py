"""Programmes and their targets in the Wagtail admin (programme managers), and a menu link to
the attendance pages."""

from django import forms
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from cms.admin_menu import PermissionMenuItem
from config.bidi import NameField
from programmes import admin_views
from programmes.models import PROGRAMME_REGIONS, Programme

MANAGE = "programmes.manage_programme"


class ProgrammePermissionPolicy(ModelPermissionPolicy):
    """Every action on programmes (and their targets, edited inline) takes manage_programme."""

    def user_has_permission(self, user, action):
        return user.is_authenticated and user.is_active and user.has_perm(MANAGE)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        from django.contrib.auth import get_user_model
        from django.db.models import Q

        return (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(
                Q(is_superuser=True)
                | Q(user_permissions__codename="manage_programme")
                | Q(groups__permissions__codename="manage_programme")
            )
            .distinct()
        )


class ProgrammeForm(WagtailAdminModelForm):
    regions = forms.MultipleChoiceField(
        label=gettext_lazy("Regions"),
        choices=PROGRAMME_REGIONS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    institutions = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Institutions"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        field_classes = {"name": NameField}

    def __init__(self, *args, **kwargs):
        from marketplace.models import Institution

        super().__init__(*args, **kwargs)
        self.fields["institutions"].queryset = Institution.objects.order_by("name")


class ProgrammeViewSet(ModelViewSet):
    model = Programme
    url_prefix = "programmes"
    url_namespace = "programmes_admin"
    edit_handler = ObjectList(Programme.panels, base_form_class=ProgrammeForm)
    icon = "doc-full-inverse"
    menu_label = gettext_lazy("Programmes")
    menu_order = 255
    add_to_admin_menu = True
    list_display = ["name", "funder", "starts_on", "ends_on"]
    search_fields = ["name", "funder", "description"]
    inspect_view_enabled = False


register_permission_policy(Programme, ProgrammePermissionPolicy(Programme))


@hooks.register("register_admin_viewset")
def register_programmes():
    return ProgrammeViewSet("programmes")


@hooks.register("register_admin_menu_item")
def register_attendance_menu_item():
    return PermissionMenuItem(
        gettext_lazy("Attendance at events"),
        reverse("programmes:attendance_index"),
        icon_name="tick",
        order=256,
        permission="programmes.take_attendance",
    )


@hooks.register("register_admin_urls")
def register_programme_screens():
    impact = [
        path("", admin_views.impact_index, name="index"),
        path("<int:programme_id>/", admin_views.impact_dashboard, name="dashboard"),
        path("<int:programme_id>/print/", admin_views.impact_print, name="print"),
        path(
            "<int:programme_id>/export.<str:file_format>",
            admin_views.impact_export,
            name="export",
        ),
    ]
    journeys = [
        path("cohorts/", admin_views.cohort_index, name="cohorts"),
        path("cohorts/<int:cohort_id>/", admin_views.cohort_journeys, name="cohort"),
        path("<int:journey_id>/", admin_views.journey_detail, name="journey"),
    ]
    grants = [
        path("", admin_views.grant_programmes, name="programmes"),
        path("programme/<int:programme_id>/", admin_views.grant_index, name="index"),
        path("programme/<int:programme_id>/new/", admin_views.grant_award, name="award"),
        path("<int:grant_id>/", admin_views.grant_detail, name="grant"),
    ]
    return [
        path("impact/", include((impact, "programmes_impact"))),
        path("journeys/", include((journeys, "programmes_journeys"))),
        path("grants/", include((grants, "programmes_grants"))),
    ]


@hooks.register("register_admin_menu_item")
def register_impact_menu_item():
    return PermissionMenuItem(
        gettext_lazy("Impact"),
        reverse("programmes_impact:index"),
        icon_name="table",
        order=257,
        permission=admin_views.VIEW_IMPACT,
    )


@hooks.register("register_admin_menu_item")
def register_cohorts_menu_item():
    return PermissionMenuItem(
        gettext_lazy("Cohorts and journeys"),
        reverse("programmes_journeys:cohorts"),
        icon_name="group",
        order=258,
        permission=admin_views.MANAGE_JOURNEYS,
    )


@hooks.register("register_admin_menu_item")
def register_grants_menu_item():
    return PermissionMenuItem(
        gettext_lazy("Grants"),
        reverse("programmes_grants:programmes"),
        icon_name="doc-full",
        order=259,
        permission=admin_views.MANAGE_GRANTS,
    )
