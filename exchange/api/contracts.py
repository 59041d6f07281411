"""Contracts between NMOs: the season's list a national officer (or an admin) may see,
one contract with its slots, and the partner's answer to a proposal, confirm or decline.
"""

from flask import abort
from flask_login import current_user
from marshmallow import Schema, fields, validate
from sqlalchemy.orm import joinedload, selectinload

from exchange.api.base import PageArguments, blueprint, page_of, page_schema, refuse_fields
from exchange.api.schemas import ContractSchema
from exchange.auth.decorators import role_required
from exchange.auth.models import Role
from exchange.auth.permissions import can_answer_contract, can_view_contract
from exchange.contracts import queries, services
from exchange.contracts.models import Contract, ContractStatus
from exchange.extensions import db
from exchange.organizations.queries import current_season, season_by_code
from exchange.web.transaction import attempt

bp = blueprint("Contracts", "/contracts", "Contracts between NMOs, and answers to proposals.")

OFFICERS_AND_ADMINS = (Role.NATIONAL_OFFICER, Role.ADMIN)
CONFLICT = "The contract was answered a moment ago: read it again."
ID = validate.Range(1, 2**63 - 1)


class ContractArguments(PageArguments):
    season = fields.String(
        validate=validate.Length(max=16), metadata={"description": "Default: the current season"}
    )
    program = fields.String(validate=validate.Length(max=8))
    status = fields.String(validate=validate.OneOf([s.value for s in ContractStatus]))
    q = fields.String(
        load_default="",
        validate=validate.Length(max=100),
        metadata={"description": "In either NMO's acronym, country or code"},
    )


class ContractAnswerSchema(Schema):
    seen_event_id = fields.Integer(
        validate=ID, metadata={"description": "The contract's last_event_id as you read it"}
    )


class ContractDeclineSchema(ContractAnswerSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


def _contract_or_404(contract_id: int) -> Contract:
    contract = db.session.get(Contract, contract_id)
    if contract is None or not (
        can_view_contract(current_user, contract) or can_answer_contract(current_user, contract)
    ):
        abort(404, f"There is no contract {contract_id} of yours.")
    return contract


# What the list shows of each contract beyond its columns: its NMOs, its months and its
# events (the last one's id), read with the page rather than row by row.
ROW_OPTIONS = (
    joinedload(Contract.sending_nmo),
    joinedload(Contract.host_nmo),
    joinedload(Contract.proposed_by_nmo),
    selectinload(Contract.slots),
    selectinload(Contract.events),
)


@bp.route("/")
@role_required(*OFFICERS_AND_ADMINS)
@bp.arguments(ContractArguments, location="query")
@bp.response(200, page_schema(ContractSchema))
def list_contracts(arguments):
    """The season's contracts the caller may see, by sending and host NMO."""
    season = current_season()
    if arguments.get("season"):
        season = season_by_code(arguments["season"])
        if season is None:
            refuse_fields({"season": [f"There is no season {arguments['season']}."]})
    if season is None:
        refuse_fields({"season": ["No season is current: name one."]})
    program = None
    if arguments.get("program"):
        code = arguments["program"].upper()
        program = next((p for p in queries.visible_programs(current_user) if p.code == code), None)
        if program is None:
            refuse_fields({"program": [f"You see no contracts of {arguments['program']}."]})
    statement = queries.contracts_statement(current_user, season, program, arguments["q"].strip())
    if arguments.get("status"):
        statement = statement.where(Contract.status == ContractStatus(arguments["status"]))
    return page_of(statement.options(*ROW_OPTIONS), arguments)


@bp.route("/<int:contract_id>")
@role_required(*OFFICERS_AND_ADMINS)
@bp.response(200, ContractSchema)
def get_contract(contract_id: int):
    return _contract_or_404(contract_id)


@bp.route("/<int:contract_id>/confirm", methods=["POST"])
@role_required(Role.NATIONAL_OFFICER)
@bp.arguments(ContractAnswerSchema)
@bp.response(200, ContractSchema)
def confirm_contract(answer, contract_id: int):
    """The partner NMO confirms a proposal: its slots take nominations from now on."""
    contract = _contract_or_404(contract_id)
    with attempt(conflict=CONFLICT):
        services.confirm_contract(current_user, contract, answer.get("seen_event_id"))
    return contract


@bp.route("/<int:contract_id>/decline", methods=["POST"])
@role_required(Role.NATIONAL_OFFICER)
@bp.arguments(ContractDeclineSchema)
@bp.response(200, ContractSchema)
def decline_contract(answer, contract_id: int):
    """The partner NMO declines a proposal, and says why."""
    contract = _contract_or_404(contract_id)
    with attempt(conflict=CONFLICT):
        services.decline_contract(
            current_user, contract, answer["reason"], answer.get("seen_event_id")
        )
    return contract
