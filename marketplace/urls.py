from django.urls import path

from marketplace import views

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
]
