"""Officer training: certificates issued and renewed, attendance imported from CSV with its
bad rows reported, coverage by shift and district counted by hand, reminders to supervisors,
and who may open which page."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from click.testing import CliRunner
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from coresponder.access.navigation import NAVIGATION
from coresponder.access.principal import has_capability
from coresponder.access.roles import Capability
from coresponder.audit.actions import AuditAction
from coresponder.audit.models import AuditEvent
from coresponder.cli import main
from coresponder.notifications.models import Notification
from coresponder.training import selectors, services
from coresponder.training.models import Attendance, Certificate, Course, Officer
from tests.conftest import Personas

TODAY = date(2026, 11, 28)


@pytest.fixture
def world(personas: Personas) -> dict:
    agency = personas.agency
    sup = personas.supervisor
    officers = {
        badge: services.officer_save(
            actor=sup, agency=agency, badge=badge, name=f"Officer {badge}", shift=shift,
            district=district, active=active,
        )
        for badge, shift, district, active in (
            ("101", "days", "North", True),
            ("102", "days", "North", True),
            ("103", "days", "South", True),
            ("104", "nights", "North", True),
            ("105", "nights", "South", True),
            ("106", "nights", "South", False),  # left the force: counts nowhere
        )
    }  # fmt: skip
    cit = services.course_save(
        actor=sup, agency=agency, code="CIT40", title="Crisis intervention team",
        kind=Course.Kind.CIT, hours=40, validity_months=36,
    )  # fmt: skip
    refresher = services.course_save(
        actor=sup, agency=agency, code="CIT-R", title="Refresher", kind=Course.Kind.REFRESHER,
        hours=8, validity_months=24, renews=cit,
    )  # fmt: skip
    mhfa = services.course_save(
        actor=sup, agency=agency, code="MHFA", title="Mental-health first aid",
        kind=Course.Kind.MENTAL_HEALTH_FIRST_AID, hours=8,
    )  # fmt: skip
    session = services.session_save(
        actor=sup, course=cit, day=date(2024, 3, 4), place="Academy", trainer="Sgt. Obi"
    )
    return {"officers": officers, "cit": cit, "refresher": refresher, "mhfa": mhfa,
            "session": session}  # fmt: skip


def _attend(world: dict, badge: str, *, session=None, hours=40, completed=True):
    return services.attendance_record(
        actor=None, session=session or world["session"], officer=world["officers"][badge],
        hours=hours, completed=completed,
    )  # fmt: skip


def test_it_issues_a_certificate_when_attendance_is_completed(world: dict) -> None:
    recorded = _attend(world, "101")
    assert recorded.certificate is not None
    assert recorded.certificate.issued_on == date(2024, 3, 4)
    assert recorded.certificate.expires_on == date(2027, 3, 4)
    assert _attend(world, "102", hours=16, completed=False).certificate is None
    assert not Certificate.objects.filter(officer=world["officers"]["102"]).exists()
    assert AuditEvent.objects.filter(action=AuditAction.CERTIFICATE_ISSUED).count() == 1
    event = AuditEvent.objects.filter(action=AuditAction.ATTENDANCE_RECORDED).last()
    assert event is not None and event.object_id == str(world["session"].public_id)


def test_a_course_without_validity_never_expires(world: dict) -> None:
    session = services.session_save(
        actor=None, course=world["mhfa"], day=date(2020, 1, 31), place="Library", trainer="County"
    )
    cert = _attend(world, "103", session=session, hours=8).certificate
    assert cert is not None and cert.expires_on is None


def test_a_refresher_renews_only_a_certificate_the_officer_holds(world: dict) -> None:
    _attend(world, "101")
    refresher = services.session_save(
        actor=None, course=world["refresher"], day=date(2026, 10, 31), place="HQ", trainer="X"
    )
    renewed = _attend(world, "101", session=refresher, hours=8).certificate
    assert renewed is not None and renewed.course == world["cit"]
    assert (renewed.issued_on, renewed.expires_on) == (date(2026, 10, 31), date(2028, 10, 31))
    assert Certificate.objects.filter(officer=world["officers"]["101"]).count() == 1
    assert _attend(world, "102", session=refresher, hours=8).certificate is None
    assert not Certificate.objects.filter(officer=world["officers"]["102"]).exists()


def test_it_adds_months_to_the_end_of_a_short_month() -> None:
    assert services.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert services.add_months(date(2026, 11, 28), -36) == date(2023, 11, 28)


def test_it_refuses_bad_roster_and_course_input(world: dict, personas: Personas) -> None:
    agency = personas.agency
    with pytest.raises(services.TrainingError):
        services.officer_save(actor=None, agency=agency, badge="9", name="A", shift="noon",
                              district="North")  # fmt: skip
    with pytest.raises(services.TrainingError):
        services.course_save(actor=None, agency=agency, code="R2", title="R",
                             kind=Course.Kind.REFRESHER, hours=8)  # fmt: skip
    with pytest.raises(services.TrainingError):
        _attend(world, "101", hours=81)
    # the same badge in another agency is another officer
    other = services.officer_save(actor=None, agency=personas.other_agency, badge="101",
                                  name="Someone else", shift="days", district="Z")  # fmt: skip
    assert Officer.objects.filter(badge="101").count() == 2 and other.agency != agency
    # someone without manage_training cannot write
    with pytest.raises(Http404):
        services.officer_save(actor=personas.analyst, agency=agency, badge="9", name="A",
                              shift="days", district="North")  # fmt: skip


CSV = """badge,hours,completed
101,40,yes
102,16,no
999,40,yes
103,forty,yes
104,-2,yes
105,120,yes
101,40,yes
103,40,maybe

