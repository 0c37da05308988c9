"""Every write on accounts: sign-in throttling, MFA, users, roles and API tokens.

Each service checks what it must, changes rows and writes its audit event in one transaction.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import zoneinfo
from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from coresponder.access.roles import TOKEN_SCOPES, Role
from coresponder.accounts.models import Agency, ApiToken, LoginThrottle, Membership, Team, User
from coresponder.audit.actions import AuditAction
from coresponder.audit.models import Outcome
from coresponder.audit.services import audit_record


class AccountError(ValueError):
    """A refused account operation, with a message fit to show the person."""


# --- sign-in --------------------------------------------------------------------------------

LOCKED_MESSAGE = (
    "This account is locked after repeated failed sign-ins. Ask an administrator to release it."
)
FAILED_MESSAGE = "The username or password is not correct."


@dataclass(frozen=True)
class SignInResult:
    user: User | None
    error: str = ""


def _throttle_key(username: str) -> str:
    return username.strip().casefold()[:150]


def sign_in(*, request: HttpRequest, username: str, password: str) -> SignInResult:
    """Check a password, counting consecutive failures per username (CJIS AC-7).

    A locked username is refused even with the right password, until an admin releases it.
    """
    key = _throttle_key(username)
    throttle = LoginThrottle.objects.filter(username=key).first()
    if throttle and throttle.locked_at:
        audit_record(
            actor=None,
            action=AuditAction.LOGIN_REFUSED_LOCKED,
            object_type="username",
            object_id=key,
            outcome=Outcome.DENIED,
            agency_id=_agency_of_username(key),
        )
        return SignInResult(None, LOCKED_MESSAGE)
    user = authenticate(request, username=username, password=password)
    if user is None:
        return _record_failure(key)
    with transaction.atomic():
        LoginThrottle.objects.filter(username=key).delete()
        audit_record(actor=user, action=AuditAction.LOGIN_SUCCEEDED)
    return SignInResult(user)


def _record_failure(key: str) -> SignInResult:
    now = timezone.now()
    agency_id = _agency_of_username(key)
    with transaction.atomic():
        throttle, _ = LoginThrottle.objects.get_or_create(username=key)
        window_open = (
            throttle.window_started_at is not None
            and now - throttle.window_started_at <= settings.LOCKOUT_WINDOW
        )
        throttle.failures = throttle.failures + 1 if window_open else 1
        if not window_open:
            throttle.window_started_at = now
        locked = throttle.failures >= settings.LOCKOUT_FAILURE_LIMIT
        if locked:
            throttle.locked_at = now
        throttle.save(update_fields=["failures", "window_started_at", "locked_at"])
        audit_record(
            actor=None,
            action=AuditAction.LOGIN_FAILED,
            object_type="username",
            object_id=key,
            outcome=Outcome.FAILURE,
            data={"consecutive_failures": throttle.failures},
            agency_id=agency_id,
        )
        if locked:
            audit_record(
                actor=None,
                action=AuditAction.LOGIN_LOCKED_OUT,
                object_type="username",
                object_id=key,
                outcome=Outcome.DENIED,
                agency_id=agency_id,
            )
    return SignInResult(None, LOCKED_MESSAGE if locked else FAILED_MESSAGE)


def _agency_of_username(key: str) -> int | None:
    return User.objects.filter(username__iexact=key).values_list("agency_id", flat=True).first()


def lockout_release(*, actor: User | None, username: str) -> bool:
    """Release a locked username; ``actor`` None is the command line. Returns whether it
    was locked."""
    key = _throttle_key(username)
    accounts = User.objects.filter(username__iexact=key)
    if actor is not None and not accounts.filter(agency_id=actor.agency_id).exists():
        raise AccountError("There is no such account in your agency.")
    with transaction.atomic():
        released = LoginThrottle.objects.filter(username=key, locked_at__isnull=False).exists()
        LoginThrottle.objects.filter(username=key).delete()
        audit_record(
            actor=actor,
            action=AuditAction.ACCOUNT_UNLOCKED,
            object_type="username",
            object_id=key,
            agency_id=_agency_of_username(key),
        )
    return released


# --- MFA ------------------------------------------------------------------------------------


def mfa_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def mfa_enrolment_device(user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled, created on first visit and kept until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)


# ASCII digits only: int() would also read other scripts' digits as a valid code.
SIX_DIGITS = re.compile(r"[0-9]{6}")


def _code_verifies(device: TOTPDevice | None, code: str) -> bool:
    """django-otp makes each code single-use and throttles a device's failures."""
    cleaned = code.strip().replace(" ", "")
    return (
        device is not None and bool(SIX_DIGITS.fullmatch(cleaned)) and device.verify_token(cleaned)
    )


def mfa_check(*, user: User, device: TOTPDevice, code: str, enrolling: bool = False) -> bool:
    """Verify a TOTP code, confirming the device when it is being enrolled."""
    verified = _code_verifies(device, code)
    with transaction.atomic():
        if verified and enrolling:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        action = (
            (AuditAction.MFA_ENROLLED if enrolling else AuditAction.MFA_VERIFIED)
            if verified
            else AuditAction.MFA_FAILED
        )
        audit_record(
            actor=user,
            action=action,
            outcome=Outcome.SUCCESS if verified else Outcome.FAILURE,
        )
    return bool(verified)


