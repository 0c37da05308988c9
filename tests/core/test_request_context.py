"""Request ids and client addresses, believing X-Forwarded-For only through trusted proxies."""

from __future__ import annotations

from django.test import Client, RequestFactory

from coresponder.core.middleware import client_ip


def test_it_ignores_forwarded_headers_without_trusted_proxies(settings) -> None:
    settings.TRUSTED_PROXIES = []
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "203.0.113.9"


def test_it_takes_the_first_untrusted_hop_from_the_right(settings) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7, 10.0.0.5"
    )
    assert client_ip(request) == "198.51.100.7"


def test_it_falls_back_to_the_peer_on_garbage(settings) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="<script>, 10.0.0.5"
    )
    assert client_ip(request) == "10.0.0.2"


def test_it_echoes_a_well_formed_request_id_and_replaces_a_bad_one(db: None) -> None:
    good = Client().get("/login/", HTTP_X_REQUEST_ID="req-1234abcd")
    assert good["X-Request-ID"] == "req-1234abcd"
    bad = Client().get("/login/", HTTP_X_REQUEST_ID="evil\nheader")
    assert bad["X-Request-ID"] != "evil\nheader" and len(bad["X-Request-ID"]) == 32


def test_it_sends_security_headers(db: None) -> None:
    response = Client().get("/login/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_it_shows_error_pages_without_internals(db: None) -> None:
    response = Client().get("/no/such/page/")
    assert response.status_code == 404
    assert b"Not found" in response.content and b"Traceback" not in response.content
