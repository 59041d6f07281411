"""The federation part of the demo: NMOs and their LCs, exchange conditions, contracts,
placements and officers."""

import csv
import random
import zlib
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

import pycountry
from sqlalchemy import insert, select

from exchange.applications.personal import REQUIRABLE_KEYS
from exchange.auth.models import Role
from exchange.conditions.models import ExchangeConditions
from exchange.contracts.models import (
    Contract,
    ContractEvent,
    ContractEventKind,
    ContractKind,
    ContractStatus,
)
from exchange.demo.calendar import utc_at
from exchange.demo.common import (
    DemoContract,
    DemoNmo,
    DemoPlacement,
    bulk_insert,
    first_free_id,
    nmo_code,
    season_order,
    weighted_sample,
)
from exchange.demo.data import (
    ACCOMMODATION,
    ADMIN_EMAIL,
    BIG_COUNTRIES,
    CANCELLATION_POLICIES,
    CITIES,
    DEMO_NMO_ACRONYM,
    DOCUMENT_KINDS,
    EXPECTED_OUTPUTS,
    EXTRA_COUNTRIES,
    FIRST_NAMES,
    HOSPITAL_NAMES,
    LAST_NAMES,
    LEO_EMAIL,
    LOCAL_LANGUAGES,
    MEALS,
    METHODS,
    MONTH_WEIGHTS,
    NEO_EMAIL,
    NMOS_CSV,
    PEAK_MONTHS,
    PERSONAL_DATA_ASKED,
    PREREQUISITES,
    PROJECT_TITLE_FORMS,
    RESEARCH_FIELDS,
    SHOULDER_MONTHS,
    SPECIALTIES,
    TARGET_NMOS,
)
from exchange.extensions import db
from exchange.months import SEASON_MONTHS
from exchange.organizations.models import NMO, LocalCommittee, Region, nmo_programs
from exchange.organizations.programs import program_of_kind
from exchange.placements.models import Placement, PlacementKind, ProjectType

# The streets of the demo's addresses: one per hospital or faculty, picked from its name
# (not from the builder's random numbers, so the rest of the demo stays as it was).
STREETS = (
    "University Street",
    "Hospital Road",
    "Medical Campus Avenue",
    "Clinic Square",
    "Health Boulevard",
    "Faculty Lane",
)


def demo_address(building: str, city: str) -> str:
    """The street and number of a hospital or faculty of ``city``, the same every time
    (the city is the placement's own column)."""
    number = zlib.crc32(f"{building}|{city}".encode())
    return f"{STREETS[number % len(STREETS)]} {number % 97 + 1}"


