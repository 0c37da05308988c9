from __future__ import annotations

import ipaddress
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from coresponder.core import context

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def client_ip(request: HttpRequest) -> str:
    """The client's address, believing X-Forwarded-For only through configured proxies.

    Walk the forwarded chain from the right (the hop nearest us) and stop at the first
    address that is not one of our trusted proxies: anything left of it is client-supplied.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = [ipaddress.ip_network(net, strict=False) for net in settings.TRUSTED_PROXIES]
    if not proxies or not _in_any(remote, proxies):
        return remote
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([hop for hop in forwarded if hop]):
        if not _valid_ip(hop):
            return remote
        if not _in_any(hop, proxies):
            return hop
    return remote


def _valid_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _in_any(value: str, networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    if not _valid_ip(value):
        return False
    address = ipaddress.ip_address(value)
    return any(address in network for network in networks)


class RequestContextMiddleware:
    """Gives each request an id (kept from a well-formed X-Request-ID) and its client IP."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        supplied = request.headers.get("X-Request-ID", "")
        request_id = supplied if _REQUEST_ID.match(supplied) else uuid.uuid4().hex
        ctx = context.RequestContext(request_id=request_id, client_ip=client_ip(request))
        request.request_context = ctx  # type: ignore[attr-defined]
        token = context.activate(ctx)
        try:
            response = self.get_response(request)
        finally:
            context.deactivate(token)
        response["X-Request-ID"] = request_id
        return response
