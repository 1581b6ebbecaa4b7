from django.urls import path

from marketplace.views import businesses as views
from marketplace.views import selection as views_selection

app_name = "marketplace"

urlpatterns = [
    path("businesses/", views.directory, name="directory"),
    path("businesses/<slug:slug>/", views.business_detail, name="business_detail"),
    path("businesses/<slug:slug>/contact/", views.inquiry_send, name="inquiry_send"),
    path("my-business/", views.dashboard, name="dashboard"),
    path("my-business/new/", views.business_create, name="business_create"),
    path("my-business/<int:business_id>/", views.dashboard_business, name="dashboard_business"),
    path("my-business/<int:business_id>/edit/", views.business_edit, name="business_edit"),
    path(
        "my-business/<int:business_id>/do/<slug:action>/",
        views.business_action,
        name="business_action",
    ),
    path("my-business/<int:business_id>/invite/", views.member_invite, name="member_invite"),
    path("my-business/<int:business_id>/photos/", views.photo_add, name="photo_add"),
    path(
        "my-business/<int:business_id>/photos/<int:photo_id>/delete/",
        views.photo_delete,
        name="photo_delete",
    ),
    path(
        "my-business/<int:business_id>/members/<int:user_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path("my-business/<int:business_id>/offers/new/", views.offer_edit, name="offer_create"),
    path(
        "my-business/<int:business_id>/offers/<int:offer_id>/",
        views.offer_edit,
        name="offer_edit",
    ),
    path(
        "my-business/<int:business_id>/offers/<int:offer_id>/delete/",
        views.offer_delete,
        name="offer_delete",
    ),
    path(
        "my-business/invitations/<int:invitation_id>/",
        views.invitation_accept,
        name="invitation_accept",
    ),
    path("institutions/", views_selection.institution_list, name="institution_list"),
    path(
        "institutions/<slug:slug>/",
        views_selection.institution_detail,
        name="institution_detail",
    ),
    path("opportunities/", views_selection.opportunity_list, name="opportunity_list"),
    path(
        "opportunities/<slug:slug>/",
        views_selection.opportunity_detail,
        name="opportunity_detail",
    ),
    path("opportunities/<slug:slug>/apply/", views_selection.apply, name="apply"),
    path("my-applications/", views_selection.my_applications, name="my_applications"),
    path(
        "my-applications/<int:application_id>/withdraw/",
        views_selection.withdraw,
        name="withdraw",
    ),
    path(
        "application-documents/<int:document_id>/",
        views_selection.document_download,
        name="document_download",
    ),
    path("jury/", views_selection.staff_home, name="staff_home"),
    path(
        "jury/<int:opportunity_id>/",
        views_selection.staff_applications,
        name="staff_applications",
    ),
    path(
        "jury/<int:opportunity_id>/<int:application_id>/",
        views_selection.staff_application,
        name="staff_application",
    ),
    path(
        "jury/<int:opportunity_id>/export.<str:file_format>",
        views_selection.staff_export,
        name="staff_export",
    ),
]
