from django.urls import path

from coresponder.triage import views

app_name = "triage"

urlpatterns = [
    path("", views.board_view, name="board"),
    path("calls/<uuid:public_id>/answer/", views.answer_view, name="answer"),
    path("review/", views.review_view, name="review"),
    path("review/<uuid:public_id>/confirm/", views.review_confirm_view, name="review_confirm"),
    path("crosswalk/", views.crosswalk_view, name="crosswalk"),
    path("crosswalk/<int:pk>/delete/", views.crosswalk_delete_view, name="crosswalk_delete"),
    path("report/", views.report_view, name="report"),
]
