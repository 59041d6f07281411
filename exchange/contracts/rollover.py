"""Roll-over: a national officer copies last season into a new one in one step.

What one NMO keeps for one program is copied from ``from_season`` into ``to_season``:
- its contracts (sending and hosting) that were confirmed, as proposals to the partners,
  who confirm them again for the new season;
- its exchange conditions, as the conditions editor's "copy last season's" does;
- the capacities per month of its open departments or research projects.

``roll_over(..., preview=True)`` only says what would be created and what is skipped and
why; with ``preview=False`` it creates it, through the same services as by hand. What
exists in the new season already is skipped, so running it twice creates nothing twice.
"""

from dataclasses import dataclass, field

from exchange import clock
from exchange.auth.models import User
from exchange.auth.permissions import can_manage_nmo
from exchange.conditions import services as conditions_services
from exchange.conditions.models import ExchangeConditions
from exchange.conditions.queries import find_conditions
from exchange.contracts import queries, services
from exchange.contracts.models import Contract, ContractStatus
from exchange.errors import DomainError, NotAllowed
from exchange.extensions import db
from exchange.months import SEASON_MONTHS
from exchange.organizations.models import NMO, Program, Season
from exchange.placements import services as placement_services
from exchange.placements.models import Placement
from exchange.placements.queries import Scope, capacities_of, placements_statement


@dataclass
class PlannedContract:
    """Last season's contract and what the new season gets: ``skip`` says why not."""

    previous: Contract
    terms: services.ContractTerms
    partner: NMO  # the other side, who confirms the new season's proposal
    skip: str | None = None


@dataclass
class PlannedConditions:
    previous: ExchangeConditions | None
    skip: str | None = None


@dataclass
class PlannedCapacities:
    placement: Placement
    capacities: dict[int, int]  # month -> capacity, in season order
    skip: str | None = None


@dataclass
class RollOverPlan:
    """What a roll-over creates (items without ``skip``) and skips (with the reason)."""

    nmo: NMO
    program: Program
    from_season: Season
    to_season: Season
    contracts: list[PlannedContract] = field(default_factory=list)
    conditions: PlannedConditions | None = None
    capacities: list[PlannedCapacities] = field(default_factory=list)
    done: bool = False  # created (preview=False), or only planned

    @property
    def new_contracts(self) -> list[PlannedContract]:
        return [item for item in self.contracts if item.skip is None]

    @property
    def new_capacities(self) -> list[PlannedCapacities]:
        return [item for item in self.capacities if item.skip is None]

    @property
    def copies_conditions(self) -> bool:
        return self.conditions is not None and self.conditions.skip is None

    @property
    def created(self) -> int:
        """How many things the roll-over creates: contracts, conditions, placements."""
        return len(self.new_contracts) + len(self.new_capacities) + int(self.copies_conditions)

    @property
    def skipped(self) -> int:
        conditions = int(self.conditions is not None and self.conditions.skip is not None)
        return (
            len(self.contracts)
            - len(self.new_contracts)
            + len(self.capacities)
            - len(self.new_capacities)
            + conditions
        )

    def summary(self) -> str:
        """The plan in one sentence: what it does (a preview) or did."""
        contracts, placements = len(self.new_contracts), len(self.new_capacities)
        contracts_text = f"{contracts} contract" + ("" if contracts == 1 else "s")
        placements_text = f"the capacities of {placements} {self.program.placement_noun}" + (
            "" if placements == 1 else "s"
        )
        what = f"{self.nmo.acronym}'s {self.program.code} {self.from_season.code}"
        if self.done:
            conditions = (
                "the exchange conditions copied"
                if self.copies_conditions
                else "no exchange conditions copied"
            )
            return (
                f"{what} is rolled over into {self.to_season.code}: {contracts_text} proposed "
                f"to the partners, {conditions}, {placements_text} copied; "
                f"{self.skipped} skipped."
            )
        conditions = (
            "copies the exchange conditions" if self.copies_conditions else "copies no conditions"
        )
        return (
            f"Rolling {what} over into {self.to_season.code} proposes {contracts_text} to the "
            f"partners, {conditions} and {placements_text}; {self.skipped} skipped."
        )


def _check(officer: User, nmo: NMO, program: Program, from_season: Season, to_season: Season):
    if not can_manage_nmo(officer, nmo.id, program.id):
        raise NotAllowed(
            f"Only {nmo.acronym}'s national officers for {program.code} roll its season over."
        )
    if program not in nmo.programs:
        raise DomainError(f"{nmo.acronym} does not take part in {program.code}.")
    if from_season.starts_on >= to_season.starts_on:
        raise DomainError(
            f"Roll over from an earlier season into a later one, not {from_season.code} into "
            f"{to_season.code}."
        )
    if to_season.ends_on < clock.today():
        raise DomainError(f"The {to_season.code} season has ended: nothing can be prepared for it.")


