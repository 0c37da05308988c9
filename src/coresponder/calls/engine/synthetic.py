"""A synthetic city's CAD export, for the demo and the benchmarks. Nothing in it is real.

``generate_calls`` writes calls in the canonical CSV format (docs/guides/canonical-calls-csv.md)
that the ``coresponder-canonical`` profile imports. It is

- deterministic: the same arguments and seed give a byte-identical file;
- streaming: one day of calls is held at a time, so memory stays flat for millions of rows;
- shaped like published figures (../shared/design/domain.md): most calls non-criminal,
  behavioural health 5–15 %, daily and weekly seasonality, response intervals by priority,
  about 20,000 addresses with heavy-tailed repeat locations, a few hundred frequent callers
  who make a large share of calls, and a social-work program that starts mid-year.

No Django here: the benchmarks call it without a database.
"""

from __future__ import annotations

import random
import time
from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from math import exp
from pathlib import Path
from statistics import NormalDist
from zoneinfo import ZoneInfo

HEADER = (
    "event_number", "received_at", "dispatched_at", "en_route_at", "on_scene_at", "cleared_at",
    "call_source", "priority", "initial_type_code", "initial_type_text", "final_type_code",
    "final_type_text", "disposition_code", "disposition_text", "address_raw", "city", "state",
    "zip_code", "latitude", "longitude", "beat", "district", "weapon", "violence", "injury",
    "medical", "domestic", "in_progress", "narrative", "units", "persons",
)  # fmt: skip
CITY, STATE = "RIVERSIDE", "IL"
FLAG_NAMES = HEADER[22:28]  # weapon … in_progress: "Y" or empty

# --- call types ------------------------------------------------------------------------------
# Where calls come from: (call source, weight).
SOURCES: dict[str, tuple[tuple[str, float], ...]] = {
    "public": (("911", 52), ("non_emergency", 40), ("walk_in", 3), ("text", 2),
               ("officer_initiated", 3)),
    "urgent": (("911", 88), ("non_emergency", 7), ("text", 2), ("walk_in", 1),
               ("officer_initiated", 2)),
    "onview": (("officer_initiated", 1),),
    "mixed": (("officer_initiated", 35), ("911", 30), ("non_emergency", 33), ("text", 2)),
    "alarm": (("alarm", 95), ("911", 3), ("non_emergency", 2)),
    "hangup": (("911", 1),),
    "report": (("non_emergency", 75), ("walk_in", 15), ("911", 5), ("text", 5)),
}  # fmt: skip
# Which kind of address: weights of (house, block, intersection, place).
POOLS: dict[str, tuple[float, float, float, float]] = {
    "home": (80, 14, 1, 5),
    "mixed": (45, 25, 10, 20),
    "street": (15, 45, 35, 5),
    "traffic": (0, 35, 65, 0),
    "public": (5, 35, 15, 45),
    "business": (15, 10, 0, 75),
}


@dataclass(frozen=True)
class CallType:
    code: str
    text: str
    weight: float  # calls per 1,000 (before the frequent callers' own mix)
    priority: int
    group: str  # disposition and narrative family
    criminal: bool = False
    behavioural: bool = False  # behavioural health: mental health, suicide, substance use
    source: str = "public"
    pool: str = "mixed"
    places: tuple[str, ...] = ()  # kinds of named place this call happens at
    finals: tuple[tuple[str, float], ...] = ()  # (final type code, probability)
    flags: tuple[float, float, float, float, float, float] = (0, 0, 0, 0, 0, 0)
    minutes: float = 25  # median time on scene
    no_dispatch: float = 0.0  # handled by phone, never dispatched
    cancel: float = 0.04  # dispatched, cancelled before arrival
    ems: float = 0.0
    fire: float = 0.0
    program: str = ""  # "sw": social worker or co-response may take it; "cr": co-response only
    night: float = 1.0  # relative frequency 20:00-06:00
    narrative: float = 0.2


