"""A person's phone, text and e-mail contacts: added with the person, changed on the edit
page, and refused with a line-level message when a line cannot be read."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coresponder.cases import services
from coresponder.cases.models import Person
from tests.conftest import Personas

FIELDS = {"first_name": "Rosa", "last_name": "Quintero", "housing": "unknown"}


def _contacts(person: Person) -> list[tuple[str, str]]:
    return list(person.contacts.order_by("pk").values_list("kind", "value"))


def test_contacts_are_added_and_replaced(personas: Personas, client_for) -> None:
    client = client_for(personas.worker_a)
    created = client.post(
        reverse("cases:person_new"),
        {**FIELDS, "contacts": "phone: 555-0100\nrosa@example.org\n555 0101"},
    )
    assert created.status_code == 302
    person = Person.objects.get()
    assert _contacts(person) == [
        ("phone", "555-0100"), ("email", "rosa@example.org"), ("phone", "555 0101"),
    ]  # fmt: skip
    edit = reverse("cases:person_edit", kwargs={"public_id": person.public_id})
    page = client.get(edit).content.decode()
    assert "email: rosa@example.org" in page
    saved = client.post(edit, {**FIELDS, "version": person.version, "contacts": "text: 555-0199"})
    assert saved.status_code == 302
    assert _contacts(person) == [("text", "555-0199")]


def test_an_unreadable_contact_line_is_refused_with_its_line(
    personas: Personas, client_for
) -> None:
    response = client_for(personas.worker_a).post(
        reverse("cases:person_new"), {**FIELDS, "contacts": "phone: 1\npager: 42"}
    )
    assert response.status_code in (200, 400)
    assert "Line 2" in response.content.decode()
    assert not Person.objects.exists()


def test_the_service_refuses_an_unknown_kind(personas: Personas) -> None:
    person = services.person_create(actor=personas.worker_a, first_name="A", last_name="B")
    with pytest.raises(services.CaseError) as refused:
        services.person_update(
            actor=personas.worker_a, person=person, expected_version=1, contacts=[("fax", "1")]
        )
    assert refused.value.field == "contacts"
    assert _contacts(person) == []