def _plan_contracts(nmo: NMO, program: Program, from_season: Season, to_season: Season):
    existing = {
        (c.sending_nmo_id, c.host_nmo_id): c
        for c in queries.contracts_of_nmo(nmo.id, program.id, to_season.id)
    }
    planned = []
    for previous in queries.contracts_of_nmo(nmo.id, program.id, from_season.id):
        terms = services.ContractTerms(
            season=to_season,
            program=program,
            sending=previous.sending_nmo,
            host=previous.host_nmo,
            kind=previous.kind,
            slots=services.slots_of(previous),
        )
        partner = previous.host_nmo if previous.sending_nmo_id == nmo.id else previous.sending_nmo
        item = PlannedContract(previous, terms, partner)
        there = existing.get((previous.sending_nmo_id, previous.host_nmo_id))
        if there is not None:
            item.skip = f"It exists in {to_season.code} already ({there.status.label.lower()})."
        elif previous.status != ContractStatus.CONFIRMED:
            item.skip = (
                f"It was {previous.status.label.lower()} in {from_season.code}, never confirmed."
            )
        elif not terms.slots:
            item.skip = f"It had no slots in {from_season.code}."
        elif not partner.is_active:
            item.skip = f"{partner.acronym} is no longer active."
        elif program not in partner.programs:
            item.skip = f"{partner.acronym} no longer takes part in {program.code}."
        planned.append(item)
    return planned


def _plan_conditions(nmo: NMO, program: Program, from_season: Season, to_season: Season):
    previous = find_conditions(nmo.id, program.id, from_season.id)
    item = PlannedConditions(previous)
    if find_conditions(nmo.id, program.id, to_season.id) is not None:
        item.skip = f"{to_season.code}'s exchange conditions are published already."
    elif previous is None:
        item.skip = f"{nmo.acronym} published no exchange conditions for {from_season.code}."
    else:
        problems = conditions_services.problems_with(
            conditions_services.ConditionsData.of(previous)
        )
        if problems:
            item.skip = "They cannot be copied as they are: " + " ".join(problems)
    return item


def _plan_capacities(nmo: NMO, program: Program, from_season: Season, to_season: Season):
    scope = Scope(program, frozenset({nmo.id}), frozenset())
    placements = list(db.session.scalars(placements_statement(scope, status="open")))
    ids = [placement.id for placement in placements]
    before, now = capacities_of(ids, from_season), capacities_of(ids, to_season)
    planned = []
    for placement in placements:
        months = before.get(placement.id, {})
        capacities = {m: months[m][0] for m in SEASON_MONTHS if months.get(m, (0, 0))[0] > 0}
        item = PlannedCapacities(placement, capacities)
        if now.get(placement.id):
            item.skip = f"It has capacities for {to_season.code} already."
        elif not capacities:
            item.skip = f"It had no places in {from_season.code}."
        planned.append(item)
    return planned


def roll_over(
    officer: User,
    nmo: NMO,
    program: Program,
    from_season: Season,
    to_season: Season,
    preview: bool = True,
) -> RollOverPlan:
    """What copying ``from_season`` into ``to_season`` creates and skips; with
    ``preview=False``, create it: contracts proposed by ``nmo`` to each partner, the
    exchange conditions, the placements' capacities. Flushes, never commits."""
    _check(officer, nmo, program, from_season, to_season)
    plan = RollOverPlan(
        nmo=nmo,
        program=program,
        from_season=from_season,
        to_season=to_season,
        contracts=_plan_contracts(nmo, program, from_season, to_season),
        conditions=_plan_conditions(nmo, program, from_season, to_season),
        capacities=_plan_capacities(nmo, program, from_season, to_season),
    )
    if preview:
        return plan
    reason = f"Rolled over from {from_season.code}"
    for item in plan.new_contracts:
        services.create_contract(officer, item.terms, proposer=nmo, reason=reason)
    if plan.copies_conditions:
        data = conditions_services.ConditionsData.of(plan.conditions.previous)
        conditions_services.save_exchange_conditions(officer, nmo, program, to_season, data)
    for item in plan.new_capacities:
        placement_services.set_capacities(officer, item.placement, to_season, item.capacities)
    db.session.flush()
    plan.done = True
    return plan
