"""Directory pages: search by need, words, language, open now and place; a service's page;
and the page where managers upload a file and change a service's status."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from coresponder.access.policy import requires
from coresponder.access.principal import has_capability
from coresponder.access.roles import Capability
from coresponder.referrals import selectors, services
from coresponder.referrals.engine import NEEDS
from coresponder.referrals.engine.model import SERVICE_STATUSES

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class SearchForm(forms.Form):
    need = forms.MultipleChoiceField(
        required=False, choices=[(n, n.replace("_", " ")) for n in NEEDS], label="Needs"
    )
    q = forms.CharField(required=False, max_length=200, label="Words")
    language = forms.CharField(required=False, max_length=40, label="Language")
    open_now = forms.BooleanField(required=False, label="Open now")
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, label="Latitude")
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, label="Longitude")
    radius_km = forms.FloatField(required=False, min_value=0.1, max_value=500, label="Within km")


class UploadForm(forms.Form):
    file = forms.FileField(label="HSDS file (.json or data package .zip)")
    replace = forms.BooleanField(required=False, label="Replace the whole directory")


class ServiceForm(forms.Form):
    service_id = forms.UUIDField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(max_length=300)
    status = forms.ChoiceField(choices=[(s, s) for s in SERVICE_STATUSES])


@requires(Capability.VIEW_DIRECTORY, audits="nothing (the directory holds no personal data)")
def search_view(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    matches: list[Any] = []
    if form.is_bound and form.is_valid():
        matches = _search(request, form.cleaned_data)
    directory = selectors.directory_of(request.user.agency)  # type: ignore[union-attr]
    results = [(m, selectors.service_details(directory, m.service)) for m in matches]
    context = {"form": form, "results": results, "searched": form.is_bound}
    template = "referrals/search.html#results" if request.htmx else "referrals/search.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _search(request: HttpRequest, data: dict[str, Any]) -> list[Any]:
    near = (
        (data["lat"], data["lon"]) if data["lat"] is not None and data["lon"] is not None else None
    )
    zone = ZoneInfo(request.user.agency.time_zone)  # type: ignore[union-attr]
    return selectors.search_directory(
        user=request.user,
        needs=data["need"],
        text=data["q"],
        language=data["language"] or None,
        open_at=timezone.now().astimezone(zone) if data["open_now"] else None,
        near=near,
        radius_km=data["radius_km"] if near else None,
    )


@requires(Capability.VIEW_DIRECTORY, audits="nothing (the directory holds no personal data)")
def service_view(request: HttpRequest, service_id: str) -> HttpResponse:
    directory = selectors.directory_of(request.user.agency)  # type: ignore[union-attr]
    service = selectors.service_in(directory, str(service_id))
    if service is None:
        raise Http404("No such service in the directory.")
    details = selectors.service_details(directory, service)
    can_refer = has_capability(request.user, Capability.EDIT_CASES)
    return render(request, "referrals/service.html", {"details": details, "can_refer": can_refer})


@requires(Capability.MANAGE_DIRECTORY, audits="each import (counts) and each service change")
def manage_view(request: HttpRequest) -> HttpResponse:
    agency = request.user.agency  # type: ignore[union-attr]
    form = UploadForm()
    summary = None
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            summary = _import_upload(request, form.cleaned_data)
    snapshot = selectors.snapshot_of(agency)
    context = {
        "form": form,
        "summary": summary,
        "services": selectors.directory_of(agency).services,
        "version": snapshot.version,
        "statuses": SERVICE_STATUSES,
    }
    return render(request, "referrals/manage.html", context)


def _import_upload(request: HttpRequest, data: dict[str, Any]) -> Any:
    upload = data["file"]
    if upload.size > MAX_UPLOAD_BYTES:
        messages.error(request, "The file is larger than 20 MB.")
        return None
    suffix = ".zip" if upload.name.lower().endswith(".zip") else ".json"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        result = services.read_file(path)
    return services.import_directory(
        actor=request.user,
        agency=request.user.agency,  # type: ignore[union-attr]
        result=result,
        replace=data["replace"],
    )


@require_POST
@requires(Capability.MANAGE_DIRECTORY, audits="each service change (the fields named)")
def manage_service_view(request: HttpRequest) -> HttpResponse:
    form = ServiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the service a name and a status from the list.")
        return redirect("referrals:manage")
    data = form.cleaned_data
    try:
        services.update_service(
            actor=request.user,
            agency=request.user.agency,  # type: ignore[union-attr]
            service_id=str(data["service_id"]),
            expected_version=data["version"],
            changes={"name": data["name"], "status": data["status"]},
        )
    except services.DirectoryError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, f"Saved {data['name']}.")
    return redirect("referrals:manage")
