"""The fee a host asks of a nominated student, and whether it is paid.

A host asks a fee where its exchange conditions name one, and of every student sent
under a unilateral contract (domain.md): the student pays the host. The host records the
payment (amount, currency, date) on the application.
"""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, exists, or_, select

from exchange.applications.models import Application
from exchange.applications.states import NOMINATED_OR_LATER
from exchange.conditions.models import ExchangeConditions
from exchange.contracts.models import Contract, ContractKind


@dataclass(frozen=True)
class FeeAsked:
    """The fee asked: ``amount`` is None where a unilateral contract asks one that the
    exchange conditions do not name."""

    amount: Decimal | None
    currency: str
    why: str


def fee_asked(application: Application, conditions: ExchangeConditions | None) -> FeeAsked | None:
    """The fee the host asks of this application's student, if any."""
    if application.contract_id is None:
        return None
    named = conditions is not None and conditions.fee_amount > 0
    unilateral = application.contract.kind == ContractKind.UNILATERAL
    if not named and not unilateral:
        return None
    currency = conditions.fee_currency if conditions is not None else "EUR"
    why = "the exchange conditions" if named else "the unilateral contract"
    if named and unilateral:
        why = "the exchange conditions, for a unilateral contract"
    return FeeAsked(conditions.fee_amount if named else None, currency, why)


def fee_asked_condition():
    """SQL: the host asks a fee of the application's student (see ``fee_asked``)."""
    unilateral = exists().where(
        Contract.id == Application.contract_id, Contract.kind == ContractKind.UNILATERAL
    )
    named = exists(
        select(ExchangeConditions.id).where(
            ExchangeConditions.nmo_id == Application.host_nmo_id,
            ExchangeConditions.program_id == Application.program_id,
            ExchangeConditions.season_id == Application.season_id,
            ExchangeConditions.fee_amount > 0,
        )
    )
    return and_(Application.contract_id.is_not(None), or_(unilateral, named))


def unpaid_fee_condition():
    """SQL: a live nominated (or later) application whose fee is asked and not paid."""
    return and_(
        Application.state.in_(NOMINATED_OR_LATER),
        Application.fee_paid_on.is_(None),
        fee_asked_condition(),
    )
