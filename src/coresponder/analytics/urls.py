from django.urls import path

from coresponder.analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("chart/<slug:name>.csv", views.chart_csv_view, name="chart_csv"),
    path("report/", views.report_view, name="report"),
]
