"""Programmes and their targets in the Wagtail admin (programme managers), and a menu link to
the attendance pages."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from cms.admin_menu import PermissionMenuItem
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
