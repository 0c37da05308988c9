"""The community-partner directory, without Django: Open Referral HSDS 3.0 records, reading
and writing HSDS JSON and data packages with validation, and searching for services.

See docs/referrals-directory.md.
"""

from .datapackage import read_hsds_datapackage, write_hsds_datapackage
from .hsds_json import read_hsds_json, write_hsds_json
from .model import (
    Address,
    Attribute,
    Contact,
    Directory,
    Language,
    Location,
    Organization,
    Phone,
    Problem,
    ReadResult,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from .needs import NEEDS
from .schedules import Hours, hours_at
from .search import ServiceMatch, haversine_km, search

__all__ = [
    "NEEDS",
    "Address",
    "Attribute",
    "Contact",
    "Directory",
    "Hours",
    "Language",
    "Location",
    "Organization",
    "Phone",
    "Problem",
    "ReadResult",
    "Schedule",
    "Service",
    "ServiceAtLocation",
    "ServiceMatch",
    "TaxonomyTerm",
    "haversine_km",
    "hours_at",
    "read_hsds_datapackage",
    "read_hsds_json",
    "search",
    "write_hsds_datapackage",
    "write_hsds_json",
]
