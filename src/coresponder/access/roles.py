"""Roles, capabilities and their scopes: the one place that says who may do what.

A capability is an action on a kind of record; the scope says how far it reaches inside the
user's agency: ``all`` records of the agency, the user's ``team`` records, or records
``assigned`` to the user. Nothing ever reaches across agencies, and superuser status grants
nothing here. ``docs/permissions.md`` shows this matrix; a test keeps the two equal.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    DISPATCHER = "dispatcher"
    OFFICER = "officer"
    SOCIAL_WORKER = "social_worker"
    SUPERVISOR = "supervisor"
    ANALYST = "analyst"
    AUDITOR = "auditor"
    ADMIN = "admin"


ROLE_LABELS: dict[Role, str] = {
    Role.DISPATCHER: "Dispatcher",
    Role.OFFICER: "Officer",
    Role.SOCIAL_WORKER: "Social worker",
    Role.SUPERVISOR: "Supervisor",
    Role.ANALYST: "Analyst",
    Role.AUDITOR: "Auditor",
    Role.ADMIN: "Administrator",
}


class Scope(StrEnum):
    ASSIGNED = "assigned"
    TEAM = "team"
    ALL = "all"


SCOPE_BREADTH = {Scope.ASSIGNED: 1, Scope.TEAM: 2, Scope.ALL: 3}


class Capability(StrEnum):
    """Stable capability codes; values are never renamed or reused."""

    VIEW_HOME = "view_home"
    MANAGE_OWN_ACCOUNT = "manage_own_account"
    VIEW_AUDIT_LOG = "view_audit_log"
    MANAGE_USERS = "manage_users"
    MANAGE_API_TOKENS = "manage_api_tokens"
    VIEW_CALLS = "view_calls"
    WRITE_CALLS = "write_calls"
    VIEW_CALL_NARRATIVE = "view_call_narrative"
    VIEW_CALL_PERSONS = "view_call_persons"
    VIEW_CASES = "view_cases"
    EDIT_CASES = "edit_cases"
    REASSIGN_CASES = "reassign_cases"
    VIEW_SAFETY_NOTES = "view_safety_notes"
    APPROVE_SAFETY_NOTES = "approve_safety_notes"
    VIEW_AGGREGATES = "view_aggregates"
    TRIAGE_CALLS = "triage_calls"
    MANAGE_TRIAGE = "manage_triage"
    VIEW_DIRECTORY = "view_directory"
    MANAGE_DIRECTORY = "manage_directory"
    VIEW_REPEAT_CALLS = "view_repeat_calls"
    ASK_CONSULTS = "ask_consults"
    ANSWER_CONSULTS = "answer_consults"
    MANAGE_TRAINING = "manage_training"
    VIEW_OWN_TRAINING = "view_own_training"
    REVIEW_PERSON_LINKS = "review_person_links"


CAPABILITY_DESCRIPTIONS: dict[Capability, str] = {
    Capability.VIEW_HOME: "See the home page and navigation.",
    Capability.MANAGE_OWN_ACCOUNT: "Enrol MFA, re-authenticate, see one's own roles.",
    Capability.VIEW_AUDIT_LOG: "Read the audit log and who viewed a record.",
    Capability.MANAGE_USERS: "Release locked accounts, reset MFA, deactivate users.",
    Capability.MANAGE_API_TOKENS: "Create, list and revoke API tokens for machines.",
    Capability.VIEW_CALLS: "Read calls for service (without narrative).",
    Capability.WRITE_CALLS: "Create and import calls for service.",
    Capability.VIEW_CALL_NARRATIVE: "Read call narratives (criminal-justice information).",
    Capability.VIEW_CALL_PERSONS: "Read the names, dates of birth and phones on a call.",
    Capability.VIEW_CASES: "Read social-work case records.",
    Capability.EDIT_CASES: "Write social-work case records.",
    Capability.REASSIGN_CASES: "Move cases between workers (with a reason).",
    Capability.VIEW_SAFETY_NOTES: "Read approved, current officer safety notes only.",
    Capability.APPROVE_SAFETY_NOTES: "Approve officer safety notes written by someone else.",
    Capability.VIEW_AGGREGATES: "Read aggregate reports with small cells suppressed.",
    Capability.TRIAGE_CALLS: "See triage recommendations as calls arrive; accept or override "
    "them with a reason.",
    Capability.MANAGE_TRIAGE: "Keep the agency's call-type crosswalk; confirm new call types.",
    Capability.VIEW_DIRECTORY: "Search the community-partner directory (services, hours, phones).",
    Capability.MANAGE_DIRECTORY: "Import, export and edit the community-partner directory.",
    Capability.VIEW_REPEAT_CALLS: "See the places (and people) that call most, their rolling "
    "call counts and the trend.",
    Capability.ASK_CONSULTS: "Ask the social-work team for advice; see one's own consults.",
    Capability.ANSWER_CONSULTS: "Answer officers' consults; make a case of one.",
    Capability.MANAGE_TRAINING: "Keep the officer roster, training courses, sessions and "
    "attendance (CSV import); see certificates expiring.",
    Capability.VIEW_OWN_TRAINING: "See one's own training: sessions, hours, certificates.",
    Capability.REVIEW_PERSON_LINKS: "Confirm or reject candidate links between person mentions "
    "across calls and case records; unmerge a confirmed link.",
}

_EVERYONE = {Capability.VIEW_HOME: Scope.ALL, Capability.MANAGE_OWN_ACCOUNT: Scope.ALL}

GRANTS: dict[Role, dict[Capability, Scope]] = {
    Role.DISPATCHER: {
        **_EVERYONE,
        Capability.VIEW_CALLS: Scope.ALL,
        Capability.VIEW_CALL_PERSONS: Scope.ALL,
        Capability.WRITE_CALLS: Scope.ALL,
        Capability.VIEW_CALL_NARRATIVE: Scope.ALL,
        Capability.VIEW_SAFETY_NOTES: Scope.ALL,
        Capability.TRIAGE_CALLS: Scope.ALL,
        Capability.VIEW_DIRECTORY: Scope.ALL,
    },
    Role.OFFICER: {
        **_EVERYONE,
        Capability.VIEW_CALLS: Scope.ALL,
        Capability.VIEW_CALL_PERSONS: Scope.ALL,
        Capability.VIEW_CALL_NARRATIVE: Scope.ALL,
        Capability.VIEW_SAFETY_NOTES: Scope.ALL,
        Capability.ASK_CONSULTS: Scope.ASSIGNED,
        Capability.VIEW_OWN_TRAINING: Scope.ASSIGNED,
    },
    Role.SOCIAL_WORKER: {
        **_EVERYONE,
        Capability.VIEW_CALLS: Scope.ALL,
        Capability.VIEW_CALL_PERSONS: Scope.ALL,
        Capability.VIEW_CASES: Scope.TEAM,
        Capability.EDIT_CASES: Scope.ASSIGNED,
        Capability.VIEW_SAFETY_NOTES: Scope.ALL,
        Capability.VIEW_DIRECTORY: Scope.ALL,
        Capability.VIEW_REPEAT_CALLS: Scope.ALL,
        Capability.ANSWER_CONSULTS: Scope.ALL,
        Capability.REVIEW_PERSON_LINKS: Scope.ALL,
    },
    Role.SUPERVISOR: {
        **_EVERYONE,
        Capability.VIEW_CALLS: Scope.ALL,
        Capability.VIEW_CALL_PERSONS: Scope.ALL,
        Capability.VIEW_CALL_NARRATIVE: Scope.ALL,
        Capability.VIEW_CASES: Scope.TEAM,
        Capability.EDIT_CASES: Scope.TEAM,
        Capability.REASSIGN_CASES: Scope.TEAM,
        Capability.VIEW_SAFETY_NOTES: Scope.ALL,
        Capability.APPROVE_SAFETY_NOTES: Scope.TEAM,
        Capability.VIEW_AGGREGATES: Scope.ALL,
        Capability.TRIAGE_CALLS: Scope.ALL,
        Capability.MANAGE_TRIAGE: Scope.ALL,
        Capability.VIEW_DIRECTORY: Scope.ALL,
        Capability.MANAGE_DIRECTORY: Scope.ALL,
        Capability.VIEW_REPEAT_CALLS: Scope.ALL,
        Capability.ANSWER_CONSULTS: Scope.ALL,
        Capability.MANAGE_TRAINING: Scope.ALL,
        Capability.REVIEW_PERSON_LINKS: Scope.ALL,
    },
    Role.ANALYST: {**_EVERYONE, Capability.VIEW_AGGREGATES: Scope.ALL},
    Role.AUDITOR: {**_EVERYONE, Capability.VIEW_AUDIT_LOG: Scope.ALL},
    Role.ADMIN: {
        **_EVERYONE,
        Capability.MANAGE_USERS: Scope.ALL,
        Capability.MANAGE_API_TOKENS: Scope.ALL,
        Capability.MANAGE_TRIAGE: Scope.ALL,
        Capability.MANAGE_DIRECTORY: Scope.ALL,
        Capability.MANAGE_TRAINING: Scope.ALL,
    },
}

# API token scopes: what a machine may do, on top of what its user's roles allow.
TOKEN_SCOPES: dict[str, str] = {
    "me:read": "Read the token's own identity and roles.",
    "audit:read": "Read audit events (the user must be an auditor).",
    "tokens:write": "Create and revoke API tokens (the user must be an admin).",
    "calls:read": "Read calls for service.",
    "calls:write": "Create and update calls for service (CAD feeds).",
    "triage:read": "Ask for triage recommendations (POST /api/v1/triage stores nothing).",
    "briefing:read": "Read the officer briefing for a call.",
    "cases:read": "Read people and case records (within the user's case scope).",
    "cases:write": "Create and change people and case records (within the user's case scope).",
    "partners:read": "Search and read the community-partner directory.",
    "partners:write": "Import into the community-partner directory (the user must manage it).",
    "referrals:read": "Read referrals (within the user's case scope).",
    "referrals:write": "Make, send and update referrals (within the user's case scope).",
    "consents:read": "Read people's consents (the user must work cases).",
    "consents:write": "Record and revoke consents (the user must write case records).",
}


def widest_scope(roles: set[Role], capability: Capability) -> tuple[Scope, Role] | None:
    """The broadest scope any of ``roles`` grants for ``capability``, and the role granting it."""
    best: tuple[Scope, Role] | None = None
    for role in sorted(roles):
        scope = GRANTS[role].get(capability)
        if scope and (best is None or SCOPE_BREADTH[scope] > SCOPE_BREADTH[best[0]]):
            best = (scope, role)
    return best


def permissions_matrix_markdown() -> str:
    """The capability × role table as it appears in docs/permissions.md."""
    roles = list(Role)
    lines = [
        "| capability | " + " | ".join(role.value for role in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for capability in Capability:
        cells = [GRANTS[role].get(capability, "—") for role in roles]
        lines.append(f"| `{capability.value}` | " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines)