_T = CallType
# fmt: off
CALL_TYPES: tuple[CallType, ...] = (
    # behavioural health
    _T("MH", "MENTAL HEALTH CRISIS", 22, 2, "bh", behavioural=True,
       places=("shelter", "hospital", "park", "transit", "library"),
       finals=(("SUIC", .05), ("WELCK", .03), ("415", .03)),
       flags=(.04, .07, .03, .05, .04, .45), minutes=55, program="sw", narrative=.6),
    _T("SUIC", "SUICIDE THREAT", 9, 1, "suicide", behavioural=True, source="urgent", pool="home",
       finals=(("MH", .12),), flags=(.25, .05, .15, .3, .03, .6), minutes=70, ems=.35,
       program="cr", narrative=.7),
    _T("OD", "OVERDOSE", 8, 1, "overdose", behavioural=True, source="urgent",
       places=("shelter", "park", "motel", "encampment", "transit"),
       finals=(("MED", .06),), flags=(0, 0, .08, 1, 0, .7), minutes=35, ems=1, fire=.5,
       narrative=.5),
    _T("INTOX", "INTOXICATED PERSON", 14, 3, "intox", behavioural=True, pool="public",
       places=("bar", "store", "park", "transit", "encampment"),
       finals=(("MED", .05), ("415", .04)), flags=(0, .04, .05, .2, 0, .4), minutes=30,
       ems=.15, program="sw", night=1.8, narrative=.4),
    # welfare, people without housing, missing people
    _T("WELCK", "WELFARE CHECK", 52, 3, "welfare", pool="home", places=("apartments", "motel"),
       finals=(("MH", .06), ("MED", .03), ("DEATH", .008), ("UNH", .02)),
       flags=(0, 0, .02, .06, 0, .05), minutes=30, cancel=.06, program="sw", narrative=.5),
    _T("UNH", "UNHOUSED PERSON", 16, 4, "unhoused", pool="public",
       places=("park", "transit", "store", "library", "encampment"),
       finals=(("TRESP", .06), ("MH", .03)), minutes=25, program="sw", narrative=.4),
    _T("PANH", "PANHANDLING", 7, 5, "unhoused", pool="public",
       places=("store", "gas", "transit"), finals=(("UNH", .05),), minutes=15, cancel=.08,
       program="sw", narrative=.3),
    _T("MISS", "MISSING PERSON", 7, 2, "missing", pool="home", places=("care", "school"),
       flags=(0, 0, 0, 0, 0, 0), minutes=60, narrative=.7),
    # medical and traffic
    _T("MED", "MEDICAL", 34, 2, "medical", source="urgent",
       places=("shelter", "care", "store", "transit"), flags=(0, 0, .3, 1, 0, .5),
       minutes=20, ems=1, fire=.3, narrative=.2),
    _T("DEATH", "DEATH INVESTIGATION", 2, 2, "service", pool="home", flags=(0, 0, 0, 1, 0, 0),
       minutes=150, ems=.6, narrative=.6),
    _T("TC", "TRAFFIC COLLISION", 32, 3, "collision", pool="traffic", source="urgent",
       finals=(("TCI", .08),), flags=(0, 0, .1, .1, 0, .2), minutes=45, fire=.05,
       narrative=.2),
    _T("TCI", "TRAFFIC COLLISION - INJURY", 9, 1, "collision", pool="traffic", source="urgent",
       flags=(0, 0, 1, 1, 0, .6), minutes=75, ems=1, fire=.7, narrative=.3),
    _T("TRHAZ", "TRAFFIC HAZARD", 18, 4, "service", pool="traffic", minutes=20, cancel=.08,
       narrative=.1),
    _T("TS", "TRAFFIC STOP", 120, 4, "stop", source="onview", pool="traffic", minutes=14,
       cancel=0, narrative=.05, night=1.2),
    _T("DUI", "DUI", 7, 2, "dui", criminal=True, source="mixed", pool="traffic",
       flags=(0, 0, 0, 0, 0, .7), minutes=90, night=2.5, narrative=.3),
    _T("PARK", "PARKING COMPLAINT", 24, 5, "service", source="report", pool="street",
       minutes=15, no_dispatch=.2, cancel=.05, narrative=.05),
    # disorder and service (non-criminal)
    _T("415", "DISTURBANCE - GENERAL", 38, 3, "disorder", pool="mixed",
       places=("bar", "store", "apartments", "motel", "park"),
       finals=(("DV", .05), ("ASLT", .04), ("MH", .04), ("INTOX", .03), ("415N", .03)),
       flags=(.02, .15, .02, .01, .1, .5), minutes=25, night=1.6, narrative=.3),
    _T("415N", "DISTURBANCE - NOISE", 44, 4, "noise", pool="home", places=("bar", "apartments"),
       finals=(("415", .04),), flags=(0, 0, 0, 0, 0, .6), minutes=12, cancel=.08, night=2.4,
       narrative=.15),
    _T("SUSP", "SUSPICIOUS PERSON", 42, 3, "suspicious", source="mixed", pool="street",
       places=("store", "park", "school", "transit"),
       finals=(("TRESP", .06), ("MH", .04), ("UNH", .05), ("NARC", .02), ("WELCK", .02)),
       flags=(.02, 0, 0, 0, 0, .35), minutes=18, night=1.3, narrative=.3),
    _T("SUSPV", "SUSPICIOUS VEHICLE", 28, 4, "suspicious", source="mixed", pool="street",
       finals=(("VEHTH", .02), ("NARC", .02)), minutes=15, night=1.4, narrative=.15),
    _T("ALRMB", "ALARM - BURGLAR", 52, 3, "alarm", source="alarm", pool="business",
       places=("store", "gas", "office", "school"), finals=(("BURG", .015),), minutes=12,
       cancel=.15, night=1.3, narrative=.05),
    _T("ALRMH", "ALARM - HOLDUP/PANIC", 5, 1, "alarm", source="alarm", pool="business",
       places=("store", "gas", "office"), finals=(("ROBB", .03),), flags=(0, 0, 0, 0, 0, .2),
       minutes=15, cancel=.1, narrative=.1),
    _T("911H", "911 HANG UP", 48, 2, "hangup", source="hangup", pool="home",
       finals=(("DV", .04), ("MED", .03), ("415", .03)), minutes=10, no_dispatch=.35,
       cancel=.05, narrative=.15),
    _T("ANML", "ANIMAL COMPLAINT", 14, 4, "service", pool="home", minutes=15, no_dispatch=.2,
       narrative=.2),
    _T("ASST", "ASSIST OTHER AGENCY", 18, 3, "service", source="mixed",
       places=("hospital", "school"), minutes=35, narrative=.1),
    _T("CIVIL", "CIVIL MATTER", 18, 4, "civil", source="report", pool="home", minutes=25,
       no_dispatch=.2, narrative=.3),
    _T("FOUND", "FOUND PROPERTY", 9, 5, "service", source="report", minutes=10,
       no_dispatch=.3, narrative=.1),
    _T("JUV", "JUVENILE PROBLEM", 11, 3, "disorder", places=("school", "park", "store"),
       finals=(("ASLT", .03),), flags=(0, .05, 0, 0, .1, .3), minutes=25, narrative=.3),
    _T("FU", "FOLLOW UP", 28, 5, "service", source="onview", pool="home", minutes=30,
       cancel=0, narrative=.1),
    _T("BCHK", "BUSINESS CHECK", 36, 5, "stop", source="onview", pool="business",
       places=("store", "gas", "bar", "office", "park"), minutes=10, cancel=0, night=2.0,
       narrative=.02),
    # crimes
    _T("THEFT", "THEFT", 40, 4, "crime", criminal=True, source="report", pool="mixed",
       places=("store", "transit", "school"), minutes=35, no_dispatch=.15, narrative=.4),
    _T("SHOP", "SHOPLIFT", 18, 3, "shoplift", criminal=True, pool="business",
       places=("store", "gas"), flags=(.02, .03, 0, 0, 0, .5), minutes=45, night=.6,
       narrative=.4),
    _T("BURG", "BURGLARY", 13, 3, "burglary", criminal=True, pool="home",
       places=("store", "office"), flags=(.02, 0, 0, 0, 0, .15), minutes=60, narrative=.5),
    _T("VEHTH", "VEHICLE THEFT", 11, 4, "crime", criminal=True, source="report", pool="street",
       minutes=35, narrative=.3),
    _T("VAND", "VANDALISM", 13, 4, "crime", criminal=True, pool="mixed",
       places=("school", "park", "store"), flags=(0, 0, 0, 0, 0, .2), minutes=25, narrative=.3),
    _T("TRESP", "TRESPASS", 22, 3, "trespass", criminal=True, pool="business",
       places=("store", "gas", "transit", "library", "apartments"),
       finals=(("UNH", .08), ("MH", .03)), flags=(0, .02, 0, 0, 0, .6), minutes=20,
       program="", narrative=.3),
    _T("ASLT", "ASSAULT", 18, 2, "violent", criminal=True, pool="mixed",
       places=("bar", "shelter", "park", "transit"), flags=(.2, 1, .5, .3, .2, .55),
       minutes=70, ems=.35, night=1.7, narrative=.5),
    _T("DV", "DOMESTIC VIOLENCE", 21, 1, "dv", criminal=True, source="urgent", pool="home",
       places=("apartments", "motel"), flags=(.12, .8, .35, .15, 1, .7), minutes=75, ems=.15,
       night=1.6, narrative=.6),
    _T("SHOTS", "SHOTS FIRED", 7, 1, "shots", criminal=True, source="urgent", pool="street",
       places=("bar", "park"), flags=(.9, .4, .08, .08, .03, .8), minutes=45, cancel=.02,
       night=2.6, narrative=.4),
    _T("ROBB", "ROBBERY", 5, 1, "violent", criminal=True, source="urgent", pool="public",
       places=("store", "gas", "transit"), flags=(.55, .7, .25, .1, 0, .6), minutes=80,
       night=1.5, narrative=.6),
    _T("WEAP", "PERSON WITH WEAPON", 5, 1, "violent", criminal=True, source="urgent",
       pool="street", places=("bar", "park", "shelter"), finals=(("MH", .08),),
       flags=(1, .3, .05, .02, .1, .7), minutes=45, night=1.6, narrative=.6),
    _T("THREAT", "THREATS", 11, 3, "crime", criminal=True, pool="home",
       flags=(.05, .1, 0, 0, .25, .2), minutes=30, narrative=.4),
    _T("HARASS", "HARASSMENT", 11, 4, "crime", criminal=True, source="report", pool="home",
       flags=(0, 0, 0, 0, .2, .1), minutes=25, no_dispatch=.15, narrative=.3),
    _T("FRAUD", "FRAUD", 12, 5, "crime", criminal=True, source="report", pool="home",
       minutes=30, no_dispatch=.5, night=.3, narrative=.3),
    _T("NARC", "NARCOTICS ACTIVITY", 9, 3, "crime", criminal=True, source="mixed",
       pool="public", places=("park", "motel", "encampment", "gas"), minutes=30, night=1.4,
       narrative=.3),
    _T("WARR", "WARRANT SERVICE", 7, 3, "crime", criminal=True, source="onview", pool="home",
       minutes=50, cancel=0, narrative=.2),
)
# fmt: on
TYPE_BY_CODE = {t.code: t for t in CALL_TYPES}

# Frequent callers: people who call again and again, and people called about again and again.
# (call type code, weight) for each of the two kinds.
CALLER_MIX = (
    ("MH", 22), ("WELCK", 14), ("415N", 14), ("SUSP", 10), ("911H", 10), ("MED", 8),
    ("SUIC", 5), ("THEFT", 5), ("HARASS", 4), ("INTOX", 3), ("415", 5),
)  # fmt: skip
SUBJECT_MIX = (
    ("MH", 20), ("INTOX", 14), ("UNH", 14), ("TRESP", 12), ("415", 10), ("WELCK", 9),
    ("SUIC", 5), ("OD", 4), ("PANH", 5), ("SHOP", 4), ("ASLT", 3),
)  # fmt: skip

