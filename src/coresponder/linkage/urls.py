from django.urls import path

from coresponder.linkage import views

app_name = "linkage"

urlpatterns = [
    path("places/", views.places_view, name="places"),
    path("places/one/", views.place_view, name="place"),
    path("trend/", views.trend_view, name="trend"),
    path("people/", views.people_view, name="people"),
    path("people/one/", views.person_view, name="person"),
    path("people/split/", views.split_view, name="split"),
    path("outreach/", views.outreach_view, name="outreach"),
    path("outreach/start/", views.outreach_start_view, name="outreach_start"),
    path("review/", views.review_view, name="review"),
    path("review/<int:pk>/", views.decide_view, name="decide"),
]
