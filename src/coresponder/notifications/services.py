"""Telling people something needs their attention: in the product, and by e-mail when the
installation has a mail server (``COREPONDER_EMAIL_HOST``). Messages carry no names and no
health information, only what kind of thing happened and a link that needs sign-in."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from coresponder.notifications.models import Notification

log = logging.getLogger(__name__)

EMAIL_FOOTER = (
    "\n\nSign in to coresponder to see it. This message holds no personal information on "
    "purpose; please do not reply with any."
)


def notify(*, users: Iterable[Any], message: str, path: str, base_url: str = "") -> int:
    """Tell each of ``users`` that ``message`` (no names, no health information), linking to
    ``path``; e-mail those with an address. Returns how many were told."""
    told = 0
    for user in {u.pk: u for u in users if u is not None and u.is_active}.values():
        Notification.objects.create(recipient=user, message=message[:200], url=path)
        if user.email:
            send_email(to=user.email, subject=message, body=f"{message}\n\n{base_url}{path}")
        told += 1
    return told


def send_email(*, to: str, subject: str, body: str) -> None:
    """Send one message; a mail server that is down never stops the work that caused it."""
    try:
        send_mail(
            f"coresponder: {subject}"[:150],
            body + EMAIL_FOOTER,
            settings.DEFAULT_FROM_EMAIL,
            [to],
        )
    except OSError as error:  # connection refused, DNS, TLS: logged, not raised
        log.warning("e-mail to a user could not be sent: %s", error)


def unread_count(user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(*, user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all of them, or those in ``ids``)."""
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())
