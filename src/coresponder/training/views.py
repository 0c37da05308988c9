"""Training pages: courses and sessions, a session's attendance with its CSV upload, coverage
by shift and district, and an officer's own training."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from coresponder.access.policy import requires
from coresponder.access.roles import Capability
from coresponder.training import selectors, services
from coresponder.training.forms import CourseForm, SessionForm

MAX_UPLOAD_BYTES = 2_000_000
CHART_HEIGHT = 100


def _user(request: HttpRequest) -> Any:
    return request.user


@requires(Capability.MANAGE_TRAINING, audits="each listing of courses, sessions and expiries")
def training_view(request: HttpRequest) -> HttpResponse:
    return render(request, "training/home.html", selectors.training_overview(user=_user(request)))


@requires(Capability.MANAGE_TRAINING, audits="each session's attendance listed")
def session_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    session = selectors.session_get(user=_user(request), public_id=public_id)
    rows = selectors.session_attendance(user=_user(request), session=session)
    report = request.session.pop("training_import_report", None)
    context = {"session": session, "rows": rows, "report": report}
    return render(request, "training/session.html", context)


@requires(Capability.MANAGE_TRAINING, audits="each import, with its counts (and each row)")
@require_POST
def session_import_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    session = selectors.session_get(user=_user(request), public_id=public_id)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Choose a CSV file with the columns badge, hours and completed.")
        return redirect("training:session", public_id=session.public_id)
    if upload.size and upload.size > MAX_UPLOAD_BYTES:
        messages.error(request, "That file is too large for an attendance list (2 MB at most).")
        return redirect("training:session", public_id=session.public_id)
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        messages.error(request, "That file is not UTF-8 text: save it as CSV (UTF-8).")
        return redirect("training:session", public_id=session.public_id)
    report = services.attendance_import(actor=_user(request), session=session, text=text)
    request.session["training_import_report"] = report.as_dict()
    messages.success(
        request,
        f"Imported {report.imported}, unchanged {report.unchanged}, refused {len(report.refused)}.",
    )
    return redirect("training:session", public_id=session.public_id)


@requires(Capability.MANAGE_TRAINING, audits="each session scheduled")
def session_new_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = SessionForm(request.POST or None, agency_id=user.agency_id)
    if form.is_valid():
        data = form.cleaned_data
        try:
            session = services.session_save(
                actor=user, course=data["course"], day=data["day"], place=data["place"],
                trainer=data["trainer"],
            )  # fmt: skip
        except services.TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Session scheduled. Import its attendance here.")
            return redirect("training:session", public_id=session.public_id)
    context = {"form": form, "title": "Schedule a training session"}
    return render(request, "training/form.html", context)


@requires(Capability.MANAGE_TRAINING, audits="each course added or changed")
def course_new_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = CourseForm(request.POST or None, agency_id=user.agency_id)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.course_save(
                actor=user, agency=user.agency, code=data["code"], title=data["title"],
                kind=data["kind"], hours=data["hours"], validity_months=data["validity_months"],
                renews=data["renews"],
            )  # fmt: skip
        except services.TrainingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Course saved.")
            return redirect("training:home")
    context = {"form": form, "title": "Add or change a course"}
    return render(request, "training/form.html", context)


@requires(Capability.MANAGE_TRAINING, audits="each attendance recorded (and certificate issued)")
@require_POST
def attendance_record_view(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _user(request)
    session = selectors.session_get(user=user, public_id=public_id)
    badge = request.POST.get("badge", "").strip()
    officer = selectors.officer_by_badge(user=user, badge=badge)
    try:
        if officer is None:
            raise services.TrainingError(f"No officer with badge {badge!r} on the roster.")
        try:
            hours = Decimal(request.POST.get("hours", "").strip())
        except ArithmeticError:
            raise services.TrainingError("Hours must be a number.") from None
        if not hours.is_finite():
            raise services.TrainingError("Hours must be a number.")
        recorded = services.attendance_record(
            actor=user, session=session, officer=officer, hours=hours,
            completed=request.POST.get("completed") == "on",
        )  # fmt: skip
    except services.TrainingError as error:
        messages.error(request, str(error))
    else:
        issued = " A certificate was issued or renewed." if recorded.certificate else ""
        changed = "Attendance recorded." if recorded.changed else "Nothing changed."
        messages.success(request, changed + issued)
    return redirect("training:session", public_id=session.public_id)


def _bars(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """Bar positions for the server-drawn coverage chart (share 0..1 → height)."""
    bars = []
    for index, row in enumerate(rows):
        share = float(row["share"] or 0)
        height = round(share * CHART_HEIGHT)
        bars.append({"x": index * 70, "y": 110 - height, "h": height, "label": row[key],
                     "percent": round(share * 100), **row})  # fmt: skip
    return bars


@requires(Capability.VIEW_AGGREGATES, audits="each reading of coverage (course and day)")
def coverage_view(request: HttpRequest) -> HttpResponse:
    context = selectors.coverage(user=_user(request), course_code=request.GET.get("course"))
    for by in ("shift", "district"):
        rows = context.get(by, [])
        context[f"{by}_bars"] = _bars(rows, by)
        context[f"{by}_width"] = max(len(rows), 1) * 70
    return render(request, "training/coverage.html", context)


@requires(Capability.VIEW_OWN_TRAINING, audits="each reading of one's own training")
def mine_view(request: HttpRequest) -> HttpResponse:
    return render(request, "training/mine.html", selectors.own_training(user=_user(request)))
