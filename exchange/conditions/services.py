"""Exchange conditions (EC): who may publish them, what they may say, which months may
be closed while students hold slots in them, and the overview of an officer's NMOs,
programs and open seasons with the EC each has or still lacks."""

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from exchange import clock
from exchange.applications.documents import DOCUMENT_KINDS
from exchange.applications.personal import REQUIRABLE_KEYS
from exchange.applications.states import State
from exchange.auth.models import Role, User
from exchange.auth.permissions import can_manage_nmo
from exchange.conditions.models import ExchangeConditions
from exchange.conditions.queries import find_conditions, slot_holders
from exchange.errors import DomainError, NotAllowed
from exchange.extensions import db
from exchange.months import SEASON_MONTHS, month_name
from exchange.organizations.models import NMO, Program, Season
from exchange.organizations.queries import previous_season
from exchange.text import MAX_LANGUAGE, clean_languages

# Common ISO 4217 codes for host fees; an EC keeps any code it already has.
CURRENCIES = (
    "EUR",
    "USD",
    "GBP",
    "CHF",
    "SEK",
    "NOK",
    "DKK",
    "PLN",
    "CZK",
    "HUF",
    "RON",
    "BGN",
    "TRY",
    "RSD",
    "BAM",
    "MKD",
    "UAH",
    "RUB",
    "BRL",
    "MXN",
    "ARS",
    "CLP",
    "COP",
    "PEN",
    "CAD",
    "EGP",
    "MAD",
    "TND",
    "NGN",
    "GHS",
    "KES",
    "ZAR",
    "JOD",
    "LBP",
    "SAR",
    "AED",
    "QAR",
    "INR",
    "PKR",
    "BDT",
    "IDR",
    "MYR",
    "THB",
    "VND",
    "PHP",
    "CNY",
    "JPY",
    "KRW",
    "TWD",
    "AUD",
    "NZD",
)
MAX_FEE = Decimal("99999999.99")  # Numeric(10, 2)
MAX_LEAD_WEEKS = 52
MAX_TEXT = 4000
ACCOMMODATION_REQUIRED = "Say what accommodation the host offers, or that students find their own."
CANCELLATION_POLICY_REQUIRED = (
    "Give the cancellation policy: what happens when a student or NMO cancels."
)


@dataclass
class ConditionsData:
    """What an officer sets in an EC; the service checks it before anything is written."""

    fee_amount: Decimal = Decimal("0")
    fee_currency: str = "EUR"
    min_study_year: int = 3
    max_study_year: int = 6
    languages: list[str] = field(default_factory=list)
    required_documents: list[str] = field(default_factory=list)
    # Keys of exchange.applications.personal's fields a student must give to submit.
    required_personal_data: list[str] = field(default_factory=list)
    accommodation: str = ""
    meals: str = ""
    months_not_hosted: list[int] = field(default_factory=list)
    application_lead_weeks: int = 12
    cancellation_policy: str = ""
    notes: str = ""

    @classmethod
    def of(cls, conditions: ExchangeConditions) -> "ConditionsData":
        return cls(
            fee_amount=conditions.fee_amount,
            fee_currency=conditions.fee_currency,
            min_study_year=conditions.min_study_year,
            max_study_year=conditions.max_study_year,
            languages=list(conditions.languages or []),
            required_documents=list(conditions.required_documents or []),
            required_personal_data=list(conditions.required_personal_data or []),
            accommodation=conditions.accommodation or "",
            meals=conditions.meals or "",
            months_not_hosted=list(conditions.months_not_hosted or []),
            application_lead_weeks=conditions.application_lead_weeks,
            cancellation_policy=conditions.cancellation_policy or "",
            notes=conditions.notes or "",
        )


