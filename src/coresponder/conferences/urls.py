from django.urls import path

from coresponder.conferences import views

app_name = "conferences"

urlpatterns = [
    path("", views.conferences_view, name="list"),
    path("new/", views.conference_new_view, name="new"),
    path("<uuid:public_id>/", views.conference_view, name="detail"),
    path("<uuid:public_id>/print/", views.conference_print_view, name="print"),
    path("outreach/", views.outreach_view, name="outreach"),
    path("partnerships/", views.partnerships_view, name="partnerships"),
]
