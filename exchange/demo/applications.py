"""The applications part of the demo: each application planned (state, contract slot,
placement, dates and history) before the students are made and everything is written."""

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
from exchange.applications.services import recount_usage
from exchange.applications.states import (
    HOLDS_CONTRACT_SLOT,
    HOLDS_PLACE,
    Action,
    Actor,
    State,
    next_state,
)
from exchange.auth.models import Membership, Role, User
from exchange.demo.common import (
    DemoContract,
    DemoNmo,
    DemoPlacement,
    PlannedApplication,
    bulk_insert,
    first_free_id,
    quotas_of,
    season_order,
    utc_at,
    weighted_sample,
)
from exchange.demo.data import (
    CANCEL_REASONS,
    CANCELLED_FROM,
    DEMO_STUDENT_STATES,
    EVALUATION_COMMENTS,
    FORWARD,
    LOCAL_LANGUAGES,
    MONTH_WEIGHTS,
    MOTIVATIONS,
    PROGRESS,
    REJECT_REASONS_HOME,
    REJECT_REASONS_HOST,
    STATE_WEIGHTS,
    STUDENT_EMAIL,
    TRANSPORTS,
    WITHDRAW_REASONS,
    WITHDRAWN_FROM,
)
from exchange.extensions import db
from exchange.organizations.programs import PROGRAM_RULES


