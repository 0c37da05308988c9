"""Per-request facts that services need for the audit trail without threading `request`
through every call: request id, client IP and the role the actor is acting under."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, field


@dataclass
class RequestContext:
    request_id: str = ""
    client_ip: str = ""
    role: str = ""
    extra: dict[str, str] = field(default_factory=dict)


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "coresponder_request_context", default=None
)


def current() -> RequestContext:
    """The context of the request being served, or an empty one (CLI, tests, workers)."""
    return _current.get() or RequestContext()


def activate(context: RequestContext) -> contextvars.Token[RequestContext | None]:
    return _current.set(context)


def deactivate(token: contextvars.Token[RequestContext | None]) -> None:
    _current.reset(token)
