"""``coresponder export open-data``: the agency's calls of a period, de-identified for the
public (``engine.deidentify``), written with a data dictionary and a report of what was
generalised, suppressed and withheld. Audited."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
from django.conf import settings

from coresponder.analytics.opendata.engine import DICTIONARY, Report, deidentify
from coresponder.analytics.services import Period
from coresponder.audit.actions import AuditAction
from coresponder.audit.services import audit_record
from coresponder.calls.models import Call

CHUNK = 50_000


def calls_frame(agency: Any, period: Period) -> pl.DataFrame:
    """The period's calls with only the columns that may be released, read in chunks; times
    in the agency's zone, rounded down to the hour; locations at block level."""
    zone = ZoneInfo(agency.time_zone)
    rows = (
        Call.objects.filter(
            agency=agency, received_at__gte=period.start, received_at__lt=period.end
        )
        .order_by("pk")
        .values_list(
            "received_at",
            "location__location",
            "district",
            "triage__category",
            "triage__vera_category",
            "triage__behavioural_health",
            "triage__mode",
            "priority",
        )  # fmt: skip
    )
    records = []
    for received, location, district, category, vera, bh, mode, priority in rows.iterator(
        chunk_size=CHUNK
    ):
        local = received.astimezone(zone).replace(minute=0, second=0, microsecond=0, tzinfo=None)
        records.append(
            (local.isoformat(timespec="minutes"), _block(location), district or "", category,
             vera or "", bool(bh), mode or "", priority or "")
        )  # fmt: skip
    schema = {
        "received_hour": pl.Utf8, "location": pl.Utf8, "district": pl.Utf8, "category": pl.Utf8,
        "vera_category": pl.Utf8, "behavioural_health": pl.Boolean, "mode": pl.Utf8,
        "priority": pl.Utf8,
    }  # fmt: skip
    return pl.DataFrame(records, schema=schema, orient="row")


def _block(location: str | None) -> str | None:
    """Block level at most: a house address never leaves (the stored location is a block, an
    intersection, a street or a named place; anything else is withheld)."""
    if not location or location.startswith(("addr:", "point:", "unparsed:")):
        return None
    return location


def export_open_data(*, actor: Any, agency: Any, period: Period, out: Path) -> Report:
    k = settings.OPEN_DATA_K
    quasi = tuple(settings.OPEN_DATA_QUASI_IDENTIFIERS)
    released, report = deidentify(calls_frame(agency, period), k=k, quasi_identifiers=quasi)
    out.mkdir(parents=True, exist_ok=True)
    released.write_csv(out / f"calls-{period.code}.csv")
    (out / "data-dictionary.csv").write_text(
        "column,meaning\n"
        + "".join(
            f'{name},"{text.replace(chr(34), chr(39))}"\n' for name, text in DICTIONARY.items()
        ),
        encoding="utf-8",
    )
    (out / "report.json").write_text(
        json.dumps({"agency": agency.name, "period": period.code, **report.as_dict()}, indent=2),
        encoding="utf-8",
    )
    audit_record(
        actor=actor, action=AuditAction.OPEN_DATA_EXPORTED, object_type="agency",
        object_id=agency.pk, agency_id=agency.pk,
        data={"period": period.code, "released": report.released, "withheld": report.withheld,
              "k": k},
    )  # fmt: skip
    return report
