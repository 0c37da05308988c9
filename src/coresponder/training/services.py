"""Training writes: the roster, courses, sessions, attendance and certificates. Each write and
its audit event happen in one transaction; a completed attendance issues the course's
certificate, and a completed refresher renews the certificate of the course it refreshes."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import Http404

from coresponder.access.principal import has_capability
from coresponder.access.roles import Capability
from coresponder.accounts.models import Agency
from coresponder.audit.actions import AuditAction
from coresponder.audit.services import audit_record
from coresponder.training.models import Attendance, Certificate, Course, Officer, Session

MAX_HOURS = Decimal("80")


class TrainingError(ValueError):
    """A refused training operation, with a message fit to show the person."""


def _require(actor: Any, agency: Agency) -> None:
    """``actor`` None is the command line or the demo, acting for the installation."""
    if actor is None:
        return
    if not has_capability(actor, Capability.MANAGE_TRAINING) or actor.agency_id != agency.pk:
        raise Http404


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has no such day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def officer_save(
    *,
    actor: Any,
    agency: Agency,
    badge: str,
    name: str,
    shift: str,
    district: str,
    active: bool = True,
    user: Any = None,
) -> Officer:
    """Add an officer to the roster, or change the one with this badge."""
    _require(actor, agency)
    badge = badge.strip()
    if not badge or not name.strip():
        raise TrainingError("An officer needs a badge number and a name.")
    if shift not in Officer.Shift.values:
        raise TrainingError(f"Unknown shift {shift!r}: use days, evenings or nights.")
    if user is not None and user.agency_id != agency.pk:
        raise TrainingError("That account belongs to another agency.")
    with transaction.atomic():
        officer, created = Officer.objects.update_or_create(
            agency=agency,
            badge=badge,
            defaults={"name": name.strip(), "shift": shift, "district": district.strip(),
                      "active": active, "user": user},
        )  # fmt: skip
        audit_record(
            actor=actor,
            action=AuditAction.OFFICER_SAVED,
            object_type="officer",
            object_id=officer.public_id,
            data={"created": created, "shift": shift, "district": district, "active": active},
            agency_id=agency.pk,
        )
    return officer


def course_save(
    *,
    actor: Any,
    agency: Agency,
    code: str,
    title: str,
    kind: str,
    hours: Decimal | float | int,
    validity_months: int | None = None,
    renews: Course | None = None,
) -> Course:
    """Add a course, or change the one with this code."""
    _require(actor, agency)
    if kind not in Course.Kind.values:
        raise TrainingError(f"Unknown kind of course {kind!r}.")
    if kind == Course.Kind.REFRESHER and renews is None:
        raise TrainingError("Say which course a refresher renews.")
    if renews is not None and (renews.agency_id != agency.pk or kind != Course.Kind.REFRESHER):
        raise TrainingError("Only a refresher renews a course, and only one of this agency.")
    hours = Decimal(str(hours))
    if not Decimal(0) < hours <= MAX_HOURS:
        raise TrainingError("A course's hours must be more than 0 and at most 80.")
    if validity_months is not None and validity_months < 1:
        raise TrainingError("A certificate is valid for at least a month (or leave it blank).")
    with transaction.atomic():
        course, created = Course.objects.update_or_create(
            agency=agency,
            code=code.strip(),
            defaults={"title": title.strip(), "kind": kind, "hours": hours,
                      "validity_months": validity_months, "renews": renews},
        )  # fmt: skip
        audit_record(
            actor=actor,
            action=AuditAction.COURSE_SAVED,
            object_type="course",
            object_id=course.public_id,
            data={"created": created, "code": course.code, "kind": kind},
            agency_id=agency.pk,
        )
    return course


def session_save(*, actor: Any, course: Course, day: date, place: str, trainer: str) -> Session:
    """Schedule a session of a course."""
    agency = course.agency
    _require(actor, agency)
    with transaction.atomic():
        session = Session.objects.create(
            agency=agency, course=course, date=day, place=place.strip(), trainer=trainer.strip()
        )
        audit_record(
            actor=actor,
            action=AuditAction.TRAINING_SESSION_SAVED,
            object_type="training_session",
            object_id=session.public_id,
            data={"course": course.code, "date": day.isoformat()},
            agency_id=agency.pk,
        )
    return session


@dataclass
class Recorded:
    attendance: Attendance
    changed: bool
    certificate: Certificate | None = None


def attendance_record(
    *,
    actor: Any,
    session: Session,
    officer: Officer,
    hours: Decimal | float | int,
    completed: bool,
) -> Recorded:
    """Record (or change) an officer's attendance at a session. Recording the same thing twice
    changes nothing; a completed attendance issues or renews the certificate."""
    _require(actor, session.agency)
    if officer.agency_id != session.agency_id:
        raise TrainingError("That officer is not on this agency's roster.")
    hours = Decimal(str(hours))
    if hours < 0 or hours > MAX_HOURS:
        raise TrainingError("Hours must be between 0 and 80.")
    with transaction.atomic():
        existing = Attendance.objects.filter(session=session, officer=officer).first()
        if existing and existing.hours == hours and existing.completed == completed:
            return Recorded(existing, changed=False)
        if existing:
            existing.hours, existing.completed = hours, completed
            existing.save(update_fields=["hours", "completed"])
            attendance = existing
        else:
            attendance = Attendance.objects.create(
                session=session, officer=officer, hours=hours, completed=completed
            )
        audit_record(
            actor=actor,
            action=AuditAction.ATTENDANCE_RECORDED,
            object_type="training_session",
            object_id=session.public_id,
            data={"officer": str(officer.public_id), "hours": str(hours), "completed": completed},
            agency_id=session.agency_id,
        )
        certificate = _certify(actor, attendance) if completed else None
    return Recorded(attendance, changed=True, certificate=certificate)


def _certify(actor: Any, attendance: Attendance) -> Certificate | None:
    """Issue the session's course certificate, or renew the refreshed course's one."""
    session, officer = attendance.session, attendance.officer
    course = session.course
    target = course.renews if course.kind == Course.Kind.REFRESHER else course
    if target is None:
        return None
    held = Certificate.objects.filter(officer=officer, course=target).first()
    if course.kind == Course.Kind.REFRESHER and held is None:
        return None  # a refresher renews a certificate the officer holds; it does not grant one
    months = course.validity_months or target.validity_months
    expires = add_months(session.date, months) if months else None
    if held is not None and held.issued_on >= session.date:
        return held  # a later session already issued or renewed it
    renewed = held is not None
    if held is None:
        held = Certificate(officer=officer, course=target)
    held.issued_on, held.expires_on, held.session = session.date, expires, session
    held.save()
    audit_record(
        actor=actor,
        action=AuditAction.CERTIFICATE_ISSUED,
        object_type="officer",
        object_id=officer.public_id,
        data={"course": target.code, "renewed": renewed,
              "expires_on": expires.isoformat() if expires else None},
        agency_id=session.agency_id,
    )  # fmt: skip
    return held


@dataclass
class ImportReport:
    imported: int = 0
    unchanged: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "unchanged": self.unchanged,
            "refused": [{"line": line, "reason": reason} for line, reason in self.refused],
        }


TRUE = {"yes", "y", "true", "1", "x", "completed"}
FALSE = {"no", "n", "false", "0", ""}


def attendance_import(*, actor: Any, session: Session, text: str) -> ImportReport:
    """Import attendance rows (columns badge, hours, completed) into a session. Each row is
    recorded on its own or refused with its line number and reason; importing the same file
    again changes nothing."""
    import csv
    import io

    _require(actor, session.agency)
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = {(name or "").strip().lower() for name in (reader.fieldnames or [])}
    missing = {"badge", "hours"} - header
    if missing:
        report.refused.append((1, "the header needs the columns badge, hours and completed"))
        _audit_import(actor, session, report)
        return report
    roster = {o.badge: o for o in Officer.objects.filter(agency_id=session.agency_id)}
    seen: set[str] = set()
    for row in reader:
        line = reader.line_num
        values = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()
                  if isinstance(v, str)}  # fmt: skip
        if not any(values.values()):
            continue
        badge = values.get("badge", "")
        officer = roster.get(badge)
        if officer is None:
            report.refused.append((line, f"no officer with badge {badge!r} on the roster"))
            continue
        if badge in seen:
            report.refused.append((line, f"badge {badge} appears twice in the file"))
            continue
        try:
            hours = Decimal(values.get("hours", ""))
        except ArithmeticError:
            report.refused.append((line, f"hours {values.get('hours', '')!r} is not a number"))
            continue
        if not hours.is_finite() or hours < 0 or hours > MAX_HOURS:
            report.refused.append((line, f"hours {values.get('hours')} is not between 0 and 80"))
            continue
        flag = values.get("completed", "").lower()
        if flag not in TRUE | FALSE:
            report.refused.append((line, f"completed {flag!r} is not yes or no"))
            continue
        seen.add(badge)
        recorded = attendance_record(
            actor=actor, session=session, officer=officer, hours=hours, completed=flag in TRUE
        )
        if recorded.changed:
            report.imported += 1
        else:
            report.unchanged += 1
    _audit_import(actor, session, report)
    return report


def _audit_import(actor: Any, session: Session, report: ImportReport) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.ATTENDANCE_IMPORTED,
        object_type="training_session",
        object_id=session.public_id,
        data={"imported": report.imported, "unchanged": report.unchanged,
              "refused": len(report.refused)},
        agency_id=session.agency_id,
    )  # fmt: skip


@dataclass
class Reminder:
    days: int
    certificates: list[Certificate]
    told: int


def training_remind(
    *, agency: Agency, days: int | None = None, today: date | None = None
) -> Reminder:
    """Tell the agency's supervisors how many certificates expire within ``days`` (no names in
    the message; the list is on the training page). Audited with the counts."""
    from django.conf import settings
    from django.urls import reverse

    from coresponder.notifications.services import notify
    from coresponder.training.selectors import expiring_certificates, supervisors_of

    days = settings.TRAINING_REMINDER_DAYS if days is None else days
    certificates = list(expiring_certificates(agency_id=agency.pk, today=today, days=days))
    told = 0
    if certificates:
        count = len(certificates)
        noun = "certificate expires" if count == 1 else "certificates expire"
        told = notify(
            users=supervisors_of(agency.pk),
            message=f"{count} officer training {noun} within {days} days.",
            path=reverse("training:home"),
        )
    audit_record(
        actor=None,
        action=AuditAction.TRAINING_REMINDERS_SENT,
        object_type="training",
        data={"expiring": len(certificates), "days": days, "told": told},
        agency_id=agency.pk,
    )
    return Reminder(days=days, certificates=certificates, told=told)


def roster_import(*, actor: Any, agency: Agency, text: str) -> ImportReport:
    """Add or change officers from CSV (columns badge, name, shift, district, and optionally
    active and username). Each row is saved on its own or refused with its line and reason;
    importing the same file again changes nothing."""
    import csv
    import io

    from coresponder.accounts.models import User

    _require(actor, agency)
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = {(name or "").strip().lower() for name in (reader.fieldnames or [])}
    if {"badge", "name", "shift", "district"} - header:
        report.refused.append((1, "the header needs the columns badge, name, shift and district"))
        return report
    for row in reader:
        line = reader.line_num
        values = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()
                  if isinstance(v, str)}  # fmt: skip
        if not any(values.values()):
            continue
        active_text = values.get("active", "yes").lower()
        if active_text not in TRUE | FALSE:
            report.refused.append((line, f"active {active_text!r} is not yes or no"))
            continue
        user = None
        if values.get("username"):
            user = User.objects.filter(agency=agency, username=values["username"]).first()
            if user is None:
                report.refused.append((line, f"no account {values['username']!r} in the agency"))
                continue
        existing = Officer.objects.filter(agency=agency, badge=values.get("badge", "")).first()
        active = active_text in TRUE or not active_text  # empty: active
        if existing and (existing.name, existing.shift, existing.district, existing.active,
                         existing.user_id) == (values.get("name"), values.get("shift", "").lower(),
                                               values.get("district"), active,
                                               user.pk if user else None):  # fmt: skip
            report.unchanged += 1
            continue
        try:
            officer_save(
                actor=actor, agency=agency, badge=values.get("badge", ""),
                name=values.get("name", ""), shift=values.get("shift", "").lower(),
                district=values.get("district", ""), active=active, user=user,
            )  # fmt: skip
        except TrainingError as error:
            report.refused.append((line, str(error)))
            continue
        report.imported += 1
    return report
