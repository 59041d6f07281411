"""The applications part of the demo: each application planned (state, contract slot,
placement, dates and history) before the students are made and everything is written."""

import random
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from exchange.applications import deadlines
from exchange.applications.codes import application_code
from exchange.applications.models import (
    Application,
    ApplicationCounter,
    Evaluation,
    Preference,
    StateTransition,
)
from exchange.applications.states import (
    HOLDS_CONTRACT_SLOT,
    HOLDS_PLACE,
    Action,
    Actor,
    State,
    next_state,
)
from exchange.auth.models import Role
from exchange.contracts.models import ContractSlot
from exchange.demo.calendar import (
    GAP,
    Phase,
    Step,
    fit,
    opens_at,
    phase_of,
    starts_on_for,
    utc_at,
)
from exchange.demo.common import (
    DemoContract,
    DemoNmo,
    DemoPlacement,
    PlannedApplication,
    bulk_insert,
    first_free_id,
    season_order,
    weighted_sample,
)
from exchange.demo.data import (
    CANCEL_REASONS,
    CANCELLED_FROM,
    DEMO_STUDENT_CURRENT,
    DEMO_STUDENT_PREVIOUS,
    EVALUATION_COMMENTS,
    EXCHANGE_WEEKS,
    FORWARD,
    FURTHEST_BEFORE_CLOSING,
    LOCAL_LANGUAGES,
    MONTH_WEIGHTS,
    MOTIVATIONS,
    PHASE_STATE_WEIGHTS,
    PROGRESS,
    REJECT_REASONS_HOME,
    REJECT_REASONS_HOST,
    START_OFFSETS,
    STUDENT_EMAIL,
    TRANSPORTS,
    WITHDRAW_REASONS,
    WITHDRAWN_FROM,
    student_personal_data,
    with_levels,
)
from exchange.extensions import db
from exchange.months import SEASON_MONTHS
from exchange.organizations.programs import PROGRAM_RULES
from exchange.placements.models import PlacementCapacity


