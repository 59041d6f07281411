"""Contracts between NMOs: the list with each pair's balance and the proposals waiting for
the officer's NMO, the editor with the contract's history, confirming and declining, CSV
in and out, and the roll-over of last season into a new one."""

import re

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from exchange import clock
from exchange.auth.decorators import role_required
from exchange.auth.models import Role
from exchange.auth.permissions import can_answer_contract, can_view_contract, is_admin
from exchange.contracts import csv_io, queries, rollover, services
from exchange.contracts.forms import AnswerForm, ContractForm, ImportForm
from exchange.contracts.models import Contract, ContractKind, ContractStatus
from exchange.extensions import db
from exchange.organizations.models import NMO, Program, Season
from exchange.organizations.queries import (
    active_nmos,
    current_season,
    nmo_by_code,
    nmo_choices,
    previous_season,
    program_by_code,
    season_by_code,
    seasons_newest_first,
)
from exchange.web.forms import ConfirmForm
from exchange.web.paging import requested_page
from exchange.web.transaction import attempt
from exchange.web.uploads import fits

bp = Blueprint("contracts", __name__, url_prefix="/contracts")

OFFICERS_AND_ADMINS = (Role.NATIONAL_OFFICER, Role.ADMIN)
# Import errors shown on the page; the count says how many more there are.
SHOWN_ERRORS = 200


def _seasons() -> list[Season]:
    return seasons_newest_first()


def _chosen_season(seasons: list[Season]) -> Season | None:
    code = request.args.get("season", "")
    chosen = next((s for s in seasons if s.code == code), None)
    return chosen or current_season()


def _chosen_program(programs: list[Program]) -> Program | None:
    code = request.args.get("program", "").casefold()
    return next((p for p in programs if p.code.casefold() == code), None)


def _contract_or_404(contract_id: int) -> Contract:
    """The contract, if the user may manage it; 404 otherwise, as if it did not exist."""
    contract = db.session.get(Contract, contract_id)
    if contract is None or not can_view_contract(current_user, contract):
        abort(404)
    return contract


@bp.route("/")
@role_required(*OFFICERS_AND_ADMINS)
def index():
    seasons = _seasons()
    season = _chosen_season(seasons)
    programs = queries.visible_programs(current_user)
    program = _chosen_program(programs)
    query = request.args.get("q", "").strip()
    agreement = {
        "waiting": queries.waiting_for_confirmation(current_user),
        "contacts": [] if is_admin(current_user) else queries.partner_contacts(current_user),
        "answer_form": AnswerForm(),
        "partner_of": services.partner_acronym,
        "compact_slots": queries.compact_slots,
        "Status": ContractStatus,
    }
    if season is None:
        return render_template(
            "contracts/index.html", season=None, seasons=[], page=None, **agreement
        )
    page = queries.contracts_page(current_user, season, program, query)
    balance = _balance(season, programs, program)
    return render_template(
        "contracts/index.html",
        season=season,
        seasons=seasons,
        programs=programs,
        program=program,
        query=query,
        page=page,
        **agreement,
        **balance,
    )


def _balance(season: Season, programs: list[Program], program: Program | None) -> dict:
    """The reciprocity balance: of one NMO (the officer's own, or the one an admin picks),
    or, for an admin who picks none, the federation's most unbalanced pairs."""
    nmos = queries.officer_nmos(current_user)
    code = request.args.get("nmo", "")
    nmo = next((n for n in nmos if n.code == code), None)
    admin = is_admin(current_user)
    if nmo is None and not admin and nmos:
        nmo = nmos[0]
    program_ids = None if program is None else {program.id}
    if nmo is not None and not admin:
        managed = services.managed_program_ids(current_user, nmo.id)
        program_ids = managed if program_ids is None else program_ids & managed
    shown = {"balance_nmos": nmos, "balance_nmo": nmo}
    if nmo is not None:
        return shown | {"balance_rows": queries.nmo_balance(nmo, season, program_ids)}
    if admin:
        page = requested_page("balance_page")
        return shown | {"balance_page": queries.federation_balance_page(season, program_ids, page)}
    return shown


# The editor


