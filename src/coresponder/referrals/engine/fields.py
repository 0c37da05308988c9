"""Turning one raw HSDS value (CSV text or a JSON value) into a typed value, and back.

Every parser returns ``(value, None)`` or ``(None, message)`` and never raises: the input is
untrusted and one bad field must only cost its own record.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import Field
from datetime import date, time
from typing import Any
from urllib.parse import urlsplit

from .model import WEEKDAYS

Parsed = tuple[Any, str | None]

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
# Digits with the usual separators; three digits at least because 211 and 988 are real
# crisis and referral numbers in the US.
_PHONE = re.compile(r"^\+?[0-9][0-9 ().\-]*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?$")
_MIDNIGHT_AS_24 = re.compile(r"^24:00(:00)?(?=$|Z|[+-])")
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}$")
_BYDAY = re.compile(r"^([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$")
_MONTHDAY = re.compile(r"^-?\d{1,2}$")


def is_missing(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _text(raw: Any) -> Parsed:
    # Whole numbers are taken as text: exports often write postal codes as JSON numbers.
    if isinstance(raw, int) and not isinstance(raw, bool):
        return str(raw), None
    if not isinstance(raw, str):
        return None, "must be text"
    return raw, None


def _matching(pattern: re.Pattern[str], what: str) -> Callable[[Any], Parsed]:
    def parse(raw: Any) -> Parsed:
        if not isinstance(raw, str) or not pattern.match(raw.strip()):
            return None, f"is not {what}: {_show(raw)}"
        return raw.strip(), None

    return parse


def _uuid(raw: Any) -> Parsed:
    value, error = _matching(_UUID, "a UUID")(raw)
    return (value.lower() if value else None), error


def _url(raw: Any) -> Parsed:
    if isinstance(raw, str) and not any(c.isspace() for c in raw.strip()):
        parts = urlsplit(raw.strip())
        if parts.scheme in ("http", "https") and parts.netloc:
            return raw.strip(), None
    return None, f"is not an http(s) URL: {_show(raw)}"


def _phone(raw: Any) -> Parsed:
    value, error = _matching(_PHONE, "a phone number")(raw)
    if value is not None and sum(c.isdigit() for c in value) < 3:
        return None, f"is not a phone number: {_show(raw)}"
    return value, error


def _date(raw: Any) -> Parsed:
    if isinstance(raw, str) and _DATE.match(raw.strip()):
        try:
            return date.fromisoformat(raw.strip()), None
        except ValueError:
            pass
    return None, f"is not a date (YYYY-MM-DD): {_show(raw)}"


def _time(raw: Any) -> Parsed:
    if isinstance(raw, str) and _TIME.match(raw.strip()):
        text = raw.strip()
        # "Closes at 24:00" is common in directories: midnight, and the session ends there.
        text = _MIDNIGHT_AS_24.sub("00:00", text)
        try:
            return time.fromisoformat(text), None
        except ValueError:
            pass
    return None, f"is not a time (HH:MM, optionally with Z or an offset): {_show(raw)}"


def _number(raw: Any) -> Parsed:
    if isinstance(raw, bool):
        return None, f"is not a number: {_show(raw)}"
    try:
        value = float(raw.strip() if isinstance(raw, str) else raw)
    except (TypeError, ValueError, OverflowError):
        return None, f"is not a number: {_show(raw)}"
    if not math.isfinite(value):
        return None, f"is not a finite number: {_show(raw)}"
    return value, None


def _integer(raw: Any) -> Parsed:
    value, error = _number(raw)
    if error or value != int(value):
        return None, f"is not a whole number: {_show(raw)}"
    return int(value), None


def _byday(raw: Any) -> Parsed:
    tokens = _tokens(raw)
    if not tokens or not all(_BYDAY.match(t) for t in tokens):
        days = ",".join(WEEKDAYS)
        return None, f"is not a list of iCal days ({days}, e.g. MO,TU or 2MO): {_show(raw)}"
    return ",".join(tokens), None


def _monthdays(raw: Any) -> Parsed:
    tokens = _tokens(raw)
    if not tokens or not all(_MONTHDAY.match(t) and 1 <= abs(int(t)) <= 31 for t in tokens):
        return None, f"is not a list of days of the month (1..31 or -31..-1): {_show(raw)}"
    return ",".join(str(int(t)) for t in tokens), None


def _tokens(raw: Any) -> list[str]:
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str):
        return []
    return [t.strip().upper() for t in raw.split(",")]


def _show(raw: Any) -> str:
    text = repr(raw)
    return text if len(text) <= 60 else text[:57] + "..."


PARSERS: dict[str, Callable[[Any], Parsed]] = {
    "text": _text,
    "uuid": _uuid,
    "url": _url,
    "email": _matching(_EMAIL, "an e-mail address"),
    "phone": _phone,
    "date": _date,
    "time": _time,
    "number": _number,
    "integer": _integer,
    "byday": _byday,
    "monthdays": _monthdays,
    "country": _matching(_COUNTRY, "a two-letter ISO 3166-1 country code"),
    "language": _matching(_LANGUAGE, "an ISO 639-1 or 639-3 language code"),
}


def parse_field(spec: Field[Any], raw: Any) -> Parsed:
    """Parse one raw value for ``spec``; a missing value is ``(None, None)``."""
    if is_missing(raw):
        return None, None
    kind = spec.metadata["kind"]
    if kind == "enum":
        return _choice(spec.metadata["choices"], raw)
    value, error = PARSERS[kind](raw)
    if error is None:
        error = _out_of_range(spec, value)
    return (None, error) if error else (_normalise(kind, value), None)


def _choice(choices: tuple[str, ...], raw: Any) -> Parsed:
    if isinstance(raw, str):
        for choice in choices:
            if raw.strip().casefold() == choice.casefold():
                return choice, None
    return None, f"must be one of {', '.join(choices)}: {_show(raw)}"


def _out_of_range(spec: Field[Any], value: Any) -> str | None:
    low, high = spec.metadata["low"], spec.metadata["high"]
    if low is not None and high is not None and not low <= value <= high:
        return f"must be between {low:g} and {high:g}: {value!r}"
    return None


def _normalise(kind: str, value: Any) -> Any:
    if kind == "country":
        return value.upper()
    if kind == "language":
        return value.lower()
    return value


def format_time(value: time) -> str:
    text = f"{value.hour:02d}:{value.minute:02d}"
    if value.second:
        text += f":{value.second:02d}"
    offset = value.utcoffset()
    if offset is None:
        return text
    if not offset:
        return text + "Z"
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return f"{text}{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def to_json_value(value: Any) -> Any:
    """A typed value as HSDS JSON: dates and times as strings, numbers as numbers."""
    if isinstance(value, time):
        return format_time(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def to_csv_value(value: Any) -> str:
    """A typed value as one CSV cell; ``repr`` keeps floats exact for the round trip."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(to_json_value(value))
