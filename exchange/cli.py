"""The ``flask exchange ...`` commands."""

from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import current_app
from flask.cli import AppGroup
from werkzeug.serving import WSGIRequestHandler, run_simple

from exchange.errors import DomainError
from exchange.extensions import db

exchange_cli = AppGroup("exchange", help="Manage the exchange system.")


@contextmanager
def saving() -> Iterator[None]:
    """A command's one commit: what the block did is saved, or, on a domain error,
    nothing is, and the command fails with the error's message."""
    try:
        yield
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    except BaseException:
        db.session.rollback()
        raise


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
    from exchange.organizations.memberships import create_user_from_codes

    with saving():
        user = create_user_from_codes(
            email=email,
            name=name or email.split("@")[0],
            password=password,
            role=role,
            nmo_code=nmo_code,
            lc_name=lc_name,
            program_code=program_code,
        )
    click.echo(f"Created {user.email}: {user.memberships[0].title}.")


@exchange_cli.command("init-federation")
def init_federation_command():
    """Set up a real federation on an empty database: the regions, the programs, the NMOs
    of exchange/data/nmos.csv and the current season. No people, LCs or applications.
    Run again, it adds only what is missing."""
    from exchange.organizations.federation import init_federation

    with saving():
        summary = init_federation(None)
    click.echo(summary)


@exchange_cli.command("create-season")
@click.argument("code")
@click.option(
    "--closed",
    is_flag=True,
    help="Closed for students' applications until an admin opens it.",
)
def create_season_command(code, closed):
    """Add the season CODE, such as 2027/28: 1 April to 31 March. Officers can prepare its
    contracts, exchange conditions and capacities at once."""
    from exchange.months import format_date
    from exchange.organizations.services import create_season

    with saving():
        season = create_season(None, code, applications_open=not closed)
    students = "closed to students' applications" if closed else "open to students' applications"
    click.echo(
        f"Created season {season.code}: {format_date(season.starts_on)} to "
        f"{format_date(season.ends_on)}, {students}."
    )


