from django.urls import path

from coresponder.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.audit_log, name="log"),
    path(
        "records/<slug:object_type>/<str:object_id>/",
        views.record_viewers,
        name="record_viewers",
    ),
]