104,40,YES
"""


def test_it_imports_attendance_and_reports_the_bad_rows(world: dict) -> None:
    report = services.attendance_import(actor=None, session=world["session"], text=CSV)
    assert report.imported == 3  # 101, 102 and 104 (its second row)
    assert report.unchanged == 0
    assert report.refused == [
        (4, "no officer with badge '999' on the roster"),
        (5, "hours 'forty' is not a number"),
        (6, "hours -2 is not between 0 and 80"),
        (7, "hours 120 is not between 0 and 80"),
        (8, "badge 101 appears twice in the file"),
        (9, "completed 'maybe' is not yes or no"),
    ]
    assert Attendance.objects.filter(session=world["session"]).count() == 3
    again = services.attendance_import(actor=None, session=world["session"], text=CSV)
    assert (again.imported, again.unchanged, len(again.refused)) == (0, 3, 6)
    hours = sum(a.hours for a in Attendance.objects.filter(session=world["session"]))
    assert hours == Decimal("96")  # not double counted
    assert AuditEvent.objects.filter(action=AuditAction.ATTENDANCE_IMPORTED).count() == 2


def test_it_reports_a_file_without_the_columns(world: dict) -> None:
    report = services.attendance_import(actor=None, session=world["session"], text="a,b\n1,2\n")
    assert report.imported == 0 and report.refused[0][0] == 1


def test_the_command_imports_a_file(world: dict, tmp_path, personas: Personas) -> None:
    path = tmp_path / "attendance.csv"
    path.write_text(CSV)
    args = ["training", "import-attendance", str(path), "--session",
            str(world["session"].public_id), "--agency", personas.agency.slug]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert '"imported": 3' in result.output and "line 4: no officer" in result.output
    missing = CliRunner().invoke(main, [*args[:3], "--session", "nope", "--agency", "testville"])
    assert missing.exit_code == 1 and "No training session" in missing.output


def test_coverage_by_shift_and_district_counted_by_hand(world: dict, personas: Personas) -> None:
    # 101 (days, North) current; 104 (nights, North) expired; 105 (nights, South) current;
    # 106 is inactive and certified: counts nowhere.
    _attend(world, "101")
    _attend(world, "105", hours=36)
    _attend(world, "106")
    old = services.session_save(
        actor=None, course=world["cit"], day=date(2022, 1, 10), place="A", trainer="B"
    )
    _attend(world, "104", session=old)
    result = selectors.coverage(user=personas.supervisor, as_of=TODAY)
    assert result["course"] == world["cit"]
    assert result["overall"].parts["officers"] == 5
    assert result["overall"].parts["trained"] == 2
    assert result["overall"].value == pytest.approx(2 / 5)
    by_shift = {row["shift"]: row for row in result["shift"]}
    assert (by_shift["days"]["officers"], by_shift["days"]["trained"]) == (3, 1)
    assert (by_shift["nights"]["officers"], by_shift["nights"]["trained"]) == (2, 1)
    # hours per officer: days 40 / 3; nights (40 + 36) / 2
    assert by_shift["days"]["hours_per_officer"] == pytest.approx(40 / 3)
    assert by_shift["nights"]["hours_per_officer"] == pytest.approx(38.0)
    by_district = {row["district"]: row for row in result["district"]}
    assert by_district["North"]["share"] == pytest.approx(1 / 3)  # 101 of 101, 102, 104
    assert by_district["South"]["share"] == pytest.approx(1 / 2)  # 105 of 103, 105
    assert AuditEvent.objects.filter(action=AuditAction.TRAINING_COVERAGE_VIEWED).exists()


def test_reminders_tell_supervisors_without_names(world: dict, personas: Personas) -> None:
    soon = timezone.localdate() - timedelta(days=365 * 3 - 20)
    session = services.session_save(
        actor=None, course=world["cit"], day=soon, place="A", trainer="B"
    )
    _attend(world, "103", session=session)
    recent = services.session_save(
        actor=None, course=world["cit"], day=timezone.localdate() - timedelta(days=365),
        place="A", trainer="B",
    )  # fmt: skip
    _attend(world, "101", session=recent)  # expires in two years: not soon
    result = CliRunner().invoke(main, ["training", "remind", "--agency", "testville"])
    assert result.exit_code == 0, result.output
    assert "1 certificates expire within 60 days; 1 supervisors told." in result.output
    assert "Officer 103" in result.output and "Officer 101" not in result.output
    note = Notification.objects.get(recipient=personas.supervisor)
    assert "Officer 103" not in note.message and "certificate" in note.message
    assert note.url == reverse("training:home")
    assert not Notification.objects.filter(recipient=personas.worker_a).exists()
    event = AuditEvent.objects.get(action=AuditAction.TRAINING_REMINDERS_SENT)
    assert event.data["expiring"] == 1 and event.data["told"] == 1


def test_the_pages_for_a_supervisor(world: dict, personas: Personas, client_for) -> None:
    _attend(world, "101")
    client = client_for(personas.supervisor)
    home = client.get(reverse("training:home"))
    assert home.status_code == 200 and b"CIT40" in home.content
    url = reverse("training:session", args=[world["session"].public_id])
    page = client.get(url)
    assert page.status_code == 200 and b"Officer 101" in page.content
    upload = SimpleUploadedFile("a.csv", CSV.encode(), content_type="text/csv")
    answer = client.post(reverse("training:session_import", args=[world["session"].public_id]),
                         {"file": upload})  # fmt: skip
    assert answer.status_code == 302
    after = client.get(url)
    assert b"no officer with badge" in after.content and b"Officer 104" in after.content
    coverage = client.get(reverse("training:coverage"))
    assert coverage.status_code == 200 and b"<svg" in coverage.content


def test_an_analyst_sees_coverage_but_no_names(world: dict, personas: Personas, client_for) -> None:
    _attend(world, "101")
    client = client_for(personas.analyst)
    page = client.get(reverse("training:coverage"))
    assert page.status_code == 200 and b"Officer 101" not in page.content
    assert b"North" in page.content
    assert client.get(reverse("training:home")).status_code == 403


def test_another_agency_gets_404_on_a_session(world: dict, personas: Personas, client_for) -> None:
    client = client_for(personas.outsider_admin)
    url = reverse("training:session", args=[world["session"].public_id])
    assert client.get(url).status_code == 404


def test_an_officer_sees_only_their_own_training(world: dict, personas: Personas,
                                                 client_for) -> None:  # fmt: skip
    mine = world["officers"]["101"]
    mine.user = personas.officer
    mine.save(update_fields=["user"])
    _attend(world, "101")
    _attend(world, "102")
    client = client_for(personas.officer)
    page = client.get(reverse("training:mine"))
    assert page.status_code == 200
    assert b"Officer 101" in page.content and b"Officer 102" not in page.content
    assert b"2027-03-04" in page.content
    assert client.get(reverse("training:home")).status_code == 403
    assert client.get(reverse("training:coverage")).status_code == 403
    event = AuditEvent.objects.get(action=AuditAction.OWN_TRAINING_VIEWED)
    assert event.object_id == str(mine.public_id)


def test_an_officer_without_a_roster_entry_is_told(personas: Personas, client_for) -> None:
    page = client_for(personas.officer).get(reverse("training:mine"))
    assert page.status_code == 200 and b"not linked" in page.content


def test_who_may_do_what(personas: Personas) -> None:
    assert has_capability(personas.supervisor, Capability.MANAGE_TRAINING)
    assert has_capability(personas.admin, Capability.MANAGE_TRAINING)
    assert not has_capability(personas.worker_a, Capability.MANAGE_TRAINING)
    assert not has_capability(personas.analyst, Capability.MANAGE_TRAINING)
    assert has_capability(personas.officer, Capability.VIEW_OWN_TRAINING)
    assert not has_capability(personas.supervisor, Capability.VIEW_OWN_TRAINING)
    training_items = {i.url_name for i in NAVIGATION if i.url_name.startswith("training:")}
    assert training_items == {"training:home", "training:mine", "training:coverage"}
    for user in (personas.worker_a, personas.auditor):
        assert not any(has_capability(user, i.capability) for i in NAVIGATION
                       if i.url_name.startswith("training:"))  # fmt: skip


def test_the_demo_roster_gives_partial_coverage(personas: Personas) -> None:
    from coresponder.training.demo import load_demo_training

    first = load_demo_training(personas.agency)
    assert first.officers == 120 and first.sessions > 0
    again = load_demo_training(personas.agency)
    assert again.sessions == 0 and Officer.objects.filter(agency=personas.agency).count() == 120
    result = selectors.coverage(user=personas.supervisor)
    assert 0.2 < result["overall"].value < 0.9
    assert {row["district"] for row in result["district"]} == {"North", "South", "East", "Central"}
    assert selectors.expiring_certificates(agency_id=personas.agency.pk).exists()
    linked = Officer.objects.get(agency=personas.agency, user=personas.officer)
    assert linked.certificates.exists()  # the demo officer has a record to look at


def test_a_supervisor_schedules_a_session_and_adds_a_course(
    world: dict, personas: Personas, client_for
) -> None:
    client = client_for(personas.supervisor)
    assert client.get(reverse("training:session_new")).status_code == 200
    answer = client.post(
        reverse("training:session_new"),
        {"course": world["cit"].pk, "day": "2026-12-07", "place": "Academy", "trainer": "Obi"},
    )
    assert answer.status_code == 302
    session = world["cit"].sessions.get(date=date(2026, 12, 7))
    assert answer["Location"] == reverse("training:session", args=[session.public_id])
    refused = client.post(
        reverse("training:course_new"),
        {"code": "R9", "title": "Refresher", "kind": "refresher", "hours": "8"},
    )
    assert refused.status_code == 200 and b"Say which course a refresher renews" in refused.content
    added = client.post(
        reverse("training:course_new"),
        {"code": "R9", "title": "Refresher", "kind": "refresher", "hours": "8",
         "validity_months": "24", "renews": world["cit"].pk},
    )  # fmt: skip
    assert added.status_code == 302
    assert Course.objects.get(agency=personas.agency, code="R9").renews == world["cit"]
    assert AuditEvent.objects.filter(action=AuditAction.TRAINING_SESSION_SAVED).count() == 2


ROSTER = """badge,name,shift,district,active,username
201,Rae Stone,days,North,yes,officer
202,Lee Park,Nights,South,,
203,No Shift,noon,South,yes,
204,Gone,days,South,maybe,
205,Ghost,days,South,yes,nobody
"""


def test_the_roster_is_imported_from_csv(personas: Personas, tmp_path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER)
    args = ["training", "import-roster", str(path), "--agency", "testville"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert '"imported": 2' in result.output
    assert "line 4: Unknown shift 'noon'" in result.output
    assert "line 5: active 'maybe'" in result.output and "line 6: no account" in result.output
    rae = Officer.objects.get(agency=personas.agency, badge="201")
    assert rae.user == personas.officer and rae.active
    lee = Officer.objects.get(agency=personas.agency, badge="202")
    assert lee.shift == "nights" and lee.active
    again = services.roster_import(actor=None, agency=personas.agency, text=ROSTER)
    assert (again.imported, again.unchanged) == (0, 2)


def test_one_attendance_is_recorded_on_the_session_page(
    world: dict, personas: Personas, client_for
) -> None:
    client = client_for(personas.supervisor)
    url = reverse("training:attendance_record", args=[world["session"].public_id])
    answer = client.post(url, {"badge": "103", "hours": "40", "completed": "on"}, follow=True)
    assert b"A certificate was issued" in answer.content
    assert Certificate.objects.filter(officer=world["officers"]["103"]).exists()
    unknown = client.post(url, {"badge": "999", "hours": "40"}, follow=True)
    assert b"No officer with badge" in unknown.content
    bad = client.post(url, {"badge": "102", "hours": "NaN"}, follow=True)
    assert b"Hours must be a number" in bad.content
    assert not Attendance.objects.filter(officer=world["officers"]["102"]).exists()
