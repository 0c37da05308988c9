"""HSDS documents for the directory tests, built from the engine tests' small directory."""

from __future__ import annotations

import json
from typing import Any

from coresponder.referrals.engine import write_hsds_json
from tests.referrals.engine.fixtures import small_directory, uid

BAD_STATUS = "field `status` must be one of active, inactive, defunct, temporarily closed"


def document() -> dict[str, Any]:
    return json.loads(write_hsds_json(small_directory()))


def with_bad_service() -> dict[str, Any]:
    doc = document()
    doc["services"].append(
        {"id": uid("bad"), "organization_id": uid("org"), "name": "Bad", "status": "open"}
    )
    return doc


def one_new_service() -> dict[str, Any]:
    org = document()["organizations"][0]
    service = {"id": uid("legal"), "organization_id": org["id"], "name": "Tenant Legal Clinic"}
    return {"organizations": [org], "services": [{**service, "status": "active"}]}
