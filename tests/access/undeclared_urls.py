"""A URLconf with a view that forgot its policy: the middleware must refuse it."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def forgot_policy(request: HttpRequest) -> HttpResponse:
    return HttpResponse("secret page")


urlpatterns = [
    path("undeclared/", forgot_policy),
    path("", include("coresponder.urls")),
]
