"""The user's own notifications."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from coresponder.access.policy import requires
from coresponder.access.roles import Capability
from coresponder.notifications.models import Notification
from coresponder.notifications.services import mark_read


def _user(request: HttpRequest) -> Any:
    return request.user


@requires(Capability.VIEW_HOME, audits="nothing: a user's own notifications hold no records")
def notifications_view(request: HttpRequest) -> HttpResponse:
    items = list(Notification.objects.filter(recipient=_user(request))[:100])
    return render(request, "notifications/list.html", {"items": items})


@requires(Capability.VIEW_HOME, audits="nothing: marking one's own notifications read")
@require_POST
def notifications_read_view(request: HttpRequest) -> HttpResponse:
    mark_read(user=request.user)
    return redirect("notifications:list")


@requires(Capability.VIEW_HOME, audits="nothing: following one's own notification")
def notification_open_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and go to what it is about (which checks access itself)."""
    item = Notification.objects.filter(recipient=_user(request), pk=pk).first()
    if item is None:
        return redirect("notifications:list")
    mark_read(user=request.user, ids=[item.pk])
    return redirect(item.url if item.url.startswith("/") else "notifications:list")
