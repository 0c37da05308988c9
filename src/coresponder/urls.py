from django.urls import include, path

from coresponder.api import api

urlpatterns = [
    path("", include("coresponder.core.urls")),
    path("", include("coresponder.accounts.urls")),
    path("audit/", include("coresponder.audit.urls")),
    path("calls/", include("coresponder.calls.urls")),
    path("triage/", include("coresponder.triage.urls")),
    path("cases/", include("coresponder.cases.urls")),
    path("", include("coresponder.referrals.urls")),
    path("notifications/", include("coresponder.notifications.urls")),
    path("repeat/", include("coresponder.linkage.urls")),
    path("plans/", include("coresponder.plans.urls")),
    path("conferences/", include("coresponder.conferences.urls")),
    path("training/", include("coresponder.training.urls")),
    path("outcomes/", include("coresponder.analytics.urls")),
    path("api/v1/", api.urls),
]

handler400 = "coresponder.core.views.bad_request"
handler403 = "coresponder.core.views.permission_denied"
handler404 = "coresponder.core.views.not_found"
handler500 = "coresponder.core.views.server_error"
