"""The `coresponder` command: init, demo, serve, tokens, audit verification and admin tasks."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click


def _setup() -> None:
    """Load settings and apps; a configuration mistake is reported plainly, not as a trace."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coresponder.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as error:
        raise click.ClickException(f"Configuration: {error}") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """coresponder: police social work and alternative crisis response."""


@main.command()
def init() -> None:
    """Create or upgrade the database (SQLite in the data directory unless DATABASE_URL)."""
    _setup()
    from django.conf import settings
    from django.core.management import call_command

    from coresponder.accounts.services import default_agency

    call_command("migrate", interactive=False, verbosity=0)
    agency = default_agency()
    click.echo(f"Database ready: {settings.DATABASES['default']['NAME']}")
    click.echo(f"Default agency: {agency.slug} ({agency.name})")


@main.command()
@click.option(
    "--calls",
    "call_count",
    default=150_000,
    show_default=True,
    type=click.IntRange(0, 5_000_000),
    help="Synthetic calls over 12 months.",
)
@click.option("--seed", default=1, show_default=True, help="Same seed, same city.")
def demo(call_count: int, seed: int) -> None:
    """Load the demo agency (a synthetic city) and print one account per role.
    Switches on demo mode."""
    _setup()
    from django.conf import settings

    if settings.PRODUCTION:
        raise click.ClickException("The demo cannot be loaded when COREPONDER_ENV=production.")
    from coresponder.accounts.models import Agency
    from coresponder.calls.demo import load_synthetic_calls
    from coresponder.demo import load_demo

    accounts = load_demo()
    if call_count:
        click.echo(f"Generating and importing {call_count:,} synthetic calls (seed {seed})...")
        summary = load_synthetic_calls(
            Agency.objects.get(slug="riverside"),
            calls=call_count,
            seed=seed,
            data_dir=Path(settings.DATA_DIR) / "demo",
        )
        click.echo(f"Calls: {json.dumps(summary.as_json())}")
        from coresponder.cases.demo import load_demo_cases

        cases = load_demo_cases(Agency.objects.get(slug="riverside"), seed=seed)
        click.echo(
            f"Cases: {cases.cases:,} for {cases.people:,} people, {cases.encounters:,} "
            f"encounters, {cases.notes:,} notes, {cases.tasks_open:,} open follow-ups."
        )
        from coresponder.referrals.demo import load_demo_referrals

        referrals = load_demo_referrals(Agency.objects.get(slug="riverside"), seed=seed)
        click.echo(f"Referrals: {referrals:,} to the demo city's community partners.")
        from coresponder.linkage.services import locate_calls

        placed = locate_calls(actor=None, agency=Agency.objects.get(slug="riverside"))
        click.echo(f"Locations: {placed.located:,} calls placed at {placed.locations:,} places.")
        from coresponder.linkage.services import link_people

        linked = link_people(actor=None, agency=Agency.objects.get(slug="riverside"))
        click.echo(
            f"People: {linked.mentions:,} mentions linked into {linked.people:,} people, "
            f"{linked.candidates_pending:,} links to review."
        )
        from coresponder.plans.demo import load_demo_plans

        plans = load_demo_plans(Agency.objects.get(slug="riverside"))
        click.echo(f"Response plans for officers: {plans:,}.")
        from coresponder.conferences.demo import load_demo_conferences

        load_demo_conferences(Agency.objects.get(slug="riverside"))
        click.echo("Case conference, outreach events and partnerships: loaded.")
    from coresponder.training.demo import load_demo_training

    training = load_demo_training(Agency.objects.get(slug="riverside"), seed=seed)
    click.echo(
        f"Training: {training.officers} officers, {training.courses} courses, "
        f"{training.sessions} sessions, {training.attendance} attendances."
    )
    marker = Path(settings.DATA_DIR) / "demo-mode"
    marker.write_text("Written by `coresponder demo`: MFA is off and a banner says so.\n")
    click.echo("Demo agency loaded: Riverside Police Department (synthetic data).")
    click.echo("Demo mode is on: multi-factor sign-in is off and every page says so.\n")
    click.echo(f"{'username':<12} {'password':<24} {'role':<14} team")
    for account in accounts:
        click.echo(
            f"{account.username:<12} {account.password:<24} {account.role:<14} {account.team}"
        )


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
def serve(host: str, port: int, threads: int) -> None:
    """Serve the product with waitress."""
    _setup()
    from waitress import serve as waitress_serve

    from coresponder.wsgi import application

    click.echo(f"coresponder on http://{host}:{port}/ (Ctrl+C stops it)")
    waitress_serve(application, host=host, port=port, threads=threads, ident="coresponder")


