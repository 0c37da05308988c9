from django.urls import path

from coresponder.referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.search_view, name="search"),
    path("services/<uuid:service_id>/", views.service_view, name="service"),
    path("manage/", views.manage_view, name="manage"),
    path("manage/service/", views.manage_service_view, name="manage_service"),
]