def _fill_choices(form: ContractForm, contract: Contract | None = None) -> None:
    form.sending_nmo_id.choices = nmo_choices("Choose the sending NMO…")
    form.host_nmo_id.choices = nmo_choices("Choose the host NMO…")
    programs = queries.visible_programs(current_user)
    if contract is not None and contract.program not in programs:
        programs.append(contract.program)
    form.program_id.choices = [SelectChoice(p.id, f"{p.code}: {p.name}") for p in programs]
    form.season_id.choices = [SelectChoice(s.id, s.code) for s in _seasons()]


def _terms_from(form: ContractForm) -> services.ContractTerms:
    """What the (validated) form says; its choices are ids of existing rows."""
    season = db.session.get(Season, form.season_id.data)
    program = db.session.get(Program, form.program_id.data)
    sending = db.session.get(NMO, form.sending_nmo_id.data)
    host = db.session.get(NMO, form.host_nmo_id.data)
    return services.ContractTerms(
        season=season,
        program=program,
        sending=sending,
        host=host,
        kind=ContractKind(form.kind.data),
        slots=form.slots_by_month(),
    )


def _to_list() -> Response:
    return redirect(url_for("contracts.index", **_list_args()))


def _list_args() -> dict:
    return {k: v for k, v in request.args.items() if k in ("season", "program", "q", "nmo")}


# What a save says when a concurrent request won the database's unique or CHECK rule.
CONFLICT = (
    "Someone saved the same contract, or a nomination took one of its slots, at the "
    "same moment. Check the contracts and save again."
)


@bp.route("/new", methods=["GET", "POST"])
@role_required(*OFFICERS_AND_ADMINS)
def new():
    form = ContractForm()
    _fill_choices(form)
    if request.method == "GET":
        form.mirror.data = True
        season = _chosen_season(_seasons())
        form.season_id.data = season.id if season else None
        own = queries.officer_nmos(current_user) if not is_admin(current_user) else []
        form.sending_nmo_id.data = own[0].id if own else 0
        programs = queries.visible_programs(current_user)
        chosen = _chosen_program(programs)
        form.program_id.data = (chosen or programs[0]).id if programs else None
    elif form.validate_on_submit():
        with attempt(conflict=CONFLICT) as outcome:
            contract = services.create_contract(
                current_user, _terms_from(form), mirror=form.mirror.data
            )
            mirrored = form.mirror.data and contract.kind == ContractKind.BILATERAL
            outcome.message = _saved_message(contract, "created", mirrored)
        if outcome.ok:
            return _to_list()
    return render_template("contracts/form.html", form=form, contract=None)


def _saved_message(contract: Contract, verb: str, mirrored: bool) -> str:
    message = (
        f"The {contract.program.code} contract {contract.sending_nmo.acronym} → "
        f"{contract.host_nmo.acronym} for {contract.season.code} is {verb}"
    )
    if mirrored:
        message += f", with its mirror {contract.host_nmo.acronym} → {contract.sending_nmo.acronym}"
    message += "."
    note = services.waiting_note(contract)
    if note and mirrored:
        note = note.replace("It is proposed", "Both are proposed", 1).replace(
            "Its slots take", "Their slots take", 1
        )
    return f"{message} {note}" if note else message


def _mirror_in_step(contract: Contract) -> bool:
    """Whether the contract's mirror exists with the same slots: then editing keeps them
    together by default."""
    mirror = queries.find_contract(
        contract.season_id, contract.program_id, contract.host_nmo_id, contract.sending_nmo_id
    )
    return mirror is not None and services.slots_of(mirror) == services.slots_of(contract)


