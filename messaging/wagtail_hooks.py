"""The moderation queue of reported messages, for programme managers in the Wagtail admin."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from wagtail import hooks

from cms.admin_menu import PermissionMenuItem
from cms.models import paginate
from messaging.models import Report

MODERATE = "messaging.change_report"


@permission_required(MODERATE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def reports(request):
    if request.method == "POST":
        report = get_object_or_404(Report, pk=request.POST.get("report"))
        status = request.POST.get("status")
        if status in (Report.Status.DISMISSED, Report.Status.ACTED):
            report.status = status
            report.handled_by = request.user
            report.save(update_fields=["status", "handled_by"])
            messages.success(request, _("Report closed."))
        return redirect("messaging_admin:reports")
    shown = request.GET.get("status", Report.Status.OPEN)
    if shown not in Report.Status.values:
        shown = Report.Status.OPEN
    items = Report.objects.filter(status=shown).select_related(
        "message__author", "message__conversation", "reporter"
    )
    return TemplateResponse(
        request,
        "messaging/admin/reports.html",
        {
            "header_title": _("Reported messages"),
            "page_title": _("Reported messages"),
            "header_icon": "warning",
            "reports": paginate(request, items, per_page=50),
            "shown": shown,
            "statuses": Report.Status.choices,
        },
    )


@hooks.register("register_admin_urls")
def register_admin_urls():
    urls = [path("", reports, name="reports")]
    # Not "reports/": Wagtail's own reports live there.
    return [
        path("message-reports/", include((urls, "messaging_admin"), namespace="messaging_admin"))
    ]


@hooks.register("register_admin_menu_item")
def register_menu_item():
    return PermissionMenuItem(
        gettext_lazy("Reported messages"),
        reverse("messaging_admin:reports"),
        icon_name="warning",
        order=270,
        permission=MODERATE,
    )