DISPOSITIONS = {
    "ARR": "ARREST", "CIT": "CITATION ISSUED", "RPT": "REPORT TAKEN", "WARN": "VERBAL WARNING",
    "ADV": "ADVISED", "ASST": "ASSISTANCE RENDERED", "UNF": "UNFOUNDED",
    "GOA": "GONE ON ARRIVAL", "CHK": "CHECKED OK", "FA": "FALSE ALARM", "CAN": "CANCELLED",
    "MHT": "MENTAL HEALTH TRANSPORT - INVOLUNTARY", "HOSP": "TRANSPORTED TO HOSPITAL",
    "REF": "REFERRED TO SERVICES", "TOT": "TURNED OVER TO OTHER AGENCY",
    "CB": "CALLBACK - NO EMERGENCY", "TEL": "TELEPHONE REPORT",
    "RSV": "RESOLVED ON SCENE", "VTX": "TRANSPORTED TO CRISIS CENTER - VOLUNTARY",
    "SHL": "SHELTER PLACEMENT", "DEC": "SERVICES DECLINED",
}  # fmt: skip
DISPOSITION_MIX: dict[str, tuple[tuple[str, float], ...]] = {
    "bh": (("ADV", 25), ("MHT", 18), ("HOSP", 14), ("REF", 12), ("GOA", 12), ("ASST", 10),
           ("ARR", 4), ("RPT", 5)),
    "suicide": (("MHT", 38), ("HOSP", 22), ("ADV", 15), ("REF", 10), ("GOA", 8), ("ASST", 7)),
    "overdose": (("HOSP", 62), ("ASST", 15), ("GOA", 10), ("REF", 5), ("ARR", 3), ("RPT", 5)),
    "intox": (("HOSP", 18), ("ADV", 30), ("GOA", 22), ("ARR", 10), ("ASST", 14), ("REF", 6)),
    "welfare": (("CHK", 52), ("ASST", 14), ("GOA", 10), ("HOSP", 9), ("MHT", 5), ("REF", 6),
                ("ADV", 4)),
    "unhoused": (("ADV", 38), ("GOA", 28), ("WARN", 12), ("REF", 10), ("ASST", 8),
                 ("CIT", 2), ("ARR", 2)),
    "missing": (("RPT", 55), ("ASST", 20), ("CHK", 15), ("GOA", 10)),
    "medical": (("HOSP", 60), ("ASST", 30), ("GOA", 5), ("REF", 5)),
    "collision": (("RPT", 55), ("ASST", 25), ("CIT", 12), ("GOA", 5), ("TOT", 3)),
    "stop": (("WARN", 48), ("CIT", 38), ("ARR", 4), ("ADV", 6), ("CHK", 4)),
    "dui": (("ARR", 55), ("GOA", 20), ("UNF", 15), ("WARN", 10)),
    "service": (("ASST", 45), ("ADV", 25), ("RPT", 15), ("GOA", 10), ("TOT", 5)),
    "disorder": (("ADV", 40), ("GOA", 22), ("WARN", 15), ("UNF", 8), ("RPT", 8), ("ARR", 4),
                 ("REF", 3)),
    "noise": (("WARN", 40), ("ADV", 25), ("GOA", 25), ("UNF", 8), ("CIT", 2)),
    "suspicious": (("CHK", 38), ("GOA", 28), ("UNF", 18), ("ADV", 10), ("ARR", 3), ("RPT", 3)),
    "alarm": (("FA", 82), ("CHK", 10), ("RPT", 5), ("ARR", 1), ("GOA", 2)),
    "hangup": (("CHK", 62), ("ADV", 20), ("UNF", 10), ("GOA", 8)),
    "civil": (("ADV", 70), ("RPT", 15), ("TOT", 10), ("GOA", 5)),
    "crime": (("RPT", 72), ("ARR", 8), ("GOA", 8), ("UNF", 7), ("ADV", 5)),
    "shoplift": (("RPT", 45), ("ARR", 30), ("CIT", 15), ("GOA", 10)),
    "burglary": (("RPT", 80), ("ARR", 5), ("UNF", 10), ("GOA", 5)),
    "trespass": (("WARN", 40), ("ADV", 20), ("GOA", 20), ("CIT", 10), ("ARR", 8), ("REF", 2)),
    "violent": (("RPT", 50), ("ARR", 28), ("GOA", 14), ("UNF", 8)),
    "dv": (("ARR", 36), ("RPT", 40), ("GOA", 10), ("ADV", 10), ("REF", 4)),
    "shots": (("UNF", 50), ("RPT", 30), ("GOA", 15), ("ARR", 5)),
    # the social-work program's own outcomes
    "sw": (("RSV", 32), ("REF", 28), ("VTX", 12), ("SHL", 8), ("DEC", 10), ("GOA", 8),
           ("MHT", 2)),
    "cr": (("RSV", 22), ("REF", 20), ("VTX", 18), ("MHT", 22), ("HOSP", 8), ("GOA", 7),
           ("ARR", 1), ("DEC", 2)),
}  # fmt: skip

# --- narratives (fictional, in the terse style of CAD remarks) -------------------------------
NARRATIVES: dict[str, tuple[str, ...]] = {
    "bh": (
        "RP ADV SUBJ YELLING AT PASSERSBY AND TALKING TO SELF. NO WEAPONS SEEN.",
        "RP IS SUBJ'S MOTHER. SUBJ HAS NOT SLEPT IN 3 DAYS, PARANOID, OFF MEDS PER RP.",
        "SUBJ BELIEVES NEIGHBORS ARE WATCHING HIM THROUGH THE WALLS. CALM ON PHONE.",
        "SUBJ PACING IN LOBBY, STAFF REQ ASSIST. HX OF SIMILAR CALLS.",
        "RP STATES SUBJ BROKE DISHES AND LOCKED SELF IN BATHROOM. NO INJURIES REPORTED.",
    ),
    "suicide": (
        "RP STATES FRIEND TEXTED GOODBYE MESSAGES. UNK IF SUBJ HAS MEANS.",
        "SUBJ CALLING FROM HOME STATES WANTS TO END LIFE. CALL TAKER KEEPING ON LINE.",
        "RP ADV SUBJ STANDING ON OVERPASS RAILING. TRAFFIC SLOWING.",
        "FAMILY REPORTS SUBJ MADE STATEMENTS ABOUT SELF HARM, HAS PILLS.",
    ),
    "overdose": (
        "RP FOUND SUBJ UNRESPONSIVE, SHALLOW BREATHING. NARCAN ON SCENE.",
        "SUBJ DOWN IN RESTROOM, NOT RESPONDING TO STAFF. MEDICS STARTED.",
        "RP ADV FRIEND TOOK UNK PILLS, NOW DIFFICULT TO WAKE.",
    ),
    "intox": (
        "SUBJ STUMBLING IN ROADWAY, UNABLE TO STAND ON OWN.",
        "STAFF REQ SUBJ BE REMOVED, INTOXICATED AND REFUSING TO LEAVE.",
        "RP ADV MALE PASSED OUT ON BENCH, BREATHING. NO APPARENT INJURY.",
    ),
    "welfare": (
        "RP REQ CHECK ON NEIGHBOR, NOT SEEN IN 3 DAYS, MAIL PILING UP.",
        "RP OUT OF STATE, UNABLE TO REACH ELDERLY FATHER SINCE YESTERDAY.",
        "RP ADV FEMALE SITTING IN CAR FOR SEVERAL HOURS, NOT MOVING.",
        "CHILD REPORTEDLY HOME ALONE, RP HEARD CRYING.",
        "SUBJ SLEEPING IN DOORWAY, RP CONCERNED DUE TO COLD.",
    ),
    "unhoused": (
        "RP ADV SUBJ SLEEPING IN DOORWAY, BLOCKING ENTRANCE.",
        "SEVERAL TENTS SET UP ALONG PATH, RP REQ THEY BE MOVED ON.",
        "SUBJ ASKING CUSTOMERS FOR MONEY AT ENTRANCE. NOT AGGRESSIVE.",
        "SUBJ WITH SHOPPING CART IN LOBBY, STAFF REQ ASSIST.",
    ),
    "missing": (
        "RP ADV 15 YOA DAUGHTER DID NOT RETURN FROM SCHOOL. NOT ANSWERING PHONE.",
        "RESIDENT WITH DEMENTIA LEFT FACILITY ON FOOT APPROX 1 HR AGO.",
        "RP HAS NOT HEARD FROM BROTHER IN 2 WEEKS, HX OF MENTAL ILLNESS.",
    ),
    "medical": (
        "RP ADV ELDERLY FEMALE FELL, CONSCIOUS, UNABLE TO GET UP.",
        "SUBJ HAVING CHEST PAINS, CONSCIOUS AND BREATHING.",
        "SUBJ HAVING A SEIZURE, RP ON SCENE.",
    ),
    "collision": (
        "2 VEH TC, BLOCKING LANE. DRIVERS EXCHANGING INFO.",
        "VEH VS POLE, AIRBAGS DEPLOYED. DRIVER OUT OF VEH.",
        "REAR END COLLISION, ONE PARTY COMPLAINING OF NECK PAIN.",
    ),
    "stop": ("VEH STOPPED FOR EQUIPMENT VIOLATION.", "SPEED 45 IN A 30.", "PREMISE CHECK."),
    "dui": (
        "RP FOLLOWING VEH SWERVING ACROSS LANES.",
        "DRIVER STOPPED, ODOR OF INTOXICANTS, FSTS REQUESTED.",
    ),
    "service": (
        "RP REQ OFFICER CONTACT RE ONGOING ISSUE.",
        "ASSIST FIRE WITH TRAFFIC CONTROL.",
        "DOG RUNNING LOOSE IN PARK, NO OWNER SEEN.",
    ),
    "disorder": (
        "2 MALES ARGUING LOUDLY IN PARKING LOT, NO WEAPONS SEEN.",
        "GROUP OF JUVENILES THROWING ROCKS AT CARS.",
        "CUSTOMER REFUSING TO LEAVE, YELLING AT STAFF.",
        "RP ADV NEIGHBORS YELLING, SOUNDS OF THINGS BEING THROWN.",
    ),
    "noise": (
        "LOUD MUSIC FROM UPSTAIRS UNIT, ONGOING.",
        "PARTY WITH LARGE CROWD IN BACKYARD.",
        "RP ADV SUBJ REVVING ENGINE IN DRIVEWAY REPEATEDLY.",
    ),
    "suspicious": (
        "SUBJ LOOKING INTO CAR WINDOWS IN LOT.",
        "UNK MALE WALKING AROUND HOUSES WITH FLASHLIGHT.",
        "VEH PARKED RUNNING FOR 2 HRS, OCCUPIED.",
    ),
    "alarm": ("ALARM CO ADV FRONT DOOR ZONE.", "AUDIBLE ALARM, NO KEYHOLDER RESPONDING."),
    "hangup": ("OPEN LINE, ARGUING HEARD IN BACKGROUND.", "NO ANSWER ON CALLBACK."),
    "civil": (
        "RP AND LANDLORD DISPUTE OVER DEPOSIT.",
        "CUSTODY EXCHANGE DISPUTE, NO THREATS MADE.",
    ),
    "crime": (
        "RP ADV BIKE TAKEN FROM FRONT PORCH OVERNIGHT.",
        "RP RECEIVED THREATENING TEXTS FROM EX.",
        "GRAFFITI ON SIDE OF BUILDING, NO SUSPECT INFO.",
    ),
    "shoplift": (
        "LP HOLDING ONE FEMALE IN OFFICE, COOPERATIVE.",
        "SUBJ LEFT STORE WITH CART OF MERCHANDISE, LAST SEEN NB.",
    ),
    "burglary": (
        "RP RETURNED HOME TO FIND BACK DOOR KICKED IN.",
        "BUSINESS OWNER ADV SAFE PRIED OPEN OVERNIGHT.",
    ),
    "trespass": (
        "SUBJ PREVIOUSLY TRESPASSED, BACK ON PROPERTY.",
        "SUBJ SLEEPING IN STAIRWELL OF APARTMENT BLDG.",
    ),
    "violent": (
        "RP ADV MALE PUNCHED HIM IN FACE, SUSP FLED ON FOOT.",
        "FIGHT IN PARKING LOT, 3 TO 4 SUBJS, ONE ON GROUND.",
        "SUBJ DISPLAYING KNIFE AND MAKING THREATS.",
    ),
    "dv": (
        "RP STATES BOYFRIEND PUSHED HER AND TOOK HER PHONE. SUSP STILL ON SCENE.",
        "NEIGHBOR HEARS FEMALE SCREAMING, SOUNDS OF STRUGGLE.",
        "RP ADV HUSBAND THREATENED HER, HAS LEFT IN VEH.",
    ),
    "shots": (
        "RP HEARD 3 TO 4 SHOTS, UNK DIRECTION.",
        "MULTIPLE CALLERS REPORT SHOTS NEAR INTERSECTION.",
    ),
}
REMARKS = {
    "police": ("{unit} ON SCENE.", "{unit} CODE 4.", "{unit} CLEAR, NO FURTHER ACTION."),
    "social_worker": (
        "{unit} ON SCENE, CONTACT MADE, SUBJ AGREED TO SERVICES.",
        "{unit} PROVIDED RESOURCES, FOLLOW UP SCHEDULED.",
        "{unit} DE-ESCALATED, SUBJ CALM, SAFETY PLAN MADE.",
    ),
    "co_response": (
        "{unit} ON SCENE WITH CLINICIAN, SUBJ EVALUATED.",
        "{unit} CLINICIAN COMPLETED ASSESSMENT.",
    ),
}

