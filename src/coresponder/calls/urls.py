from django.urls import path

from coresponder.calls import views

app_name = "calls"

urlpatterns = [
    path("", views.call_list_view, name="list"),
    path("<uuid:public_id>/", views.call_detail_view, name="detail"),
]