class ApplicationParts:
    """The builder's parts from the applications on; ``DemoBuilder.__init__`` sets what
    they share."""

    def add_demo_student(self) -> None:
        demo_lc = self.demo_nmo.lc_ids[0]
        self.demo_student = self._add_user(
            STUDENT_EMAIL, Role.STUDENT, 4, nmo_id=self.demo_nmo.id, lc_id=demo_lc
        )
        self.first_year_of_study[self.demo_student["id"]] = (4, len(self.seasons) - 1)

    def plan_applications(self, total: int) -> None:
        """Plan every application of the season: its month, then the state the calendar
        allows for it, then its contract slot, placement, dates and history."""
        rng = self.rng
        self._prepare_pools()
        if self.season_index == len(self.seasons) - 1:
            wanted = DEMO_STUDENT_CURRENT
        elif self.season_index == len(self.seasons) - 2:
            wanted = DEMO_STUDENT_PREVIOUS
        else:
            wanted = {}
        for program, states in list(wanted.items())[:total]:
            self.planned.append(self._plan(program, "demo_sent", True, states))
        for _ in range(total - len(self.planned)):
            program = "SCOPE" if rng.random() < 0.85 else "SCORE"
            pool = "demo" if rng.random() < 0.06 else "all"
            self.planned.append(self._plan(program, pool, False))

    def _prepare_pools(self) -> None:
        """Slot units (one per student place) per program and month, and who may draw
        from them; the places left per placement and month."""
        rng = self.rng
        self.slots_left = {
            (c.id, month): slots for c in self.contracts for month, slots in c.slots.items()
        }
        self.capacity_left = {
            (p.id, month): capacity
            for p in self.placements
            for month, capacity in p.capacity.items()
        }
        demo_id = self.demo_nmo.id
        pools = {
            "all": lambda c: True,
            "demo": lambda c: demo_id in (c.sending_nmo_id, c.host_nmo_id),
            "demo_sent": lambda c: c.sending_nmo_id == demo_id,
        }
        self.contract_pool: dict[tuple[str, str], list[DemoContract]] = {}
        self.contracts_in_month: dict[tuple[str, str, int], list[DemoContract]] = defaultdict(list)
        self.unit_pool: dict[tuple[str, str, int], list[int]] = defaultdict(list)
        for code in ("SCOPE", "SCORE"):
            for name, belongs in pools.items():
                contracts = [c for c in self.contracts if c.program == code and belongs(c)]
                self.contract_pool[(code, name)] = contracts
                for contract in contracts:
                    for month, slots in contract.slots.items():
                        self.contracts_in_month[(code, name, month)].append(contract)
                        self.unit_pool[(code, name, month)] += [contract.id] * slots
        for units in self.unit_pool.values():
            rng.shuffle(units)
        self.contract_by_id = {c.id: c for c in self.contracts}

    def _plan(self, program: str, pool: str, for_demo: bool, wanted=None) -> PlannedApplication:
        rng = self.rng
        if not self.contract_pool[(program, pool)]:
            pool = "all"
        month, starts_on, state = self._month_and_state(program, pool, wanted)
        month_start = self.season.month_date(month)
        phase = self._phase(month_start, starts_on, 4)
        reached, closing = self._reached(state, phase)
        contract = None
        if state in HOLDS_CONTRACT_SLOT:
            contract = self._take_slot(program, pool, month)
            if contract is None:
                # No slot left that month: the home NMO turned the application down.
                state, reached, closing = State.REJECTED, State.SUBMITTED, State.REJECTED
        elif PROGRESS.index(reached) >= PROGRESS.index(State.NOMINATED):
            # A closed application keeps the slot it had, without holding it any more.
            contract = self._contract_with_month(program, pool, month)
            if contract is None:
                reached = State.SUBMITTED
        if contract is None:
            contract = rng.choice(self.contract_pool[(program, pool)])
        # A slot of another NMO's contract (the demo pool ran dry) is not the demo student's.
        for_demo = for_demo and contract.sending_nmo_id == self.demo_nmo.id
        placement = None
        if PROGRESS.index(reached) >= PROGRESS.index(State.ACCEPTED):
            placement = self._placement_for(
                contract.host_nmo_id, program, starts_on, state, reached
            )
            if placement is None and state in HOLDS_PLACE:
                # Nothing fits the state: another state of the calendar whose place fits.
                for other in HOLDS_PLACE:
                    if other != state:
                        placement = self._placement_for(
                            contract.host_nmo_id, program, starts_on, other, other
                        )
                        if placement is not None:
                            state = reached = other
                            break
            if placement is None and state in HOLDS_PLACE:
                # Every department of the host is full that month: the CA is still to come,
                # or, when it is too late for that, the exchange was cancelled.
                if PHASE_STATE_WEIGHTS[phase].get(State.NOMINATED):
                    state, reached, closing = State.NOMINATED, State.NOMINATED, None
                else:
                    self._give_back_slot(program, contract.id, month)
                    state, reached, closing = State.CANCELLED, State.NOMINATED, State.CANCELLED
            elif placement is None:
                reached = State.NOMINATED
        return self._planned_application(
            state, reached, closing, program, contract, month, starts_on, placement, for_demo
        )

    def _month_and_state(self, program: str, pool: str, wanted) -> tuple[int, date, State]:
        """The exchange month, the start date and a state the calendar allows for them:
        the first of ``wanted`` that some month allows, or one drawn by the month's phase."""
        rng = self.rng
        for state in wanted or ():
            options = [
                (month, starts_on)
                for month in SEASON_MONTHS
                if self.contracts_in_month[(program, pool, month)]
                and (state not in HOLDS_CONTRACT_SLOT or self._units_left(program, pool, month))
                for starts_on in self._start_dates(month)
                if PHASE_STATE_WEIGHTS[
                    self._phase(self.season.month_date(month), starts_on, 4)
                ].get(state)
            ]
            if options:
                weights = [MONTH_WEIGHTS[month] for month, _ in options]
                month, starts_on = rng.choices(options, weights)[0]
                return month, starts_on, state
        month = rng.choices(SEASON_MONTHS, [MONTH_WEIGHTS[m] for m in SEASON_MONTHS])[0]
        starts_on = self._start_date(month, rng.choice(START_OFFSETS))
        weights = PHASE_STATE_WEIGHTS[self._phase(self.season.month_date(month), starts_on, 4)]
        return month, starts_on, rng.choices(list(weights), list(weights.values()))[0]

    def _start_dates(self, month: int) -> list[date]:
        return [self._start_date(month, offset) for offset in sorted(set(START_OFFSETS))]

    def _start_date(self, month: int, offset: int) -> date:
        return starts_on_for(self.season.month_date(month), offset, self.today, EXCHANGE_WEEKS)

    def _phase(self, month_start: date, starts_on: date, weeks: int) -> Phase:
        return phase_of(month_start, starts_on, starts_on + timedelta(weeks=weeks), self.today)

    def _allowed(self, state: State, reached: State, phase: Phase) -> bool:
        """Whether an application in ``state``, having got as far as ``reached``, fits
        ``phase``."""
        if state in PROGRESS:
            return bool(PHASE_STATE_WEIGHTS[phase].get(state))
        return PROGRESS.index(reached) <= PROGRESS.index(FURTHEST_BEFORE_CLOSING[phase])

    def _reached(self, state: State, phase: Phase) -> tuple[State, State | None]:
        """The furthest state of progress, and the closing state when the application closed."""
        if state in PROGRESS:
            return state, None
        if state == State.REJECTED:
            return self.rng.choice((State.SUBMITTED, State.SUBMITTED, State.NOMINATED)), state
        furthest = PROGRESS.index(FURTHEST_BEFORE_CLOSING[phase])
        weights = {
            reached: weight
            for reached, weight in (
                WITHDRAWN_FROM if state == State.WITHDRAWN else CANCELLED_FROM
            ).items()
            if PROGRESS.index(reached) <= furthest
        }
        return self.rng.choices(list(weights), list(weights.values()))[0], state

    def _units_left(self, program: str, pool: str, month: int) -> bool:
        units = self.unit_pool[(program, pool, month)]
        return any(self.slots_left[(contract_id, month)] > 0 for contract_id in units)

    def _take_slot(self, program: str, pool: str, month: int) -> DemoContract | None:
        """A contract with a slot left in ``month``, whose slot the application now holds."""
        for name in (pool, "all"):
            units = self.unit_pool[(program, name, month)]
            while units:
                contract_id = units.pop()
                if self.slots_left[(contract_id, month)] > 0:
                    self.slots_left[(contract_id, month)] -= 1
                    return self.contract_by_id[contract_id]
        return None

    def _give_back_slot(self, program: str, contract_id: int, month: int) -> None:
        self.slots_left[(contract_id, month)] += 1
        self.unit_pool[(program, "all", month)].append(contract_id)

    def _contract_with_month(self, program: str, pool: str, month: int) -> DemoContract | None:
        for name in (pool, "all"):
            contracts = self.contracts_in_month[(program, name, month)]
            if contracts:
                return self.rng.choice(contracts)
        return None

    def _placement_for(
        self, host_nmo_id, program, starts_on, state, reached
    ) -> DemoPlacement | None:
        """A placement of the host with room that month, whose length fits the calendar;
        room is taken only when held."""
        kind = PROGRAM_RULES[program].placement_kind
        month_start = starts_on.replace(day=1)
        month = month_start.month
        placements = self.placements_of[(host_nmo_id, kind)]
        fits = {
            weeks: self._allowed(state, reached, self._phase(month_start, starts_on, weeks))
            for weeks in {p.weeks for p in placements}
        }
        if state not in HOLDS_PLACE:
            # A closed application keeps its placement without holding a place.
            candidates = [p for p in placements if fits[p.weeks]]
            open_ones = [p for p in candidates if p.capacity[month] > 0]
            return self.rng.choice(open_ones or candidates) if candidates else None
        candidates = [
            p for p in placements if fits[p.weeks] and self.capacity_left[(p.id, month)] > 0
        ]
        if not candidates:
            return None
        placement = self.rng.choice(candidates)
        self.capacity_left[(placement.id, month)] -= 1
        return placement

    def _planned_application(
        self, state, reached, closing, program, contract, month, starts_on, placement, for_demo
    ) -> PlannedApplication:
        rng = self.rng
        host_id, home_id = contract.host_nmo_id, contract.sending_nmo_id
        home = self.nmo_by_id[home_id]
        home_lc_id = home.lc_ids[0] if for_demo else rng.choice(home.lc_ids)
        kind = PROGRAM_RULES[program].placement_kind
        host_placements = self.placements_of[(host_id, kind)]
        at = PROGRESS.index(reached)
        other_months = MONTH_WEIGHTS
        if closing is None and at < PROGRESS.index(State.NOMINATED):
            # Still waiting: the other months it offers are all to come.
            other_months = {
                m: w for m, w in MONTH_WEIGHTS.items() if self.season.month_date(m) > self.today
            }
        months = {month, *weighted_sample(rng, other_months, rng.choice((0, 1, 1, 2)))}
        weeks = placement.weeks if placement else 4
        ends_on = starts_on + timedelta(weeks=weeks)
        times = self._timeline(reached, closing, starts_on, ends_on, host_id, program)
        host_lo = self.local_officer[(placement.lc_id, program)] if placement else None
        preference_field = placement.field if placement else rng.choice(host_placements).field
        row = {
            "program_id": self.programs[program].id,
            "season_id": self.season.id,
            "home_nmo_id": home_id,
            "home_lc_id": home_lc_id,
            "host_nmo_id": host_id,
            "state": state,
            "created_at": times[State.DRAFT],
            "months": season_order(months),
            "languages": self._student_languages(home, host_id),
            "motivation": rng.choice(MOTIVATIONS).format(field=preference_field.lower()),
            "points": (Decimal(rng.randint(3000, 10000)) / 100 if at >= 1 else None),
            "host_points": (Decimal(rng.randint(3000, 10000)) / 100 if at >= 2 else None),
            "submitted_at": times.get(State.SUBMITTED),
            "contract_id": contract.id if at >= 2 else None,
            "exchange_month": month if at >= 2 else None,
            "nominated_at": times.get(State.NOMINATED),
            "placement_id": placement.id if at >= 3 else None,
            "starts_on": starts_on if at >= 3 else None,
            "ends_on": ends_on if at >= 3 else None,
            "contact_person": host_lo["name"] if at >= 3 else None,
            "contact_email": host_lo["email"] if at >= 3 else None,
            "accepted_at": times.get(State.ACCEPTED),
            "arrival_local": (
                datetime.combine(starts_on - timedelta(days=1), time(rng.randint(6, 22)))
                if at >= 4
                else None
            ),
            "arrival_transport": rng.choice(TRANSPORTS) if at >= 4 else None,
            "confirmed_at": times.get(State.CONFIRMED),
            "arrived_at": times.get(State.IN_PROGRESS),
            "completed_at": times.get(State.COMPLETED),
            "certified_at": times.get(State.CERTIFIED),
            "closed_at": None,
            "closing_reason": None,
            "substitute_for_id": None,
        }
        row |= self._card_deadlines(at, month, starts_on, times)
        steps = self._steps(reached, times, home_id, host_id, program, host_lo)
        if closing is not None:
            reason, step = self._closing(
                closing, reached, times[closing], home_id, host_id, program
            )
            row |= {"closed_at": times[closing], "closing_reason": reason}
            steps.append(step)
        row["updated_at"] = steps[-1][3] if steps else row["created_at"]
        planned = PlannedApplication(
            row=row,
            preferences=self._preferences(host_placements, placement, program, reached),
            steps=steps,
            for_demo_student=for_demo,
            program=program,
        )
        if at >= PROGRESS.index(State.COMPLETED):
            planned.evaluation = self._evaluation(times[State.COMPLETED])
        return planned

    def _card_deadlines(self, at: int, month, starts_on: date, times: dict) -> dict:
        """Due dates of the CA and CC, and whether each came late, as the services set them."""
        values = {"ca_due_on": None, "cc_due_on": None, "ca_late": False, "cc_late": False}
        if at >= PROGRESS.index(State.NOMINATED):
            values["ca_due_on"] = deadlines.ca_due_on(self.season.month_date(month))
        if at >= PROGRESS.index(State.ACCEPTED):
            values["cc_due_on"] = deadlines.cc_due_on(starts_on)
            values["ca_late"] = deadlines.came_late(times[State.ACCEPTED], values["ca_due_on"])
        if at >= PROGRESS.index(State.CONFIRMED):
            values["cc_late"] = deadlines.came_late(times[State.CONFIRMED], values["cc_due_on"])
        return values

    def _timeline(self, reached, closing, starts_on, ends_on, host_id, program) -> dict:
        """When each step up to ``reached`` (and the closing, if any) happened: counted
        from the start date as it usually goes, and moved where that would be after the
        end of yesterday, or out of step with the calendar."""
        rng = self.rng
        start, start_day, end_day = utc_at(starts_on), utc_at(starts_on, 0), utc_at(ends_on, 0)
        month_start = starts_on.replace(day=1)
        deadline = month_start - timedelta(weeks=self.lead_weeks[(host_id, program)])
        before_month = utc_at(month_start, 0) - GAP
        natural = {
            State.DRAFT: Step(
                start - timedelta(days=rng.randint(170, 260), minutes=rng.randint(0, 600)),
                floor=opens_at(self.season.starts_on),
            ),
            # Before the host's deadline for the month, as the services require.
            State.SUBMITTED: Step(timedelta(days=rng.randint(2, 30)), cap=utc_at(deadline, 12)),
            # Nominations and acceptances go only into months that have not begun.
            State.NOMINATED: Step(timedelta(days=rng.randint(5, 30)), cap=before_month),
            # Some CAs come later than the 8 weeks before the start: late CAs exist.
            State.ACCEPTED: Step(
                start - timedelta(days=rng.randint(35, 100), hours=rng.randint(0, 8)),
                cap=before_month,
            ),
            State.CONFIRMED: Step(timedelta(days=rng.randint(3, 14)), cap=start_day - GAP),
            State.IN_PROGRESS: Step(
                start + timedelta(hours=rng.randint(0, 6)), floor=start_day, cap=end_day - GAP
            ),
            State.COMPLETED: Step(
                utc_at(ends_on, 12) + timedelta(days=rng.randint(0, 10)),
                floor=utc_at(ends_on, 12),
            ),
            State.CERTIFIED: Step(timedelta(days=rng.randint(1, 21))),
        }
        path = list(PROGRESS[: PROGRESS.index(reached) + 1])
        steps = [natural[state] for state in path]
        if closing is not None:
            # Closed before the exchange began, or, once under way, before it ended.
            cap = end_day - GAP if reached == State.IN_PROGRESS else start_day - GAP
            steps.append(Step(timedelta(days=rng.randint(1, 20), hours=rng.randint(1, 8)), cap=cap))
            path.append(closing)
        return dict(zip(path, fit(steps, self.cutoff, rng), strict=True))

    def _steps(self, reached, times, home_id, host_id, program, host_lo) -> list:
        """The actions that lead from draft to ``reached``, each with its actor."""
        steps = []
        for state in PROGRESS[1 : PROGRESS.index(reached) + 1]:
            action, actor = FORWARD[state]
            if action == Action.ACCEPT and self.rng.random() < 0.4:
                actor = Actor.HOST_LOCAL_OFFICER
            actor_id = {
                Actor.STUDENT: None,  # the student's id is known once students are made
                Actor.HOME_NATIONAL_OFFICER: self.national_officer[(home_id, program)],
                Actor.HOST_NATIONAL_OFFICER: self.national_officer[(host_id, program)],
                Actor.HOST_LOCAL_OFFICER: host_lo["id"] if host_lo else None,
            }[actor]
            steps.append((action, actor, actor_id, times[state], None))
        return steps

    def _closing(self, closing, reached, closed_at, home_id, host_id, program):
        """Why and by whom an application was rejected, withdrawn or cancelled."""
        rng = self.rng
        if closing == State.REJECTED and reached == State.SUBMITTED:
            reason, action, actor = (
                rng.choice(REJECT_REASONS_HOME),
                Action.REJECT,
                Actor.HOME_NATIONAL_OFFICER,
            )
        elif closing == State.REJECTED:
            reason, action, actor = (
                rng.choice(REJECT_REASONS_HOST),
                Action.REJECT,
                Actor.HOST_NATIONAL_OFFICER,
            )
        elif closing == State.WITHDRAWN:
            reason, action, actor = rng.choice(WITHDRAW_REASONS), Action.WITHDRAW, Actor.STUDENT
        else:
            reason, action = rng.choice(CANCEL_REASONS), Action.CANCEL
            # The host has no say before it is nominated there.
            cancellers = (Actor.HOME_NATIONAL_OFFICER, Actor.HOST_NATIONAL_OFFICER)
            actor = rng.choice(cancellers if reached != State.SUBMITTED else cancellers[:1])
        actor_id = {
            Actor.STUDENT: None,
            Actor.HOME_NATIONAL_OFFICER: self.national_officer[(home_id, program)],
            Actor.HOST_NATIONAL_OFFICER: self.national_officer[(host_id, program)],
        }[actor]
        return reason, (action, actor, actor_id, closed_at, reason)

    def _preferences(self, host_placements, placement, program, reached) -> list[int]:
        """Ranked placements of the host; the one the student got is usually ranked high."""
        rng = self.rng
        most = PROGRAM_RULES[program].max_preferences
        count = rng.randint(0, most) if reached == State.DRAFT else rng.randint(2, most)
        if placement is None:
            ids = [p.id for p in host_placements]
            return rng.sample(ids, min(count, len(ids)))
        others = [p.id for p in host_placements if p is not placement]
        chosen = rng.sample(others, min(count - 1, len(others)))
        rank = rng.choices(range(len(chosen) + 1), (8, 4, 2, 1)[: len(chosen) + 1])[0]
        chosen.insert(rank, placement.id)
        return chosen

    def _student_languages(self, home: DemoNmo, host_id: int) -> list[str]:
        languages = ["English"]
        for code in (home.country_code, self.nmo_by_id[host_id].country_code):
            local = LOCAL_LANGUAGES.get(code)
            if (
                local
                and local not in languages
                and (code == home.country_code or self.rng.random() < 0.5)
            ):
                languages.append(local)
        return languages

    def _evaluation(self, completed_at: datetime) -> dict:
        rng = self.rng
        return {
            "overall_rating": rng.choice((3, 4, 4, 5, 5)),
            "placement_rating": rng.choice((2, 3, 4, 4, 5)),
            "supervision_rating": rng.choice((2, 3, 4, 5, 5)),
            "accommodation_rating": rng.choice((1, 3, 3, 4, 5)),
            "comments": rng.choice(EVALUATION_COMMENTS),
            "submitted_at": completed_at,
        }

    def add_students_and_applications(self) -> None:
        """Make the students, number the applications and write them with their histories,
        and the season's slots and capacities with how many of them are used."""
        self._assign_students()
        prefixes = {code: program.code_prefix for code, program in self.programs.items()}
        program_code = {program.id: code for code, program in self.programs.items()}
        # Running numbers follow creation time, as a live system would hand them out.
        order = sorted(
            range(len(self.planned)), key=lambda i: (self.planned[i].row["created_at"], i)
        )
        self.last_number: Counter = Counter()
        next_id = first_free_id(Application)
        applications, preferences, transitions, evaluations = [], [], [], []
        slots_used, places_used = Counter(), Counter()
        for position, index in enumerate(order):
            planned = self.planned[index]
            row = planned.row
            code = program_code[row["program_id"]]
            self.last_number[code] += 1
            number = self.last_number[code]
            row |= {
                "id": next_id + position,
                "number": number,
                "code": application_code(prefixes[code], self.season.short_code, number),
            }
            applications.append(row)
            preferences += [
                {"application_id": row["id"], "rank": rank, "placement_id": placement_id}
                for rank, placement_id in enumerate(planned.preferences, start=1)
            ]
            transitions += self._history(planned)
            if planned.evaluation:
                evaluations.append(planned.evaluation | {"application_id": row["id"]})
            if row["state"] in HOLDS_CONTRACT_SLOT:
                slots_used[(row["contract_id"], row["exchange_month"])] += 1
            if row["state"] in HOLDS_PLACE:
                places_used[(row["placement_id"], row["starts_on"].month)] += 1
            self.state_counts[row["state"]] += 1
        # The counts the services keep one change at a time, set here from the plan.
        bulk_insert(
            ContractSlot,
            [
                {
                    "contract_id": contract.id,
                    "month": month,
                    "slots": slots,
                    "used": slots_used[(contract.id, month)],
                }
                for contract in self.contracts
                for month, slots in contract.slots.items()
            ],
        )
        bulk_insert(
            PlacementCapacity,
            [
                {
                    "placement_id": placement.id,
                    "season_id": self.season.id,
                    "month": month,
                    "capacity": capacity,
                    "used": places_used[(placement.id, month)],
                }
                for placement in self.placements
                for month, capacity in placement.capacity.items()
            ],
        )
        self.write_users()
        bulk_insert(Application, applications)
        bulk_insert(Preference, preferences)
        bulk_insert(StateTransition, transitions)
        bulk_insert(Evaluation, evaluations)
        self._update_counters()
        self.preference_count += len(preferences)
        self.transition_count += len(transitions)
        self.planned = []

    def _assign_students(self) -> None:
        """One student per application, and at most one application per student, program
        and season; some students of an LC apply again, in the other program or in a later
        season."""
        rng = self.rng
        made: dict[int, datetime] = {}  # students made this season: their first application
        for planned in self.planned:
            row = planned.row
            key = (planned.program, self.season.id)
            student = self.demo_student if planned.for_demo_student else None
            known = self.students_of_lc[row["home_lc_id"]]
            if student is None and known and rng.random() < 0.15:
                candidate = known[-rng.randint(1, min(len(known), 30))]
                if key not in self.applied[candidate["id"]]:
                    student = candidate
            if student is None:
                number = self.next_user_id
                student = self._add_user(
                    f"student.{number}@demo.exchange",
                    Role.STUDENT,
                    rng.randint(3, 6),
                    nmo_id=row["home_nmo_id"],
                    lc_id=row["home_lc_id"],
                )
                self.first_year_of_study[student["id"]] = (
                    student["year_of_study"],
                    self.season_index,
                )
                # The year of study they are in now, in the last season seeded.
                student["year_of_study"] = self._study_year(student["id"], len(self.seasons) - 1)
                known.append(student)
                made[student["id"]] = row["created_at"]
            elif student["id"] in made:
                made[student["id"]] = min(made[student["id"]], row["created_at"])
            self.applied[student["id"]].add(key)
            row["student_id"] = student["id"]
            row["study_year"] = self._study_year(student["id"], self.season_index)
            row |= self._personal_data(student, row)
        # A student's account is a little older than their first application.
        for user, membership in zip(
            self.users[self.users_written :], self.memberships[self.users_written :], strict=True
        ):
            if user["id"] in made:
                created_at = max(
                    made[user["id"]] - timedelta(days=rng.randint(1, 20)), self.founded_at
                )
                user["created_at"] = membership["created_at"] = created_at

    def _personal_data(self, student: dict, row: dict) -> dict:
        """The student's personal data, and languages with levels: drawn by a generator of
        their own, so the same on each of their applications, the builder's draws as they
        were. Half the drafts lack the passport and insurance yet."""
        rng = random.Random(f"personal data of {student['id']}")
        country = self.nmo_by_id[row["home_nmo_id"]].country_code
        first_year, first_season = self.first_year_of_study[student["id"]]
        age_on = (18 + first_year, self.seasons[first_season].starts_on)
        given = student_personal_data(rng, student, country, age_on, self.seasons[-1].ends_on)
        native = LOCAL_LANGUAGES.get(country)
        given["languages"] = with_levels(row["languages"], native, country, rng)
        if row["state"] == State.DRAFT and rng.random() < 0.5:
            given |= dict.fromkeys(("passport_number", "passport_expires_on", "insurance_company"))
        return given

    def _study_year(self, student_id: int, season_index: int) -> int:
        first, first_index = self.first_year_of_study[student_id]
        return min(first + season_index - first_index, 6)

    def _history(self, planned: PlannedApplication) -> list[dict]:
        """The recorded transitions; walking them through the state machine proves them legal."""
        row = planned.row
        history = [
            {
                "application_id": row["id"],
                "action": "create",
                "from_state": None,
                "to_state": State.DRAFT,
                "actor_id": row["student_id"],
                "reason": None,
                "created_at": row["created_at"],
            }
        ]
        state = State.DRAFT
        for action, actor, actor_id, when, reason in planned.steps:
            target = next_state(state, action, {actor}, reason)
            history.append(
                {
                    "application_id": row["id"],
                    "action": action.value,
                    "from_state": state,
                    "to_state": target,
                    "actor_id": row["student_id"] if actor == Actor.STUDENT else actor_id,
                    "reason": reason,
                    "created_at": when,
                }
            )
            state = target
        if state != row["state"]:
            raise RuntimeError(f"planned path ends in {state}, not {row['state']}")
        return history

    def _update_counters(self) -> None:
        for code, program in self.programs.items():
            counter = db.session.get(ApplicationCounter, (program.id, self.season.id))
            if counter is None:
                counter = ApplicationCounter(program_id=program.id, season_id=self.season.id)
                db.session.add(counter)
            counter.last_number = self.last_number[code]
