from django.urls import path

from coresponder.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notifications_view, name="list"),
    path("read/", views.notifications_read_view, name="read_all"),
    path("<int:pk>/", views.notification_open_view, name="open"),
]