@main.group()
def token() -> None:
    """API tokens for machines."""


@token.command("create")
@click.option("--agency", "agency_slug", required=True, help="Agency slug.")
@click.option("--user", "username", required=True, help="The account the token acts as.")
@click.option("--scopes", required=True, help="Comma-separated, e.g. calls:write,triage:read")
@click.option("--name", default="", help="What uses the token (default: the scopes).")
def token_create(agency_slug: str, username: str, scopes: str, name: str) -> None:
    """Issue a token and print its secret once."""
    _setup()
    from coresponder.accounts.models import User
    from coresponder.accounts.services import AccountError, api_token_create

    user = User.objects.filter(agency__slug=agency_slug, username=username).first()
    if user is None:
        raise click.ClickException(f"No account {username!r} in agency {agency_slug!r}.")
    scope_list = [s.strip() for s in scopes.split(",") if s.strip()]
    try:
        created, secret = api_token_create(
            actor=None, user=user, name=name or ",".join(scope_list), scopes=scope_list
        )
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Token {created.public_id} for {username} ({', '.join(created.scopes)}).")
    click.echo("Copy the secret now; it is not stored and cannot be shown again:")
    click.echo(secret)


@main.group()
def audit() -> None:
    """Verify the tamper-evident audit chain."""


@audit.command("verify")
@click.option("--checkpoint", default=None, help="SEQ:MAC printed earlier by `audit checkpoint`.")
def audit_verify(checkpoint: str | None) -> None:
    """Check every row's MAC, the sequence, the triggers and (optionally) a checkpoint."""
    _setup()
    from coresponder.audit.verify import parse_checkpoint, verify_chain

    try:
        expected = parse_checkpoint(checkpoint) if checkpoint else None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--checkpoint") from None
    result = verify_chain(expected)
    _record_verification(result)
    if result.ok:
        click.echo(f"OK: {result.checked} events verified; head {result.last_seq}")
        return
    where = f" at sequence {result.broken_seq}" if result.broken_seq else ""
    click.echo(f"BROKEN{where}: {result.problem} ({result.checked} events verified before it)")
    sys.exit(1)


def _record_verification(result: object) -> None:
    from coresponder.audit.actions import AuditAction
    from coresponder.audit.chain import VerifyResult
    from coresponder.audit.models import Outcome
    from coresponder.audit.services import audit_record

    assert isinstance(result, VerifyResult)
    audit_record(
        actor=None,
        action=AuditAction.AUDIT_CHAIN_VERIFIED,
        outcome=Outcome.SUCCESS if result.ok else Outcome.FAILURE,
        data={"checked": result.checked, "broken_seq": result.broken_seq},
    )


@audit.command("checkpoint")
def audit_checkpoint() -> None:
    """Print the chain head as SEQ:MAC, to keep somewhere the database cannot reach."""
    _setup()
    from coresponder.audit.actions import AuditAction
    from coresponder.audit.services import audit_record
    from coresponder.audit.verify import chain_head

    seq, mac = chain_head()
    audit_record(actor=None, action=AuditAction.AUDIT_CHECKPOINT_TAKEN, data={"seq": seq})
    click.echo(f"{seq}:{mac}")


@main.group()
def user() -> None:
    """Account administration from the command line."""


@user.command("unlock")
@click.argument("username")
def user_unlock(username: str) -> None:
    """Release a username locked after repeated failed sign-ins."""
    _setup()
    from coresponder.accounts.services import lockout_release

    released = lockout_release(actor=None, username=username)
    click.echo(f"{username} released." if released else f"{username} was not locked.")


@user.command("deactivate-idle")
def user_deactivate_idle() -> None:
    """Deactivate accounts unused for COREPONDER_ACCOUNT_IDLE_DAYS (run it daily)."""
    _setup()
    from coresponder.accounts.services import users_deactivate_idle

    deactivated = users_deactivate_idle()
    for account in deactivated:
        click.echo(f"deactivated {account.username}")
    click.echo(f"{len(deactivated)} idle account(s) deactivated.")


@main.group()
def agency() -> None:
    """Agencies and their teams."""


@agency.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="e.g. 'Bloomington Police Department'")
@click.option("--time-zone", default="UTC", show_default=True, help="For naive CAD times.")
def agency_create(slug: str, name: str, time_zone: str) -> None:
    """Create an agency."""
    _setup()
    from coresponder.accounts.services import AccountError, agency_create

    try:
        created = agency_create(slug=slug, name=name, time_zone=time_zone)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Agency {created.slug} created.")