# --- people (fictional names from small lists, so that names repeat as they do) --------------
FIRST_NAMES = (
    "JAMES", "MARY", "ROBERT", "PATRICIA", "JOHN", "JENNIFER", "MICHAEL", "LINDA", "DAVID",
    "ELIZABETH", "WILLIAM", "BARBARA", "RICHARD", "SUSAN", "JOSEPH", "JESSICA", "THOMAS",
    "SARAH", "CHRISTOPHER", "KAREN", "CHARLES", "LISA", "DANIEL", "NANCY", "MATTHEW", "BETTY",
    "ANTHONY", "MARGARET", "MARK", "SANDRA", "DONALD", "ASHLEY", "STEVEN", "KIMBERLY", "PAUL",
    "EMILY", "ANDREW", "DONNA", "JOSHUA", "MICHELLE", "KENNETH", "CAROL", "KEVIN", "AMANDA",
    "BRIAN", "DOROTHY", "GEORGE", "MELISSA", "TIMOTHY", "DEBORAH", "JOSE", "MARIA", "LUIS",
    "ROSA", "DARNELL", "KEISHA", "TYRONE", "LATOYA", "MINH", "MEI",
)  # fmt: skip
LAST_NAMES = (
    "SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "GARCIA", "MILLER", "DAVIS", "RODRIGUEZ",
    "MARTINEZ", "HERNANDEZ", "LOPEZ", "GONZALEZ", "WILSON", "ANDERSON", "THOMAS", "TAYLOR",
    "MOORE", "JACKSON", "MARTIN", "LEE", "PEREZ", "THOMPSON", "WHITE", "HARRIS", "SANCHEZ",
    "CLARK", "RAMIREZ", "LEWIS", "ROBINSON", "WALKER", "YOUNG", "ALLEN", "KING", "WRIGHT",
    "SCOTT", "TORRES", "NGUYEN", "HILL", "FLORES", "GREEN", "ADAMS", "NELSON", "BAKER", "HALL",
    "RIVERA", "CAMPBELL", "MITCHELL", "CARTER", "ROBERTS", "O'BRIEN", "KOWALSKI", "TRAN",
    "PATEL", "OKAFOR", "BECKER", "SULLIVAN", "REYES", "FISCHER", "WASHINGTON",
)  # fmt: skip
NICKNAMES = {
    "ROBERT": "BOB", "WILLIAM": "BILL", "ELIZABETH": "LIZ", "JAMES": "JIM", "MICHAEL": "MIKE",
    "JENNIFER": "JENNY", "RICHARD": "RICK", "DANIEL": "DAN", "JOSEPH": "JOE", "THOMAS": "TOM",
    "CHRISTOPHER": "CHRIS", "PATRICIA": "PATTY", "MARGARET": "PEGGY", "ANTHONY": "TONY",
    "KENNETH": "KEN", "DONALD": "DON", "STEVEN": "STEVE", "MATTHEW": "MATT",
}  # fmt: skip

# --- the city grid ---------------------------------------------------------------------------
STREETS = (
    "RIVER RD", "ELM ST", "OAK ST", "MAPLE ST", "PINE ST", "CEDAR ST", "BIRCH ST", "ASH ST",
    "WALNUT ST", "CHESTNUT ST", "SPRUCE ST", "WILLOW ST", "POPLAR ST", "HICKORY ST",
    "SYCAMORE ST", "MAGNOLIA ST", "MAIN ST", "LOCUST ST", "ALDER ST", "HAWTHORN ST",
    "JUNIPER ST", "LAUREL ST", "MULBERRY ST", "CYPRESS ST", "REDWOOD ST", "LINDEN ST",
    "CHERRY ST", "DOGWOOD ST", "HOLLY ST", "HAZEL ST", "ASPEN ST", "PRAIRIE VIEW RD",
)  # fmt: skip
AVENUES = 48
LAT0, LON0, LAT_STEP, LON_STEP = 40.0512, -88.7431, 0.0029, 0.0036
# (kind, name, weight): named places that draw many calls.
PLACES: tuple[tuple[str, str, float], ...] = (
    ("hospital", "RIVERSIDE GENERAL HOSPITAL", 8), ("hospital", "NORTHGATE COMMUNITY HOSPITAL", 4),
    ("clinic", "RIVERSIDE CRISIS STABILIZATION CENTER", 3),
    ("shelter", "HOPE HOUSE SHELTER", 10), ("shelter", "RIVERSIDE MISSION", 9),
    ("shelter", "HARBOR LIGHT FAMILY SHELTER", 5), ("shelter", "NORTHSIDE WARMING CENTER", 5),
    ("shelter", "SAFE HAVEN WOMEN'S SHELTER", 3),
    ("park", "LINCOLN PARK", 6), ("park", "RIVERFRONT PARK", 8), ("park", "MILL POND PARK", 3),
    ("park", "CEDAR GROVE PARK", 3), ("park", "VETERANS MEMORIAL PARK", 4),
    ("transit", "RIVERSIDE TRANSIT CENTER", 9), ("transit", "3RD AVE BUS DEPOT", 4),
    ("library", "CENTRAL LIBRARY", 5), ("library", "NORTH BRANCH LIBRARY", 2),
    ("encampment", "RAIL YARD ENCAMPMENT", 5), ("encampment", "9TH AVE BRIDGE ENCAMPMENT", 6),
    ("encampment", "CREEK TRAIL ENCAMPMENT", 3),
    ("school", "RIVERSIDE HIGH SCHOOL", 4), ("school", "LINCOLN ELEMENTARY SCHOOL", 1.5),
    ("school", "MAPLE MIDDLE SCHOOL", 2), ("school", "EASTSIDE HIGH SCHOOL", 3),
    ("motel", "RIVER INN MOTEL", 6), ("motel", "SUNSET MOTOR LODGE", 5),
    ("motel", "BUDGET STAY INN", 4),
    ("bar", "THE RUSTY ANCHOR", 4), ("bar", "BLUE MOON TAVERN", 3), ("bar", "O'MALLEY'S PUB", 3),
    ("bar", "DOWNTOWN TAP HOUSE", 2), ("bar", "CLUB NOVA", 4),
    ("apartments", "RIVERVIEW APARTMENTS", 6), ("apartments", "WILLOW COURT APARTMENTS", 5),
    ("apartments", "PARKSIDE TOWERS", 4), ("care", "OAK TERRACE SENIOR LIVING", 4),
    ("care", "MEADOWBROOK NURSING CENTER", 3),
    ("store", "VALUMART", 12), ("store", "FRESHWAY GROCERY", 5), ("store", "DOLLAR BARN", 5),
    ("store", "RIVERSIDE MALL", 8), ("store", "HOMEPLUS HARDWARE", 3),
    ("store", "CORNER PHARMACY", 3), ("store", "BARGAIN OUTLET", 2),
    ("office", "CITY HALL", 3), ("office", "COUNTY SOCIAL SERVICES", 3),
    ("office", "RIVERSIDE BUSINESS PARK", 2),
) + tuple(("gas", f"QUIK STOP #{n}", 3.0 / (1 + n % 4)) for n in range(1, 19)) + tuple(
    ("store", f"SHOP N GO #{n}", 2.0 / (1 + n % 3)) for n in range(1, 13)
)  # fmt: skip

