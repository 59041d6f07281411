"""What a calendar feed holds, pure: records in, all-day events out.

Every event has a UID made from what it is about (an application's code, an exchange
conditions' or a contract's id, and a month), never from its date: when a date moves,
the calendar app moves the event instead of adding a second one.

Summaries name applications by code and NMOs by acronym, never students by name: feeds
end up in calendar services outside the federation.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from exchange.applications.deadlines import application_deadline
from exchange.applications.states import HOLDS_PLACE, State
from exchange.months import SEASON_MONTHS, format_date, format_month

UID_DOMAIN = "exchange"


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    summary: str
    starts_on: date
    ends_on: date  # the last day, inclusive
    description: str = ""
    application_code: str | None = None  # the page the event links to


def _uid(*parts) -> str:
    return "-".join(str(part) for part in parts) + f"@{UID_DOMAIN}"


def _day(uid: str, summary: str, on: date, description: str = "", code=None) -> FeedEvent:
    return FeedEvent(uid, summary, on, on, description, code)


def _hosted_months(conditions, months: Iterable[int]) -> list[int]:
    not_hosted = set(conditions.months_not_hosted or [])
    return [month for month in months if month not in not_hosted]


def student_events(applications, conditions_for: Callable) -> list[FeedEvent]:
    """A student's own applications: the deadline of each month a draft asks for (from the
    host's conditions, ``conditions_for(application)``), the CC due date while the CC is
    awaited, the exchange's dates once accepted, and the certificate once issued."""
    events = []
    for application in applications:
        code, host = application.code, application.host_nmo.acronym
        conditions = conditions_for(application)
        if application.state == State.DRAFT and conditions is not None:
            chosen = [m for m in SEASON_MONTHS if m in set(application.months or [])]
            for month in _hosted_months(conditions, chosen):
                first_day = application.season.month_date(month)
                events.append(
                    _day(
                        _uid(code, "apply", month),
                        f"Last day to submit {code} for {format_month(first_day)} ({host})",
                        application_deadline(conditions, application.season, month),
                        f"{host} takes applications for {format_month(first_day)} until "
                        "this day. Submit the application before it ends.",
                        code,
                    )
                )
        if application.state == State.ACCEPTED and application.cc_due_on is not None:
            events.append(
                _day(
                    _uid(code, "cc-due"),
                    f"CC due: {code} ({host})",
                    application.cc_due_on,
                    "Send the card of confirmation (CC) with your arrival by this day.",
                    code,
                )
            )
        if application.state in HOLDS_PLACE and application.starts_on and application.ends_on:
            events.append(
                FeedEvent(
                    _uid(code, "exchange"),
                    f"Exchange in {host}: {code}",
                    application.starts_on,
                    application.ends_on,
                    f"From {format_date(application.starts_on)} to "
                    f"{format_date(application.ends_on)}.",
                    code,
                )
            )
        if application.certified_at is not None:
            events.append(
                _day(
                    _uid(code, "certificate"),
                    f"Certificate issued: {code} ({host})",
                    application.certified_at.date(),
                    "The host issued the certificate of the exchange.",
                    code,
                )
            )
    return events


def card_events(applications) -> list[FeedEvent]:
    """An officer's applications whose card is awaited: the CA's due date while nominated,
    the CC's while accepted."""
    events = []
    for application in applications:
        code = application.code
        route = f"{application.home_nmo.acronym} → {application.host_nmo.acronym}"
        if application.state == State.NOMINATED and application.ca_due_on is not None:
            events.append(
                _day(
                    _uid(code, "ca-due"),
                    f"CA due: {code} ({route})",
                    application.ca_due_on,
                    "The host's card of acceptance (CA) is due by this day.",
                    code,
                )
            )
        elif application.state == State.ACCEPTED and application.cc_due_on is not None:
            events.append(
                _day(
                    _uid(code, "cc-due"),
                    f"CC due: {code} ({route})",
                    application.cc_due_on,
                    "The student's card of confirmation (CC) is due by this day.",
                    code,
                )
            )
    return events


def conditions_events(conditions_list) -> list[FeedEvent]:
    """An NMO's exchange conditions: the last day to apply for each month it hosts."""
    events = []
    for conditions in conditions_list:
        season = conditions.season
        for month in _hosted_months(conditions, SEASON_MONTHS):
            first_day = season.month_date(month)
            events.append(
                _day(
                    _uid("ec", conditions.id, month),
                    f"Applications close for {format_month(first_day)}: "
                    f"{conditions.nmo.acronym} {conditions.program.code}",
                    application_deadline(conditions, season, month),
                    f"The last day of the {conditions.application_lead_weeks}-week lead time "
                    f"of {conditions.nmo.acronym}'s exchange conditions ({season.code}).",
                )
            )
    return events


def contract_events(contracts, conditions_for: Callable) -> list[FeedEvent]:
    """Contracts an NMO sends students under: for each month with slots, the host's last
    day to apply (``conditions_for(contract)`` is the host's conditions, or None)."""
    events = []
    for contract in contracts:
        conditions = conditions_for(contract)
        if conditions is None:
            continue
        months = {slot.month: slot.slots for slot in contract.slots if slot.slots > 0}
        host = contract.host_nmo.acronym
        for month in _hosted_months(conditions, [m for m in SEASON_MONTHS if m in months]):
            first_day = contract.season.month_date(month)
            slots = months[month]
            events.append(
                _day(
                    _uid("contract", contract.id, month),
                    f"Last day to apply to {host} for {format_month(first_day)} "
                    f"({contract.program.code}, {slots} slot{'s' if slots != 1 else ''})",
                    application_deadline(conditions, contract.season, month),
                    f"{host}'s deadline for the month, under the contract of "
                    f"{contract.season.code} with {contract.sending_nmo.acronym} sending.",
                )
            )
    return events


def in_order(events: Iterable[FeedEvent]) -> list[FeedEvent]:
    return sorted(events, key=lambda event: (event.starts_on, event.uid))
