"""Team scoping and role changes: what a user may reach follows their memberships."""

from __future__ import annotations

from coresponder.access.principal import roles_of, scope_for, team_ids_of
from coresponder.access.roles import Capability, Role, Scope
from coresponder.accounts.models import User
from coresponder.accounts.services import role_grant, role_revoke
from coresponder.audit.actions import AuditAction
from coresponder.audit.models import AuditEvent
from tests.conftest import Personas


def test_it_lists_the_teams_in_which_a_role_grants_a_capability(personas: Personas) -> None:
    assert team_ids_of(personas.worker_a, Capability.VIEW_CASES) == {personas.team_a.pk}
    assert team_ids_of(personas.supervisor, Capability.REASSIGN_CASES) == {personas.team_a.pk}
    assert team_ids_of(personas.dispatcher, Capability.VIEW_CASES) == set()
    assert scope_for(personas.worker_a, Capability.VIEW_CASES) is Scope.TEAM


def test_it_grants_and_revokes_a_role_with_an_audit_event_each(personas: Personas) -> None:
    user = personas.worker_b
    role_grant(actor=personas.admin, user=user, role=Role.SUPERVISOR, team=personas.team_b)
    # roles_of caches on the user object for one request: read each state afresh.
    assert Role.SUPERVISOR in roles_of(User.objects.get(pk=user.pk))
    role_revoke(actor=personas.admin, user=user, role=Role.SUPERVISOR, team=personas.team_b)
    assert roles_of(User.objects.get(pk=user.pk)) == {Role.SOCIAL_WORKER}
    actions = list(
        AuditEvent.objects.filter(object_id=str(user.public_id)).values_list("action", flat=True)
    )
    assert actions[-2:] == [AuditAction.ROLE_GRANTED, AuditAction.ROLE_REVOKED]
