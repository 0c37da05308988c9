"""The triage taxonomy: incident categories fit for deciding who responds.

Every category has a stable snake_case code (stored in decisions and overrides, so a code is
never renamed or reused), a label, a description, its single equivalent among the Vera
Institute's consolidated 911 categories (so figures compare across cities) and whether it is a
behavioural-health category.

``behavioural_health`` is true when the call type itself says a behavioural-health need is the
likely reason for the call: mental-health crisis, suicide, overdose, intoxication and welfare
checks (the call type alternative programs such as CAHOOTS and Denver STAR take most often).
Unhoused and panhandling are not flagged: they are eligible for alternative response through
the policy, but the call type alone does not say there is a health need.

The Vera equivalent follows how the Vera analysts labelled real call types, not how we would
like to group them: a welfare check is a "Statuses" call there, an intoxicated person a
"Liquor Violations" call, a fight or simple battery "Other Crimes". Where our category is finer
than Vera's (mental health, suicide and overdose are all "Behavioral Health") the mapping is
many to one. ``unknown`` has no Vera equivalent.

Bump ``TAXONOMY_VERSION`` whenever a category is added or its Vera equivalent or flag changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

TAXONOMY_VERSION = "2025.1"

# The Vera Institute consolidated 911 categories (tsdataclinic/Vera), spelled as in
# ``category_norm`` of the development file.
VERA_CATEGORIES: tuple[str, ...] = (
    "Accidents/Traffic Safety",
    "Alarms",
    "Assisting the Public",
    "Behavioral Health",
    "Call Related Issues",
    "Callback",
    "Complaints/Environmental Conditions",
    "Domestic Violence",
    "Drugs",
    "Fire",
    "Liquor Violations",
    "Medical Emergencies",
    "Missing Persons",
    "Officer Needs Help",
    "Other (Not Crime)",
    "Other Crimes",
    "Property Crime",
    "Sex Offenses",
    "Status Offenses",
    "Statuses",
    "Suspicion",
    "Training Academy",
    "Violent Crime",
    "Warrants",
)
BEHAVIORAL_HEALTH_VERA = "Behavioral Health"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    description: str
    vera: str | None  # one of VERA_CATEGORIES; None only for ``unknown``
    behavioural_health: bool = False


def _c(code: str, label: str, vera: str | None, description: str, bh: bool = False) -> Category:
    return Category(code, label, description, vera, bh)


_ALL: tuple[Category, ...] = (
    # Behavioural health
    _c(
        "mental_health",
        "Mental-health crisis",
        "Behavioral Health",
        "A person in emotional or psychiatric crisis, disturbed or mentally ill person, "
        "crisis-intervention (CIT) calls, involuntary-hold (5150) requests.",
        bh=True,
    ),
    _c(
        "suicide",
        "Suicide threat or attempt",
        "Behavioral Health",
        "A person threatening, attempting or at risk of suicide.",
        bh=True,
    ),
    _c(
        "overdose",
        "Overdose",
        "Behavioral Health",
        "A drug overdose or drug-related casualty, naloxone given or needed.",
        bh=True,
    ),
    _c(
        "intoxication",
        "Intoxicated person",
        "Liquor Violations",
        "A drunk or intoxicated person, detox or sobering request, substance use without overdose.",
        bh=True,
    ),
    _c(
        "welfare_check",
        "Welfare check",
        "Statuses",
        "Check on the welfare of a person, person down or unresponsive, elderly or at-risk "
        "person; often a hidden behavioural-health call.",
        bh=True,
    ),
    # Quality of life and disorder
    _c(
        "unhoused",
        "Unhoused person or encampment",
        "Complaints/Environmental Conditions",
        "A person sleeping or camping in public, encampment, homeless person complaint.",
    ),
    _c(
        "panhandling",
        "Panhandling",
        "Complaints/Environmental Conditions",
        "Panhandling or begging, aggressive or not.",
    ),
    _c(
        "noise_disturbance",
        "Noise or disturbance",
        "Complaints/Environmental Conditions",
        "Noise, loud party or music, general disturbance, disorderly person or group.",
    ),
    _c(
        "neighbour_dispute",
        "Neighbour or civil dispute",
        "Complaints/Environmental Conditions",
        "Dispute or trouble between neighbours, landlord and tenant, customers; civil matters; "
        "unwanted person.",
    ),
    _c(
        "complaint",
        "Complaint or hazard",
        "Complaints/Environmental Conditions",
        "General complaints, nuisance, hazards, animals, lost property, abandoned vehicles, "
        "utilities and environmental conditions.",
    ),
    _c(
        "trespass",
        "Trespass",
        "Other Crimes",
        "Trespassing, prowler, unwanted person refusing to leave a property.",
    ),
    _c(
        "juvenile_status",
        "Juvenile or status offence",
        "Status Offenses",
        "Curfew, truancy, underage drinking, juvenile problems, runaway-related status offences.",
    ),
    _c(
        "sex_offender_check",
        "Sex-offender registration",
        "Status Offenses",
        "Sex-offender registration checks and failure to register.",
    ),
    _c(
        "missing_person",
        "Missing person",
        "Missing Persons",
        "Missing adult or juvenile, runaway, attempt to locate, found person.",
    ),
    # Medical, fire and traffic
    _c(
        "medical",
        "Medical",
        "Medical Emergencies",
        "Sick or injured person, ambulance or EMS request, medical emergency.",
    ),
    _c("fire", "Fire", "Fire", "Fire, smoke, arson in progress, reckless burning, fire rescue."),
    _c(
        "traffic_collision",
        "Traffic collision",
        "Accidents/Traffic Safety",
        "Motor-vehicle collision or accident, hit and run, with or without injuries.",
    ),
    _c(
        "traffic",
        "Traffic",
        "Accidents/Traffic Safety",
        "Traffic stops and violations, parking, reckless or impaired driving, road hazards, "
        "stalled or blocking vehicles, assisting motorists.",
    ),
    # Crime
    _c(
        "property_crime",
        "Property crime",
        "Property Crime",
        "Theft, burglary, shoplifting, vehicle theft or prowl, criminal damage, vandalism.",
    ),
    _c(
        "fraud",
        "Fraud",
        "Other Crimes",
        "Fraud, forgery, scams, bad cheques, identity theft, embezzlement.",
    ),
    _c(
        "violent_crime",
        "Violent crime",
        "Violent Crime",
        "Robbery, aggravated assault, shooting or stabbing with victims, homicide, kidnapping.",
    ),
    _c(
        "simple_assault",
        "Fight, simple assault or threats",
        "Other Crimes",
        "Fights, simple assault or battery, threats, harassment, intimidation.",
    ),
    _c(
        "domestic_violence",
        "Domestic violence",
        "Domestic Violence",
        "Domestic or family violence or disturbance, court-order service and violations, "
        "child or elder abuse and neglect.",
    ),
    _c(
        "weapons",
        "Weapons",
        "Other Crimes",
        "Person with a gun or other weapon, shots fired or heard, brandishing, discharging a "
        "firearm.",
    ),
    _c(
        "sex_offence",
        "Sex offence",
        "Sex Offenses",
        "Sexual assault or rape, lewd conduct, indecent exposure, molestation.",
    ),
    _c("drugs", "Drugs", "Drugs", "Narcotics activity or violations, drug sales or possession."),
    _c(
        "liquor",
        "Liquor violation",
        "Liquor Violations",
        "Liquor-law violations, open container, drinking in public.",
    ),
    _c(
        "other_crime",
        "Other crime",
        "Other Crimes",
        "Other criminal offences: vice, prostitution, gambling, municipal-code or misdemeanour "
        "violations, bombs and threats to public safety.",
    ),
    _c(
        "suspicious",
        "Suspicious person or activity",
        "Suspicion",
        "Suspicious person, vehicle, circumstances or activity.",
    ),
    _c(
        "officer_needs_help",
        "Officer needs help",
        "Officer Needs Help",
        "An officer needs assistance or emergency help.",
    ),
    # Service and administration
    _c("alarm", "Alarm", "Alarms", "Burglar, hold-up, panic, vehicle or other alarms."),
    _c(
        "hang_up",
        "Hang-up or open line",
        "Call Related Issues",
        "911 hang-up, open or silent line, misdial, cancelled call.",
    ),
    _c(
        "callback",
        "Callback",
        "Callback",
        "A call back to the caller or complainant, return call requested.",
    ),
    _c(
        "assist_public",
        "Assist the public",
        "Assisting the Public",
        "Assisting a member of the public: information, lockout, escort, meet complainant.",
    ),
    _c("warrant", "Warrant", "Warrants", "Warrant service or pickup, wanted person, attachment."),
    _c(
        "administrative",
        "Officer-initiated or administrative",
        "Statuses",
        "Premise, area and business checks, directed patrol, follow-up, assisting another "
        "agency, transports, details, off-duty work and unit statuses.",
    ),
    _c(
        "found_property",
        "Found or recovered property",
        "Statuses",
        "Found property, recovered stolen vehicle or property.",
    ),
    _c("death", "Death investigation", "Statuses", "Dead body, DOA, unattended death."),
    _c("training", "Training", "Training Academy", "Training and academy activity."),
    _c(
        "other",
        "Other (not crime)",
        "Other (Not Crime)",
        "A recognised call type that fits no other category and is not a crime.",
    ),
    _c(
        UNKNOWN,
        "Unknown",
        None,
        "The call type is empty, unreadable or not recognised; it goes to the review queue.",
    ),
)

CATEGORIES: Mapping[str, Category] = MappingProxyType({c.code: c for c in _ALL})


def category(code: str) -> Category:
    """The category with this code; ``KeyError`` naming the code when there is none."""
    try:
        return CATEGORIES[code]
    except KeyError:
        raise KeyError(f"no triage category {code!r}") from None


def vera_category(code: str) -> str | None:
    """The Vera equivalent of a category code (None for unknown)."""
    return category(code).vera


def behavioural_health_codes() -> frozenset[str]:
    """Codes whose Vera equivalent is Behavioral Health (what BH recall counts as a hit)."""
    return frozenset(c.code for c in _ALL if c.vera == BEHAVIORAL_HEALTH_VERA)