@bp.route("/<int:contract_id>/edit", methods=["GET", "POST"])
@role_required(*OFFICERS_AND_ADMINS)
def edit(contract_id: int):
    contract = _contract_or_404(contract_id)
    form = ContractForm()
    _fill_choices(form, contract)
    if request.method == "GET":
        form.sending_nmo_id.data = contract.sending_nmo_id
        form.host_nmo_id.data = contract.host_nmo_id
        form.program_id.data = contract.program_id
        form.season_id.data = contract.season_id
        form.kind.data = contract.kind.value
        slots = services.slots_of(contract)
        for month, field in form.month_fields():
            field.data = slots.get(month, 0)
        form.mirror.data = contract.kind == ContractKind.BILATERAL and _mirror_in_step(contract)
    elif form.validate_on_submit():
        with attempt(conflict=CONFLICT) as outcome:
            services.update_contract(
                current_user, contract, _terms_from(form), mirror=form.mirror.data
            )
            mirrored = form.mirror.data and contract.kind == ContractKind.BILATERAL
            outcome.message = _saved_message(contract, "saved", mirrored)
        if outcome.ok:
            return _to_list()
        contract = _contract_or_404(contract_id)  # as it is after the rollback
    used = {row.month: row.used for row in contract.slots if row.used}
    return render_template(
        "contracts/form.html",
        form=form,
        contract=contract,
        used=used,
        confirm_form=ConfirmForm(),
        applications=services.applications_on(contract),
        history=queries.history_of(contract),
        compact=queries.compact_months,
        answer_form=AnswerForm(),
        can_answer=contract.status == ContractStatus.PROPOSED
        and can_answer_contract(current_user, contract),
        partner=services.partner_acronym(contract),
        Status=ContractStatus,
    )


# The partner's answer


def _answer(contract_id: int, answer, message: str) -> Response:
    """Confirm or decline (``answer``), then back to where the officer came from."""
    contract = db.session.get(Contract, contract_id)
    if contract is None or not (
        can_view_contract(current_user, contract) or can_answer_contract(current_user, contract)
    ):
        abort(404)
    form = AnswerForm()
    if not form.validate_on_submit():
        abort(400)
    description = services.describe(contract)
    with attempt(message.format(contract=description), conflict=CONFLICT):
        answer(contract, form)
    if request.form.get("back") == "edit":
        return redirect(url_for("contracts.edit", contract_id=contract_id))
    return redirect(url_for("contracts.index", season=contract.season.code) + "#waiting")


@bp.route("/<int:contract_id>/confirm", methods=["POST"])
@role_required(Role.NATIONAL_OFFICER)
def confirm(contract_id: int):
    return _answer(
        contract_id,
        lambda contract, form: services.confirm_contract(current_user, contract, form.seen.data),
        "The {contract} is confirmed: its slots take nominations.",
    )


@bp.route("/<int:contract_id>/decline", methods=["POST"])
@role_required(Role.NATIONAL_OFFICER)
def decline(contract_id: int):
    return _answer(
        contract_id,
        lambda contract, form: services.decline_contract(
            current_user, contract, form.reason.data, form.seen.data
        ),
        "The {contract} is declined; its proposer reads your reason.",
    )


@bp.route("/<int:contract_id>/delete", methods=["POST"])
@role_required(*OFFICERS_AND_ADMINS)
def delete(contract_id: int):
    contract = _contract_or_404(contract_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    description = (
        f"The {contract.program.code} contract {contract.sending_nmo.acronym} → "
        f"{contract.host_nmo.acronym} for {contract.season.code}"
    )
    season = contract.season.code
    with attempt(f"{description} is deleted.", conflict=CONFLICT) as outcome:
        services.delete_contract(current_user, contract)
    if not outcome.ok:
        return redirect(url_for("contracts.edit", contract_id=contract_id))
    return redirect(url_for("contracts.index", season=season))


# CSV


@bp.route("/export.csv")
@role_required(*OFFICERS_AND_ADMINS)
def export():
    seasons = _seasons()
    season = _chosen_season(seasons)
    if season is None:
        abort(404)
    program = _chosen_program(queries.visible_programs(current_user))
    # ?nmo=CODE: one NMO's contracts, among those the user may see (a report's export).
    nmo_code = request.args.get("nmo", "").strip()
    nmo = nmo_by_code(nmo_code) if nmo_code else None
    if nmo_code and nmo is None:
        abort(404, f"There is no NMO {nmo_code}.")
    text = csv_io.export_csv(queries.export_rows(current_user, season, program, nmo))
    filename = f"contracts-{season.code.replace('/', '-')}"
    if nmo is not None:
        filename += "-" + re.sub(r"[^A-Za-z0-9_-]+", "-", nmo.code).strip("-")
    if program is not None:
        filename += f"-{program.code.lower()}"
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'},
    )