def mfa_reset(*, actor: User, user: User) -> None:
    _same_agency(actor, user)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        audit_record(
            actor=actor, action=AuditAction.MFA_RESET, object_type="user", object_id=user.public_id
        )


def step_up(*, request: HttpRequest, user: User, password: str, code: str) -> bool:
    """Re-authenticate before a sensitive action: password, and a TOTP code when MFA is on."""
    ok = user.check_password(password)
    if ok and settings.MFA_REQUIRED:
        ok = _code_verifies(mfa_device(user), code)
    audit_record(
        actor=user,
        action=AuditAction.STEP_UP_SUCCEEDED if ok else AuditAction.STEP_UP_FAILED,
        outcome=Outcome.SUCCESS if ok else Outcome.FAILURE,
    )
    if ok:
        request.session["stepped_up_at"] = timezone.now().isoformat()
    return bool(ok)


# --- agencies, teams, users and roles -------------------------------------------------------


def agency_create(*, slug: str, name: str, time_zone: str = "UTC") -> Agency:
    """Create an agency (done once per deployment, from the command line)."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,59}", slug):
        raise AccountError("An agency slug is 2–60 lower-case letters, digits and hyphens.")
    if time_zone not in zoneinfo.available_timezones():
        raise AccountError(f"Unknown time zone {time_zone!r}; use a name like America/Chicago.")
    if Agency.objects.filter(slug=slug).exists():
        raise AccountError(f"The agency {slug!r} exists already.")
    with transaction.atomic():
        agency = Agency.objects.create(slug=slug, name=name.strip(), time_zone=time_zone)
        audit_record(
            actor=None,
            action=AuditAction.AGENCY_CREATED,
            object_type="agency",
            object_id=agency.public_id,
            agency_id=agency.pk,
        )
    return agency


def default_agency() -> Agency:
    """The installation's own agency (COREPONDER_AGENCY_*), created on first use."""
    found = Agency.objects.filter(slug=settings.DEFAULT_AGENCY_SLUG).first()
    return found or agency_create(
        slug=settings.DEFAULT_AGENCY_SLUG,
        name=settings.DEFAULT_AGENCY_NAME,
        time_zone=settings.DEFAULT_AGENCY_TIME_ZONE,
    )


def team_create(*, actor: User | None, agency: Agency, name: str) -> Team:
    if actor is not None and actor.agency_id != agency.pk:
        raise AccountError("Teams can only be created in your own agency.")
    if not name.strip():
        raise AccountError("A team needs a name.")
    if Team.objects.filter(agency=agency, name=name.strip()).exists():
        raise AccountError(f"The team {name.strip()!r} exists already.")
    with transaction.atomic():
        team = Team.objects.create(agency=agency, name=name.strip())
        audit_record(
            actor=actor,
            action=AuditAction.TEAM_CREATED,
            object_type="team",
            object_id=team.public_id,
            agency_id=agency.pk,
        )
    return team


def _same_agency(actor: User, user: User) -> None:
    if actor.agency_id != user.agency_id:
        raise AccountError("There is no such account in your agency.")


def user_create(
    *,
    actor: User | None,
    agency: Agency,
    username: str,
    password: str,
    display_name: str = "",
    email: str = "",
    roles: list[tuple[Role, Team | None]] | None = None,
) -> User:
    """Create an account with a validated password and its roles."""
    if actor is not None and actor.agency_id != agency.pk:
        raise AccountError("Accounts can only be created in your own agency.")
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError(f"The username {username!r} is taken.")
    candidate = User(username=username, agency=agency, display_name=display_name, email=email)
    validate_password(password, candidate)
    with transaction.atomic():
        candidate.set_password(password)
        candidate.save()
        audit_record(
            actor=actor,
            action=AuditAction.USER_CREATED,
            object_type="user",
            object_id=candidate.public_id,
            agency_id=agency.pk,
        )
        for role, team in roles or []:
            role_grant(actor=actor, user=candidate, role=role, team=team)
    return candidate


def role_grant(*, actor: User | None, user: User, role: Role, team: Team | None = None) -> None:
    if team is not None and team.agency_id != user.agency_id:
        raise AccountError("The team belongs to another agency.")
    with transaction.atomic():
        Membership.objects.get_or_create(user=user, team=team, role=role.value)
        audit_record(
            actor=actor,
            action=AuditAction.ROLE_GRANTED,
            object_type="user",
            object_id=user.public_id,
            data={"role": role.value, "team": str(team.public_id) if team else None},
            agency_id=user.agency_id,
        )


def role_revoke(*, actor: User, user: User, role: Role, team: Team | None = None) -> None:
    _same_agency(actor, user)
    with transaction.atomic():
        Membership.objects.filter(user=user, team=team, role=role.value).delete()
        audit_record(
            actor=actor,
            action=AuditAction.ROLE_REVOKED,
            object_type="user",
            object_id=user.public_id,
            data={"role": role.value, "team": str(team.public_id) if team else None},
        )