# --- time ------------------------------------------------------------------------------------
HOURLY = (3.6, 3.0, 2.6, 2.0, 1.7, 1.7, 2.2, 3.0, 3.8, 4.3, 4.6, 4.8,
          5.0, 5.1, 5.3, 5.6, 5.8, 5.8, 5.6, 5.3, 5.0, 4.8, 4.5, 4.0)  # fmt: skip
WEEKDAY = (0.97, 0.98, 0.98, 1.0, 1.06, 1.05, 0.94)  # Monday first
MONTHLY = (0.92, 0.90, 0.96, 0.99, 1.03, 1.06, 1.08, 1.07, 1.02, 1.00, 0.96, 0.95)
TREND = 0.04  # volume grows by this share over the period
# Median seconds and log-sd by priority 1..5: call queued, then dispatch to en route, travel.
QUEUE = ((45, 0.9), (120, 0.9), (420, 0.95), (900, 0.95), (1500, 1.0))
ROLL = ((20, 0.7), (40, 0.7), (60, 0.8), (90, 0.8), (120, 0.8))
TRAVEL = ((240, 0.5), (330, 0.5), (420, 0.55), (480, 0.6), (540, 0.6))
PROGRAM_HOURS = range(7, 23)  # the social-work program's units work 07:00-23:00 local
FREQUENT_SHARE = 0.13  # share of all calls made by (or about) frequent callers
_TABLE_BITS = 12
_FLAG_TEXT = [",".join("Y" if mask >> i & 1 else "" for i in range(6)) for mask in range(64)]
_SHIFT = "CCCCCCAAAAAAAABBBBBBBBCC"  # police shift letter by local hour
_NO_DISPATCH = {  # handled on the phone
    "911H": "CB,CALLBACK - NO EMERGENCY",
    "crime": "TEL,TELEPHONE REPORT",
    "civil": "TEL,TELEPHONE REPORT",
}


@dataclass
class SyntheticSummary:
    path: str
    calls: int
    seed: int
    start: date
    end: date
    program_start: date
    addresses: int
    frequent_callers: int
    program_calls: int = 0
    behavioural_health: int = 0
    non_criminal: int = 0
    frequent_caller_calls: int = 0
    bytes: int = 0
    seconds: float = 0.0
    by_type: dict[str, int] = field(default_factory=dict)


