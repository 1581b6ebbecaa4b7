"""The programme team's moderation screens for businesses, in the Wagtail admin."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from wagtail import hooks
from wagtail.admin.panels import ObjectList
from wagtail.admin.views.generic import CreateView, EditView, IndexView
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from cms.admin_menu import PermissionMenuItem
from cms.models import paginate
from config.bidi import isolate
from marketplace import services
from marketplace.forms import InstitutionAdminForm, OpportunityAdminForm, TransitionForm
from marketplace.models import Business, BusinessStatus, Institution, Opportunity
from marketplace.views import error_text

STAFF_ACTIONS = {
    "publish": gettext_lazy("Publish"),
    "request_changes": gettext_lazy("Send back for changes"),
    "suspend": gettext_lazy("Suspend"),
    "reinstate": gettext_lazy("Reinstate"),
}
MODERATE = "marketplace.moderate_business"


@permission_required(MODERATE, raise_exception=True)
def moderation_index(request):
    status = request.GET.get("status", BusinessStatus.SUBMITTED)
    if status not in BusinessStatus.values:
        status = BusinessStatus.SUBMITTED
    businesses = Business.objects.filter(status=status).order_by("updated_at", "pk")
    return TemplateResponse(
        request,
        "marketplace/admin/index.html",
        {
            "header_title": _("Businesses"),
            "page_title": _("Businesses"),
            "header_icon": "site",
            "businesses": paginate(request, businesses, per_page=50),
            "status": status,
            "statuses": BusinessStatus.choices,
        },
    )


@permission_required(MODERATE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def moderation_detail(request, business_id):
    business = get_object_or_404(
        Business.objects.select_related("private").prefetch_related("memberships__user"),
        pk=business_id,
    )
    form = TransitionForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action in STAFF_ACTIONS and form.is_valid():
            try:
                services.business_transition(
                    actor=request.user,
                    business=business,
                    action=action,
                    reason=form.cleaned_data["reason"],
                )
            except (PermissionDenied, ValidationError) as error:
                messages.error(request, error_text(error))
            else:
                messages.success(request, _("Done: the owners have been told."))
                return redirect("marketplace_admin:detail", business_id=business.pk)
    sources = {name: spec[0] for name, spec in services.TRANSITIONS.items()}
    actions = [
        (name, label) for name, label in STAFF_ACTIONS.items() if business.status in sources[name]
    ]
    return TemplateResponse(
        request,
        "marketplace/admin/detail.html",
        {
            # Wagtail writes these into its heading and <title>: plain text, isolated.
            "header_title": isolate(business.name),
            "page_title": isolate(business.name),
            "header_icon": "site",
            "business": business,
            "form": form,
            "actions": actions,
            "events": business.events.select_related("actor"),
        },
    )


@hooks.register("register_admin_urls")
def register_admin_urls():
    from django.urls import include

    urls = [
        path("", moderation_index, name="index"),
        path("<int:business_id>/", moderation_detail, name="detail"),
    ]
    return [
        path("businesses/", include((urls, "marketplace_admin"), namespace="marketplace_admin"))
    ]


@hooks.register("register_admin_menu_item")
def register_menu_item():
    return PermissionMenuItem(
        gettext_lazy("Businesses"),
        reverse("marketplace_admin:index"),
        icon_name="site",
        order=250,
        permission=MODERATE,
    )


class InstitutionViewSet(ModelViewSet):
    model = Institution
    edit_handler = ObjectList(Institution.panels, base_form_class=InstitutionAdminForm)
    icon = "group"
    list_display = ["name", "kind", "is_public"]
    list_filter = ["kind", "is_public"]
    search_fields = ["name", "description"]


class OpportunityPermissionPolicy(ModelPermissionPolicy):
    """Programme managers (model permissions) manage every opportunity; an institution's staff
    manage their own institution's: add, change, view — never delete (applications hang on
    them)."""

    STAFF_ACTIONS = ("add", "change", "view")

    def _is_any_staff(self, user):
        return user.is_authenticated and user.institution_roles.exists()

    def user_has_permission(self, user, action):
        if super().user_has_permission(user, action):
            return True
        return action in self.STAFF_ACTIONS and self._is_any_staff(user)

    def user_has_permission_for_instance(self, user, action, instance):
        if super().user_has_permission(user, action):
            return True
        return (
            action in self.STAFF_ACTIONS
            and user.is_authenticated
            and user.institution_roles.filter(institution_id=instance.institution_id).exists()
        )

    def instances_user_has_permission_for(self, user, action):
        opportunities = Opportunity.objects.all()
        if super().user_has_permission(user, action):
            return opportunities
        if action in self.STAFF_ACTIONS and user.is_authenticated:
            return opportunities.filter(institution__staff__user=user).distinct()
        return opportunities.none()

    def institutions_for(self, user):
        if super().user_has_permission(user, "change"):
            return Institution.objects.all()
        return Institution.objects.filter(staff__user=user).distinct()


class OwnInstitutionsFormMixin:
    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        form.fields["institution"].queryset = self.permission_policy.institutions_for(
            self.request.user
        )
        return form


class OpportunityIndexView(IndexView):
    def get_base_queryset(self):
        return self.permission_policy.instances_user_has_permission_for(
            self.request.user, "change"
        ).select_related("institution")


class OpportunityCreateView(OwnInstitutionsFormMixin, CreateView):
    pass


class OpportunityEditView(OwnInstitutionsFormMixin, EditView):
    def get_object(self, queryset=None):
        opportunity = super().get_object(queryset)
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", opportunity
        ):
            raise PermissionDenied
        return opportunity


class OwnOpportunitiesMixin:
    """Wagtail's history and usage screens check the model permission only: another
    institution's staff would read this opportunity's history. Its id is a 404 to them."""

    def get_base_object_queryset(self):
        return self.permission_policy.instances_user_has_permission_for(self.request.user, "change")


class OpportunityHistoryView(OwnOpportunitiesMixin, HistoryView):
    pass


class OpportunityUsageView(OwnOpportunitiesMixin, UsageView):
    pass


class OpportunityViewSet(ModelViewSet):
    model = Opportunity
    edit_handler = ObjectList(Opportunity.panels, base_form_class=OpportunityAdminForm)
    icon = "tasks"
    index_view_class = OpportunityIndexView
    add_view_class = OpportunityCreateView
    edit_view_class = OpportunityEditView
    history_view_class = OpportunityHistoryView
    usage_view_class = OpportunityUsageView
    list_display = ["title", "institution", "kind", "opens_at", "closes_at", "is_published"]
    list_filter = ["kind", "is_published", "institution"]
    search_fields = ["title", "description"]


register_permission_policy(Opportunity, OpportunityPermissionPolicy(Opportunity))


class PartnersViewSetGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Partners")
    menu_icon = "group"
    menu_order = 260
    items = (InstitutionViewSet("institutions"), OpportunityViewSet("opportunities"))


@hooks.register("register_admin_viewset")
def register_partners():
    return PartnersViewSetGroup()
