from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema


class AuditEventOut(Schema):
    seq: int
    at: datetime
    actor: str = Field(..., alias="actor_label")
    actor_role: str
    action: int
    action_name: str
    object_type: str
    object_id: str
    reason: str
    outcome: str
    request_id: str
    client_ip: str
    data: dict[str, Any]