class FederationParts:
    """The builder's parts up to the officers; ``DemoBuilder.__init__`` sets what they share."""

    def add_nmos(self) -> None:
        regions = {r.name: r.id for r in db.session.scalars(select(Region))}
        rows = self._nmo_rows_from_csv()
        rows += self._generated_nmo_rows(rows, TARGET_NMOS - len(rows))
        taken: set[str] = set()
        next_id = first_free_id(NMO)
        demo = next((r for r in rows if r["acronym"] == DEMO_NMO_ACRONYM), None) or next(
            r for r in rows if r["region"] == "Europe"
        )
        for number, row in enumerate(rows):
            # Most NMOs take part in both programs; some only in SCOPE. The demo NMO in both.
            scope_only = row is not demo and self.rng.random() < 0.15
            self.nmos.append(
                DemoNmo(
                    id=next_id + number,
                    code=nmo_code(row["acronym"], taken),
                    acronym=row["acronym"],
                    country_code=row["country_code"],
                    country_name=row["country"],
                    region=row["region"],
                    programs=("SCOPE",) if scope_only else ("SCOPE", "SCORE"),
                )
            )
        self.demo_nmo = self.nmos[rows.index(demo)]
        self.nmo_by_id = {nmo.id: nmo for nmo in self.nmos}
        bulk_insert(
            NMO,
            [
                {
                    "id": nmo.id,
                    "code": nmo.code,
                    "acronym": nmo.acronym,
                    "name": row["full_name"],
                    "country_code": nmo.country_code,
                    "country_name": nmo.country_name,
                    "region_id": regions[nmo.region],
                    "is_active": True,
                    "created_at": self.founded_at,
                }
                for nmo, row in zip(self.nmos, rows, strict=True)
            ],
        )
        db.session.execute(
            insert(nmo_programs),
            [
                {"nmo_id": nmo.id, "program_id": self.programs[code].id}
                for nmo in self.nmos
                for code in nmo.programs
            ],
        )

    def _nmo_rows_from_csv(self) -> list[dict]:
        with NMOS_CSV.open(encoding="utf-8", newline="") as file:
            rows = [dict(row) for row in csv.DictReader(file)]
        for row in rows:
            if not row["full_name"]:
                row["full_name"] = f"Medical Students' Association of {row['country']}"
            if not row["acronym"]:
                row["acronym"] = f"{row['country_code']}MSA"
        return rows

    def _generated_nmo_rows(self, existing: list[dict], missing: int) -> list[dict]:
        """NMOs for countries nmos.csv lacks, taken from each region in turn."""
        present = {row["country_code"] for row in existing}
        queues = {
            region: [code for code in codes if code not in present]
            for region, codes in EXTRA_COUNTRIES.items()
        }
        rows: list[dict] = []
        while len(rows) < missing and any(queues.values()):
            for region, queue in queues.items():
                if queue and len(rows) < missing:
                    country = pycountry.countries.get(alpha_2=queue.pop(0))
                    name = getattr(country, "common_name", None) or country.name
                    rows.append(
                        {
                            "country_code": country.alpha_2,
                            "country": name,
                            "acronym": f"{country.alpha_2}MSA",
                            "full_name": f"Medical Students' Association of {name}",
                            "region": region,
                        }
                    )
        return rows

    def add_local_committees(self) -> None:
        rows = []
        next_id = first_free_id(LocalCommittee)
        for nmo in self.nmos:
            listed = CITIES.get(nmo.country_name) or CITIES.get(nmo.country_code, "")
            cities = [city for city in listed.split(", ") if city]
            if nmo.country_code in BIG_COUNTRIES and "(" not in nmo.country_name:
                count = self.rng.randint(14, 20)
            else:
                count = self.rng.randint(5, 10)
            # Small countries have few medical schools: no more LCs than the cities listed.
            count = min(count, max(len(cities), 5))
            for index in range(count):
                if index < len(cities):
                    city, name = cities[index], f"LC {cities[index]}"
                else:
                    # No more real cities listed: a plain numbered LC of the country.
                    city, name = nmo.country_name, f"LC {nmo.country_name} {index + 1}"
                lc_id = next_id + len(rows)
                nmo.lc_ids.append(lc_id)
                self.lc_city[lc_id] = city
                rows.append(
                    {
                        "id": lc_id,
                        "nmo_id": nmo.id,
                        "name": name,
                        "city": city,
                        "university": f"Faculty of Medicine, {city}",
                        "created_at": self.founded_at,
                    }
                )
        bulk_insert(LocalCommittee, rows)

    def add_exchange_conditions(self) -> None:
        """The season's conditions of every host; what months it closes and how early it
        wants applications shape the season's contracts, capacities and deadlines."""
        rng, rows = self.rng, []
        updated_at = min(utc_at(self.season.starts_on - timedelta(days=60)), self.cutoff)
        for nmo in self.nmos:
            local = LOCAL_LANGUAGES.get(nmo.country_code)
            for code in nmo.programs:
                closed = rng.choice(([], [], [], [12], [12, 1], [1, 2], [3], [10, 11]))
                self.months_not_hosted[(nmo.id, code)] = closed
                min_year = rng.choice((2, 3, 3, 4))
                lead_weeks = rng.randint(8, 16)
                self.lead_weeks[(nmo.id, code)] = lead_weeks
                documents = ["cv", "motivation_letter", "proof_of_enrollment"]
                documents += rng.sample(DOCUMENT_KINDS[2:], rng.randint(1, 4))
                rows.append(
                    {
                        "nmo_id": nmo.id,
                        "program_id": self.programs[code].id,
                        "season_id": self.season.id,
                        "fee_amount": Decimal(rng.choice((0, 0, 50, 100, 150, 200, 300, 400))),
                        "fee_currency": rng.choice(("EUR", "EUR", "EUR", "USD")),
                        "min_study_year": min_year,
                        "max_study_year": rng.randint(max(min_year, 5), 7),
                        "languages": ["English", local] if local else ["English"],
                        "required_documents": sorted(set(documents), key=DOCUMENT_KINDS.index),
                        "required_personal_data": _personal_data_asked(nmo.code, code),
                        "accommodation": rng.choice(ACCOMMODATION),
                        "meals": rng.choice(MEALS),
                        "months_not_hosted": closed,
                        "application_lead_weeks": lead_weeks,
                        "cancellation_policy": rng.choice(CANCELLATION_POLICIES),
                        "notes": "",
                        "updated_at": updated_at,
                    }
                )
        bulk_insert(ExchangeConditions, rows)

    def add_contracts(self) -> None:
        rng = self.rng
        # Each NMO signs 50 to 80 contracts; about a fifth of them are SCORE where it can.
        need: dict[str, dict[int, int]] = {"SCOPE": {}, "SCORE": {}}
        for nmo in self.nmos:
            total = rng.randint(50, 80)
            score = round(total * rng.uniform(0.15, 0.3)) if "SCORE" in nmo.programs else 0
            need["SCOPE"][nmo.id] = total - score
            if score:
                need["SCORE"][nmo.id] = score
        next_id = first_free_id(Contract)
        for code in ("SCOPE", "SCORE"):
            self._pair_contracts(code, need[code], next_id + len(self.contracts))
        # Signed at the General Assembly in March, proposed by the sending NMO a few days
        # before and confirmed by the host there.
        signed_at = min(utc_at(self.season.starts_on - timedelta(days=20)), self.cutoff)
        proposed_at = signed_at - timedelta(days=3, hours=2)
        bulk_insert(
            Contract,
            [
                {
                    "id": contract.id,
                    "season_id": self.season.id,
                    "program_id": self.programs[contract.program].id,
                    "sending_nmo_id": contract.sending_nmo_id,
                    "host_nmo_id": contract.host_nmo_id,
                    "kind": kind,
                    "notes": None,
                    "status": ContractStatus.CONFIRMED,
                    "proposed_by_nmo_id": contract.sending_nmo_id,
                    "decline_reason": None,
                    "created_at": proposed_at,
                }
                for contract, kind in self.contract_kinds
            ],
        )
        events = []
        for contract in self.contracts:
            slots = {str(month): n for month, n in sorted(contract.slots.items())}
            for kind, nmo_id, at in (
                (ContractEventKind.PROPOSED, contract.sending_nmo_id, proposed_at),
                (ContractEventKind.CONFIRMED, contract.host_nmo_id, signed_at),
            ):
                events.append(
                    {
                        "contract_id": contract.id,
                        "kind": kind,
                        "actor_id": self.national_officer[(nmo_id, contract.program)],
                        "nmo_id": nmo_id,
                        "slots": slots,
                        "reason": None,
                        "created_at": at,
                    }
                )
        bulk_insert(ContractEvent, events)
        # The slots are written with the applications, which tell how many are used.
        self.contract_count += len(self.contracts)
        self.contracts_by_program.update(c.program for c in self.contracts)
        self.slot_total += sum(sum(c.slots.values()) for c in self.contracts)

    def _pair_contracts(self, code: str, need: dict[int, int], first_id: int) -> None:
        """Pair NMOs until each has about as many contracts as it needs; same region first."""
        rng = self.rng
        region = {nmo.id: nmo.region for nmo in self.nmos}
        members = list(need)
        order = members[:]
        rng.shuffle(order)
        partners: dict[int, set[int]] = defaultdict(set)
        next_id = first_id
        for a in order:
            while need[a] > 0:
                candidates = [b for b in members if b != a and need[b] > 0 and b not in partners[a]]
                if not candidates:
                    break
                weights = [need[b] * (3 if region[b] == region[a] else 1) for b in candidates]
                b = rng.choices(candidates, weights)[0]
                partners[a].add(b)
                partners[b].add(a)
                if need[a] >= 2 and need[b] >= 2 and rng.random() < 0.7:
                    # Bilateral: each side sends and hosts the same slots.
                    slots = self._contract_slots(code, (a, b))
                    for sender, host in ((a, b), (b, a)):
                        contract = DemoContract(next_id, code, sender, host, dict(slots))
                        self._add_contract(contract, ContractKind.BILATERAL)
                        next_id += 1
                    need[a] -= 2
                    need[b] -= 2
                else:
                    sender, host = (a, b) if rng.random() < 0.5 else (b, a)
                    contract = DemoContract(next_id, code, sender, host, {})
                    contract.slots = self._contract_slots(code, (host,))
                    self._add_contract(contract, ContractKind.UNILATERAL)
                    next_id += 1
                    need[a] -= 1
                    need[b] -= 1

    def _add_contract(self, contract: DemoContract, kind: ContractKind) -> None:
        self.contracts.append(contract)
        self.contract_kinds.append((contract, kind))

    def _contract_slots(self, code: str, hosts: tuple[int, ...]) -> dict[int, int]:
        """Slots per month, in months every host hosts, mostly July and August."""
        closed = {m for host in hosts for m in self.months_not_hosted[(host, code)]}
        open_months = {m: w for m, w in MONTH_WEIGHTS.items() if m not in closed}
        months = weighted_sample(self.rng, open_months, self.rng.choice((1, 2, 2, 3, 3, 4)))
        return {m: self.rng.choice((1, 1, 2, 2, 3)) for m in season_order(months)}

    def add_placements(self) -> None:
        """Departments and research projects, the same every season; their capacities are
        the season's (``set_capacities``)."""
        rng, rows = self.rng, []
        next_id = first_free_id(Placement)
        for nmo in self.nmos:
            local = LOCAL_LANGUAGES.get(nmo.country_code)
            languages = ["English", local] if local and rng.random() < 0.5 else ["English"]
            for lc_id in nmo.lc_ids:
                city = self.lc_city[lc_id]
                hospitals = [h.format(city=city) for h in rng.sample(HOSPITAL_NAMES, 2)]
                for specialty in rng.sample(SPECIALTIES, rng.randint(4, 7)):
                    placement = self._placement(
                        next_id + len(rows), nmo, lc_id, PlacementKind.DEPARTMENT, specialty, 4
                    )
                    rows.append(
                        self._department_row(placement, city, rng.choice(hospitals), languages)
                    )
                if "SCORE" in nmo.programs:
                    for research_field in rng.sample(sorted(RESEARCH_FIELDS), rng.randint(3, 6)):
                        weeks = rng.choice((4, 4, 4, 8, 8))
                        placement = self._placement(
                            next_id + len(rows),
                            nmo,
                            lc_id,
                            PlacementKind.RESEARCH_PROJECT,
                            research_field,
                            weeks,
                        )
                        rows.append(self._project_row(placement, city))
        bulk_insert(Placement, rows)

    def _placement(self, placement_id, nmo, lc_id, kind, placement_field, weeks) -> DemoPlacement:
        placement = DemoPlacement(placement_id, nmo.id, lc_id, kind, placement_field, weeks)
        self.placements.append(placement)
        self.placements_of[(nmo.id, kind)].append(placement)
        return placement

    def set_capacities(self) -> None:
        """Each placement's places per month this season, none in months its NMO closes;
        they are written with the applications, which tell how many are used."""
        rng = self.rng
        for placement in self.placements:
            code = program_of_kind(placement.kind)
            closed = self.months_not_hosted[(placement.nmo_id, code)]
            capacity = {}
            for month in SEASON_MONTHS:
                if month in closed:
                    capacity[month] = 0
                elif month in PEAK_MONTHS:
                    capacity[month] = rng.choice((1, 2, 2, 3, 3))
                elif month in SHOULDER_MONTHS:
                    capacity[month] = rng.choice((0, 1, 1, 2))
                else:
                    capacity[month] = rng.choice((0, 0, 1, 1, 2))
            placement.capacity = capacity

    def _placement_row(self, placement: DemoPlacement, city: str) -> dict:
        # Every row carries every column, so one executemany covers both kinds.
        return {
            "id": placement.id,
            "kind": placement.kind,
            "nmo_id": placement.nmo_id,
            "lc_id": placement.lc_id,
            "field": placement.field,
            "city": city,
            "closed_at": None,
            "weeks": placement.weeks,
            "created_at": self.founded_at,
            "hospital": None,
            "supervisor": None,
            "project_type": None,
            "methods": None,
            "prerequisites": None,
            "expected_output": None,
        }

    def _department_row(self, placement, city, hospital, languages) -> dict:
        return self._placement_row(placement, city) | {
            "title": f"Department of {placement.field}",
            "hospital": hospital,
            "address": demo_address(hospital, city),
            "description": f"Ward rounds, outpatient clinics and on-call duties in "
            f"{placement.field.lower()} at {hospital}.",
            "languages": languages,
        }

    def _project_row(self, placement: DemoPlacement, city: str) -> dict:
        rng = self.rng
        topic = rng.choice(RESEARCH_FIELDS[placement.field])
        form = rng.choice(PROJECT_TITLE_FORMS)
        project_type = rng.choice(list(ProjectType))
        return self._placement_row(placement, city) | {
            "title": form.format(topic=topic, Topic=topic[0].upper() + topic[1:]),
            "description": f"A {placement.weeks}-week project on {topic} in {city}.",
            "address": "Faculty of Medicine, " + demo_address("Faculty of Medicine", city),
            "languages": ["English"],
            "supervisor": f"{rng.choice(('Prof.', 'Dr.'))} {self._person_name()}",
            "project_type": project_type,
            "methods": METHODS[project_type],
            "prerequisites": rng.choice(PREREQUISITES),
            "expected_output": rng.choice(EXPECTED_OUTPUTS),
        }

    def _person_name(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def _add_user(self, email: str, role: Role, year_of_study: int | None = None, **scope) -> dict:
        user = {
            "id": self.next_user_id,
            "email": email,
            "name": self._person_name(),
            "password_hash": self.password_hash,
            "year_of_study": year_of_study,
            "is_active": True,
            "last_login_at": None,
            "email_confirmed_at": self.founded_at,
            "created_at": self.founded_at,
        }
        self.next_user_id += 1
        self.users.append(user)
        membership = {"nmo_id": None, "lc_id": None, "program_id": None} | scope
        self.memberships.append(
            membership | {"user_id": user["id"], "role": role, "created_at": self.founded_at}
        )
        return user

    def add_officers(self) -> None:
        self.admin = self._add_user(ADMIN_EMAIL, Role.ADMIN)
        titles = {"SCOPE": ("neo", "leo"), "SCORE": ("nore", "lore")}
        for nmo in self.nmos:
            for code in nmo.programs:
                national, local = titles[code]
                program_id = self.programs[code].id
                demo = nmo is self.demo_nmo and code == "SCOPE"
                email = NEO_EMAIL if demo else f"{national}.{nmo.code.lower()}@demo.exchange"
                user = self._add_user(
                    email, Role.NATIONAL_OFFICER, nmo_id=nmo.id, program_id=program_id
                )
                self.national_officer[(nmo.id, code)] = user["id"]
                for number, lc_id in enumerate(nmo.lc_ids, start=1):
                    email = f"{local}.{nmo.code.lower()}.{number}@demo.exchange"
                    if demo and number == 1:
                        email = LEO_EMAIL
                    user = self._add_user(
                        email, Role.LOCAL_OFFICER, nmo_id=nmo.id, lc_id=lc_id, program_id=program_id
                    )
                    self.local_officer[(lc_id, code)] = user


def _personal_data_asked(nmo_code: str, program_code: str) -> list[str]:
    """What a demo host requires of the personal data: from a generator of its own, so
    that the rest of the demo draws the same numbers as before this was asked."""
    rng = random.Random(f"personal-data-{nmo_code}-{program_code}")
    asked = rng.sample(PERSONAL_DATA_ASKED, rng.choice((0, 0, 2, 3, 4)))
    return sorted(asked, key=REQUIRABLE_KEYS.index)
