from django.urls import path

from coresponder.training import views

app_name = "training"

urlpatterns = [
    path("", views.training_view, name="home"),
    path("sessions/new/", views.session_new_view, name="session_new"),
    path("courses/new/", views.course_new_view, name="course_new"),
    path("sessions/<uuid:public_id>/", views.session_view, name="session"),
    path("sessions/<uuid:public_id>/import/", views.session_import_view, name="session_import"),
    path(
        "sessions/<uuid:public_id>/attendance/",
        views.attendance_record_view,
        name="attendance_record",
    ),
    path("coverage/", views.coverage_view, name="coverage"),
    path("mine/", views.mine_view, name="mine"),
]
