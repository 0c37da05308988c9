"""Factories for every model; tests build what they need and nothing more."""

from __future__ import annotations

import factory
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from coresponder.access.roles import Role
from coresponder.accounts.models import Agency, Membership, Team, User

PASSWORD = "correct horse battery staple"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"agency-{n}")
    name = factory.Sequence(lambda n: f"Agency {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    agency = factory.SubFactory(AgencyFactory)
    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.LazyAttribute(lambda u: u.username.title())
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: list[tuple[Role, Team | None]] | None, **_: object):
        self.save()
        for role, team in extracted or []:
            Membership.objects.create(user=self, role=role.value, team=team)


def enrol_totp(user: User) -> TOTPDevice:
    """A confirmed authenticator for ``user``."""
    return TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def current_code(device: TOTPDevice, *, offset_steps: int = 0) -> str:
    """The code the device's app shows now (or ``offset_steps`` steps away)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, drift=offset_steps):06d}"