def problems_with(data: ConditionsData, current_currency: str | None = None) -> list[str]:
    """Every reason ``data`` cannot be saved, in words an officer can act on."""
    problems = []
    if data.fee_amount is None or data.fee_amount < 0:
        problems.append("The fee cannot be negative.")
    elif data.fee_amount > MAX_FEE:
        problems.append("The fee is too large.")
    if data.fee_currency not in CURRENCIES and data.fee_currency != current_currency:
        problems.append(f"Choose the fee's currency from the list, not {data.fee_currency!r}.")
    years_ok = True
    for label, year in (("lowest", data.min_study_year), ("highest", data.max_study_year)):
        if year is None or not 1 <= year <= 8:
            problems.append(f"The {label} year of study must be between 1 and 8.")
            years_ok = False
    if years_ok and data.min_study_year > data.max_study_year:
        problems.append(
            "The lowest year of study cannot be above the highest "
            f"({data.min_study_year} > {data.max_study_year})."
        )
    long_languages = [lang for lang in data.languages if len(lang) > MAX_LANGUAGE]
    if long_languages:
        problems.append(f"A language name has at most {MAX_LANGUAGE} characters.")
    unknown = [kind for kind in data.required_documents if kind not in DOCUMENT_KINDS]
    if unknown:
        problems.append(f"Unknown document kind: {', '.join(unknown)}.")
    unknown = [key for key in data.required_personal_data if key not in REQUIRABLE_KEYS]
    if unknown:
        problems.append(f"Unknown personal data: {', '.join(unknown)}.")
    bad_months = [m for m in data.months_not_hosted if m not in SEASON_MONTHS]
    if bad_months:
        problems.append("Months not hosted must be months of the year (1 to 12).")
    lead = data.application_lead_weeks
    if lead is None or not 0 <= lead <= MAX_LEAD_WEEKS:
        problems.append(f"The application lead time must be 0 to {MAX_LEAD_WEEKS} weeks.")
    # Students read both before they apply: a blank one leaves them guessing.
    if not (data.accommodation or "").strip():
        problems.append(ACCOMMODATION_REQUIRED)
    if not (data.cancellation_policy or "").strip():
        problems.append(CANCELLATION_POLICY_REQUIRED)
    for label, text in (
        ("Accommodation", data.accommodation),
        ("Meals", data.meals),
        ("The cancellation policy", data.cancellation_policy),
        ("Notes", data.notes),
    ):
        if len(text or "") > MAX_TEXT:
            problems.append(f"{label} has at most {MAX_TEXT} characters.")
    return problems


def previous_conditions(nmo: NMO, program: Program, season: Season) -> ExchangeConditions | None:
    """Last season's EC of the same NMO and program, to start this season's from."""
    earlier = previous_season(season)
    return find_conditions(nmo.id, program.id, earlier.id) if earlier else None


@dataclass(frozen=True)
class SlotHolder:
    """An application that holds a contract slot in a month being marked not hosted."""

    code: str
    student_name: str
    state: State
    month: int

    @property
    def month_name(self) -> str:
        return month_name(self.month)


class MonthsHeldByStudents(DomainError):
    """Months marked not hosted while students are nominated or accepted for them."""

    status_code = 409

    def __init__(self, holders: list[SlotHolder]) -> None:
        self.holders = holders
        months = [m for m in SEASON_MONTHS if m in {h.month for h in holders}]
        several = len(months) > 1
        listed = "; ".join(
            f"{h.code} {h.student_name}, {h.state.label[0].lower()}{h.state.label[1:]}"
            for h in holders
        )
        super().__init__(
            f"{_and(month_name(m) for m in months)} cannot be marked not hosted: students are "
            f"nominated or accepted for {'them' if several else 'it'} ({listed}). Keep "
            f"{'them' if several else 'it'} hosted, or confirm that "
            f"{'they are' if several else 'it is'} not hosted anyway; the nominated and "
            "accepted students stay as they are."
        )


def _and(words) -> str:
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def students_in_months(
    nmo: NMO, program: Program, season: Season, months: list[int]
) -> list[SlotHolder]:
    """Who holds a contract slot with ``nmo`` in one of ``months``: by month as the season
    runs, then by application code; one query."""
    holders = [SlotHolder(*row) for row in slot_holders(nmo.id, program.id, season.id, months)]
    return sorted(holders, key=lambda h: (SEASON_MONTHS.index(h.month), h.code))


