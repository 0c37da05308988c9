from django.urls import path

from coresponder.linkage import views

app_name = "linkage"

urlpatterns = [
    path("places/", views.places_view, name="places"),
    path("places/one/", views.place_view, name="place"),
    path("trend/", views.trend_view, name="trend"),
]
