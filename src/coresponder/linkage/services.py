"""Writes of the repeat-call domain: each call's location (``locate_calls``), the agency's
named places. Locations are derived data: recomputing them loses nothing."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from coresponder.audit.actions import AuditAction
from coresponder.audit.services import audit_record
from coresponder.calls.models import Call
from coresponder.linkage.engine.addresses import AliasTable, group_locations
from coresponder.linkage.models import CallLocation, LinkCandidate, PersonMention, PlaceAlias

CHUNK = 50_000  # calls read and written per round trip


@dataclass(frozen=True)
class LocateSummary:
    calls: int
    located: int
    locations: int
    merged_by_point: int
    seconds: float
    full: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "located": self.located,
            "locations": self.locations,
            "merged_by_point": self.merged_by_point,
            "seconds": round(self.seconds, 2),
            "full": self.full,
        }


def aliases_of(agency: Any) -> AliasTable:
    return AliasTable(dict(PlaceAlias.objects.filter(agency=agency).values_list("name", "address")))


def locate_calls(*, actor: Any, agency: Any, full: bool = False) -> LocateSummary:
    """Give each call of the agency its location. Without ``full``, only calls that have none
    yet, placed by what the stored locations already say (a key already placed keeps its
    location); with ``full``, every call again, from scratch (after an alias table change)."""
    started = time.perf_counter()
    calls = Call.objects.filter(agency=agency)
    if not full:
        calls = calls.filter(location__isnull=True)
    rows = list(
        calls.order_by("pk").values_list(
            "pk", "address_raw", "latitude", "longitude", "received_at"
        )
    )
    grouping = group_locations(
        [r[1] for r in rows], [r[2] for r in rows], [r[3] for r in rows], aliases=aliases_of(agency)
    )
    known = {} if full else _known_locations(agency)
    records = []
    for (pk, _, _, _, received_at), address, batch_location in zip(
        rows, grouping.addresses, grouping.locations, strict=True
    ):
        key = (address.block_key if address.parsed else "") or ""
        location = known.get(key, batch_location) if key else batch_location
        records.append(
            CallLocation(
                call_id=pk, agency=agency, received_at=received_at, key=key,
                location=location, kind=address.kind,
            )
        )  # fmt: skip
    with transaction.atomic():
        if full:
            CallLocation.objects.filter(agency=agency).delete()
        for chunk in _chunks(records):
            CallLocation.objects.bulk_create(chunk, batch_size=2_000)
        summary = LocateSummary(
            calls=len(rows),
            located=sum(1 for r in records if r.location),
            locations=len({r.location for r in records if r.location}),
            merged_by_point=grouping.merged_by_point,
            seconds=time.perf_counter() - started,
            full=full,
        )
        audit_record(
            actor=actor,
            action=AuditAction.LINKAGE_RUN,
            object_type="agency",
            object_id=agency.pk,
            agency_id=agency.pk,
            data={"what": "locations", **summary.as_dict()},
        )
    return summary


def _known_locations(agency: Any) -> dict[str, str]:
    pairs = (
        CallLocation.objects.filter(agency=agency).exclude(key="").values_list("key", "location")
    )
    return dict(pairs.distinct())


def _chunks(records: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(records), CHUNK):
        yield records[start : start + CHUNK]


def place_alias_set(*, actor: Any, agency: Any, name: str, address: str) -> PlaceAlias:
    """Name a place (a shelter's name as dispatchers type it) and the address it stands for.
    Existing calls take it on at the next full run."""
    name, address = " ".join(name.split()), " ".join(address.split())
    if not name or not address:
        raise ValueError("A named place needs its name and its address.")
    alias, _ = PlaceAlias.objects.update_or_create(
        agency=agency, name=name, defaults={"address": address}
    )
    audit_record(
        actor=actor,
        action=AuditAction.PLACE_ALIAS_SET,
        object_type="place_alias",
        object_id=alias.pk,
        data={"name": name},
    )
    return alias


# ---- People ---------------------------------------------------------------------------------

REVIEW_THRESHOLD = 0.80  # pairs from here up to the cluster threshold go to the review queue
CLUSTER_THRESHOLD = 0.95  # call mentions at or above it are one person without review


@dataclass(frozen=True)
class PeopleSummary:
    new_call_mentions: int
    case_mentions: int
    mentions: int
    people: int  # groups of call mentions the model formed on its own
    candidates_pending: int
    model_version: str
    model_source: str
    seconds: float
    incremental: bool  # only new mentions scored (against each other and the existing ones)
    scored_mentions: int = 0  # the mentions this run scored
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage

    def as_dict(self) -> dict[str, Any]:
        return {
            "new_call_mentions": self.new_call_mentions,
            "case_mentions": self.case_mentions,
            "mentions": self.mentions,
            "people": self.people,
            "candidates_pending": self.candidates_pending,
            "model_version": self.model_version,
            "model_source": self.model_source,
            "seconds": round(self.seconds, 2),
            "incremental": self.incremental,
            "scored_mentions": self.scored_mentions,
            # seconds per stage, as text (audit data is flat)
            "stages": [f"{name}: {value:.2f} s" for name, value in self.stages.items()],
        }


def extract_mentions(*, agency: Any) -> tuple[int, int]:
    """New mentions: each person named on a call that has none yet, and each person in the
    case records (kept up to date with the record). Returns (new call mentions, case ones)."""
    from coresponder.calls.models import CallPerson
    from coresponder.cases.models import ContactPoint, Person
    from coresponder.linkage.engine.person_review import split_name

    new = (
        CallPerson.objects.filter(call__agency=agency, mention__isnull=True)
        .select_related("call")
        .order_by("pk")
    )
    records = []
    for person in new.iterator(chunk_size=5_000):
        first, last = split_name(person.name)
        records.append(
            PersonMention(
                agency=agency, source=PersonMention.Source.CALL, call_person=person,
                call=person.call, first_name=first[:100], last_name=last[:100],
                dob=person.date_of_birth[:32], phone=person.phone[:40],
                address=person.call.address_raw[:200], received_at=person.call.received_at,
            )
        )  # fmt: skip
    for chunk in _chunks(records):
        PersonMention.objects.bulk_create(chunk, batch_size=2_000)
    # a case record's mention follows the record: written only when it changed (its cleaned
    # features emptied then, to be cleaned again at the next run)
    fields = ("first_name", "last_name", "dob", "phone", "address")
    current = {
        row[0]: row[1:]
        for row in PersonMention.objects.filter(person__agency=agency).values_list(
            "person_id", "pk", "agency_id", "source", *fields
        )
    }
    cases, created = 0, []
    for person in Person.objects.filter(agency=agency).prefetch_related("contacts"):
        phone = next(
            (c.value for c in person.contacts.all() if c.kind == ContactPoint.Kind.PHONE), ""
        )
        born = person.date_of_birth.isoformat() if person.date_of_birth else ""
        values = {
            "first_name": person.first_name, "last_name": person.last_name,
            "dob": born or (str(person.birth_year) if person.birth_year else ""),
            "phone": phone[:40], "address": (person.address or person.usual_location)[:200],
        }  # fmt: skip
        cases += 1
        known = current.get(person.pk)
        if known is None:
            created.append(
                PersonMention(person=person, agency=agency, source=PersonMention.Source.CASE,
                              **values)
            )  # fmt: skip
        elif known[1:] != (agency.pk, PersonMention.Source.CASE, *values.values()):
            PersonMention.objects.filter(pk=known[0]).update(
                agency=agency, source=PersonMention.Source.CASE, features="", **values
            )
    PersonMention.objects.bulk_create(created, batch_size=2_000)
    return len(records), cases


def model_path(agency: Any) -> Path:
    """Where the agency's person-linkage model is kept between runs (in the data directory)."""
    from django.conf import settings

    return Path(settings.DATA_DIR) / "linkage" / f"persons-model-agency-{agency.pk}.json"


def link_people(*, actor: Any, agency: Any, today: Any = None, full: bool = False) -> PeopleSummary:
    """Extract new mentions and link them with the person-linkage engine: call mentions at
    or above the cluster threshold are one person; pairs between the review and the cluster
    threshold, and any pair with a case record, wait for a person in the review queue.
    Decided pairs stay decided.

    Incremental once the agency has been linked and its model stored: only the new mentions
    are scored, against each other and against the existing ones, with the stored model; they
    join existing people, and existing mentions are never compared again. ``full`` (or no
    stored model) trains on and links every mention again, and stores the model."""
    import pandas as pd

    from coresponder.linkage.engine.person_review import score_pairs, sort_pairs
    from coresponder.linkage.engine.persons import PersonModel

    started = time.perf_counter()
    stages: dict[str, float] = {}
    clock = [started]

    def lap(name: str) -> None:
        now = time.perf_counter()
        stages[name] = stages.get(name, 0.0) + now - clock[0]
        clock[0] = now

    new_calls, cases = extract_mentions(agency=agency)
    lap("extract mentions")
    everyone = PersonMention.objects.filter(agency=agency)
    path = model_path(agency)
    model = None
    if not full and path.exists() and everyone.exclude(cluster_id="").exists():
        try:
            model = PersonModel.load(path)
        except ValueError:
            model = None  # a model of another schema: link everything again
    incremental = model is not None
    columns = ["pk", "source", "first_name", "last_name", "dob", "phone", "address"]
    fresh_rows = list(
        (everyone.filter(cluster_id="") if incremental else everyone)
        .order_by("pk")
        .values_list(*columns)
    )
    total = everyone.count() if incremental else len(fresh_rows)
    if not fresh_rows:
        summary = PeopleSummary(new_calls, cases, total, 0, 0, "", "none",
                                time.perf_counter() - started, incremental)  # fmt: skip
        _audit_people_run(actor, agency, summary)
        return summary

    def frame_of(selected: list[Any]) -> pd.DataFrame:
        frame = pd.DataFrame(selected, columns=columns)
        frame = frame.rename(columns={"pk": "unique_id"}).drop(columns="source")
        frame["unique_id"] = frame["unique_id"].astype(str)
        return frame

    # existing mentions are read as cleaned when first linked, never cleaned again (those
    # without current features, a changed case record say, are cleaned now and kept)
    existing, recleaned = (
        _existing_features(agency, everyone, today, frame_of) if incremental else (None, {})
    )
    lap("read existing features")
    result = score_pairs(
        frame_of(fresh_rows),
        threshold=REVIEW_THRESHOLD,
        today=today,
        existing_cleaned=existing,
        model=model,
    )
    stages.update({f"engine: {name}": value for name, value in result.timings.items()})
    lap("link (engine)")
    if not incremental:
        path.parent.mkdir(parents=True, exist_ok=True)
        result.model.save(path)
    scored = {
        (str(a), str(b)): (float(p), float(w))
        for a, b, p, w in result.pairs[
            ["unique_id_l", "unique_id_r", "match_probability", "match_weight"]
        ].itertuples(index=False)
    }
    fresh = {str(row[0]) for row in fresh_rows}
    in_pairs = {uid for pair in scored for uid in pair}
    source = {str(row[0]): row[1] for row in fresh_rows}
    source |= _sources(everyone, in_pairs - fresh)
    corroborated = result.corroborated()
    kept_apart = _kept_apart(agency)
    joined, review = sort_pairs(
        [(a, b, p) for (a, b), (p, _) in scored.items()],
        cluster_threshold=CLUSTER_THRESHOLD,
        review_threshold=REVIEW_THRESHOLD,
        # two call mentions, and more than a name and a place in common: a sparse mention
        # joined on its own could bridge two people into one (it waits for review instead);
        # nor a mention a person split off
        may_join_alone=lambda a, b: (
            source[a] == source[b] == PersonMention.Source.CALL
            and (a, b) in corroborated
            and not {a, b} & kept_apart
        ),
    )
    features = result.features if result.features is not None else pd.Series(dtype=object)
    with transaction.atomic():
        # the fresh mentions, those they were scored with and every mention of those ones'
        # groups (all of them on a full run): no other mention can change
        mentions = (
            _mentions_around(everyone, fresh | in_pairs)
            if incremental
            else {str(m.pk): m for m in everyone}
        )
        lap("read the mentions concerned")
        changed, refused = _place_in_groups(mentions, fresh, joined)
        review.extend(refused)  # sure to the model, but two dates of birth: a person decides
        for uid in fresh:
            mentions[uid].model_version = result.model_version
            mentions[uid].features = str(features.get(uid, ""))
        _save_groups(changed)
        _save_features(recleaned)
        lap("write groups")
        pending = _add_candidates(
            agency, review, scored, result, mentions, keep_pending=incremental
        )
        lap("review candidates")
        people = everyone.values("cluster_id").distinct().count()
        lap("count people")
        summary = PeopleSummary(
            new_call_mentions=new_calls,
            case_mentions=cases,
            mentions=total,
            people=people,
            candidates_pending=pending,
            model_version=result.model_version,
            model_source=result.model_source,
            seconds=time.perf_counter() - started,
            incremental=incremental,
            scored_mentions=len(fresh_rows),
            stages=stages,
        )
        _audit_people_run(actor, agency, summary)
    return summary


def _existing_features(
    agency: Any, everyone: Any, today: Any, frame_of: Any
) -> tuple[Any, dict[int, str]]:
    """The linked mentions' stored features, read in one pass over them as the engine reads
    them (one line per mention, the linkable ones of this version), and the features of
    those cleaned again now (none stored, or of another version: a changed case record say),
    to be written back."""
    from django.db import connection

    from coresponder.linkage.engine import person_cleaning

    version = person_cleaning.FEATURES_VERSION
    table = connection.ops.quote_name(PersonMention._meta.db_table)
    agg = "string_agg" if connection.vendor == "postgresql" else "group_concat"
    sql = (
        f"SELECT {agg}(CASE WHEN features LIKE %s THEN CAST(id AS TEXT) || '|' || features "  # noqa: S608 - our own table
        f"END, %s), {agg}(CASE WHEN features NOT LIKE %s THEN CAST(id AS TEXT) END, %s) "
        f"FROM {table} WHERE agency_id = %s AND cluster_id <> ''"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [f"{version}|1|%", "\n", f"{version}|%", ",", agency.pk])
        found = cursor.fetchone()
    stored, stale = (found[0] or "", found[1] or "") if found else ("", "")
    recleaned: dict[int, str] = {}
    if stale:
        ids = [int(pk) for pk in stale.split(",")]
        rows = []
        for chunk in _id_chunks(ids):
            rows += everyone.filter(pk__in=chunk).values_list(
                "pk", "source", "first_name", "last_name", "dob", "phone", "address"
            )
        cleaned, _ = person_cleaning.clean_mentions(frame_of(sorted(rows)), today=today)
        packed = person_cleaning.pack_features(cleaned)
        recleaned = {int(uid): str(line) for uid, line in packed.items()}
    lines = [stored, *(f"{uid}|{line}" for uid, line in recleaned.items())]
    return person_cleaning.read_features("\n".join(line for line in lines if line)), recleaned


def _sources(everyone: Any, ids: set[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for chunk in _id_chunks(ids):
        rows = everyone.filter(pk__in=chunk).values_list("pk", "source")
        out |= {str(pk): src for pk, src in rows}
    return out


def _id_chunks(ids: Any, size: int = 500) -> Iterator[list[Any]]:
    ordered = list(ids)
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


def _mentions_around(everyone: Any, ids: set[str]) -> dict[str, PersonMention]:
    """The mentions ``ids`` and every mention of their groups."""
    found: dict[str, PersonMention] = {}
    for chunk in _id_chunks(ids):
        found |= {str(m.pk): m for m in everyone.filter(pk__in=chunk)}
    groups = {m.cluster_id for m in found.values() if m.cluster_id}
    for chunk in _id_chunks(groups):
        found |= {str(m.pk): m for m in everyone.filter(cluster_id__in=chunk)}
    return found


def _save_features(recleaned: dict[int, str]) -> None:
    from django.db import connection

    table = connection.ops.quote_name(PersonMention._meta.db_table)
    sql = f"UPDATE {table} SET features = %s WHERE id = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(line, pk) for pk, line in recleaned.items()])


def _save_groups(changed: list[PersonMention]) -> None:
    """One parameterised UPDATE per mention (``bulk_update``'s CASE expressions cost more
    than the linking itself at a hundred thousand mentions)."""
    from django.db import connection

    table = connection.ops.quote_name(PersonMention._meta.db_table)
    sql = (
        f"UPDATE {table} SET cluster_id = %s, cluster_probability = %s, "  # noqa: S608
        "model_version = %s, features = %s WHERE id = %s"
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            sql,
            [
                (m.cluster_id, m.cluster_probability, m.model_version, m.features, m.pk)
                for m in changed
            ],
        )


def _audit_people_run(actor: Any, agency: Any, summary: PeopleSummary) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.LINKAGE_RUN,
        object_type="agency",
        object_id=agency.pk,
        agency_id=agency.pk,
        data={"what": "people", **summary.as_dict()},
    )


def _kept_apart(agency: Any) -> set[str]:
    """The mentions a person split off a group (few: read through a partial index)."""
    rows = PersonMention.objects.filter(agency=agency, kept_apart=True).values_list("pk")
    return {str(pk) for (pk,) in rows}


def _place_in_groups(
    mentions: dict[str, PersonMention], fresh: set[str], joined: list[tuple[str, str, float]]
) -> tuple[list[PersonMention], list[tuple[str, str, float]]]:
    """Give the fresh mentions their group: the pairs the model joins, over the fresh
    mentions and the groups the existing mentions are in (two existing groups a fresh mention
    joins become one, named by the smaller), strongest pair first and never two groups
    whose dates of birth differ. Returns the mentions changed and the pairs refused."""
    from coresponder.linkage.engine.person_review import constrained_components

    def node(uid: str) -> str:
        return uid if uid in fresh else f"group:{mentions[uid].cluster_id}"

    edges = [(node(a), node(b), p) for a, b, p in joined]
    nodes = set(fresh) | {n for a, b, _ in edges for n in (a, b)}
    roots, refused_edges = constrained_components(nodes, edges, _dates_of(mentions, nodes))
    refused_nodes = {(a, b) for a, b, _ in refused_edges}
    refused = [pair for pair, edge in zip(joined, edges, strict=True) if edge[:2] in refused_nodes]
    members: dict[str, list[str]] = {}
    for item, root in roots.items():
        members.setdefault(root, []).append(item)
    target: dict[str, str] = {}
    for items in members.values():
        groups = sorted((i[6:] for i in items if i.startswith("group:")), key=_group_order)
        name = groups[0] if groups else min((i for i in items), key=_group_order)
        for item in items:
            target[item] = name
    best: dict[str, float] = {}
    for a, b, p in set(joined) - set(refused):
        best[a], best[b] = max(best.get(a, 0.0), p), max(best.get(b, 0.0), p)
    changed = []
    for uid, mention in mentions.items():
        if uid in fresh:
            mention.cluster_id = target.get(uid, uid)
            mention.cluster_probability = best.get(uid)
            changed.append(mention)
            continue
        moved = target.get(f"group:{mention.cluster_id}", mention.cluster_id)
        if moved != mention.cluster_id or uid in best:
            mention.cluster_id = moved
            strongest = max(best.get(uid, 0.0), mention.cluster_probability or 0.0)
            mention.cluster_probability = strongest or None
            changed.append(mention)
    return changed, refused


def _dates_of(mentions: dict[str, PersonMention], nodes: set[str]) -> dict[str, set[str]]:
    """Each node's full dates of birth: a fresh mention's own, or every date in a group."""
    wanted_groups = {n[6:] for n in nodes if n.startswith("group:")}
    dates: dict[str, set[str]] = {}
    for uid, mention in mentions.items():
        if uid in nodes:
            key = uid
        elif mention.cluster_id in wanted_groups:
            key = f"group:{mention.cluster_id}"
        else:
            continue
        born, _ = _birth(mention.dob)
        if born is not None:
            dates.setdefault(key, set()).add(born.isoformat())
    return dates


def _group_order(value: str) -> tuple[int, str]:
    return (int(value), "") if value.isdigit() else (1 << 62, value)


def _add_candidates(
    agency: Any,
    review: list[tuple[str, str, float]],
    scored: dict[tuple[str, str], tuple[float, float]],
    result: Any,
    mentions: dict[str, PersonMention],
    *,
    keep_pending: bool,
) -> int:
    """One candidate per two people (the most probable pair: confirming it joins them),
    never for two already one person or a pair decided before. Returns how many wait."""
    from coresponder.linkage.engine.person_review import add_breakdown, field_evidence

    if not keep_pending:
        LinkCandidate.objects.filter(agency=agency, status=LinkCandidate.Status.PENDING).delete()
    known = set(LinkCandidate.objects.filter(agency=agency).values_list("left_id", "right_id"))
    people = _people_of(agency, {int(uid) for a, b, _ in review for uid in (a, b)}
                        | {uid for pair in known for uid in pair})  # fmt: skip
    seen = {frozenset((people[a], people[b])) for a, b in known}
    prior = {
        "field": "prior", "label": "Before comparing (the prior)", "left": "", "right": "",
        "verdict": "", "level": "", "weight": round(result.prior_weight, 2),
    }  # fmt: skip
    chosen = []
    for a, b, p in sorted(review, key=lambda pair: -pair[2]):
        left, right = sorted((int(a), int(b)))
        both = frozenset((people[left], people[right]))
        if (left, right) in known or len(both) == 1 or both in seen:
            continue
        seen.add(both)
        chosen.append((a, b, p, left, right))
    breakdown = result.breakdown({(a, b) for a, b, _, _, _ in chosen})
    fresh = []
    for a, b, p, left, right in chosen:
        lm, rm = mentions[str(left)], mentions[str(right)]
        evidence = field_evidence(_fields(lm), _fields(rm))
        fresh.append(
            LinkCandidate(
                agency=agency, left=lm, right=rm, match_probability=p,
                match_weight=scored.get((a, b), (p, 0.0))[1], model_version=result.model_version,
                evidence=[*add_breakdown(evidence, breakdown.get((a, b))), prior],
            )
        )  # fmt: skip
    LinkCandidate.objects.bulk_create(fresh, batch_size=2_000)
    return LinkCandidate.objects.filter(agency=agency, status=LinkCandidate.Status.PENDING).count()


def _people_of(agency: Any, ids: set[int]) -> dict[int, str]:
    """Each of these mentions' person, as ``selectors.people_groups`` has it (the groups the
    model formed, joined by the links a person confirmed), without reading every mention:
    only these mentions' groups and the confirmed links."""
    from coresponder.linkage.engine.person_review import components

    everyone = PersonMention.objects.filter(agency=agency)
    group: dict[int, str] = {}
    for chunk in _id_chunks(ids):
        group |= dict(everyone.filter(pk__in=chunk).values_list("pk", "cluster_id"))

    def node(pk: int, cluster: str) -> str:
        return f"group:{cluster}" if cluster else f"mention:{pk}"

    confirmed = LinkCandidate.objects.filter(
        agency=agency, status=LinkCandidate.Status.CONFIRMED
    ).values_list("left_id", "left__cluster_id", "right_id", "right__cluster_id")
    edges = [(node(a, ga), node(b, gb)) for a, ga, b, gb in confirmed]
    nodes = {node(pk, cluster) for pk, cluster in group.items()}
    roots = components(nodes | {n for edge in edges for n in edge}, edges)
    return {pk: roots[node(pk, cluster)] for pk, cluster in group.items()}


def _fields(mention: PersonMention) -> dict[str, str]:
    return {
        "first_name": mention.first_name, "last_name": mention.last_name, "dob": mention.dob,
        "phone": mention.phone, "address": mention.address,
    }  # fmt: skip


def _require_review(actor: Any, candidate: LinkCandidate, status: str) -> None:
    from django.http import Http404

    _require_reviewer(actor)
    if candidate.agency_id != actor.agency_id:
        raise Http404
    if candidate.status != status:
        raise LinkDecisionError(f"This link is {candidate.get_status_display().lower()} already.")


class LinkDecisionError(ValueError):
    """A decision that cannot be made (already decided, no reason given)."""


def _reason(reason: str) -> str:
    reason = " ".join(reason.split())[:500]
    if not reason:
        raise LinkDecisionError("Say why (a few words for the record).")
    return reason


def candidate_confirm(*, actor: Any, candidate: LinkCandidate, reason: str) -> LinkCandidate:
    """The two mentions are the same person. When one is a person in the case records and
    the other a call, that person's history gains the calls of the call mention's group."""
    from django.utils import timezone

    _require_review(actor, candidate, LinkCandidate.Status.PENDING)
    reason = _reason(reason)
    with transaction.atomic():
        candidate.status = LinkCandidate.Status.CONFIRMED
        candidate.decided_by, candidate.decided_at = actor, timezone.now()
        candidate.reason = reason
        candidate.added_person_calls = _join_history(actor, candidate)
        candidate.save()
        audit_record(
            actor=actor,
            action=AuditAction.LINK_CONFIRMED,
            object_type="link_candidate",
            object_id=candidate.pk,
            data={
                "probability": candidate.match_probability,
                "model_version": candidate.model_version,
                "calls_added_to_history": len(candidate.added_person_calls),
            },
        )
    return candidate


def _join_history(actor: Any, candidate: LinkCandidate) -> list[int]:
    from coresponder.cases.models import PersonCall
    from coresponder.cases.services import person_link_call
    from coresponder.linkage.selectors import people_groups

    left, right = candidate.left, candidate.right
    case_side = next((m for m in (left, right) if m.source == PersonMention.Source.CASE), None)
    call_side = next((m for m in (left, right) if m.source == PersonMention.Source.CALL), None)
    if case_side is None or call_side is None or case_side.person is None:
        return []
    groups = people_groups(candidate.agency_id)
    group = groups.get(call_side.pk)
    call_ids = {
        m.call_id
        for m in PersonMention.objects.filter(pk__in=[k for k, g in groups.items() if g == group])
        if m.call_id and m.source == PersonMention.Source.CALL
    }
    already = set(
        PersonCall.objects.filter(person=case_side.person).values_list("call_id", flat=True)
    )
    added = []
    for call in Call.objects.filter(pk__in=call_ids - already).order_by("received_at"):
        link = person_link_call(actor=actor, person=case_side.person, call=call, role="linked")
        added.append(link.pk)
    return added


def candidate_reject(*, actor: Any, candidate: LinkCandidate, reason: str) -> LinkCandidate:
    """Not the same person: the pair is never offered again."""
    from django.utils import timezone

    _require_review(actor, candidate, LinkCandidate.Status.PENDING)
    reason = _reason(reason)
    candidate.status = LinkCandidate.Status.REJECTED
    candidate.decided_by, candidate.decided_at = actor, timezone.now()
    candidate.reason = reason
    with transaction.atomic():
        candidate.save()
        audit_record(
            actor=actor,
            action=AuditAction.LINK_REJECTED,
            object_type="link_candidate",
            object_id=candidate.pk,
            data={"probability": candidate.match_probability},
        )
    return candidate


def candidate_unmerge(*, actor: Any, candidate: LinkCandidate, reason: str) -> LinkCandidate:
    """Take back a confirmed link: the two mentions are apart again and the calls confirming
    added to a person's history are removed from it (links made another way stay)."""
    from django.utils import timezone

    from coresponder.cases.models import PersonCall

    _require_review(actor, candidate, LinkCandidate.Status.CONFIRMED)
    reason = _reason(reason)
    with transaction.atomic():
        removed, _ = PersonCall.objects.filter(pk__in=candidate.added_person_calls).delete()
        candidate.status = LinkCandidate.Status.UNMERGED
        candidate.decided_by, candidate.decided_at = actor, timezone.now()
        candidate.reason = reason
        candidate.added_person_calls = []
        candidate.save()
        audit_record(
            actor=actor,
            action=AuditAction.PERSONS_UNMERGED,
            object_type="link_candidate",
            object_id=candidate.pk,
            data={"calls_removed_from_history": removed},
        )
    return candidate


def mentions_split(
    *, actor: Any, key: int, mention_ids: list[int], reason: str
) -> list[LinkCandidate]:
    """Take call mentions out of the group the model made of them (person ``key``): a person
    who sees that the model joined two people. Each mention stands alone from then on and
    never joins a group on its own again (its pairs wait for review). The split is kept as a
    rejected link between the mention and the group's first other mention, so the two are
    never offered again, and it can be undone (``split_undo``)."""
    from django.utils import timezone

    from coresponder.linkage.selectors import group_mentions, splittable

    _require_reviewer(actor)
    reason = _reason(reason)
    group = {m.pk: m for m in group_mentions(actor.agency_id, key)}
    chosen = sorted(set(mention_ids))
    if not chosen or any(pk not in group for pk in chosen):
        raise LinkDecisionError("Choose mentions of this person to split off.")
    if not set(chosen) <= splittable(list(group.values())):
        raise LinkDecisionError(
            "Only mentions the model grouped on its own can be split off; a link a person "
            "confirmed is taken back with Unmerge in the review queue."
        )
    staying = [pk for pk in sorted(group) if pk not in chosen]
    if not staying:
        raise LinkDecisionError("Leave at least one mention with this person.")
    now, splits = timezone.now(), []
    with transaction.atomic():
        for pk in chosen:
            splits.append(_split_one(actor, group[pk], group[staying[0]], reason, now))
    return splits


def _split_one(
    actor: Any, mention: PersonMention, anchor: PersonMention, reason: str, now: Any
) -> LinkCandidate:
    left, right = sorted((mention, anchor), key=lambda m: m.pk)
    candidate, _ = LinkCandidate.objects.update_or_create(
        left=left, right=right,
        defaults={
            "agency_id": actor.agency_id, "status": LinkCandidate.Status.REJECTED,
            "split": True, "match_probability": mention.cluster_probability,
            "model_version": mention.model_version, "decided_by": actor,
            "decided_at": now, "reason": reason,
        },
    )  # fmt: skip
    mention.cluster_id, mention.cluster_probability = str(mention.pk), None
    mention.kept_apart = True
    mention.save(update_fields=["cluster_id", "cluster_probability", "kept_apart"])
    audit_record(
        actor=actor, action=AuditAction.PERSON_SPLIT, object_type="person_mention",
        object_id=mention.pk, data={"from_group_of": anchor.pk, "link_candidate": candidate.pk},
    )  # fmt: skip
    return candidate


def split_undo(*, actor: Any, candidate: LinkCandidate, reason: str) -> LinkCandidate:
    """Undo a split: the mention is with the person again (the link confirmed) and may join
    groups on its own again at the next run."""
    from django.utils import timezone

    _require_review(actor, candidate, LinkCandidate.Status.REJECTED)
    if not candidate.split:
        raise LinkDecisionError("This link was rejected in review, not split: it stays so.")
    reason = _reason(reason)
    with transaction.atomic():
        candidate.status = LinkCandidate.Status.CONFIRMED
        candidate.decided_by, candidate.decided_at = actor, timezone.now()
        candidate.reason = reason
        candidate.save()
        PersonMention.objects.filter(pk__in=[candidate.left_id, candidate.right_id]).update(
            kept_apart=False
        )
        audit_record(
            actor=actor, action=AuditAction.PERSON_SPLIT_UNDONE, object_type="link_candidate",
            object_id=candidate.pk,
        )  # fmt: skip
    return candidate


def _require_reviewer(actor: Any) -> None:
    from django.http import Http404

    from coresponder.access.principal import has_capability
    from coresponder.access.roles import Capability

    if not has_capability(actor, Capability.REVIEW_PERSON_LINKS):
        raise Http404


def outreach_start(*, actor: Any, key: int) -> Any:
    """Open an outreach case for a frequent caller not on a caseload: a person in the case
    records from the group's most complete mention, a case with source "outreach", and the
    group's calls in the person's history."""
    from django.http import Http404

    from coresponder.cases.models import Case, ContactPoint
    from coresponder.cases.services import case_open, person_create, person_link_call
    from coresponder.linkage.selectors import group_mentions, on_caseload

    mentions = group_mentions(actor.agency_id, key)
    if not mentions:
        raise Http404
    if on_caseload(mentions):
        raise LinkDecisionError("This person is on a caseload already.")
    best = best_mention(mentions)
    born, year = _birth(best.dob)
    with transaction.atomic():
        person = person_create(
            actor=actor,
            first_name=best.first_name.title()[:100],
            last_name=best.last_name.title()[:100],
            date_of_birth=born,
            birth_year=year,
            address=best.address[:200],
            contacts=[(ContactPoint.Kind.PHONE, best.phone)] if best.phone else [],
        )
        case = case_open(actor=actor, person=person, source=Case.Source.OUTREACH)
        calls = Call.objects.filter(pk__in={m.call_id for m in mentions if m.call_id})
        for call in calls.order_by("received_at"):
            person_link_call(actor=actor, person=person, call=call, role="linked")
        mention = PersonMention.objects.create(
            agency_id=actor.agency_id, source=PersonMention.Source.CASE, person=person,
            first_name=person.first_name, last_name=person.last_name, dob=best.dob,
            phone=best.phone, address=best.address, cluster_id=best.cluster_id,
        )  # fmt: skip
        from django.utils import timezone

        LinkCandidate.objects.create(
            agency_id=actor.agency_id, left=best, right=mention, status="confirmed",
            evidence=[], decided_by=actor, decided_at=timezone.now(),
            reason="Outreach started from this person's calls.",
        )  # fmt: skip
        audit_record(
            actor=actor,
            action=AuditAction.OUTREACH_STARTED,
            object_type="case",
            object_id=case.public_id,
            data={"calls": calls.count(), "mentions": len(mentions)},
        )
    return case


def best_mention(mentions: list[PersonMention]) -> PersonMention:
    """The most complete call mention (both names, a date of birth, a phone), latest first."""

    def score(m: PersonMention) -> tuple[int, Any]:
        filled = sum(bool(v) for v in (m.first_name, m.last_name, m.dob, m.phone, m.address))
        return filled, m.received_at or m.pk

    calls = [m for m in mentions if m.source == PersonMention.Source.CALL] or mentions
    return max(calls, key=score)


def _birth(text: str) -> tuple[Any, int | None]:
    from datetime import date

    from coresponder.linkage.engine.person_cleaning import _dob

    if not text:
        return None, None
    full, year, _, _, _ = _dob(text, date.today())
    if full:
        return date.fromisoformat(full), None
    return None, int(year) if year else None
