"""The ``flask exchange ...`` commands."""

import click
from flask.cli import AppGroup

from exchange.errors import DomainError
from exchange.extensions import db

exchange_cli = AppGroup("exchange", help="Manage the exchange system.")


@exchange_cli.command("create-user")
@click.option("--email", required=True, help="The person's email; it is their login.")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["student", "local_officer", "national_officer", "admin"]),
)
@click.option("--name", help="Full name (default: the part of the email before @).")
@click.option("--nmo", "nmo_code", help="NMO code, for officers and students.")
@click.option("--lc", "lc_name", help="Local committee name, for local officers and students.")
@click.option("--program", "program_code", help="scope or score, for officers.")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Asked for when not given.",
)
def create_user_command(email, role, name, nmo_code, lc_name, program_code, password):
    """Create an account with one role, e.g. a national officer of an NMO for SCOPE."""
    from exchange.auth.services import create_user_from_codes

    try:
        user = create_user_from_codes(
            email=email,
            name=name or email.split("@")[0],
            password=password,
            role=role,
            nmo_code=nmo_code,
            lc_name=lc_name,
            program_code=program_code,
        )
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created {user.email}: {user.memberships[0].title}.")


@exchange_cli.command("seed-demo")
@click.option("--season", "season_code", default="2026/27", show_default=True)
@click.option("--applications", default=2000, show_default=True, help="How many applications.")
@click.option("--seed", default=2026, show_default=True, help="Same seed, same federation.")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has NMOs already.")
def seed_demo_command(season_code, applications, seed, if_empty):
    """Build a realistic demo federation with officers, contracts and applications."""
    from exchange.demo import DEMO_PASSWORD, database_is_empty, demo_logins, seed_demo

    if if_empty and not database_is_empty():
        click.echo("The database has data already; the demo federation is not seeded again.")
    else:
        try:
            summary = seed_demo(season_code=season_code, applications=applications, seed=seed)
        except DomainError as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from None
        db.session.commit()
        click.echo(summary)
    click.echo(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
    for role, email in demo_logins():
        click.echo(f"  {role:<18} {email}")


@exchange_cli.command("send-mail")
@click.option(
    "--limit",
    default=100,
    show_default=True,
    type=click.IntRange(min=1),
    help="Most messages to send in this run.",
)
def send_mail_command(limit):
    """Send the messages waiting in the outbox over SMTP (run it from cron)."""
    from exchange.outbox import deliver_pending

    sent, failed = deliver_pending(limit)
    db.session.commit()
    click.echo(f"Sent {sent} messages; {failed} failed.")
    if failed:
        raise click.exceptions.Exit(1)