class ApplicationParts:
    """The builder's parts from the applications on; ``DemoBuilder.__init__`` sets what
    they share."""

    def plan_applications(self, total: int) -> None:
        """Plan every application: state, contract slot, placement, dates and history."""
        rng = self.rng
        self._prepare_pools()
        states = [state for state, n in quotas_of(total, STATE_WEIGHTS).items() for _ in range(n)]
        rng.shuffle(states)
        # The first application of each of these states goes to the demo student.
        demo_states = list(DEMO_STUDENT_STATES)
        for state in states:
            for_demo = state in demo_states
            if for_demo:
                demo_states.remove(state)
            program = "SCOPE" if for_demo or rng.random() < 0.85 else "SCORE"
            self.planned.append(self._plan(state, program, for_demo))

    def _prepare_pools(self) -> None:
        """Slot units (one per student place) per program, and who may draw from them."""
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
        self.unit_pool: dict[tuple[str, str], list[tuple[int, int]]] = {}
        for code in ("SCOPE", "SCORE"):
            for name, belongs in pools.items():
                contracts = [c for c in self.contracts if c.program == code and belongs(c)]
                units = [(c.id, m) for c in contracts for m, n in c.slots.items() for _ in range(n)]
                rng.shuffle(units)
                self.contract_pool[(code, name)] = contracts
                self.unit_pool[(code, name)] = units
        self.contract_by_id = {c.id: c for c in self.contracts}

    def _plan(self, state: State, program: str, for_demo: bool) -> PlannedApplication:
        rng = self.rng
        pool = "demo_sent" if for_demo else ("demo" if rng.random() < 0.06 else "all")
        if not self.contract_pool[(program, pool)]:
            pool = "all"
        reached, closing = self._reached(state)
        contract, month = self._contract_and_month(program, pool, reached, state)
        if contract is None:
            # No slot left anywhere: the application waits, submitted, for a nomination.
            state, reached, closing = State.SUBMITTED, State.SUBMITTED, None
            contract = rng.choice(self.contract_pool[(program, pool)])
        # A slot of another NMO's contract (the demo pool ran dry) is not the demo student's.
        for_demo = for_demo and contract.sending_nmo_id == self.demo_nmo.id
        kind = PROGRAM_RULES[program].placement_kind
        placement = None
        if PROGRESS.index(reached) >= PROGRESS.index(State.ACCEPTED):
            placement = self._placement_for(contract.host_nmo_id, kind, month, state in HOLDS_PLACE)
            if placement is None:
                # Every department of the host is full that month: the CA is still to come.
                state, reached, closing = State.NOMINATED, State.NOMINATED, None
        return self._planned_application(
            state, reached, closing, program, contract, month, placement, for_demo
        )

    def _reached(self, state: State) -> tuple[State, State | None]:
        """The furthest state of progress, and the closing state when the application closed."""
        if state in PROGRESS:
            return state, None
        if state == State.REJECTED:
            return self.rng.choice((State.SUBMITTED, State.SUBMITTED, State.NOMINATED)), state
        weights = WITHDRAWN_FROM if state == State.WITHDRAWN else CANCELLED_FROM
        return self.rng.choices(list(weights), list(weights.values()))[0], state

    def _contract_and_month(self, program, pool, reached, state):
        """A contract (and month) for the application; a slot is taken only when it holds one."""
        rng = self.rng
        if state in HOLDS_CONTRACT_SLOT:
            for name in (pool, "all"):
                units = self.unit_pool[(program, name)]
                while units:
                    contract_id, month = units.pop()
                    if self.slots_left[(contract_id, month)] > 0:
                        self.slots_left[(contract_id, month)] -= 1
                        return self.contract_by_id[contract_id], month
            return None, None
        contract = rng.choice(self.contract_pool[(program, pool)])
        if PROGRESS.index(reached) >= PROGRESS.index(State.NOMINATED):
            # A closed application keeps the slot it had, without holding it any more.
            return contract, rng.choice([m for m, n in contract.slots.items() if n > 0])
        return contract, None

    def _placement_for(self, host_nmo_id, kind, month, holds_place) -> DemoPlacement | None:
        """A placement of the host with room that month; room is taken only when held."""
        placements = self.placements_of[(host_nmo_id, kind)]
        if not holds_place:
            # A closed application keeps its placement without holding a place.
            open_ones = [p for p in placements if p.capacity[month] > 0]
            return self.rng.choice(open_ones or placements)
        candidates = [p for p in placements if self.capacity_left[(p.id, month)] > 0]
        if not candidates:
            return None
        placement = self.rng.choice(candidates)
        self.capacity_left[(placement.id, month)] -= 1
        return placement

    def _planned_application(
        self, state, reached, closing, program, contract, month, placement, for_demo
    ) -> PlannedApplication:
        rng = self.rng
        host_id, home_id = contract.host_nmo_id, contract.sending_nmo_id
        home = self.nmo_by_id[home_id]
        home_lc_id = home.lc_ids[0] if for_demo else rng.choice(home.lc_ids)
        kind = PROGRAM_RULES[program].placement_kind
        host_placements = self.placements_of[(host_id, kind)]
        months = set(
            weighted_sample(rng, MONTH_WEIGHTS, rng.choice((1, 2, 2, 3)))
            if month is None
            else [month, *weighted_sample(rng, MONTH_WEIGHTS, rng.choice((0, 1, 2)))]
        )
        timeline_month = month or rng.choice(sorted(months))
        starts_on = self.season.month_date(timeline_month) + timedelta(days=rng.choice((0, 0, 14)))
        weeks = placement.weeks if placement else 4
        ends_on = starts_on + timedelta(weeks=weeks)
        times = self._timeline(reached, starts_on, ends_on)
        at = PROGRESS.index(reached)
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
            closed_at, reason, step = self._closing(
                closing, reached, times, home_id, host_id, program
            )
            row |= {"closed_at": closed_at, "closing_reason": reason}
            steps.append(step)
        row["updated_at"] = steps[-1][3] if steps else row["created_at"]
        planned = PlannedApplication(
            row=row,
            preferences=self._preferences(host_placements, placement, program, reached),
            steps=steps,
            for_demo_student=for_demo,
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

    def _timeline(self, reached: State, starts_on: date, ends_on: date) -> dict[State, datetime]:
        """When each step up to ``reached`` happened, counted back from the start date."""
        rng = self.rng
        start = utc_at(starts_on)
        times = {
            State.DRAFT: start - timedelta(days=rng.randint(170, 260), minutes=rng.randint(0, 600))
        }
        times[State.SUBMITTED] = times[State.DRAFT] + timedelta(days=rng.randint(2, 30))
        times[State.NOMINATED] = times[State.SUBMITTED] + timedelta(days=rng.randint(5, 30))
        # Some CAs come later than the 8 weeks before the start: late CAs exist.
        times[State.ACCEPTED] = start - timedelta(
            days=rng.randint(35, 100), hours=rng.randint(0, 8)
        )
        times[State.CONFIRMED] = times[State.ACCEPTED] + timedelta(days=rng.randint(3, 14))
        times[State.IN_PROGRESS] = start + timedelta(hours=rng.randint(0, 6))
        times[State.COMPLETED] = utc_at(ends_on, 12) + timedelta(days=rng.randint(0, 10))
        times[State.CERTIFIED] = times[State.COMPLETED] + timedelta(days=rng.randint(1, 21))
        return {state: times[state] for state in PROGRESS[: PROGRESS.index(reached) + 1]}

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

    def _closing(self, closing, reached, times, home_id, host_id, program):
        """When, why and by whom an application was rejected, withdrawn or cancelled."""
        rng = self.rng
        closed_at = times[reached] + timedelta(days=rng.randint(1, 20), hours=rng.randint(1, 8))
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
        return closed_at, reason, (action, actor, actor_id, closed_at, reason)

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
        """Make the students, number the applications and write them with their histories."""
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
            self.state_counts[row["state"]] += 1
        bulk_insert(User, self.users)
        bulk_insert(Membership, self.memberships)
        bulk_insert(Application, applications)
        bulk_insert(Preference, preferences)
        bulk_insert(StateTransition, transitions)
        bulk_insert(Evaluation, evaluations)
        recount_usage()
        self._update_counters()
        self.preference_count = len(preferences)
        self.transition_count = len(transitions)

    def _assign_students(self) -> None:
        """One student per application; some students apply twice, the demo student more."""
        rng = self.rng
        demo_lc = self.demo_nmo.lc_ids[0]
        self.demo_student = self._add_user(
            STUDENT_EMAIL, Role.STUDENT, 4, nmo_id=self.demo_nmo.id, lc_id=demo_lc
        )
        once: dict[int, list[dict]] = defaultdict(list)  # students with one application, per LC
        for planned in self.planned:
            row = planned.row
            if planned.for_demo_student:
                student = self.demo_student
            elif once[row["home_lc_id"]] and rng.random() < 0.15:
                student = once[row["home_lc_id"]].pop()
            else:
                number = self.next_user_id
                student = self._add_user(
                    f"student.{number}@demo.exchange",
                    Role.STUDENT,
                    rng.randint(3, 6),
                    nmo_id=row["home_nmo_id"],
                    lc_id=row["home_lc_id"],
                )
                once[row["home_lc_id"]].append(student)
            row["student_id"] = student["id"]
            row["study_year"] = student["year_of_study"]

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
