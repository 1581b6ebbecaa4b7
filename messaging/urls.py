from django.urls import path

from messaging import views

app_name = "messaging"

urlpatterns = [
    path("messages/", views.inbox, name="inbox"),
    path("messages/<int:conversation_id>/", views.conversation, name="conversation"),
    path("messages/<int:conversation_id>/report/", views.report, name="report"),
    path("messages/<int:conversation_id>/block/<int:user_id>/", views.block, name="block"),
    path("messages/new/<slug:subject>/<int:object_id>/", views.start, name="start"),
]