def save_exchange_conditions(
    officer: User,
    nmo: NMO,
    program: Program,
    season: Season,
    data: ConditionsData,
    *,
    not_hosted_anyway: bool = False,
) -> tuple[ExchangeConditions, bool]:
    """Publish or update the EC of ``nmo`` for ``program`` and ``season``.

    A month newly marked not hosted while students hold a contract slot in it is refused
    with MonthsHeldByStudents, unless ``not_hosted_anyway``: then it is saved and those
    applications are left as they are. Returns the EC and whether it was created.
    Raises NotAllowed or DomainError.
    """
    if not can_manage_nmo(officer, nmo.id, program.id):
        raise NotAllowed(f"You cannot change the exchange conditions of {nmo.acronym}.")
    if program not in nmo.programs:
        raise DomainError(f"{nmo.acronym} does not take part in {program.code}.")
    if season.ends_on < clock.today():
        raise DomainError(f"The {season.code} season has ended; its conditions stay as they were.")
    conditions = find_conditions(nmo.id, program.id, season.id)
    data.languages = clean_languages(data.languages)
    # Checked as given, so that an unknown document kind or month is refused, not dropped.
    problems = problems_with(data, conditions.fee_currency if conditions else None)
    if problems:
        raise DomainError(" ".join(problems))
    # Kept in a fixed order: documents as DOCUMENT_KINDS lists them, months as a season runs.
    data.required_documents = [k for k in DOCUMENT_KINDS if k in set(data.required_documents)]
    chosen = set(data.required_personal_data)
    data.required_personal_data = [key for key in REQUIRABLE_KEYS if key in chosen]
    data.months_not_hosted = [m for m in SEASON_MONTHS if m in set(data.months_not_hosted)]
    # Only a month being closed now: one closed before stays closed without asking again.
    already_closed = set(conditions.months_not_hosted or []) if conditions else set()
    closing = [m for m in data.months_not_hosted if m not in already_closed]
    if closing and not not_hosted_anyway:
        holders = students_in_months(nmo, program, season, closing)
        if holders:
            raise MonthsHeldByStudents(holders)
    created = conditions is None
    if created:
        conditions = ExchangeConditions(nmo_id=nmo.id, program_id=program.id, season_id=season.id)
        db.session.add(conditions)
    conditions.fee_amount = data.fee_amount
    conditions.fee_currency = data.fee_currency
    conditions.min_study_year = data.min_study_year
    conditions.max_study_year = data.max_study_year
    conditions.languages = data.languages
    conditions.required_documents = data.required_documents
    conditions.required_personal_data = data.required_personal_data
    conditions.accommodation = data.accommodation.strip()
    conditions.meals = data.meals.strip()
    conditions.months_not_hosted = data.months_not_hosted
    conditions.application_lead_weeks = data.application_lead_weeks
    conditions.cancellation_policy = data.cancellation_policy.strip()
    conditions.notes = data.notes.strip()
    db.session.flush()
    return conditions, created


# The overview


@dataclass(frozen=True)
class OverviewRow:
    nmo: NMO
    program: Program
    season: Season
    conditions: ExchangeConditions | None


def managed_pairs(user: User) -> list[tuple[NMO, Program]]:
    """(NMO, program) pairs whose EC ``user`` keeps as a national officer, by country."""
    pairs = {
        (m.nmo_id, m.program_id): (m.nmo, m.program)
        for m in user.memberships
        if m.role == Role.NATIONAL_OFFICER and m.program in m.nmo.programs
    }
    return sorted(pairs.values(), key=lambda p: (p[0].country_name, p[0].acronym, p[1].code))


def overview(pairs: list[tuple[NMO, Program]], seasons: list[Season]) -> list[OverviewRow]:
    """One row per pair and season, with its EC when one is published; one query."""
    if not pairs or not seasons:
        return []
    found = db.session.scalars(
        select(ExchangeConditions).where(
            ExchangeConditions.nmo_id.in_({nmo.id for nmo, _ in pairs}),
            ExchangeConditions.season_id.in_([s.id for s in seasons]),
        )
    )
    by_key = {(c.nmo_id, c.program_id, c.season_id): c for c in found}
    return [
        OverviewRow(nmo, program, season, by_key.get((nmo.id, program.id, season.id)))
        for nmo, program in pairs
        for season in seasons
    ]
