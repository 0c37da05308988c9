"""Who may see and change which case: the capability's scope, applied to case records.

``view_cases`` and ``edit_cases`` reach all of the agency's cases, the user's teams' cases, or
the cases assigned to the user (docs/permissions.md). A case out of reach is answered as if
it did not exist (404), never with a different error.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from coresponder.access.principal import scope_for, team_ids_of
from coresponder.access.roles import Capability, Scope
from coresponder.cases.models import Case, Sensitivity


def cases_in_reach(user: Any, capability: Capability = Capability.VIEW_CASES) -> QuerySet[Case]:
    """The agency's cases the user's roles reach for ``capability`` (none when no role does).
    The condition is worked out once per request (cached on the user object, like its roles):
    a case page asks it for seeing, editing and reassigning."""
    cached = getattr(user, "_coresponder_case_reach", None)
    if cached is None:
        cached = user._coresponder_case_reach = {}
    if capability not in cached:
        cached[capability] = _reach(user, capability)
    return Case.objects.filter(cached[capability])


def _reach(user: Any, capability: Capability) -> Q:
    agency = user.agency_id
    scope = scope_for(user, capability)
    if scope is None:
        return Q(pk__in=[])
    if scope is Scope.ALL:
        return Q(agency_id=agency)
    if scope is Scope.TEAM:
        # The agency is repeated inside each branch so that each can use its own index
        # (agency, team, …) or (agency, worker, …): a shared condition outside the OR stops
        # SQLite from doing so, and it would read every case of the agency.
        teams = team_ids_of(user, capability)
        in_teams = Q(agency_id=agency, team_id__in=teams)
        # Cases assigned to the user are in their teams but for rare moves: when none is
        # outside, the team condition alone (one index, read in order) says it all.
        mine = Q(agency_id=agency, assigned_to=user)
        if not Case.objects.filter(mine).exclude(team_id__in=teams).exists():
            return in_teams
        return in_teams | mine
    return Q(agency_id=agency, assigned_to=user)


def can_edit(user: Any, case: Case) -> bool:
    return cases_in_reach(user, Capability.EDIT_CASES).filter(pk=case.pk).exists()


def can_reassign(user: Any, case: Case) -> bool:
    return cases_in_reach(user, Capability.REASSIGN_CASES).filter(pk=case.pk).exists()


def require_edit(user: Any, case: Case) -> None:
    """Refuse (404) a change to a case the user may see but not change, or not see at all."""
    if not can_edit(user, case):
        raise Http404


# Notes and sensitivities: criminal-justice information needs its own capability on top of
# seeing the case; the others are for everyone who may see the case (42 CFR Part 2 notes are
# read under the same rule and each read of one is audited on its own).
def readable_sensitivities(user: Any) -> set[str]:
    from coresponder.access.principal import has_capability

    allowed = {Sensitivity.GENERAL, Sensitivity.BEHAVIOURAL_HEALTH, Sensitivity.SUBSTANCE_USE}
    if has_capability(user, Capability.VIEW_CALL_NARRATIVE):
        allowed.add(Sensitivity.CRIMINAL_JUSTICE)
    return {str(value) for value in allowed}