@agency.command("add-team")
@click.argument("slug")
@click.argument("team_name")
def agency_add_team(slug: str, team_name: str) -> None:
    """Add a team to an agency."""
    _setup()
    from coresponder.accounts.models import Agency
    from coresponder.accounts.services import AccountError, team_create

    found = Agency.objects.filter(slug=slug).first()
    if found is None:
        raise click.ClickException(f"No agency {slug!r}.")
    try:
        team_create(actor=None, agency=found, name=team_name)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Team {team_name!r} added to {slug}.")


@user.command("create")
@click.argument("username")
@click.option("--agency", "agency_slug", required=True)
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    help="ROLE or ROLE:TEAM (repeatable), e.g. --role admin --role social_worker:'North'",
)
@click.option("--name", "display_name", default="")
@click.option("--email", default="")
@click.password_option(help="Prompted for (twice) when not given.")
def user_create_command(
    username: str,
    agency_slug: str,
    roles: tuple[str, ...],
    display_name: str,
    email: str,
    password: str,
) -> None:
    """Create an account, e.g. the agency's first admin."""
    _setup()
    from django.core.exceptions import ValidationError

    from coresponder.access.roles import Role
    from coresponder.accounts.models import Agency, Team
    from coresponder.accounts.services import AccountError, user_create

    found = Agency.objects.filter(slug=agency_slug).first()
    if found is None:
        raise click.ClickException(f"No agency {agency_slug!r}.")
    grants = []
    for item in roles:
        role_name, _, team_name = item.partition(":")
        if role_name not in {r.value for r in Role}:
            known = ", ".join(r.value for r in Role)
            raise click.BadParameter(f"{role_name!r} is not a role ({known})", param_hint="--role")
        team = Team.objects.filter(agency=found, name=team_name).first() if team_name else None
        if team_name and team is None:
            raise click.BadParameter(f"no team {team_name!r} in {agency_slug}", param_hint="--role")
        grants.append((Role(role_name), team))
    try:
        user_create(
            actor=None,
            agency=found,
            username=username,
            password=password,
            display_name=display_name,
            email=email,
            roles=grants,
        )
    except (AccountError, ValidationError) as error:
        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
        raise click.ClickException(" ".join(messages)) from None
    click.echo(f"Account {username} created; MFA enrolment happens at first sign-in.")


@main.command("import-calls")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--profile", "profile_name", default="auto", show_default=True,
              help="A shipped profile's name, a profile file's path, or auto.")  # fmt: skip
@click.option("--agency", "agency_slug", default=None, help="Default: the installation's agency.")
@click.option("--errors", "errors_path", type=click.Path(dir_okay=False, writable=True),
              help="Write every refused row here (file, line, column, reason).")  # fmt: skip
@click.option("--dry-run", is_flag=True, help="Check and count everything, change nothing.")
def import_calls(
    files: tuple[str, ...],
    profile_name: str,
    agency_slug: str | None,
    errors_path: str | None,
    dry_run: bool,
) -> None:
    """Import CAD exports exactly once. The last line printed is the JSON summary."""
    _setup()
    from coresponder.calls.importing import import_files

    summary = import_files(
        [Path(f) for f in files],
        profile_name=profile_name,
        agency_slug=agency_slug,
        errors_path=Path(errors_path) if errors_path else None,
        dry_run=dry_run,
        echo=lambda text: click.echo(text, err=True),
        progress=sys.stderr.isatty(),
    )
    click.echo(json.dumps(summary))
    if summary.get("failed"):
        sys.exit(1)


@main.group()
def calls() -> None:
    """Calls for service: import profiles."""


@calls.command("suggest-profile")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def calls_suggest_profile(file: str) -> None:
    """Print a starter import profile (TOML) guessed from FILE: `... > my.toml`."""
    from coresponder.calls.engine.detect import suggest_profile
    from coresponder.calls.engine.reader import FileProblem

    try:
        click.echo(suggest_profile(Path(file)), nl=False)
    except FileProblem as problem:
        raise click.ClickException(str(problem)) from None


def _add_domain_commands() -> None:
    from coresponder.linkage.commands import link
    from coresponder.referrals.commands import directory, disclosures_command
    from coresponder.training.commands import training
    from coresponder.triage.commands import triage

    main.add_command(triage)
    main.add_command(training)
    main.add_command(directory)
    main.add_command(disclosures_command)
    from coresponder.analytics.commands import export_group, report_command

    main.add_command(export_group)
    main.add_command(report_command)
    from coresponder.linkage.repeat_commands import repeat_callers_command, run_command

    link.add_command(run_command)
    main.add_command(repeat_callers_command)
    main.add_command(link)


_add_domain_commands()


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def manage(ctx: click.Context) -> None:
    """Run a Django management command, e.g. `coresponder manage check --deploy`."""
    _setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["coresponder manage", *ctx.args])
