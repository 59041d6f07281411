"""The demo's cards filled in: who tutors and meets each accepted student and which host
officer signed the card of acceptance, and the fees paid by confirmed students.

These draw from their own ``random.Random``, seeded from the season's code, so the rest of
the demo makes the same choices as it would without them.
"""

import random
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from exchange.conditions.models import ExchangeConditions
from exchange.contracts.models import ContractKind
from exchange.demo.data import FIRST_NAMES, LAST_NAMES
from exchange.extensions import db
from exchange.organizations.models import LocalCommittee
from exchange.placements.models import Placement, PlacementKind

MEETING_POINTS = (
    "Met at the airport arrivals hall by the {officer}",
    "Pick-up at the main bus station; call the contact person on arrival",
    "Met at the main railway station by a buddy of the LC",
    "Come to the students' residence reception; the buddy waits there",
    "Met at the hospital's main entrance on the first morning by the tutor",
    "Pick-up at the airport by the contact person; send the flight number a week before",
)
# A unilateral contract asks a fee whether or not the exchange conditions name one.
UNILATERAL_FEE = Decimal(200)
PAID_SHARE = 0.85
CARD_FIELDS = (
    "tutor",
    "meeting_point",
    "accepted_by_id",
    "accepted_by_role",
    "fee_paid_amount",
    "fee_paid_currency",
    "fee_paid_on",
    "fee_recorded_by_id",
)


class CardParts:
    """Run on the planned applications of a season, before they are written."""

    def add_card_details(self) -> None:
        rng = random.Random(f"demo cards {self.season.code}")
        placements = {p.id: p for p in self.placements}
        supervisors = dict(
            db.session.execute(
                select(Placement.id, Placement.supervisor).where(
                    Placement.kind == PlacementKind.RESEARCH_PROJECT
                )
            ).all()
        )
        lc_names = dict(db.session.execute(select(LocalCommittee.id, LocalCommittee.name)).all())
        fees = {
            (nmo_id, program_id): (amount, currency)
            for nmo_id, program_id, amount, currency in db.session.execute(
                select(
                    ExchangeConditions.nmo_id,
                    ExchangeConditions.program_id,
                    ExchangeConditions.fee_amount,
                    ExchangeConditions.fee_currency,
                ).where(ExchangeConditions.season_id == self.season.id)
            )
        }
        unilateral = {c.id for c, kind in self.contract_kinds if kind == ContractKind.UNILATERAL}
        last_day = self.cutoff.date()
        for planned in self.planned:
            row = planned.row
            row |= dict.fromkeys(CARD_FIELDS)
            if row["accepted_at"] is None:
                continue
            program = self.programs[planned.program]
            placement = placements[row["placement_id"]]
            officer, role = self._signing_officer(program, planned.program, placement, lc_names)
            tutor = supervisors.get(placement.id)
            if tutor is None:
                tutor = f"Dr. {rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            meeting = rng.choice(MEETING_POINTS).format(officer=program.local_officer_title)
            row |= {
                "tutor": tutor,
                "meeting_point": meeting,
                "accepted_by_id": officer,
                "accepted_by_role": role,
            }
            amount, currency = fees.get((row["host_nmo_id"], row["program_id"]), (0, "EUR"))
            if amount <= 0:
                if row["contract_id"] not in unilateral:
                    continue
                amount = UNILATERAL_FEE
            if row["confirmed_at"] is None or rng.random() >= PAID_SHARE:
                continue
            first = row["nominated_at"].date()
            last = min(row["starts_on"], last_day)
            days = max((last - first).days, 0)
            row |= {
                "fee_paid_amount": amount,
                "fee_paid_currency": currency,
                "fee_paid_on": first + timedelta(days=rng.randint(0, days)),
                "fee_recorded_by_id": officer,
            }

    def _signing_officer(self, program, code, placement, lc_names):
        """A local officer of the placement's LC, else the host's national officer."""
        local = self.local_officer.get((placement.lc_id, code))
        if local is not None:
            return local["id"], f"{program.local_officer_title} of {lc_names[placement.lc_id]}"
        national = self.national_officer.get((placement.nmo_id, code))
        if national is not None:
            acronym = next(n.acronym for n in self.nmos if n.id == placement.nmo_id)
            return national, f"{program.national_officer_title} of {acronym}"
        return None, None
