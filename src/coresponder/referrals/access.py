"""Who may see and change referrals, consents and the disclosure ledger.

A referral belongs to a case and follows the case's reach (``view_cases`` to read it,
``edit_cases`` to change it). Consents and disclosures belong to a person, and follow the
rule for people: anyone of the agency who works cases may read them, and anyone who may write
case records may record a consent. Out of reach is "not found" (404).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from coresponder.access.principal import has_capability
from coresponder.access.roles import Capability
from coresponder.cases.access import cases_in_reach
from coresponder.referrals.models import Referral


def referrals_in_reach(
    user: Any, capability: Capability = Capability.VIEW_CASES
) -> QuerySet[Referral]:
    return Referral.objects.filter(
        agency_id=user.agency_id, case__in=cases_in_reach(user, capability)
    )


def can_edit(user: Any, referral: Referral) -> bool:
    return referrals_in_reach(user, Capability.EDIT_CASES).filter(pk=referral.pk).exists()


def require_person_read(user: Any, person: Any) -> None:
    if not has_capability(user, Capability.VIEW_CASES) or person.agency_id != user.agency_id:
        raise Http404


def require_person_edit(user: Any, person: Any) -> None:
    if not has_capability(user, Capability.EDIT_CASES) or person.agency_id != user.agency_id:
        raise Http404
