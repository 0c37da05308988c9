"""The committed role × route expectation table.

For every named route: how the test reaches it, and the status each persona must get.
``anonymous`` is a visitor with no session. A new route must be added here, or the
meta-test fails; a changed expectation is a reviewed change of who may do what.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = (
    "anonymous",
    "dispatcher",
    "officer",
    "social_worker",
    "supervisor",
    "analyst",
    "auditor",
    "admin",
)
EVERYONE_SIGNED_IN = {role: 200 for role in ROLES if role != "anonymous"}
TO_LOGIN = 302


@dataclass(frozen=True)
class Expectation:
    method: str
    kwargs: dict[str, str] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)


def only(roles: dict[str, int], *, others: int = 403, anonymous: int = TO_LOGIN) -> dict[str, int]:
    statuses = {role: others for role in ROLES}
    statuses["anonymous"] = anonymous
    statuses.update(roles)
    return statuses


# Placeholders filled by the test with real ids of the persona's own agency.
TARGET_USER = "{target_user}"
TARGET_TOKEN = "{target_token}"
TARGET_CALL = "{target_call}"
TARGET_REVIEW = "{target_review}"
TARGET_CASE = "{target_case}"
TARGET_PERSON = "{target_person}"
TARGET_NOTE = "{target_note}"
TARGET_TASK = "{target_task}"
TARGET_REFERRAL = "{target_referral}"
TARGET_CONSENT = "{target_consent}"
NO_SUCH_OVERRIDE = "999999"  # allowed roles get 404, the others 403
CALL_READERS = {"dispatcher": 200, "officer": 200, "social_worker": 200, "supervisor": 200}
TRIAGERS = {"dispatcher": 200, "supervisor": 200}
TRIAGE_MANAGERS = {"supervisor": 200, "admin": 200}
CASE_WORKERS = {"social_worker": 200, "supervisor": 200}
CASE_RECORD = only(CASE_WORKERS, others=404)  # a record's page: 404 for everyone else
CASE_EDITS = only({"social_worker": 302, "supervisor": 302}, others=404)  # a change, redirected
DIRECTORY_READERS = {"dispatcher": 200, "social_worker": 200, "supervisor": 200}
DIRECTORY_MANAGERS = {"supervisor": 200, "admin": 200}
NO_SUCH_SERVICE = "00000000-0000-4000-8000-000000000000"  # readers get 404, the others 403

PAGES: dict[str, Expectation] = {
    "core:home": Expectation("get", statuses={"anonymous": TO_LOGIN, **EVERYONE_SIGNED_IN}),
    "accounts:login": Expectation("get", statuses={role: 200 for role in ROLES}),
    "accounts:logout": Expectation("get", statuses=only({}, others=405)),
    "accounts:mfa_verify": Expectation("get", statuses=only({}, others=302)),
    "accounts:mfa_enrol": Expectation("get", statuses=only({}, others=302)),
    "accounts:account": Expectation("get", statuses={"anonymous": TO_LOGIN, **EVERYONE_SIGNED_IN}),
    "accounts:reauth": Expectation("get", statuses={"anonymous": TO_LOGIN, **EVERYONE_SIGNED_IN}),
    "accounts:users": Expectation("get", statuses=only({"admin": 200})),
    "accounts:user_unlock": Expectation("post", {"public_id": TARGET_USER}, only({"admin": 302})),
    "accounts:user_mfa_reset": Expectation(
        "post", {"public_id": TARGET_USER}, only({"admin": 302})
    ),
    "accounts:user_deactivate": Expectation(
        "post", {"public_id": TARGET_USER}, only({"admin": 302})
    ),
    "accounts:tokens": Expectation("get", statuses=only({"admin": 200})),
    "accounts:token_revoke": Expectation("post", {"public_id": TARGET_TOKEN}, only({"admin": 302})),
    "calls:list": Expectation("get", statuses=only(CALL_READERS)),
    "calls:detail": Expectation("get", {"public_id": TARGET_CALL}, only(CALL_READERS)),
    "triage:board": Expectation("get", statuses=only(TRIAGERS)),
    "triage:answer": Expectation(
        "post", {"public_id": TARGET_CALL}, only({"dispatcher": 302, "supervisor": 302})
    ),
    "triage:review": Expectation("get", statuses=only(TRIAGE_MANAGERS)),
    "triage:review_confirm": Expectation(
        "post", {"public_id": TARGET_REVIEW}, only({"supervisor": 302, "admin": 302})
    ),
    "triage:crosswalk": Expectation("get", statuses=only(TRIAGE_MANAGERS)),
    "triage:crosswalk_delete": Expectation(
        "post", {"pk": NO_SUCH_OVERRIDE}, only({"supervisor": 404, "admin": 404})
    ),
    "triage:report": Expectation("get", statuses=only({"supervisor": 200, "analyst": 200})),
    "analytics:dashboard": Expectation("get", statuses=only({"supervisor": 200, "analyst": 200})),
    "analytics:report": Expectation("get", statuses=only({"supervisor": 200, "analyst": 200})),
    "analytics:chart_csv": Expectation(
        "get", {"name": "referral_funnel"}, only({"supervisor": 200, "analyst": 200})
    ),
    "training:home": Expectation("get", statuses=only({"supervisor": 200, "admin": 200})),
    "training:session": Expectation(
        "get", {"public_id": NO_SUCH_SERVICE}, only({"supervisor": 404, "admin": 404})
    ),
    "training:session_import": Expectation(
        "post", {"public_id": NO_SUCH_SERVICE}, only({"supervisor": 404, "admin": 404})
    ),
    "training:coverage": Expectation("get", statuses=only({"supervisor": 200, "analyst": 200})),
    "training:mine": Expectation("get", statuses=only({"officer": 200})),
    "training:session_new": Expectation("get", statuses=only({"supervisor": 200, "admin": 200})),
    "training:course_new": Expectation("get", statuses=only({"supervisor": 200, "admin": 200})),
    "training:attendance_record": Expectation(
        "post", {"public_id": NO_SUCH_SERVICE}, only({"supervisor": 404, "admin": 404})
    ),
    "cases:caseload": Expectation("get", statuses=only(CASE_WORKERS)),
    "cases:reassign": Expectation("post", statuses=only({"supervisor": 400})),
    "cases:my_day": Expectation("get", statuses=only(CASE_WORKERS)),
    "cases:people": Expectation("get", statuses=only(CASE_WORKERS)),
    "cases:person_new": Expectation("get", statuses=only(CASE_WORKERS)),
    "cases:person": Expectation("get", {"public_id": TARGET_PERSON}, CASE_RECORD),
    "cases:person_edit": Expectation("get", {"public_id": TARGET_PERSON}, CASE_RECORD),
    "cases:new": Expectation("get", statuses=only(CASE_WORKERS)),
    "cases:detail": Expectation("get", {"public_id": TARGET_CASE}, CASE_RECORD),
    "cases:edit": Expectation("get", {"public_id": TARGET_CASE}, CASE_RECORD),
    "cases:status": Expectation("get", {"public_id": TARGET_CASE}, CASE_RECORD),
    "cases:encounter_new": Expectation("get", {"public_id": TARGET_CASE}, CASE_RECORD),
    "cases:note_new": Expectation("get", {"public_id": TARGET_CASE}, CASE_RECORD),
    "cases:assessment_new": Expectation("get", {"public_id": TARGET_CASE}, CASE_RECORD),
    "cases:safety_plan": Expectation("get", {"public_id": TARGET_CASE}, CASE_RECORD),
    "cases:task_new": Expectation("get", {"public_id": TARGET_CASE}, CASE_RECORD),
    "cases:note": Expectation("get", {"public_id": TARGET_NOTE}, CASE_RECORD),
    "cases:note_amend": Expectation("get", {"public_id": TARGET_NOTE}, CASE_RECORD),
    "cases:task_complete": Expectation(
        "post",
        {"public_id": TARGET_TASK},
        only({"social_worker": 302, "supervisor": 302}, others=404),
    ),
    "referrals:search": Expectation("get", statuses=only(DIRECTORY_READERS)),
    "referrals:service": Expectation(
        "get",
        {"service_id": NO_SUCH_SERVICE},
        only({"dispatcher": 404, "social_worker": 404, "supervisor": 404}),
    ),
    "referrals:manage": Expectation("get", statuses=only(DIRECTORY_MANAGERS)),
    "referrals:manage_service": Expectation(
        "post", statuses=only({"supervisor": 302, "admin": 302})
    ),
    "referrals:list": Expectation("get", statuses=only(CASE_WORKERS)),
    "referrals:new": Expectation("get", statuses=only(CASE_WORKERS)),
    "referrals:referral": Expectation("get", {"public_id": TARGET_REFERRAL}, CASE_RECORD),
    "referrals:send": Expectation("post", {"public_id": TARGET_REFERRAL}, CASE_EDITS),
    "referrals:transition": Expectation("post", {"public_id": TARGET_REFERRAL}, CASE_EDITS),
    "referrals:link": Expectation("post", {"public_id": TARGET_REFERRAL}, CASE_EDITS),
    "referrals:print": Expectation("get", {"public_id": TARGET_REFERRAL}, CASE_EDITS),
    "referrals:consents": Expectation("get", {"public_id": TARGET_PERSON}, CASE_RECORD),
    "referrals:disclosures": Expectation("get", {"public_id": TARGET_PERSON}, CASE_RECORD),
    "referrals:consent_stop": Expectation("post", {"public_id": TARGET_CONSENT}, CASE_EDITS),
    # A partner's page has no sign-in: a link without a valid signature is 404 for anyone.
    "referrals:partner": Expectation(
        "get",
        {"public_id": TARGET_REFERRAL, "token": "not-a-signature"},
        {role: 404 for role in ROLES},
    ),
    "notifications:list": Expectation(
        "get", statuses={"anonymous": TO_LOGIN, **EVERYONE_SIGNED_IN}
    ),
    "notifications:read_all": Expectation(
        "post", statuses={"anonymous": TO_LOGIN, **{r: 302 for r in EVERYONE_SIGNED_IN}}
    ),
    "notifications:open": Expectation(
        "get", {"pk": "999999"}, {"anonymous": TO_LOGIN, **{r: 302 for r in EVERYONE_SIGNED_IN}}
    ),
    "linkage:places": Expectation("get", statuses=only(CASE_WORKERS)),
    # No such place: 404 for those who may look, and (a record's page) for everyone else.
    "linkage:place": Expectation("get", statuses=only({}, others=404)),
    "linkage:trend": Expectation("get", statuses=only(CASE_WORKERS)),
    "linkage:people": Expectation("get", statuses=only(CASE_WORKERS)),
    "linkage:outreach": Expectation("get", statuses=only(CASE_WORKERS)),
    # No person given: 404 for those who may look, and (a record's page) for everyone else.
    "linkage:person": Expectation("get", statuses=only({}, others=404)),
    "linkage:outreach_start": Expectation(
        "post", statuses=only({"social_worker": 404, "supervisor": 404})
    ),
    "linkage:review": Expectation("get", statuses=only(CASE_WORKERS)),
    "linkage:decide": Expectation("post", {"pk": "999999"}, only({}, others=404)),
    "linkage:split": Expectation("post", statuses=only({}, others=404)),
    "plans:overview": Expectation("get", statuses=only(CASE_WORKERS)),
    "plans:plan_new": Expectation("get", {"person_id": TARGET_PERSON}, CASE_RECORD),
    "plans:plan": Expectation("get", {"public_id": NO_SUCH_SERVICE}, only({}, others=404)),
    "plans:plan_edit": Expectation("get", {"public_id": NO_SUCH_SERVICE}, only({}, others=404)),
    "plans:plan_decide": Expectation("post", {"public_id": NO_SUCH_SERVICE}, only({}, others=404)),
    "plans:note_new": Expectation("get", statuses=only(CASE_WORKERS)),
    "plans:photo": Expectation("get", {"public_id": NO_SUCH_SERVICE}, only({}, others=404)),
    "plans:photo_upload": Expectation("post", {"public_id": NO_SUCH_SERVICE}, only({}, others=404)),
    "plans:note_decide": Expectation("post", {"public_id": NO_SUCH_SERVICE}, only({}, others=404)),
    "plans:consults": Expectation(
        "get", statuses=only({"officer": 200, "social_worker": 200, "supervisor": 200})
    ),
    "plans:consult_new": Expectation("get", statuses=only({"officer": 200})),
    "plans:consult": Expectation("get", {"public_id": NO_SUCH_SERVICE}, only({}, others=404)),
    "conferences:list": Expectation("get", statuses=only(CASE_WORKERS)),
    "conferences:new": Expectation(
        "post", statuses=only({"social_worker": 302, "supervisor": 302})
    ),
    "conferences:detail": Expectation("get", {"public_id": NO_SUCH_SERVICE}, only({}, others=404)),
    "conferences:print": Expectation("get", {"public_id": NO_SUCH_SERVICE}, only({}, others=404)),
    "conferences:outreach": Expectation("get", statuses=only(CASE_WORKERS)),
    "conferences:partnerships": Expectation("get", statuses=only(CASE_WORKERS)),
    "audit:log": Expectation("get", statuses=only({"auditor": 200})),
    "audit:record_viewers": Expectation(
        "get", {"object_type": "user", "object_id": TARGET_USER}, only({"auditor": 200})
    ),
}

# API operations: path → method → statuses (anonymous gets 401, never a redirect).
API: dict[tuple[str, str], dict[str, int]] = {
    ("get", "/api/v1/me"): {"anonymous": 401, **EVERYONE_SIGNED_IN},
    ("get", "/api/v1/tokens"): only({"admin": 200}, anonymous=401),
    ("post", "/api/v1/tokens"): only({"admin": 400}, anonymous=401),
    ("delete", "/api/v1/tokens/{target_token}"): only({"admin": 400}, anonymous=401),
    ("get", "/api/v1/audit/events"): only({"auditor": 200}, anonymous=401),
    ("get", "/api/v1/openapi.json"): {role: 200 for role in ROLES},
    ("get", "/api/v1/calls"): only(CALL_READERS, anonymous=401),
    ("get", "/api/v1/calls/{target_call}"): only(CALL_READERS, anonymous=401),
    ("post", "/api/v1/calls"): only({"dispatcher": 200}, anonymous=401),
    ("post", "/api/v1/triage"): only(TRIAGERS, anonymous=401),
    ("get", "/api/v1/people"): only(CASE_WORKERS, anonymous=401),
    ("post", "/api/v1/people"): only({"social_worker": 201, "supervisor": 201}, anonymous=401),
    ("get", "/api/v1/people/{target_person}"): only(CASE_WORKERS, anonymous=401),
    ("get", "/api/v1/cases"): only(CASE_WORKERS, anonymous=401),
    ("get", "/api/v1/cases/{target_case}"): only(CASE_WORKERS, anonymous=401),
    ("get", "/api/v1/cases/{target_case}/notes"): only(CASE_WORKERS, anonymous=401),
    ("get", "/api/v1/cases/{target_case}/tasks"): only(CASE_WORKERS, anonymous=401),
    ("get", "/api/v1/partners"): only(DIRECTORY_READERS, anonymous=401),
    ("get", f"/api/v1/partners/{NO_SUCH_SERVICE}"): only(
        {"dispatcher": 404, "social_worker": 404, "supervisor": 404}, anonymous=401
    ),
    ("post", "/api/v1/partners/import"): only(DIRECTORY_MANAGERS, anonymous=401),
    ("get", "/api/v1/calls/{target_call}/briefing"): only(
        {"dispatcher": 200, "officer": 200, "social_worker": 200, "supervisor": 200},
        anonymous=401,
    ),
    ("get", "/api/v1/referrals"): only(CASE_WORKERS, anonymous=401),
    ("post", "/api/v1/referrals"): only({"social_worker": 201, "supervisor": 201}, anonymous=401),
    ("get", "/api/v1/referrals/{target_referral}"): only(CASE_WORKERS, anonymous=401),
    ("post", "/api/v1/referrals/{target_referral}/status"): only(
        {"social_worker": 422, "supervisor": 422}, anonymous=401
    ),
    ("post", "/api/v1/referrals/{target_referral}/send"): only(
        {"social_worker": 409, "supervisor": 409}, anonymous=401
    ),
    ("get", "/api/v1/consents?person={target_person}"): only(CASE_WORKERS, anonymous=401),
    ("post", "/api/v1/consents"): only({"social_worker": 201, "supervisor": 201}, anonymous=401),
    ("post", "/api/v1/consents/{target_consent}/stop"): only(
        {"social_worker": 200, "supervisor": 422}, anonymous=401
    ),
}

# A valid body for each API write, so that what is tested is the access decision.
API_BODIES: dict[str, dict[str, object]] = {
    "/api/v1/tokens": {"username": "target", "name": "feed", "scopes": ["me:read"]},
    "/api/v1/calls": {
        "source": "cad-feed",
        "calls": [{"event_number": "M-1", "received_at": "2025-05-01T10:00:00Z"}],
    },
    "/api/v1/triage": {"initial_type_text": "WELFARE CHECK", "priority": "3"},
    "/api/v1/people": {"first_name": "Sam", "last_name": "Doe"},
    "/api/v1/partners/import": {"services": []},
    "/api/v1/referrals": {
        "case": "{target_case}",
        "service_id": "{target_service}",
        "needs": ["housing"],
    },
    # A stale version: the access decision passes, then the edit is refused as a conflict.
    "/api/v1/referrals/{target_referral}/send": {"version": 99},
    "/api/v1/referrals/{target_referral}/status": {"version": 1, "status": "completed"},
    "/api/v1/consents": {
        "person": "{target_person}",
        "categories": ["behavioral_health"],
        "purposes": ["referral"],
        "recipient_class": "housing",
        "signed_on": "2026-01-05",
        "expires_on": "2027-01-05",
        "method": "written",
        "signed_by": "Ana Diaz",
    },
    # The first stop succeeds; afterwards the consent is already stopped (422).
    "/api/v1/consents/{target_consent}/stop": {"note": "She said so by phone."},
}
