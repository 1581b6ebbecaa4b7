from django.urls import path

from programmes import views

app_name = "programmes"

urlpatterns = [
    path("programmes/events/<int:event_id>/register/", views.event_register, name="event_register"),
    path(
        "programmes/registrations/<str:token>/",
        views.registration_detail,
        name="registration_detail",
    ),
    path(
        "programmes/registrations/<str:token>/cancel/",
        views.registration_cancel,
        name="registration_cancel",
    ),
    path(
        "programmes/registrations/<str:token>/invitation.ics",
        views.registration_ics,
        name="registration_ics",
    ),
    path("programmes/attendance/", views.attendance_index, name="attendance_index"),
    path("programmes/attendance/<int:event_id>/", views.attendance_take, name="attendance_take"),
    path(
        "programmes/attendance/<int:event_id>/walk-in/",
        views.attendance_walk_in,
        name="attendance_walk_in",
    ),
]
