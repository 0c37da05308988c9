"""Reads of the repeat-call domain, always within the user's agency and audited: the places
that call most under the frequent-caller rule, one place's history, and the trend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from coresponder.audit.actions import AuditAction
from coresponder.audit.services import audit_record
from coresponder.calls.models import Call, CallUnit
from coresponder.linkage.engine.repeat import HALF_YEAR_DAYS, FrequentRule
from coresponder.linkage.models import CallLocation
from coresponder.triage.models import TriageDecision


def frequent_rule() -> FrequentRule:
    return FrequentRule(
        min_year=settings.FREQUENT_CALLS_12_MONTHS, min_half_year=settings.FREQUENT_CALLS_6_MONTHS
    )


def as_of(agency_id: int) -> datetime:
    """The moment the rolling windows end: now, or the latest call when the calls stop
    earlier (a year's export loaded for a study or a demo would otherwise look empty)."""
    now = timezone.now()
    latest = CallLocation.objects.filter(agency_id=agency_id).aggregate(m=Max("received_at"))["m"]
    return min(now, latest) if latest else now


def _since(now: datetime, days: int) -> datetime:
    return now - timedelta(days=days)


def _window_counts(rows: QuerySet[CallLocation], now: datetime) -> QuerySet[Any]:
    """Per location: calls in each rolling window, behavioural-health calls, the last call."""
    return (
        rows.filter(received_at__gt=_since(now, 365), received_at__lte=now)
        .exclude(location="")
        .values("location")
        .annotate(
            days_365=Count("pk"),
            days_180=Count("pk", filter=Q(received_at__gt=_since(now, 180))),
            days_90=Count("pk", filter=Q(received_at__gt=_since(now, 90))),
            half_year=Count("pk", filter=Q(received_at__gt=_since(now, HALF_YEAR_DAYS))),
            behavioural_health=Count("pk", filter=Q(call__triage__behavioural_health=True)),
            last_call=Max("received_at"),
        )
    )


def _frequent(rows: QuerySet[Any], rule: FrequentRule) -> QuerySet[Any]:
    return rows.filter(Q(days_365__gte=rule.min_year) | Q(half_year__gte=rule.min_half_year))


@dataclass(frozen=True)
class PlaceFilters:
    kind: str = ""  # address, block, intersection, place; "" for every kind
    min_bh_share: float = 0.0  # 0.5: places where half the calls or more are behavioural health


def frequent_places(
    *, agency_id: int, actor: Any, filters: PlaceFilters, now: datetime | None = None
) -> list[dict[str, Any]]:
    """The agency's places that meet the frequent-caller rule, most calls in 12 months first,
    each with its windows, behavioural-health share, last call and the reasons it is listed."""
    now = now or as_of(agency_id)
    rule = frequent_rule()
    audit_record(
        actor=actor,
        action=AuditAction.REPEAT_PLACES_LISTED,
        agency_id=agency_id,
        data={"rule": rule.describe(), "kind": filters.kind, "min_bh_share": filters.min_bh_share},
    )
    rows = CallLocation.objects.filter(agency_id=agency_id)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    places = []
    for row in _frequent(_window_counts(rows, now), rule).order_by("-days_365", "location"):
        share = row["behavioural_health"] / row["days_365"] if row["days_365"] else 0.0
        if share < filters.min_bh_share:
            continue
        row["bh_share"] = share
        row["reasons"] = rule.reasons(year=row["days_365"], half_year=row["half_year"])
        places.append(row)
    return places


@dataclass(frozen=True)
class PlaceHistory:
    location: str
    counts: dict[str, Any]
    reasons: list[str]
    police_unit_hours: float
    months: list[tuple[datetime, int, int]]  # month, calls, behavioural-health calls
    calls: list[Call]
    keys: list[tuple[str, int]]  # the keys (ways of writing it) folded into this place


def place_history(*, user: Any, location: str, now: datetime | None = None) -> PlaceHistory:
    now = now or as_of(user.agency_id)
    rows = CallLocation.objects.filter(agency_id=user.agency_id, location=location)
    if not location or not rows.exists():
        raise Http404
    audit_record(
        actor=user,
        action=AuditAction.REPEAT_PLACE_VIEWED,
        object_type="location",
        object_id=location[:150],
    )
    counts = _window_counts(rows, now).order_by("location").first() or {
        "days_365": 0, "days_180": 0, "days_90": 0, "half_year": 0, "behavioural_health": 0,
        "last_call": None,
    }  # fmt: skip
    year = rows.filter(received_at__gt=_since(now, 365))
    return PlaceHistory(
        location=location,
        counts=counts,
        reasons=frequent_rule().reasons(year=counts["days_365"], half_year=counts["half_year"]),
        police_unit_hours=police_unit_hours(Call.objects.filter(location__in=year)),
        months=_months(year),
        calls=list(
            Call.objects.filter(location__in=rows)
            .select_related("triage")
            .order_by("-received_at")[:100]
        ),
        keys=list(rows.values_list("key").annotate(n=Count("pk")).order_by("-n")[:20]),
    )


_BUSY = ExpressionWrapper(F("cleared_at") - F("dispatched_at"), output_field=DurationField())


def _police_units(calls: Any) -> QuerySet[CallUnit]:
    """Police units on these calls with a dispatch and a clear time, cleared after dispatch."""
    return (
        CallUnit.objects.filter(call__in=calls, unit_type="police")
        .exclude(dispatched_at=None)
        .exclude(cleared_at=None)
        .filter(cleared_at__gte=F("dispatched_at"))
    )


def police_unit_hours(calls: QuerySet[Call]) -> float:
    """Hours police units spent on these calls: from dispatch to clear, for units of type
    police with both times."""
    total = _police_units(calls).aggregate(total=Sum(_BUSY))["total"]
    return total.total_seconds() / 3600 if total else 0.0


def police_hours_by_call(call_ids: list[int]) -> dict[int, float]:
    """The same hours, per call (read in chunks: a list may name thousands of calls)."""
    hours: dict[int, float] = {}
    for start in range(0, len(call_ids), 5_000):
        rows = (
            _police_units(call_ids[start : start + 5_000])
            .values("call_id")
            .annotate(total=Sum(_BUSY))
            .values_list("call_id", "total")
        )
        hours.update({call: total.total_seconds() / 3600 for call, total in rows if total})
    return hours


def _months(rows: QuerySet[CallLocation]) -> list[tuple[datetime, int, int]]:
    monthly = (
        rows.annotate(month=TruncMonth("received_at"))
        .values("month")
        .annotate(
            calls=Count("pk"), bh=Count("pk", filter=Q(call__triage__behavioural_health=True))
        )
        .order_by("month")
    )
    return [(m["month"], m["calls"], m["bh"]) for m in monthly]


@dataclass(frozen=True)
class TrendMonth:
    month_end: datetime
    frequent_places: int
    calls_at_frequent_places: int  # in the 12 months to the month's end
    calls: int  # all located calls in those 12 months


def repeat_trend(*, user: Any, months: int = 12, now: datetime | None = None) -> list[TrendMonth]:
    """For each of the last ``months`` month ends: how many places met the rule then, and
    what share of the year's calls came from them (falling is the program working)."""
    now = now or as_of(user.agency_id)
    audit_record(actor=user, action=AuditAction.REPEAT_TREND_VIEWED, data={"months": months})
    rule = frequent_rule()
    rows = CallLocation.objects.filter(agency_id=user.agency_id)
    out = []
    first_of_month = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    for back in range(months - 1, -1, -1):
        end = _months_before(first_of_month, back) if back else now
        frequent = list(
            _frequent(_window_counts(rows, end), rule).values_list("days_365", flat=True)
        )
        total = rows.filter(received_at__gt=_since(end, 365), received_at__lte=end).count()
        out.append(TrendMonth(end, len(frequent), sum(frequent), total))
    return out


def _months_before(first_of_month: datetime, count: int) -> datetime:
    year, month = first_of_month.year, first_of_month.month - count
    while month <= 0:
        year, month = year - 1, month + 12
    return first_of_month.replace(year=year, month=month)


# ---- People ---------------------------------------------------------------------------------


def people_groups(agency_id: int) -> dict[int, int]:
    """Each mention's person: the groups the model formed on its own, joined by the links a
    person confirmed. The person is named by its smallest mention id."""
    from coresponder.linkage.engine.person_review import components
    from coresponder.linkage.models import LinkCandidate, PersonMention

    rows = list(PersonMention.objects.filter(agency_id=agency_id).values_list("pk", "cluster_id"))
    first: dict[str, str] = {}
    pairs = []
    for pk, cluster in rows:
        if cluster:
            if cluster in first:
                pairs.append((first[cluster], str(pk)))
            else:
                first[cluster] = str(pk)
    confirmed = LinkCandidate.objects.filter(
        agency_id=agency_id, status=LinkCandidate.Status.CONFIRMED
    ).values_list("left_id", "right_id")
    pairs.extend((str(a), str(b)) for a, b in confirmed)
    groups = components([str(pk) for pk, _ in rows], pairs)
    return {int(k): int(v) for k, v in groups.items()}


def group_mentions(agency_id: int, key: int) -> list[Any]:
    from coresponder.linkage.models import PersonMention

    groups = people_groups(agency_id)
    if groups.get(key) != key:
        return []
    members = [pk for pk, group in groups.items() if group == key]
    return list(PersonMention.objects.filter(pk__in=members).select_related("person"))


def on_caseload(mentions: list[Any]) -> Any | None:
    """The person in the case records with an open case among these mentions, if any."""
    from coresponder.cases.models import Case

    people = [m.person_id for m in mentions if m.person_id]
    case = (
        Case.objects.filter(person_id__in=people)
        .exclude(status=Case.Status.CLOSED)
        .select_related("person")
        .first()
    )
    return case


def people_as_of(agency_id: int) -> datetime:
    from coresponder.linkage.models import PersonMention

    now = timezone.now()
    latest = PersonMention.objects.filter(agency_id=agency_id).aggregate(m=Max("received_at"))["m"]
    return min(now, latest) if latest else now


def _candidate_groups(agency_id: int, rule: FrequentRule) -> dict[int, list[int]]:
    """Each person's mention ids, for the people with at least as many mentions as the rule's
    smaller count: no one with fewer can meet it, so only theirs are read."""
    members: dict[int, list[int]] = {}
    for pk, owner in people_groups(agency_id).items():
        members.setdefault(owner, []).append(pk)
    fewest = min(rule.min_half_year, rule.min_year)
    return {key: pks for key, pks in members.items() if len(pks) >= fewest}


def _mentions_by_id(pks: list[int]) -> dict[int, Any]:
    from coresponder.linkage.models import PersonMention

    mentions: dict[int, Any] = {}
    for start in range(0, len(pks), 5_000):
        # The mention's own columns and its person; not the call (a wide row with the source
        # row and narrative): its time is copied on the mention, its triage flag read apart.
        chunk = PersonMention.objects.filter(pk__in=pks[start : start + 5_000])
        mentions.update({m.pk: m for m in chunk.select_related("person")})
    return mentions


def _behavioural_calls(call_ids: list[int]) -> set[int]:
    behavioural: set[int] = set()
    for start in range(0, len(call_ids), 5_000):
        behavioural.update(
            TriageDecision.objects.filter(
                call_id__in=call_ids[start : start + 5_000], behavioural_health=True
            ).values_list("call_id", flat=True)
        )
    return behavioural


def _calls_of(group: list[Any]) -> dict[int, datetime]:
    """A person's calls (one entry per call, however many times the call names them)."""
    return {m.call_id: m.received_at for m in group if m.call_id and m.received_at}


def _year_hours(calls: dict[int, datetime], hours: dict[int, float], now: datetime) -> float:
    start = _since(now, 365)
    return sum(hours.get(call, 0.0) for call, at in calls.items() if start < at <= now)


def frequent_people(
    *, agency_id: int, actor: Any, outreach: bool = False, now: datetime | None = None
) -> list[dict[str, Any]]:
    """The people (groups of mentions) who meet the frequent-caller rule, most calls in 12
    months first: windows, behavioural-health share, police unit-hours in 12 months, last
    call, names as written, whether on a caseload, why listed. With ``outreach``, only those
    not on a caseload."""
    from coresponder.cases.models import Case
    from coresponder.linkage.engine.repeat import count_windows

    now = now or people_as_of(agency_id)
    rule = frequent_rule()
    audit_record(
        actor=actor,
        action=AuditAction.OUTREACH_LIST_VIEWED if outreach else AuditAction.REPEAT_PEOPLE_LISTED,
        agency_id=agency_id,
        data={"rule": rule.describe()},
    )
    members = _candidate_groups(agency_id, rule)
    mentions = _mentions_by_id([pk for pks in members.values() for pk in pks])
    call_ids = sorted({m.call_id for m in mentions.values() if m.call_id})
    behavioural = _behavioural_calls(call_ids)
    open_people = set(
        Case.objects.filter(agency_id=agency_id)
        .exclude(status=Case.Status.CLOSED)
        .values_list("person_id", flat=True)
    )
    people: list[dict[str, Any]] = []
    for key, pks in members.items():
        group = [mentions[pk] for pk in pks]
        calls = _calls_of(group)
        counts = count_windows(list(calls.values()), [c in behavioural for c in calls], now=now)
        if not rule.is_frequent(year=counts.days_365, half_year=counts.half_year):
            continue
        caseload = next((m.person for m in group if m.person_id in open_people), None)
        if not (outreach and caseload is not None):
            people.append(_person_row(key, group, calls, counts, caseload, rule))
    # police hours only for the people listed: one grouped query over their calls
    hours = police_hours_by_call(sorted({c for p in people for c in p["calls"]}))
    for person in people:
        person["police_unit_hours"] = _year_hours(person.pop("calls"), hours, now)
    people.sort(key=lambda p: (-int(p["days_365"]), str(p["name"])))
    return people


def _person_row(
    key: int, group: list[Any], calls: dict[int, datetime], counts: Any, caseload: Any,
    rule: FrequentRule,
) -> dict[str, Any]:  # fmt: skip
    from coresponder.linkage.services import best_mention

    best = best_mention(group)
    return {
        "key": key, "name": best.name, "dob": best.dob, "counts": counts,
        "days_365": counts.days_365, "bh_share": counts.behavioural_health_share,
        "calls": calls, "names": sorted({m.name for m in group if m.name}),
        "mentions": len(group), "on_caseload": caseload,
        "reasons": rule.reasons(year=counts.days_365, half_year=counts.half_year),
    }  # fmt: skip


@dataclass(frozen=True)
class PersonHistory:
    key: int
    mentions: list[Any]
    calls: list[Call]
    case: Any | None
    candidates: list[Any]
    counts: Any  # engine.repeat.Counts over the rolling windows
    reasons: list[str]  # why the person meets the frequent-caller rule (empty: does not)
    police_unit_hours: float  # in the 12 months
    months: list[tuple[datetime, int, int]]  # month, calls, behavioural-health calls
    name: str  # from the most complete mention


def person_history(*, user: Any, key: int, now: datetime | None = None) -> PersonHistory:
    from coresponder.linkage.engine.repeat import count_windows
    from coresponder.linkage.models import LinkCandidate
    from coresponder.linkage.services import best_mention

    mentions = group_mentions(user.agency_id, key)
    if not mentions:
        raise Http404
    audit_record(
        actor=user, action=AuditAction.REPEAT_PERSON_VIEWED, object_type="person_group",
        object_id=key, data={"mentions": len(mentions)},
    )  # fmt: skip
    now = now or people_as_of(user.agency_id)
    pks = [m.pk for m in mentions]
    calls_at = _calls_of(mentions)
    behavioural = _behavioural_calls(sorted(calls_at))
    counts = count_windows(list(calls_at.values()), [c in behavioural for c in calls_at], now=now)
    calls = list(
        Call.objects.filter(pk__in=calls_at).select_related("triage").order_by("-received_at")[:100]
    )
    candidates = list(
        LinkCandidate.objects.filter(Q(left_id__in=pks) | Q(right_id__in=pks))
        .select_related("left", "right", "decided_by")
        .order_by("-created_at")
    )
    rule = frequent_rule()
    return PersonHistory(
        key=key, mentions=mentions, calls=calls, case=on_caseload(mentions),
        candidates=candidates, counts=counts,
        reasons=rule.reasons(year=counts.days_365, half_year=counts.half_year),
        police_unit_hours=_year_hours(calls_at, police_hours_by_call(sorted(calls_at)), now),
        months=_person_months(calls_at, behavioural, now, ZoneInfo(user.agency.time_zone)),
        name=best_mention(mentions).name,
    )  # fmt: skip


def _person_months(
    calls: dict[int, datetime], behavioural: set[int], now: datetime, zone: ZoneInfo
) -> list[tuple[datetime, int, int]]:
    """Calls per calendar month (agency time) over the 12 months, for the person's chart."""
    start = _since(now, 365)
    monthly: dict[datetime, list[int]] = {}
    for call, at in calls.items():
        if start < at <= now:
            local = timezone.localtime(at, zone)
            month = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
            tally = monthly.setdefault(month, [0, 0])
            tally[0] += 1
            tally[1] += call in behavioural
    return [(month, n, bh) for month, (n, bh) in sorted(monthly.items())]


@dataclass(frozen=True)
class PeopleTrendMonth:
    month_end: datetime
    frequent_people: int
    calls_with_frequent_people: int  # distinct calls naming one of them, in the 12 months
    calls: int  # all the agency's calls in those 12 months


def people_trend(
    *, user: Any, months: int = 12, now: datetime | None = None
) -> list[PeopleTrendMonth]:
    """For each of the last ``months`` month ends: how many people met the rule then, and
    what share of the year's calls named one of them. People are grouped as linked today:
    a link found later is applied to earlier months too (the same person, then as now)."""
    from bisect import bisect_right

    agency_id = user.agency_id
    now = now or people_as_of(agency_id)
    audit_record(actor=user, action=AuditAction.REPEAT_TREND_VIEWED,
                 data={"months": months, "of": "people"})  # fmt: skip
    rule = frequent_rule()
    members = _candidate_groups(agency_id, rule)
    mentions = _mentions_by_id([pk for pks in members.values() for pk in pks])
    people = []
    for pks in members.values():
        calls = sorted(_calls_of([mentions[pk] for pk in pks]).items(), key=lambda item: item[1])
        people.append(([c for c, _ in calls], [at for _, at in calls]))
    out = []
    first_of_month = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    for back in range(months - 1, -1, -1):
        end = _months_before(first_of_month, back) if back else now
        frequent, named = 0, set()
        for call_ids, times in people:
            upto = bisect_right(times, end)
            year = upto - bisect_right(times, _since(end, 365))
            half = upto - bisect_right(times, _since(end, HALF_YEAR_DAYS))
            if rule.is_frequent(year=year, half_year=half):
                frequent += 1
                named.update(call_ids[upto - year : upto])
        total = Call.objects.filter(
            agency_id=agency_id, received_at__gt=_since(end, 365), received_at__lte=end
        ).count()
        out.append(PeopleTrendMonth(end, frequent, len(named), total))
    return out


def splittable(mentions: list[Any]) -> set[int]:
    """The mentions a person may split off: call mentions in a group the model made with
    another of these mentions (one joined by a confirmed link is unmerged instead)."""
    clusters: dict[str, int] = {}
    for mention in mentions:
        if mention.cluster_id:
            clusters[mention.cluster_id] = clusters.get(mention.cluster_id, 0) + 1
    return {
        m.pk for m in mentions
        if m.source == "call" and m.cluster_id and clusters[m.cluster_id] > 1
    }  # fmt: skip


def review_queue(*, user: Any, status: str = "pending") -> list[Any]:
    from coresponder.linkage.models import LinkCandidate

    audit_record(actor=user, action=AuditAction.LINK_CANDIDATES_LISTED, data={"status": status})
    return list(
        LinkCandidate.objects.filter(agency_id=user.agency_id, status=status)
        .select_related("left", "right", "decided_by", "left__call", "right__call")
        .order_by("-match_probability", "pk")[:200]
    )