@exchange_cli.command("seed-demo")
@click.option(
    "--season",
    "season_code",
    help="The last season to seed, e.g. 2026/27 (default: the current one, from today's date).",
)
@click.option(
    "--seasons",
    default=1,
    show_default=True,
    type=click.IntRange(1, 10),
    help="How many consecutive seasons, ending with --season.",
)
@click.option(
    "--applications",
    default=2000,
    show_default=True,
    type=click.IntRange(min=0),
    help="How many applications in each season.",
)
@click.option("--seed", default=2026, show_default=True, help="Same seed, same federation.")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has NMOs already.")
def seed_demo_command(season_code, seasons, applications, seed, if_empty):
    """Build a realistic demo federation with officers, contracts and applications, as it
    stands on today's date: nothing is dated later, and no exchange is further on than
    its dates allow."""
    from exchange.demo import DEMO_PASSWORD, database_is_empty, demo_logins, seed_demo
    from exchange.generations import renew_all

    if if_empty and not database_is_empty():
        click.echo("The database has data already; the demo federation is not seeded again.")
    else:
        with saving():
            summary = seed_demo(
                season_code=season_code, applications=applications, seed=seed, seasons=seasons
            )
        # The demo loads most rows past the session (COPY, executemany): nothing kept
        # from before it may be read again.
        renew_all()
        click.echo(summary)
    click.echo(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
    for role, email in demo_logins():
        click.echo(f"  {role:<18} {email}")


@exchange_cli.command("create-token")
@click.option("--email", required=True, help="Whose token: it acts as this user.")
@click.option("--name", required=True, help="What uses it, e.g. 'NMO spreadsheet'.")
@click.option(
    "--expires",
    "expires_in_days",
    type=click.IntRange(min=1),
    help="Days until it expires (default: never).",
)
def create_token_command(email, name, expires_in_days):
    """Print a new personal API token of a user, for scripts and operators. It is shown
    this once; the user sees it (not its text) on their account page and can revoke it."""
    from exchange.auth.services import find_user_by_email
    from exchange.auth.tokens import create_token

    with saving():
        user = find_user_by_email(email)
        if user is None or not user.is_active:
            raise DomainError(f"No active account has the email {email}.")
        _token, text = create_token(user, name, expires_in_days)
    click.echo(text)


@exchange_cli.command("calendar-feed")
@click.option("--email", required=True, help="Whose feed.")
@click.option("--new", is_flag=True, help="Give a new address; the old one stops working.")
@click.option(
    "--base-url", default="http://127.0.0.1:5000", show_default=True, help="The site's address."
)
def calendar_feed_command(email, new, base_url):
    """Print the address of a user's calendar feed, made if they have none: the same one
    their account page shows."""
    from exchange.auth.services import find_user_by_email
    from exchange.feeds import services

    with saving():
        user = find_user_by_email(email)
        if user is None or not user.is_active:
            raise DomainError(f"No active account has the email {email}.")
        feed = services.feed_of(user)
        if feed is None or new:
            feed = services.start_feed(user)
        secret = services.secret_of(feed)
    click.echo(f"{base_url.rstrip('/')}/calendar/{secret}.ics")


class _BlandRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler, whose Server header names no software or version."""

    def version_string(self) -> str:
        return "exchange"


@exchange_cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
def serve_command(host, port):
    """Serve the app for development and demos (`make run`): Werkzeug's threaded server,
    saying "exchange" rather than its name and Python's version. Production runs gunicorn."""
    run_simple(
        host,
        port,
        current_app._get_current_object(),
        threaded=True,
        request_handler=_BlandRequestHandler,
    )


@exchange_cli.command("purge-documents")
def purge_documents_command():
    """Delete the documents of ended applications whose season ended more than
    EXCHANGE_DOCUMENT_RETENTION_DAYS ago (run it daily from cron)."""
    from exchange import clock
    from exchange.privacy.retention import purge_documents

    days = current_app.config["DOCUMENT_RETENTION_DAYS"]
    with saving():
        count = purge_documents(clock.today(), days)
    click.echo(f"Deleted {count} documents of applications ended over {days} days ago.")


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

    with saving():
        sent, failed = deliver_pending(limit)
    click.echo(f"Sent {sent} messages; {failed} failed.")
    if failed:
        raise click.exceptions.Exit(1)


@exchange_cli.command("send-reminders")
def send_reminders_command():
    """Remind of the cards due within a week or overdue: each host officer of the CAs they
    owe, each student of their CC; at most once a day per card and person (run it daily
    from cron, before send-mail)."""
    from exchange.applications.reminders import send_card_reminders

    with saving():
        sent = send_card_reminders()
    click.echo(str(sent))


@exchange_cli.command("match")
@click.option("--season", "season_code", required=True, help="e.g. 2026/27")
@click.option("--program", "program_code", required=True, help="scope or score")
@click.option("--host", "host_code", help="Place the students nominated to this NMO.")
@click.option("--home", "home_code", help="Allocate this NMO's submitted students.")
@click.option("--ranking", type=click.Choice(["points", "submission"]), default="points")
@click.option("--approve", is_flag=True, help="Approve the proposal at once.")
def match_command(season_code, program_code, host_code, home_code, ranking, approve):
    """Run the matcher for one NMO, print the proposal and, with --approve, approve it.

    --host CODE places the students nominated to that NMO in its placements; --home CODE
    allocates that NMO's submitted students to its contract slots. The run is recorded as
    done by the NMO's first national officer for the program.
    """
    from sqlalchemy import func, select

    from exchange.auth.models import Role
    from exchange.auth.queries import officers_of
    from exchange.matching.models import MatchingKind, Ranking
    from exchange.organizations.models import NMO, Program, Season

    if bool(host_code) == bool(home_code):
        raise click.UsageError("Give exactly one of --host CODE or --home CODE.")
    kind = MatchingKind.INCOMING if host_code else MatchingKind.OUTGOING
    code = host_code or home_code
    nmo = db.session.scalar(select(NMO).where(func.upper(NMO.code) == code.upper()))
    program = db.session.scalar(
        select(Program).where(func.upper(Program.code) == program_code.upper())
    )
    season = db.session.scalar(select(Season).where(Season.code == season_code))
    for what, found, given in (
        ("NMO", nmo, code),
        ("program", program, program_code),
        ("season", season, season_code),
    ):
        if found is None:
            raise click.ClickException(f"There is no {what} {given}.")
    officers = officers_of(nmo.id, program.id, Role.NATIONAL_OFFICER)
    if not officers:
        raise click.ClickException(
            f"{nmo.acronym} has no national officer for {program.code} to record the run."
        )
    officer = officers[0]
    with saving():
        _match_and_report(officer, kind, nmo, program, season, Ranking(ranking), approve)


def _match_and_report(officer, kind, nmo, program, season, ranking, approve):
    from sqlalchemy import select

    from exchange.applications.models import Application
    from exchange.matching import services

    run = services.run_matching(officer, kind, nmo, program, season, ranking)
    applications = {
        a.id: a
        for a in db.session.scalars(
            select(Application).where(
                Application.id.in_([row["application_id"] for row in run.proposal])
            )
        )
    }
    click.echo(
        f"{kind.label} for {nmo.acronym} {program.code} {season.code}, "
        f"students ranked {ranking.label}:"
    )
    for row in run.proposal:
        application = applications[row["application_id"]]
        click.echo(f"  {application.code}  {services.describe(run, row)}")
    placed = sum(1 for row in run.proposal if row["slot"])
    click.echo(f"{placed} of {len(run.proposal)} placed.")
    if approve:
        done = services.approve_run(officer, run)
        click.echo(f"Approved by {officer.name}: {done} applications changed.")
    else:
        click.echo(f"Proposal {run.id} kept; approve it on the Matching page or with --approve.")
