from django.urls import path

from mentoring import views

app_name = "mentoring"

urlpatterns = [
    path("mentors/", views.mentor_list, name="mentor_list"),
    path("mentors/<int:mentor_id>/", views.mentor_detail, name="mentor_detail"),
    path("mentors/<int:mentor_id>/request/", views.mentorship_request, name="request"),
    path("my-mentoring/", views.dashboard, name="dashboard"),
    path("my-mentoring/profile/", views.profile_edit, name="profile_edit"),
    path("my-mentoring/profile/<slug:action>/", views.profile_action, name="profile_action"),
    path("my-mentoring/availability/", views.availability_edit, name="availability_edit"),
    path("my-mentoring/calendar/", views.calendar_settings, name="calendar_settings"),
    path(
        "my-mentoring/mentorships/<int:mentorship_id>/",
        views.mentorship_detail,
        name="mentorship_detail",
    ),
    path(
        "my-mentoring/mentorships/<int:mentorship_id>/do/<slug:action>/",
        views.mentorship_action,
        name="mentorship_action",
    ),
    path("my-mentoring/mentorships/<int:mentorship_id>/book/", views.book, name="book"),
    path("my-mentoring/mentorships/<int:mentorship_id>/goals/", views.goal_add, name="goal_add"),
    path(
        "my-mentoring/mentorships/<int:mentorship_id>/goals/<int:goal_id>/",
        views.goal_update,
        name="goal_update",
    ),
    path("my-mentoring/sessions/<int:booking_id>/", views.booking_detail, name="booking_detail"),
    path(
        "my-mentoring/sessions/<int:booking_id>/invitation.ics",
        views.booking_ics,
        name="booking_ics",
    ),
    path(
        "my-mentoring/sessions/<int:booking_id>/do/<slug:action>/",
        views.booking_action,
        name="booking_action",
    ),
]
