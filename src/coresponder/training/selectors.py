"""Training reads, scoped to the reader's agency and audited before they return."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import polars as pl
from django.conf import settings
from django.db.models import Count, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from coresponder.access.roles import Role
from coresponder.accounts.models import User
from coresponder.analytics.metrics.training import training_coverage
from coresponder.audit.actions import AuditAction
from coresponder.audit.services import audit_record
from coresponder.training.models import Attendance, Certificate, Course, Officer, Session

DEFAULT_COURSE_KIND = Course.Kind.CIT


def expiring_certificates(
    *, agency_id: int, today: date | None = None, days: int | None = None
) -> QuerySet[Certificate]:
    """Certificates of active officers that expire from today to ``days`` ahead (default
    ``COREPONDER_TRAINING_REMINDER_DAYS``), soonest first."""
    today = today or timezone.localdate()
    days = settings.TRAINING_REMINDER_DAYS if days is None else days
    return (
        Certificate.objects.filter(
            officer__agency_id=agency_id,
            officer__active=True,
            expires_on__gte=today,
            expires_on__lte=today + timedelta(days=days),
        )
        .select_related("officer", "course")
        .order_by("expires_on", "officer__badge")
    )


def supervisors_of(agency_id: int) -> QuerySet[User]:
    return User.objects.filter(
        agency_id=agency_id, is_active=True, memberships__role=Role.SUPERVISOR
    ).distinct()


def training_overview(*, user: Any) -> dict[str, Any]:
    """Courses, sessions and certificates expiring soon, for someone who manages training."""
    agency_id = user.agency_id
    courses = list(
        Course.objects.filter(agency_id=agency_id)
        .select_related("renews")
        .annotate(session_count=Count("sessions"))
    )
    sessions = list(
        Session.objects.filter(agency_id=agency_id)
        .select_related("course")
        .annotate(attendees=Count("attendance"), hours=Sum("attendance__hours"))
    )
    expiring = list(expiring_certificates(agency_id=agency_id))
    audit_record(
        actor=user,
        action=AuditAction.TRAINING_LISTED,
        object_type="training",
        data={"courses": len(courses), "sessions": len(sessions), "expiring": len(expiring)},
    )
    return {
        "courses": courses,
        "sessions": sessions,
        "expiring": expiring,
        "reminder_days": settings.TRAINING_REMINDER_DAYS,
        "roster_size": Officer.objects.filter(agency_id=agency_id, active=True).count(),
    }


def session_get(*, user: Any, public_id: uuid.UUID | str) -> Session:
    session = (
        Session.objects.filter(agency_id=user.agency_id, public_id=public_id)
        .select_related("course")
        .first()
    )
    if session is None:
        raise Http404
    return session


def officer_by_badge(*, user: Any, badge: str) -> Officer | None:
    return Officer.objects.filter(agency_id=user.agency_id, badge=badge).first()


def session_attendance(*, user: Any, session: Session) -> list[Attendance]:
    rows = list(
        Attendance.objects.filter(session=session)
        .select_related("officer")
        .order_by("officer__badge")
    )
    audit_record(
        actor=user,
        action=AuditAction.TRAINING_LISTED,
        object_type="training_session",
        object_id=session.public_id,
        data={"attendance": len(rows)},
    )
    return rows


def default_course(agency_id: int) -> Course | None:
    return (
        Course.objects.filter(agency_id=agency_id, kind=DEFAULT_COURSE_KIND)
        .order_by("code")
        .first()
        or Course.objects.filter(agency_id=agency_id).exclude(kind=Course.Kind.REFRESHER).first()
    )


def coverage_frames(agency_id: int) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The roster, certificates and attendance of an agency as the metric's frames."""
    officers = pl.DataFrame(
        list(
            Officer.objects.filter(agency_id=agency_id).values_list(
                "pk", "shift", "district", "active"
            )
        ),
        schema={"officer_id": pl.Int64, "shift": pl.String, "district": pl.String,
                "active": pl.Boolean},
        orient="row",
    )  # fmt: skip
    certificates = pl.DataFrame(
        list(
            Certificate.objects.filter(officer__agency_id=agency_id).values_list(
                "officer_id", "course__code", "issued_on", "expires_on"
            )
        ),
        schema={"officer_id": pl.Int64, "course": pl.String, "issued_on": pl.Date,
                "expires_on": pl.Date},
        orient="row",
    )  # fmt: skip
    attendance = pl.DataFrame(
        [
            (officer_id, float(hours))
            for officer_id, hours in Attendance.objects.filter(
                officer__agency_id=agency_id
            ).values_list("officer_id", "hours")
        ],
        schema={"officer_id": pl.Int64, "hours": pl.Float64},
        orient="row",
    )
    return officers, certificates, attendance


def coverage(
    *, user: Any, course_code: str | None = None, as_of: date | None = None
) -> dict[str, Any]:
    """Coverage of a course (default: the CIT 40-hour course) by shift and by district."""
    agency_id = user.agency_id
    courses = list(Course.objects.filter(agency_id=agency_id).exclude(kind=Course.Kind.REFRESHER))
    course = next((c for c in courses if c.code == course_code), None) if course_code else None
    if course is None:
        course = default_course(agency_id)
    as_of = as_of or timezone.localdate()
    result: dict[str, Any] = {"courses": courses, "course": course, "as_of": as_of}
    if course is not None:
        officers, certificates, attendance = coverage_frames(agency_id)
        for by in ("shift", "district"):
            metric = training_coverage(
                officers, certificates, course=course.code, as_of=as_of, by=by,
                attendance=attendance,
            )  # fmt: skip
            result["overall"] = metric
            result[by] = metric.table.to_dicts() if metric.table is not None else []
    audit_record(
        actor=user,
        action=AuditAction.TRAINING_COVERAGE_VIEWED,
        object_type="training",
        data={"course": course.code if course else None, "as_of": as_of.isoformat()},
    )
    return result


def own_training(*, user: Any) -> dict[str, Any]:
    """The signed-in officer's own sessions, hours and certificates (empty when the account
    is linked to no roster entry)."""
    officer = Officer.objects.filter(agency_id=user.agency_id, user=user).first()
    context: dict[str, Any] = {"officer": officer, "today": timezone.localdate()}
    if officer is not None:
        context["attendance"] = list(
            officer.attendance.select_related("session__course").order_by("-session__date")
        )
        context["certificates"] = list(
            officer.certificates.select_related("course").order_by("course__code")
        )
        context["hours"] = sum((a.hours for a in context["attendance"]), start=0)
    audit_record(
        actor=user,
        action=AuditAction.OWN_TRAINING_VIEWED,
        object_type="officer",
        object_id=officer.public_id if officer else "",
    )
    return context