@bp.route("/import", methods=["GET", "POST"])
@role_required(*OFFICERS_AND_ADMINS)
def import_csv():
    form = ImportForm()
    errors = None
    if form.validate_on_submit() and fits(form.file, csv_io.MAX_BYTES):
        data = form.file.data.stream.read(csv_io.MAX_BYTES + 1)
        with attempt(conflict=CONFLICT) as outcome:
            result = csv_io.import_contracts(current_user, data)
            outcome.message = (
                f"Imported: {result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged."
            )
            if result.created or result.updated:
                outcome.message += (
                    " The created and changed contracts are proposed to the partner NMOs: "
                    "their slots take nominations once the partners confirm them."
                )
        if outcome.ok:
            return redirect(url_for("contracts.index"))
        if isinstance(outcome.error, csv_io.ImportRefused):
            errors = outcome.error.errors
    return render_template(
        "contracts/import.html",
        form=form,
        errors=errors[:SHOWN_ERRORS] if errors else errors,
        more_errors=max(0, len(errors) - SHOWN_ERRORS) if errors else 0,
        header=csv_io.HEADER,
        max_bytes=csv_io.MAX_BYTES,
    )


# Roll-over


ROLLOVER_CONFLICT = (
    "Someone prepared the same season at the same moment. Look at the preview again: "
    "what exists now is skipped."
)


def _rollover_target() -> dict:
    """The NMO, program and seasons the roll-over page is about, from the query string
    (or the form): the officer's own NMO and program by default, into the season after
    the current one, from the season before it."""
    values = request.values
    admin = is_admin(current_user)
    pairs = [
        (m.nmo, m.program)
        for m in current_user.memberships
        if m.role == Role.NATIONAL_OFFICER and m.program in m.nmo.programs
    ]
    if admin:
        nmo = nmo_by_code(values.get("nmo", ""))
        programs = nmo.programs if nmo is not None else []
    else:
        nmos = list(dict.fromkeys(nmo for nmo, _ in pairs))
        nmo = next((n for n in nmos if n.code == values.get("nmo")), nmos[0] if nmos else None)
        programs = [program for owner, program in pairs if owner == nmo]
    chosen = program_by_code(values.get("program", "")) if values.get("program") else None
    program = chosen if chosen in programs else (programs[0] if programs else None)
    current = current_season()
    seasons = seasons_newest_first()
    later = [s for s in seasons if current is None or s.starts_on > current.starts_on]
    to_season = season_by_code(values.get("to", "")) if values.get("to") else None
    if to_season is None and later:
        to_season = later[-1]  # the next season
    from_season = previous_season(to_season) if to_season is not None else None
    return {
        "admin": admin,
        "nmos": active_nmos() if admin else list(dict.fromkeys(nmo for nmo, _ in pairs)),
        "pairs": pairs,
        "nmo": nmo,
        "programs": programs,
        "program": program,
        "seasons": [
            s for s in seasons if s.ends_on >= clock.today() and previous_season(s) is not None
        ],
        "to_season": to_season,
        "from_season": from_season,
        "current": current,
    }


@bp.route("/rollover", methods=["GET", "POST"])
@role_required(*OFFICERS_AND_ADMINS)
def roll_over():
    target = _rollover_target()
    form = ConfirmForm()
    plan = None
    ready = all(target[k] is not None for k in ("nmo", "program", "to_season", "from_season"))
    if ready:
        arguments = [target[k] for k in ("nmo", "program", "from_season", "to_season")]
        if request.method == "POST" and form.validate_on_submit():
            with attempt(conflict=ROLLOVER_CONFLICT) as outcome:
                plan = rollover.roll_over(current_user, *arguments, preview=False)
                outcome.message = plan.summary()
            if outcome.ok:
                season, program = target["to_season"], target["program"]
                return redirect(
                    url_for("contracts.index", season=season.code, program=program.code)
                )
        with attempt() as outcome:  # the preview writes nothing; a refusal is flashed
            plan = rollover.roll_over(current_user, *arguments, preview=True)
        if not outcome.ok:
            plan = None
    return render_template(
        "contracts/rollover.html",
        form=form,
        plan=plan,
        compact=queries.compact_months,
        **target,
    )