def user_deactivate(*, actor: User, user: User) -> None:
    _same_agency(actor, user)
    if actor.pk == user.pk:
        raise AccountError("You cannot deactivate your own account.")
    _deactivate(actor=actor, user=user, reason="deactivated by an administrator")


def users_deactivate_idle() -> list[User]:
    """Deactivate accounts with no sign-in for COREPONDER_ACCOUNT_IDLE_DAYS (CJIS AC-2(3)).

    An account that never signed in counts from its creation. Meant for a daily scheduled
    `coresponder user deactivate-idle`.
    """
    cutoff = timezone.now() - settings.ACCOUNT_IDLE_LIMIT
    # Machine accounts never sign in: a token used within the limit keeps its user active.
    idle = (
        User.objects.filter(is_active=True)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
        .exclude(api_tokens__last_used_at__gte=cutoff)
    )
    days = settings.ACCOUNT_IDLE_LIMIT.days
    deactivated = []
    for user in idle:
        _deactivate(actor=None, user=user, reason=f"no sign-in for {days} days")
        deactivated.append(user)
    return deactivated


def _deactivate(*, actor: User | None, user: User, reason: str) -> None:
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        audit_record(
            actor=actor,
            action=AuditAction.USER_DEACTIVATED,
            object_type="user",
            object_id=user.public_id,
            reason=reason,
            agency_id=user.agency_id,
        )


# --- API tokens -----------------------------------------------------------------------------

TOKEN_PREFIX = "crt"


def _hash(secret: str) -> str:
    # Tokens carry 256 bits of randomness, so a fast hash is enough: there is nothing to guess.
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(
    *,
    actor: User | None,
    user: User,
    name: str,
    scopes: list[str],
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Issue a token for ``user``; the secret is returned once and only its hash is kept."""
    if actor is not None:
        _same_agency(actor, user)
    unknown = sorted(set(scopes) - set(TOKEN_SCOPES))
    if unknown:
        raise AccountError(
            f"Unknown scope {', '.join(unknown)}; known scopes: {', '.join(TOKEN_SCOPES)}"
        )
    if not scopes:
        raise AccountError("A token needs at least one scope.")
    if actor is not None and "audit:read" in scopes:
        # Separation of duties: an admin must not mint a credential that reads the audit log
        # of their own actions. audit:read tokens come from the server's command line only.
        raise AccountError("audit:read tokens are issued only with `coresponder token create`.")
    if not name.strip():
        raise AccountError("A token needs a name that says what uses it.")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            agency_id=user.agency_id,
            user=user,
            name=name.strip()[:120],
            prefix=prefix,
            secret_hash=_hash(secret),
            scopes=sorted(set(scopes)),
            expires_at=expires_at,
        )
        audit_record(
            actor=actor,
            action=AuditAction.API_TOKEN_CREATED,
            object_type="api_token",
            object_id=token.public_id,
            data={"scopes": token.scopes, "for_user": str(user.public_id)},
            agency_id=user.agency_id,
        )
    return token, f"{TOKEN_PREFIX}_{prefix}_{secret}"


def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    if token.agency_id != actor.agency_id:
        raise AccountError("There is no such token in your agency.")
    with transaction.atomic():
        token.revoked_at = token.revoked_at or timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action=AuditAction.API_TOKEN_REVOKED,
            object_type="api_token",
            object_id=token.public_id,
        )


class TokenRefused(Exception):
    """The Authorization header did not carry a usable token; the message says why."""


def api_token_authenticate(raw: str) -> ApiToken:
    """Resolve ``crt_<prefix>_<secret>`` to an active token, recording its use."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or not parts[2]:
        _refuse("", "malformed", "The token is malformed: expected crt_<id>_<secret>.")
    token = ApiToken.objects.select_related("user").filter(prefix=parts[1][:16]).first()
    if token is None or not secrets.compare_digest(token.secret_hash, _hash(parts[2])):
        _refuse("", "unknown", "The token is not recognised.")
    if not token.is_active() or not token.user.is_active:
        _refuse(str(token.public_id), "inactive", "The token has been revoked or has expired.")
    _note_use(token)
    return token


def _refuse(object_id: str, why: str, message: str) -> NoReturn:
    audit_record(
        actor=None,
        action=AuditAction.API_TOKEN_REFUSED,
        object_type="api_token",
        object_id=object_id,
        outcome=Outcome.DENIED,
        data={"why": why},
    )
    raise TokenRefused(message)


def _note_use(token: ApiToken) -> None:
    """Record last use, auditing at most once a minute per token so a busy feed stays cheap."""
    now = timezone.now()
    if token.last_used_at and (now - token.last_used_at).total_seconds() < 60:
        return
    with transaction.atomic():
        token.last_used_at = now
        token.save(update_fields=["last_used_at"])
        audit_record(
            actor=token.user,
            action=AuditAction.API_TOKEN_USED,
            object_type="api_token",
            object_id=token.public_id,
        )