def generate_calls(
    path: Path | str,
    *,
    calls: int = 150_000,
    seed: int = 1,
    start: date = date(2025, 1, 1),
    months: int = 12,
    program_start: date | None = None,
    time_zone: str = "America/Chicago",
    addresses: int = 20_000,
) -> SyntheticSummary:
    """Write ``calls`` synthetic calls received from ``start`` over ``months`` months to
    ``path`` (canonical CSV), and say what was written."""
    if calls < 0 or months < 1:
        raise ValueError("calls must be ≥ 0 and months ≥ 1")
    started = time.perf_counter()
    end = _add_months(start, months)
    program_start = program_start or _add_months(start, months // 2)
    rng = random.Random(seed)
    city = _City(rng, addresses)
    frequent = max(10, min(calls // 500, 1000))
    maker = _CallMaker(rng, city, frequent, start, end, program_start, ZoneInfo(time_zone))
    summary = SyntheticSummary(
        path=str(path), calls=calls, seed=seed, start=start, end=end,
        program_start=program_start, addresses=len(city.segments), frequent_callers=frequent,
    )  # fmt: skip
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(HEADER) + "\n")
        for day, count in enumerate(_calls_per_day(start, end, calls)):
            handle.write("".join(maker.day(day, count)))
        summary.bytes = handle.tell()
    maker.fill(summary)
    summary.seconds = time.perf_counter() - started
    return summary


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, min(day.day, 28))


def _calls_per_day(start: date, end: date, total: int) -> list[int]:
    """Split ``total`` over the days, by weekday, month and trend (largest remainders)."""
    days = (end - start).days
    weights = []
    for index in range(days):
        day = start + timedelta(days=index)
        trend = 1 + TREND * index / max(days - 1, 1)
        weights.append(WEEKDAY[day.weekday()] * MONTHLY[day.month - 1] * trend)
    scale = total / sum(weights)
    exact = [w * scale for w in weights]
    counts = [int(x) for x in exact]
    short = total - sum(counts)
    order = sorted(range(days), key=lambda i: (counts[i] - exact[i], i))
    for index in order[:short]:
        counts[index] += 1
    return counts


def _cumulative(weights: list[float] | tuple[float, ...]) -> list[float]:
    cum = list(accumulate(weights))
    return [c / cum[-1] for c in cum]


_SIZE = 1 << _TABLE_BITS
_NORMAL_QUANTILES = [NormalDist().inv_cdf((k + 0.5) / _SIZE) for k in range(_SIZE)]


def _lognormal_table(median: float, sigma: float) -> list[int]:
    """Quantiles of a lognormal: picking one at random draws from it (fast and exact enough)."""
    return [max(1, round(median * exp(sigma * z))) for z in _NORMAL_QUANTILES]


def _quote(text: str) -> str:
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _ordinal(n: int) -> str:
    suffix = "TH" if 10 <= n % 100 <= 20 else {1: "ST", 2: "ND", 3: "RD"}.get(n % 10, "TH")
    return f"{n}{suffix}"


class _City:
    """About 20,000 addresses on a grid of streets (east-west) and avenues (north-south):
    named places, hundred blocks, intersections and house numbers, each with lat/lon, beat and
    district; each kind has a Zipf-like weight so a few addresses draw many calls."""

    def __init__(self, rng: random.Random, total: int) -> None:
        self.segments: list[str] = []  # address_raw … district, already CSV-quoted and joined
        self.district: list[int] = []
        self.beat: list[int] = []
        self.kind_of: list[str] = []
        pools: dict[str, list[int]] = {"house": [], "block": [], "intersection": [], "place": []}
        place_weight: list[float] = []
        for kind, name, weight in PLACES:
            i, j = rng.randrange(len(STREETS)), rng.randrange(1, AVENUES + 1)
            if kind == "encampment":
                text, (lat, lon) = name, self._point(i + 0.5, j + 0.5)
            else:
                number = j * 100 + rng.randrange(1, 50) * 2
                text, (lat, lon) = f"{name}, {number} {STREETS[i]}", self._point(i, j + 0.5)
            pools["place"].append(self._add(text, i, j, lat, lon, kind))
            place_weight.append(weight)
        for i, street in enumerate(STREETS):
            for j in range(1, AVENUES + 1):
                pools["block"].append(
                    self._add(f"{j * 100} BLOCK OF {street}", i, j, *self._point(i, j + 0.5))
                )
                pools["intersection"].append(
                    self._add(f"{street} / {_ordinal(j)} AVE", i, j, *self._point(i, j))
                )
        for j in range(1, AVENUES + 1):
            for i in range(len(STREETS) - 1):
                pools["block"].append(
                    self._add(f"{(i + 1) * 100} BLOCK OF {_ordinal(j)} AVE", i, j,
                              *self._point(i + 0.5, j))
                )  # fmt: skip
        seen: set[str] = set()
        while len(self.segments) < total:
            i, j = rng.randrange(len(STREETS)), rng.randrange(1, AVENUES + 1)
            offset = rng.randrange(1, 50)
            if rng.random() < 0.7:
                text = f"{j * 100 + offset * 2 - rng.randrange(2)} {STREETS[i]}"
                lat, lon = self._point(i, j + offset / 50)
            else:
                text = f"{(i + 1) * 100 + offset * 2 - rng.randrange(2)} {_ordinal(j)} AVE"
                lat, lon = self._point(i + offset / 50, j)
            if rng.random() < 0.12:
                text += f" APT {rng.randrange(1, 5)}{'ABCD'[rng.randrange(4)]}"
            if text in seen:
                continue
            seen.add(text)
            pools["house"].append(self._add(text, i, j, lat, lon, "house"))
        # Heavy tails: rank each pool at random and weight rank r by 1 / r^s.
        self.pools: dict[str, tuple[list[int], list[float]]] = {}
        for name, exponent in (("house", 0.6), ("block", 0.6), ("intersection", 0.6)):
            members = pools[name][:]
            rng.shuffle(members)
            weights = [1 / (rank + 1) ** exponent for rank in range(len(members))]
            self.pools[name] = (members, _cumulative(weights))
        self.places = pools["place"]
        self.place_weight = place_weight

    def place_table(self, kinds: tuple[str, ...]) -> tuple[list[int], list[float]]:
        chosen = [
            (index, weight)
            for index, weight in zip(self.places, self.place_weight, strict=True)
            if not kinds or self.kind_of[index] in kinds
        ]
        return [i for i, _ in chosen], _cumulative([w for _, w in chosen])

    @staticmethod
    def _point(i: float, j: float) -> tuple[float, float]:
        return LAT0 + (len(STREETS) - i) * LAT_STEP, LON0 + j * LON_STEP

    def _add(self, text: str, i: int, j: int, lat: float, lon: float, kind: str = "") -> int:
        east, south = j > AVENUES // 2, i >= len(STREETS) // 2
        district = 1 + east + 2 * south
        column = (j - 1) % (AVENUES // 2) * 2 // (AVENUES // 2)
        row = i % (len(STREETS) // 2) * 3 // (len(STREETS) // 2)
        beat = 1 + column * 3 + row
        zip_code = 60990 + (i * 3 // len(STREETS)) * 3 + (j - 1) * 3 // AVENUES
        self.segments.append(
            f"{_quote(text)},{CITY},{STATE},{zip_code},{lat:.6f},{lon:.6f},{district}{beat},"
            f"D{district}"
        )
        self.district.append(district)
        self.beat.append(beat)
        self.kind_of.append(kind)
        return len(self.segments) - 1


_Unit = tuple[str, str, int, int, int | None, int]  # id, type, dispatched … cleared


@dataclass
class _Person:
    name: str
    nickname: str
    date_of_birth: str
    phone: str
    role: str
    home: int
    mix: tuple[list[str], list[float]]


class _Kind:
    """A call type with its lookup tables prepared."""

    __slots__ = (
        "t", "codes", "sources", "source_cum", "pool_cum", "pool_tables", "finals", "final_cum",
        "final_p", "flags", "minutes", "dispo", "dispo_cum", "narratives", "stopped",
        "named_subject",
    )  # fmt: skip

    def __init__(self, t: CallType, city: _City) -> None:
        self.t = t
        self.codes = f"{t.code},{_quote(t.text)}"
        self.sources = [s for s, _ in SOURCES[t.source]]
        self.source_cum = _cumulative([w for _, w in SOURCES[t.source]])
        weights = list(POOLS[t.pool])
        if t.places and weights[3] == 0:
            weights[3] = 10
        if t.places:
            weights[3] *= 1.6
        self.pool_cum = _cumulative(weights)
        self.pool_tables = [
            city.pools["house"], city.pools["block"], city.pools["intersection"],
            city.place_table(t.places),
        ]  # fmt: skip
        self.final_p = sum(p for _, p in t.finals)
        self.finals = [code for code, _ in t.finals]
        self.final_cum = _cumulative([p for _, p in t.finals]) if t.finals else []
        self.flags = [(1 << i, p) for i, p in enumerate(t.flags) if p]
        self.minutes = _lognormal_table(t.minutes * 60, 0.7)
        mix = DISPOSITION_MIX[t.group if t.group in DISPOSITION_MIX else "service"]
        self.dispo = [f"{code},{_quote(DISPOSITIONS[code])}" for code, _ in mix]
        self.dispo_cum = _cumulative([w for _, w in mix])
        self.narratives = NARRATIVES.get(t.group, NARRATIVES["service"])
        # how often a person is named: the driver of a stopped car, the subject of a crisis
        self.stopped = 0.5 if t.code in ("TS", "DUI", "WARR") else 0.0
        named = t.behavioural or t.group in ("dv", "violent", "welfare")
        self.named_subject = 0.3 if named else 0.0


class _CallMaker:
    """Makes the calls of one day at a time; every draw comes from one seeded generator."""

    def __init__(
        self,
        rng: random.Random,
        city: _City,
        frequent: int,
        start: date,
        end: date,
        program_start: date,
        zone: ZoneInfo,
    ) -> None:
        self.rng, self.city, self.start = rng, city, start
        self.kinds = {t.code: _Kind(t, city) for t in CALL_TYPES}
        ordered = [self.kinds[t.code] for t in CALL_TYPES]
        self.type_list = ordered
        self.day_cum = _cumulative([k.t.weight for k in ordered])
        self.night_cum = _cumulative([k.t.weight * k.t.night for k in ordered])
        self.queue = [_lognormal_table(m, s) for m, s in QUEUE]
        self.roll = [_lognormal_table(m, s) for m, s in ROLL]
        self.travel = [_lognormal_table(m, s) for m, s in TRAVEL]
        self.sw_queue = _lognormal_table(360, 0.8)
        self.sw_travel = _lognormal_table(660, 0.5)
        self.sw_minutes = _lognormal_table(50 * 60, 0.6)
        self.ems_travel = _lognormal_table(420, 0.45)
        self.ems_minutes = _lognormal_table(28 * 60, 0.5)
        self.phone_minutes = _lognormal_table(6 * 60, 0.6)
        self.sw_dispo = (_dispositions("sw"), _cumulative([w for _, w in DISPOSITION_MIX["sw"]]))
        self.cr_dispo = (_dispositions("cr"), _cumulative([w for _, w in DISPOSITION_MIX["cr"]]))
        self.people = self._people(frequent)
        self.names = [f"{last}, {first}" for last in LAST_NAMES for first in FIRST_NAMES]
        self.birth_dates = [_birth_date(rng.random) for _ in range(_SIZE)]
        self.phones = [_phone(rng.random) for _ in range(1 << 16)]
        self.people_cum = _cumulative([1 / (rank + 1) ** 0.6 for rank in range(frequent)])
        self._clock(start, end, zone)
        self.program_day = (program_start - start).days
        self.counts: dict[str, int] = dict.fromkeys(self.kinds, 0)
        self.program_calls = 0
        self.frequent_calls = 0
        self.sequence: dict[str, int] = {}
        self.unit_heads: dict[str, str] = {}

    # -- set-up -------------------------------------------------------------------------------
    def _people(self, count: int) -> list[_Person]:
        rng, city = self.rng, self.city
        caller_mix = ([c for c, _ in CALLER_MIX], _cumulative([w for _, w in CALLER_MIX]))
        subject_mix = ([c for c, _ in SUBJECT_MIX], _cumulative([w for _, w in SUBJECT_MIX]))
        homes = city.pools["house"][0]
        haunts, haunt_cum = city.place_table(("shelter", "park", "transit", "encampment",
                                              "library", "store"))  # fmt: skip
        people = []
        for _ in range(count):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            subject = rng.random() < 0.4
            if subject and rng.random() < 0.7:
                home = haunts[bisect(haunt_cum, rng.random())]
            else:
                home = homes[rng.randrange(len(homes))]
            people.append(
                _Person(
                    name=f"{last}, {first}",
                    nickname=f"{last}, {NICKNAMES.get(first, first)}",
                    date_of_birth=_birth_date(rng.random),
                    phone="" if subject and rng.random() < 0.6 else _phone(rng.random),
                    role="subject" if subject else "caller",
                    home=home,
                    mix=subject_mix if subject else caller_mix,
                )
            )
        return people

    def _clock(self, start: date, end: date, zone: ZoneInfo) -> None:
        """Tables that turn seconds since ``origin`` (UTC) into local ISO stamps quickly."""
        self.origin = datetime(start.year, start.month, start.day) - timedelta(days=2)
        days = (end - start).days + 8
        self.day_text = [f"{(self.origin + timedelta(days=d)):%Y-%m-%d}T" for d in range(days)]
        plain = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86_400)]
        clocks: dict[int, list[str]] = {}  # UTC offset → time of day with that offset
        self.local_offset: list[int] = []  # local hour → seconds to subtract to get UTC
        self.utc_offset: list[tuple[int, list[str]]] = []  # UTC hour → (seconds to add, clock)
        for hour in range(days * 24):
            moment = self.origin + timedelta(hours=hour)
            local = moment.replace(tzinfo=zone).utcoffset() or timedelta()
            self.local_offset.append(int(local.total_seconds()))
            # ``moment`` read as UTC: the offset in force at that instant
            shift = moment.replace(tzinfo=UTC).astimezone(zone).utcoffset() or timedelta()
            seconds = int(shift.total_seconds())
            if seconds not in clocks:
                sign = "-" if seconds < 0 else "+"
                text = f"{sign}{abs(seconds) // 3600:02d}:{abs(seconds) // 60 % 60:02d}"
                clocks[seconds] = [c + text for c in plain]
            self.utc_offset.append((seconds, clocks[seconds]))
        self.last = (days - 6) * 86_400  # the end of the period in local seconds
        self.hour_cum = []
        for weekday in range(7):
            weights = list(HOURLY)
            if weekday == 4:  # Friday night
                weights[22:24] = [w * 1.25 for w in weights[22:24]]
            if weekday in (5, 6):  # early Saturday and Sunday: the weekend nights
                weights[0:4] = [w * 1.5 for w in weights[0:4]]
                weights[7:11] = [w * 0.8 for w in weights[7:11]]
            if weekday == 5:
                weights[22:24] = [w * 1.3 for w in weights[22:24]]
            self.hour_cum.append(_cumulative(weights))

    # -- one day ------------------------------------------------------------------------------
    def day(self, index: int, count: int) -> list[str]:
        """The rows of day ``index``: ``count`` calls in the order they were received.

        One long loop with its lookups held in local names: this is the hot path (about 9 µs a
        row, a million rows in about 10 s), so it trades some elegance for speed."""
        rng = self.rng
        rnd, bits = rng.random, rng.getrandbits
        local_day = index + 2  # days since origin
        hour_cum = self.hour_cum[(self.start + timedelta(days=index)).weekday()]
        local_offset = self.local_offset
        received_list = []
        for _ in range(count):
            local = local_day * 86_400 + bisect(hour_cum, rnd()) * 3600 + int(rnd() * 3600)
            received_list.append(local - local_offset[local // 3600])
        received_list.sort()
        year = self.day_text[local_day][2:4]
        take = 0.0
        if index >= self.program_day:  # the program grows from 30 % of eligible calls to 55 %
            take = min(0.3 + 0.04 * (index - self.program_day) / 30.4, 0.55)
        kinds, type_list, day_cum, night_cum = (
            self.kinds,
            self.type_list,
            self.day_cum,
            self.night_cum,
        )
        people, people_cum, counts = self.people, self.people_cum, self.counts
        district_of, beat_of, segments = self.city.district, self.city.beat, self.city.segments
        utc_offset, day_text, last = self.utc_offset, self.day_text, self.last
        phone_minutes, respond, persons_of = self.phone_minutes, self._respond, self._persons
        heads = self.unit_heads
        rows = []
        sequence = self.sequence.get(year, 0)
        for received in received_list:
            sequence += 1
            seconds, clock = utc_offset[received // 3600]
            local_hour = (received + seconds) // 3600 % 24
            person = None
            if rnd() < FREQUENT_SHARE:
                person = people[bisect(people_cum, rnd())]
                types, cum = person.mix
                kind = kinds[types[bisect(cum, rnd())]]
                source = "911" if rnd() < 0.6 else ("non_emergency" if rnd() < 0.9 else "text")
                if rnd() < 0.75:
                    where = person.home
                else:
                    members, where_cum = kind.pool_tables[3 if rnd() < 0.6 else 0]
                    where = members[bisect(where_cum, rnd())]
                self.frequent_calls += 1
            else:
                night = local_hour >= 20 or local_hour < 6
                kind = type_list[bisect(night_cum if night else day_cum, rnd())]
                source = kind.sources[bisect(kind.source_cum, rnd())]
                members, where_cum = kind.pool_tables[bisect(kind.pool_cum, rnd())]
                where = members[bisect(where_cum, rnd())]
            initial = kind
            if kind.finals and rnd() < kind.final_p:
                kind = kinds[kind.finals[bisect(kind.final_cum, rnd())]]
            t, final = initial.t, kind.t
            counts[final.code] += 1
            priority = t.priority
            r = rnd()
            if r < 0.08:
                priority = max(1, priority - 1)
            elif r < 0.18:
                priority = min(5, priority + 1)
            flags = 0  # a bit for each of FLAG_NAMES
            for bit, p in kind.flags:
                if rnd() < p:
                    flags |= bit
            # -- who responds, and when (seconds since origin, UTC) --------------------------
            # The social-work program: triaged on the call as taken (its initial type), in its
            # hours, never with a weapon or violence; a clinician goes with an officer on the
            # most urgent calls (co-response), a social worker alone on the others.
            program = ""
            if (
                take
                and t.program
                and not flags & 3  # no weapon, no violence
                and local_hour in PROGRAM_HOURS
                and source != "officer_initiated"
                and rnd() < take
            ):
                urgent = t.program == "cr" or priority == 1
                program = "cr" if urgent or rnd() < 0.25 else "sw"
                self.program_calls += 1
            units: list[_Unit]
            on_scene: int | None
            if source == "officer_initiated":
                cleared = received + kind.minutes[bits(_TABLE_BITS)]
                unit = f"{district_of[where]}{_SHIFT[local_hour]}{beat_of[where]}1"
                units = [(unit, "police", received, received, received, cleared)]
            elif rnd() < t.no_dispatch:
                units = []
            else:
                units = respond(
                    kind, t, final, received, priority, program, district_of[where],
                    beat_of[where], local_hour,
                )  # fmt: skip
            # -- the call's own times: the first unit's, and the last to clear ---------------
            limit = last - seconds  # the end of the export: later stamps are not known yet
            x = received + seconds
            received_text = day_text[x // 86_400] + clock[x % 86_400]
            dispatched_text = rolling_text = on_scene_text = cleared_text = ""
            if units:
                if len(units) == 1:
                    _, _, dispatched_at, rolling_at, on_scene, cleared_at = units[0]
                else:
                    dispatched_at, rolling_at, on_scene, cleared_at = _span(units)
                if source == "officer_initiated":  # on view: the officer is there already
                    dispatched_text = rolling_text = on_scene_text = received_text
                elif dispatched_at < limit:
                    x = dispatched_at + seconds
                    dispatched_text = day_text[x // 86_400] + clock[x % 86_400]
                    if rolling_at < limit:
                        x = rolling_at + seconds
                        rolling_text = day_text[x // 86_400] + clock[x % 86_400]
                        if on_scene is not None and on_scene < limit:
                            x = on_scene + seconds
                            on_scene_text = day_text[x // 86_400] + clock[x % 86_400]
            else:
                on_scene = None
                cleared_at = received + phone_minutes[bits(_TABLE_BITS)]
            if cleared_at < limit:
                x = cleared_at + seconds
                cleared_text = day_text[x // 86_400] + clock[x % 86_400]
            # -- disposition, narrative, units, persons --------------------------------------
            if not cleared_text:  # still open when the export was written
                disposition = ","
            elif not units:
                disposition = _NO_DISPATCH.get(t.code) or _NO_DISPATCH.get(t.group, "ADV,ADVISED")
            elif on_scene is None:
                disposition = "CAN,CANCELLED"
            elif program:
                table, cum = self.sw_dispo if program == "sw" else self.cr_dispo
                disposition = table[bisect(cum, rnd())]
            else:
                disposition = kind.dispo[bisect(kind.dispo_cum, rnd())]
            narrative = ""
            if rnd() < (0.8 if program else max(t.narrative, final.narrative)):
                narrative = kind.narratives[int(rnd() * len(kind.narratives))]
                if units and rnd() < 0.5:
                    remarks = REMARKS.get(units[0][1], REMARKS["police"])
                    remark = remarks[int(rnd() * len(remarks))].format(unit=units[0][0])
                    narrative = f"{narrative} {remark}"
                narrative = _quote(narrative)
            units_json = ""
            if len(units) == 1 and dispatched_text:  # the unit's times are the call's
                head = heads.get(units[0][0])
                if head is None:
                    head = heads[units[0][0]] = _unit_head(units[0][0], units[0][1])
                units_json = '"[' + _unit_json(
                    head, dispatched_text, rolling_text, on_scene_text, cleared_text
                ) + ']"'  # fmt: skip
            elif units:
                units_json = _units_json(units, limit, seconds, day_text, clock, heads)
            persons = persons_of(person, source, kind)
            rows.append(
                f"R{year}-{sequence:07d},{received_text},{dispatched_text},{rolling_text},"
                f"{on_scene_text},{cleared_text},{source},{priority},{initial.codes},"
                f"{kind.codes},{disposition},{segments[where]},{_FLAG_TEXT[flags]},{narrative},"
                f"{units_json},{persons}\n"
            )
        self.sequence[year] = sequence
        return rows

    def _respond(
        self,
        kind: _Kind,
        t: CallType,
        final: CallType,
        received: int,
        priority: int,
        program: str,
        district: int,
        beat: int,
        hour: int,
    ) -> list[_Unit]:
        """The units sent to a call, each with its own times (never before ``received``)."""
        rnd, bits = self.rng.random, self.rng.getrandbits
        shift = _SHIFT[hour]
        p = priority - 1
        units: list[_Unit] = []
        if program:
            dispatched = received + self.sw_queue[bits(_TABLE_BITS)]
            rolling = dispatched + self.roll[p][bits(_TABLE_BITS)]
            arrived = rolling + self.sw_travel[bits(_TABLE_BITS)]
            cleared = arrived + self.sw_minutes[bits(_TABLE_BITS)]
            if program == "sw":
                units.append((f"SW{1 + bits(3) % 6}", "social_worker", dispatched, rolling,
                              arrived, cleared))  # fmt: skip
                if rnd() < 0.08:  # police backup requested
                    backup = arrived + 300 + bits(10)
                    there = backup + 30 + self.travel[1][bits(_TABLE_BITS)]
                    units.append((f"{district}{shift}{beat}2", "police", backup, backup + 30,
                                  there, max(cleared, there + 600 + bits(10))))  # fmt: skip
            else:
                units.append((f"CR{1 + bits(2) % 3}", "co_response", dispatched, rolling,
                              arrived, cleared))  # fmt: skip
        else:
            dispatched = received + self.queue[p][bits(_TABLE_BITS)]
            rolling = dispatched + self.roll[p][bits(_TABLE_BITS)]
            reached: int | None = None
            if rnd() < t.cancel:
                cleared = rolling + 60 + bits(9)
            else:
                reached = rolling + self.travel[p][bits(_TABLE_BITS)]
                cleared = reached + kind.minutes[bits(_TABLE_BITS)]
            units.append((f"{district}{shift}{beat}1", "police", dispatched, rolling, reached,
                          cleared))  # fmt: skip
            extra = 0
            if priority <= 2:
                extra = 2 - priority + (rnd() < 0.3)
            elif rnd() < 0.08:
                extra = 1
            for car in range(extra):
                later = dispatched + 20 + bits(7)
                if reached is None:
                    units.append((f"{district}{shift}{1 + (beat + car) % 6}{2 + car}", "police",
                                  later, later + 30, None, max(cleared, later + 90)))  # fmt: skip
                else:
                    there = later + 30 + self.travel[p][bits(_TABLE_BITS)]
                    units.append((f"{district}{shift}{1 + (beat + car) % 6}{2 + car}", "police",
                                  later, later + 30, there,
                                  max(cleared - bits(9), there + 120 + bits(9))))  # fmt: skip
        if rnd() < max(t.ems, final.ems):
            go = units[0][2] if program else received + 60 + bits(6)
            there = go + 45 + self.ems_travel[bits(_TABLE_BITS)]
            units.append((f"M{1 + bits(4) % 14}", "ems", go, go + 45, there,
                          there + self.ems_minutes[bits(_TABLE_BITS)]))  # fmt: skip
            if rnd() < max(t.fire, final.fire):
                units.append((f"E{1 + bits(4) % 12}", "fire", go, go + 40, there - 60 + bits(6),
                              there + 600 + bits(10)))  # fmt: skip
        return units

    def _persons(self, person: _Person | None, source: str, kind: _Kind) -> str:
        """The persons column: callers and subjects named on the call, as a JSON array."""
        rnd = self.rng.random
        if person is not None:
            found = ""
            if person.role == "subject" and rnd() < 0.45:
                found = self._stranger(True) + ","
            name = person.nickname if rnd() < 0.04 else person.name
            dob = "" if rnd() < 0.08 else person.date_of_birth
            phone = person.phone if person.role == "caller" or rnd() < 0.3 else ""
            return f'"[{found}{_person_json(person.role, name, dob, phone)}]"'
        if source == "officer_initiated" or source == "alarm":
            return f'"[{self._stranger(False)}]"' if rnd() < kind.stopped else ""
        caller = rnd() < 0.45
        subject = rnd() < kind.named_subject
        if caller and subject:
            return f'"[{self._stranger(True)},{self._stranger(False)}]"'
        if caller or subject:
            return f'"[{self._stranger(caller)}]"'
        return ""

    def _stranger(self, caller: bool) -> str:
        """Someone named on one call: a name, a birth date and a phone drawn from tables."""
        rnd, bits = self.rng.random, self.rng.getrandbits
        name = self.names[int(rnd() * len(self.names))]
        if caller:
            dob = self.birth_dates[bits(_TABLE_BITS)] if rnd() < 0.3 else ""
            phone = self.phones[bits(16)] if rnd() < 0.85 else ""
            return _person_json("caller", name, dob, phone)
        dob = self.birth_dates[bits(_TABLE_BITS)] if rnd() < 0.8 else ""
        return _person_json("subject", name, dob, "")

    def fill(self, summary: SyntheticSummary) -> None:
        summary.by_type = {code: n for code, n in self.counts.items() if n}
        summary.program_calls = self.program_calls
        summary.frequent_caller_calls = self.frequent_calls
        summary.behavioural_health = sum(
            n for code, n in self.counts.items() if TYPE_BY_CODE[code].behavioural
        )
        summary.non_criminal = sum(
            n for code, n in self.counts.items() if not TYPE_BY_CODE[code].criminal
        )


def _dispositions(group: str) -> list[str]:
    return [f"{code},{_quote(DISPOSITIONS[code])}" for code, _ in DISPOSITION_MIX[group]]


def _span(units: list[_Unit]) -> tuple[int, int, int | None, int]:
    """A call's times from its units': first dispatched, en route and on scene; last cleared."""
    dispatched, rolling, on_scene, cleared = units[0][2], units[0][3], units[0][4], units[0][5]
    for _, _, go, roll, there, clear in units[1:]:
        dispatched = min(dispatched, go)
        rolling = min(rolling, roll)
        if there is not None and (on_scene is None or there < on_scene):
            on_scene = there
        cleared = max(cleared, clear)
    return dispatched, rolling, on_scene, cleared


def _units_json(
    units: list[_Unit],
    limit: int,
    seconds: int,
    day_text: list[str],
    clock: list[str],
    heads: dict[str, str],
) -> str:
    """Several units as a JSON array in a quoted CSV field; stamps past ``limit`` left out."""
    parts = []
    for unit_id, unit_type, go, rolling, there, clear in units:
        if go >= limit:  # dispatched after the export was written
            continue
        head = heads.get(unit_id) or heads.setdefault(unit_id, _unit_head(unit_id, unit_type))
        x = go + seconds
        go_text = day_text[x // 86_400] + clock[x % 86_400]
        x = rolling + seconds
        rolling_text = day_text[x // 86_400] + clock[x % 86_400]
        if there is not None and clear < limit:  # the usual case: arrived and cleared
            x = there + seconds
            there_text = day_text[x // 86_400] + clock[x % 86_400]
            x = clear + seconds
            parts.append(
                f'{head}""status"":""CLEARED"",""dispatched_at"":""{go_text}"",'
                f'""en_route_at"":""{rolling_text}"",""on_scene_at"":""{there_text}"",'
                f'""cleared_at"":""{day_text[x // 86_400] + clock[x % 86_400]}""}}'
            )
            continue
        if rolling >= limit:
            rolling_text = ""
        there_text = clear_text = ""
        if there is not None and there < limit:
            x = there + seconds
            there_text = day_text[x // 86_400] + clock[x % 86_400]
        if clear < limit:
            x = clear + seconds
            clear_text = day_text[x // 86_400] + clock[x % 86_400]
        parts.append(_unit_json(head, go_text, rolling_text, there_text, clear_text))
    return '"[' + ",".join(parts) + ']"' if parts else ""


def _unit_head(unit_id: str, unit_type: str) -> str:
    return f'{{""unit_id"":""{unit_id}"",""unit_type"":""{unit_type}"",'


def _unit_json(head: str, go: str, rolling: str, there: str, clear: str) -> str:
    """One unit as JSON from its stamps ("" when not reached), quotes doubled for the CSV."""
    if clear and there:  # the usual case
        return (
            f'{head}""status"":""CLEARED"",""dispatched_at"":""{go}"",""en_route_at"":""{rolling}"",'
            f'""on_scene_at"":""{there}"",""cleared_at"":""{clear}""}}'
        )
    if clear:
        status = "CANCELLED"
    else:
        status = "ON SCENE" if there else ("EN ROUTE" if rolling else "DISPATCHED")
    text = f'{head}""status"":""{status}"",""dispatched_at"":""{go}""'
    if rolling:
        text += f',""en_route_at"":""{rolling}""'
    if there:
        text += f',""on_scene_at"":""{there}""'
    if clear:
        text += f',""cleared_at"":""{clear}""'
    return text + "}"


def _person_json(role: str, name: str, dob: str, phone: str) -> str:
    """One person as JSON, its quotes already doubled for the CSV field; empty keys left out."""
    text = f'{{""role"":""{role}"",""name"":""{name}""'
    if dob:
        text += f',""date_of_birth"":""{dob}""'
    if phone:
        text += f',""phone"":""{phone}""'
    return text + "}"


def _birth_date(rnd: Callable[[], float]) -> str:
    return f"{1940 + int(rnd() * 68)}-{1 + int(rnd() * 12):02d}-{1 + int(rnd() * 28):02d}"


def _phone(rnd: Callable[[], float]) -> str:
    return f"555-{200 + int(rnd() * 800)}-{int(rnd() * 10_000):04d}"
