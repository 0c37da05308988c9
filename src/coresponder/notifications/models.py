"""In-app notifications: a short message that something needs attention, and a link to it.

A notification never holds a name or health information: it says what kind of thing happened
("A partner answered a referral") and links to the record, which is behind sign-in and its own
access rules.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    message = models.CharField(max_length=200)
    url = models.CharField(max_length=300)  # a path inside the product
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.message
