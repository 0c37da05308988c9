"""Finding people: each person's search keys are stored (name tokens, how they sound,
nicknames, prefixes, birth date and year); a query looks its keys up through an index, and
the engine ranks the candidates with the reasons for each match."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from coresponder.access.principal import has_capability
from coresponder.access.roles import Capability
from coresponder.audit.actions import AuditAction
from coresponder.audit.services import audit_record
from coresponder.cases.engine import people as engine
from coresponder.cases.models import Person, PersonSearchKey

CANDIDATES = 120  # the most people ranked for one query (best key overlap first)
RESULTS = 25


@dataclass(frozen=True)
class PersonMatch:
    person: Person
    score: float
    reasons: list[str]


def _aliases(person: Person) -> list[str]:
    """The other names a person is known by, the preferred name among them."""
    names = [alias.name for alias in person.aliases.all()]
    if person.preferred_name:
        names.append(f"{person.preferred_name} {person.last_name}".strip())
    return names


def person_keys(person: Person) -> set[str]:
    keys = set(engine.name_keys(person.first_name, person.last_name, aliases=_aliases(person)))
    return keys | engine.birth_keys(person.date_of_birth, person.birth_year)


def index_person(person: Person) -> None:
    """Store the person's search keys again (after a create or a change of names)."""
    PersonSearchKey.objects.filter(person=person).delete()
    PersonSearchKey.objects.bulk_create(
        PersonSearchKey(agency_id=person.agency_id, person=person, key=key[:64])
        for key in sorted(person_keys(person))
    )


def people_search(*, user: Any, query: str) -> list[PersonMatch]:
    """The user's agency's people matching ``query`` (names, aliases, date of birth), best
    first. Audited without the query itself (it may be a name)."""
    if not has_capability(user, Capability.VIEW_CASES):
        return []
    audit_record(actor=user, action=AuditAction.PEOPLE_SEARCHED, data={"length": len(query)})
    plan = engine.query_keys(query)
    keys = _lookup_keys(plan)
    if not keys:
        return []
    hits = list(
        PersonSearchKey.objects.filter(agency_id=user.agency_id, key__in=sorted(keys))
        .values("person_id")
        .annotate(hits=Count("id"))
        .order_by("-hits", "person_id")
        .values_list("person_id", "hits")[:CANDIDATES]
    )
    # People sharing under a third of the best candidate's keys (a common surname's sound alone)
    # would not rank above those found by more: they are not loaded or ranked.
    enough = max(1, hits[0][1] // 3) if hits else 0
    candidate_ids = [person_id for person_id, count in hits if count >= enough]
    people = {
        person.pk: person
        for person in Person.objects.filter(pk__in=candidate_ids).prefetch_related("aliases")
    }
    ranked = engine.rank(plan, [_candidate(person) for person in people.values()])
    return [
        PersonMatch(people[match.id], match.score, list(match.reasons))
        for match in ranked[:RESULTS]
    ]


def _lookup_keys(plan: engine.QueryPlan) -> frozenset[str]:
    """The keys candidates are looked up by. A birth year alone matches about one person in
    eighty: with a name it only ranks (the engine weighs it), without one it looks up."""
    if plan.name_tokens and not plan.birth_dates:
        return plan.keys
    return plan.all_keys


def _candidate(person: Person) -> engine.Candidate:
    return engine.Candidate(
        id=person.pk,
        first_name=person.first_name,
        last_name=person.last_name,
        aliases=tuple(_aliases(person)),
        date_of_birth=person.date_of_birth,
        birth_year=person.birth_year,
    )
