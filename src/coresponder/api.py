"""The REST API at /api/v1/ (django-ninja). OpenAPI document at /api/v1/openapi.json."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from coresponder.access.api import ApiDenied
from coresponder.accounts.api import router as accounts_router
from coresponder.accounts.api_auth import TokenAuth, VerifiedSessionAuth
from coresponder.accounts.services import AccountError, TokenRefused
from coresponder.audit.api import router as audit_router
from coresponder.calls.api import router as calls_router
from coresponder.cases.api import router as cases_router
from coresponder.cases.services import CaseError, EditConflict
from coresponder.plans.api import router as plans_router
from coresponder.referrals.api import router as referrals_router
from coresponder.referrals.referral_api import router as referral_flow_router
from coresponder.referrals.services import ReferralConflict, ReferralError
from coresponder.triage.api import router as triage_router

api = NinjaAPI(
    title="coresponder",
    version="1",
    description="Calls, triage, cases, referrals, repeat calls and outcomes. "
    "Authenticate with an API token (`Authorization: Bearer …`) or a signed-in session "
    "with CSRF.",
    urls_namespace="api",
    docs_url=None,
    auth=[TokenAuth(), VerifiedSessionAuth()],
)
api.add_router("/", accounts_router)
api.add_router("/audit", audit_router)
api.add_router("/", calls_router)
api.add_router("/", triage_router)
api.add_router("/", cases_router)
api.add_router("/", referrals_router)
api.add_router("/", referral_flow_router)
api.add_router("/", plans_router)


def _error(request: HttpRequest, status: int, message: str, **extra: object) -> HttpResponse:
    return api.create_response(request, {"detail": message, **extra}, status=status)


@api.exception_handler(TokenRefused)
def _token_refused(request: HttpRequest, error: TokenRefused) -> HttpResponse:
    response = _error(request, 401, str(error))
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return _error(
        request,
        401,
        "Sign in (with MFA) or send an API token: 'Authorization: Bearer <token>'.",
    )


@api.exception_handler(ApiDenied)
def _denied(request: HttpRequest, error: ApiDenied) -> HttpResponse:
    return _error(request, 403, str(error))


@api.exception_handler(AccountError)
def _account_error(request: HttpRequest, error: AccountError) -> HttpResponse:
    return _error(request, 400, str(error))


@api.exception_handler(EditConflict)
def _conflict(request: HttpRequest, error: EditConflict) -> HttpResponse:
    return _error(request, 409, str(error))


@api.exception_handler(CaseError)
def _case_error(request: HttpRequest, error: CaseError) -> HttpResponse:
    problems = [{"field": error.field, "message": str(error)}]
    return _error(request, 422, f"The request is not valid. {error}", errors=problems)


@api.exception_handler(ReferralConflict)
def _referral_conflict(request: HttpRequest, error: ReferralConflict) -> HttpResponse:
    return _error(request, 409, str(error))


@api.exception_handler(ReferralError)
def _referral_error(request: HttpRequest, error: ReferralError) -> HttpResponse:
    problems = [{"field": error.field, "message": str(error)}]
    return _error(request, 422, f"The request is not valid. {error}", errors=problems)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    problems = [
        {"field": _field_name(item.get("loc", ())), "message": item.get("msg", "is not valid")}
        for item in error.errors
    ]
    summary = "; ".join(f"{p['field'] or 'body'}: {p['message']}" for p in problems)
    return _error(request, 422, f"The request is not valid. {summary}", errors=problems)


def _field_name(location: tuple[object, ...] | list[object]) -> str:
    """('body', 'payload', 'scopes', 0) → 'scopes.0'; ('query', 'filters', 'since') → 'since'."""
    parts = [str(part) for part in location[2:]] or [str(part) for part in location[1:]]
    return ".".join(parts)
