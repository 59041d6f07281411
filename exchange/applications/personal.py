"""The personal data of an application form, and its rules: which fields a host may
require, the ages and the passport's validity. Pure: it knows nothing of Flask or
SQLAlchemy (an application is read by its attributes only)."""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

import pycountry

from exchange import clock
from exchange.applications.states import CLOSED_STATES, NOMINATED_OR_LATER, State
from exchange.months import format_date
from exchange.text import MAX_LANGUAGE

MIN_AGE = 16
MAX_AGE = 80
MOST_LANGUAGES = 6
MAX_NOTES = 2000
# CEFR levels, and a first language.
LEVELS = {
    "A1": "A1: beginner",
    "A2": "A2: elementary",
    "B1": "B1: intermediate",
    "B2": "B2: upper intermediate",
    "C1": "C1: advanced",
    "C2": "C2: proficient",
    "native": "Native",
}
# The states in which the student still edits their personal data: until the nomination.
EDITABLE_STATES = (State.DRAFT, State.SUBMITTED)
# Shown on the application page only, never in a list or an export.
CONFIDENTIAL = ("passport_number", "medical_notes")
WHERE = "on the Personal data page"


@dataclass(frozen=True)
class PersonalField:
    """One field of personal data: ``asked`` names it in a sentence ("Give …")."""

    key: str
    label: str
    asked: str
    max_length: int | None = None
    requirable: bool = True  # a host may require it for submission


FIELDS = (
    PersonalField("date_of_birth", "Date of birth", "your date of birth"),
    PersonalField("nationality", "Nationality", "your nationality"),
    PersonalField("passport_name", "Name as in the passport", "your name as in your passport", 120),
    PersonalField("passport_number", "Passport number", "your passport number", 40),
    PersonalField("passport_expires_on", "Passport valid until", "your passport's expiry date"),
    PersonalField("phone", "Phone", "your phone number", 40),
    PersonalField(
        "emergency_contact_name", "Emergency contact", "the name of an emergency contact", 120
    ),
    PersonalField(
        "emergency_contact_relation",
        "Emergency contact's relation",
        "your emergency contact's relation to you",
        60,
    ),
    PersonalField(
        "emergency_contact_phone",
        "Emergency contact's phone",
        "your emergency contact's phone number",
        40,
    ),
    PersonalField("insurance_company", "Insurance company", "your insurance company", 120),
    PersonalField(
        "insurance_policy_number", "Insurance policy number", "your insurance policy number", 60
    ),
    PersonalField("allergies", "Allergies", "your allergies", MAX_NOTES, requirable=False),
    PersonalField(
        "medical_notes", "Medical notes", "what the host should know", MAX_NOTES, requirable=False
    ),
)
BY_KEY = {f.key: f for f in FIELDS}
REQUIRABLE = tuple(f for f in FIELDS if f.requirable)
REQUIRABLE_KEYS = tuple(f.key for f in REQUIRABLE)
DATES = ("date_of_birth", "passport_expires_on")
PHONES = ("phone", "emergency_contact_phone")
NOTES = ("allergies", "medical_notes")  # texts that may be empty, never None


def _without_accents(text: str) -> str:
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )


# Countries by name, for the nationality: ISO 3166 alpha-2 code -> name.
COUNTRIES = dict(
    sorted(
        ((c.alpha_2, getattr(c, "common_name", c.name)) for c in pycountry.countries),
        key=lambda item: _without_accents(item[1]),
    )
)

_APOSTROPHES = "'\u2019\u02bc"
_PHONE = re.compile(r"\+[0-9][0-9 ()\-.]*")
_PASSPORT_NUMBER = re.compile(r"[A-Z0-9]{5,20}")
PHONE_HINT = (
    "Give the number in international form: + and the country code, then the number, "
    "e.g. +385 91 234 5678."
)


@dataclass(frozen=True)
class PersonalData:
    """What the student gives on the personal data page. ``languages`` holds the rows as
    typed, (language, level), blank ones too, so that a refusal can point at its row."""

    date_of_birth: date | None = None
    nationality: str | None = None
    passport_name: str | None = None
    passport_number: str | None = None
    passport_expires_on: date | None = None
    phone: str | None = None
    emergency_contact_name: str | None = None
    emergency_contact_relation: str | None = None
    emergency_contact_phone: str | None = None
    insurance_company: str | None = None
    insurance_policy_number: str | None = None
    allergies: str = ""
    medical_notes: str = ""
    languages: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, application) -> "PersonalData":
        values = {f.key: getattr(application, f.key) for f in FIELDS}
        for key in NOTES:
            values[key] = values[key] or ""
        rows = tuple((item["language"], item["level"]) for item in languages_of(application))
        return cls(**values, languages=rows)

    def stored_languages(self) -> list[dict]:
        """The languages as the application keeps them, without the blank rows."""
        return [
            {"language": language, "level": level} for language, level in self.languages if language
        ]


def languages_of(application) -> list[dict]:
    """The application's languages as {"language", "level"}; a name written before levels
    existed (a plain string) has no level yet."""
    return [
        item if isinstance(item, dict) else {"language": str(item), "level": ""}
        for item in application.languages or []
    ]


# Cleaning


def _one_line(value) -> str:
    return " ".join(str(value or "").split())


def clean(data: PersonalData) -> PersonalData:
    """Trimmed texts (blank ones None, the notes ""), the passport name in one Unicode
    form, the passport number and nationality in capitals, levels as LEVELS spells them."""
    values = {}
    for f in FIELDS:
        value = getattr(data, f.key)
        if f.key in DATES:
            values[f.key] = value
        elif f.key in NOTES:
            values[f.key] = str(value or "").strip()
        else:
            values[f.key] = _one_line(value) or None
    if values["passport_name"]:
        values["passport_name"] = unicodedata.normalize("NFC", values["passport_name"])
    if values["passport_number"]:
        values["passport_number"] = values["passport_number"].replace(" ", "").upper()
    if values["nationality"]:
        values["nationality"] = values["nationality"].upper()
    levels = {level.casefold(): level for level in LEVELS}
    rows = tuple(
        (_one_line(language), levels.get(_one_line(level).casefold(), _one_line(level)))
        for language, level in data.languages
    )
    return replace(data, **values, languages=rows)


# The rules


def age_on(born: date, day: date) -> int:
    """Full years from ``born`` to ``day``."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def latest_possible_end(month_starts: Iterable[date], weeks: Iterable[int]) -> date | None:
    """The latest an exchange in one of these months could end, before the card of
    acceptance fixes its dates: the last day of the latest month, plus the longest length."""
    month_starts = list(month_starts)
    if not month_starts:
        return None
    latest = max(month_starts)
    last_day = (latest.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return last_day + timedelta(weeks=max(weeks))


def latest_end(application) -> date | None:
    """``latest_possible_end`` of the months the student chose, in the program's lengths."""
    return latest_possible_end(
        (application.season.month_date(month) for month in application.months or []),
        application.program.rules.weeks,
    )


def age_problem(born: date, today: date) -> str | None:
    if born > today:
        return "A date of birth cannot be in the future."
    age = age_on(born, today)
    if age < MIN_AGE:
        return (
            f"Students go on an exchange from the age of {MIN_AGE}: born on "
            f"{format_date(born)}, you are {age}."
        )
    if age > MAX_AGE:
        return (
            f"Check your date of birth: {format_date(born)} would make you {age}, and "
            f"students are {MIN_AGE} to {MAX_AGE}."
        )
    return None


def passport_problem(expires_on: date, today: date, end: date | None) -> str | None:
    """The passport must be valid after the exchange could end (``end``), or at least
    today when no month is chosen yet."""
    if expires_on < today:
        return f"Your passport expired on {format_date(expires_on)}: renew it and give the new one."
    if end is not None and expires_on <= end:
        when = "before" if expires_on < end else "on the day"
        return (
            f"Your passport expires on {format_date(expires_on)}, {when} your exchange could "
            f"end ({format_date(end)}). Renew it or choose earlier months."
        )
    if expires_on == today:
        return "Your passport expires today: renew it and give the new one."
    return None


def is_latin_name(text: str) -> bool:
    """Letters of the Latin script (with diacritics), spaces, hyphens and apostrophes."""
    return bool(text) and not _not_latin(text) and any(ch.isalpha() for ch in text)


def _not_latin(text: str) -> list[str]:
    """The characters of ``text`` that a name in Latin letters may not have."""
    refused, after_letter = [], False
    for ch in unicodedata.normalize("NFC", text):
        if ch in " -" or ch in _APOSTROPHES:
            after_letter = False
        elif ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN "):
            after_letter = True
        elif unicodedata.category(ch) == "Mn" and after_letter:
            continue  # a diacritic on the letter before it
        elif ch not in refused:
            refused.append(ch)
    return refused


def is_phone(text: str) -> bool:
    """An international number: +, the country code and the number (7 to 15 digits)."""
    digits = re.sub(r"\D", "", text)
    return bool(_PHONE.fullmatch(text)) and 7 <= len(digits) <= 15 and digits[0] != "0"


def problems(data: PersonalData, today: date, end: date | None = None) -> dict[str, str]:
    """What refuses ``data`` (cleaned), by field key; a language row's key is
    ``languages-<row>``, the list's ``languages``. ``end``: ``latest_end``."""
    found = {}
    for f in FIELDS:
        value = getattr(data, f.key)
        if f.max_length and value and len(value) > f.max_length:
            found[f.key] = f"{f.label} has at most {f.max_length} characters."
    if data.date_of_birth is not None:
        found.setdefault("date_of_birth", age_problem(data.date_of_birth, today))
    if data.passport_expires_on is not None:
        found.setdefault(
            "passport_expires_on", passport_problem(data.passport_expires_on, today, end)
        )
    if data.nationality and data.nationality not in COUNTRIES:
        found["nationality"] = "Choose your nationality from the list."
    if data.passport_name and "passport_name" not in found:
        refused = _not_latin(data.passport_name)
        if refused or not is_latin_name(data.passport_name):
            # A name in another script would list every letter: three say enough.
            shown = ", ".join(f"“{ch}”" for ch in refused[:3]) + (" …" if len(refused) > 3 else "")
            found["passport_name"] = (
                "Write your name as your passport gives it in Latin letters: letters with "
                "accents, spaces, hyphens and apostrophes"
                + (f", not {shown}." if shown else ", with at least one letter.")
            )
    number = data.passport_number
    if number and "passport_number" not in found and not _PASSPORT_NUMBER.fullmatch(number):
        found["passport_number"] = (
            "A passport number has 5 to 20 letters (A to Z) and digits, as the passport prints it."
        )
    for key in PHONES:
        value = getattr(data, key)
        if value and key not in found and not is_phone(value):
            found[key] = PHONE_HINT
    found |= language_problems(data.languages)
    return {key: message for key, message in found.items() if message}


def language_problems(rows: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The rows of languages that cannot be saved, by ``languages-<row>``."""
    found, seen = {}, set()
    given = 0
    for index, (language, level) in enumerate(rows):
        key = f"languages-{index}"
        if not language and not level:
            continue
        given += 1
        if not language:
            found[key] = f"Name the language you speak at level {level}."
        elif len(language) > MAX_LANGUAGE:
            found[key] = f"A language name has at most {MAX_LANGUAGE} characters."
        elif language.casefold() in seen:
            found[key] = f"{language} is listed twice: keep one row for it."
        elif not level:
            found[key] = f"Give your level in {language}."
        elif level not in LEVELS:
            found[key] = f"Choose your level in {language} from the list."
        seen.add(language.casefold())
    if given > MOST_LANGUAGES:
        found["languages"] = f"List at most {MOST_LANGUAGES} languages."
    return found


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def missing_for_submission(
    application, required: list[str], today: date | None = None
) -> list[str]:
    """What the student must still give or correct of the personal data before submitting:
    the languages, each with a level (always), the fields the host requires, and a
    date of birth and passport that today's date and the months chosen allow."""
    today = today or clock.today()
    missing = []
    languages = languages_of(application)
    if not languages:
        missing.append(f"List the languages you speak, with your level in each, {WHERE}.")
    for item in languages:
        if item["level"] not in LEVELS:
            missing.append(f"Give your level in {item['language']} {WHERE}.")
    host = application.host_nmo.acronym
    for f in REQUIRABLE:
        if f.key in required and is_blank(getattr(application, f.key)):
            missing.append(f"Give {f.asked} {WHERE}: {host} asks for it.")
    if application.date_of_birth is not None:
        problem = age_problem(application.date_of_birth, today)
        if problem:
            missing.append(problem)
    if application.passport_expires_on is not None:
        problem = passport_problem(application.passport_expires_on, today, latest_end(application))
        if problem:
            missing.append(problem)
    return missing


def refused_after_submission(data: PersonalData, required: list[str], host: str) -> dict[str, str]:
    """A submitted application keeps what its submission needed: the fields the host
    requires, and at least one language."""
    found = {}
    for f in REQUIRABLE:
        if f.key in required and is_blank(getattr(data, f.key)):
            found[f.key] = f"{host} asks for it: a submitted application keeps it."
    if not data.stored_languages():
        found["languages"] = "A submitted application keeps at least one language, with a level."
    return found


# Who sees it, and how it reads


def seen_by_host(application) -> bool:
    """The host's officers see the personal data once the application is nominated to
    their NMO: nominated or later, or closed after a nomination."""
    return application.state in NOMINATED_OR_LATER or (
        application.state in CLOSED_STATES and application.nominated_at is not None
    )


def is_editable(application) -> bool:
    return application.state in EDITABLE_STATES


def required_labels(required: Iterable[str]) -> list[str]:
    """The labels of the required fields, in the registry's order."""
    required = set(required or [])
    return [f.label for f in REQUIRABLE if f.key in required]


def display_value(key: str, value, today: date) -> str:
    """One field's value as the application page shows it."""
    if is_blank(value):
        return "—"
    if key == "date_of_birth":
        return f"{format_date(value)} (age {age_on(value, today)})"
    if key in DATES:
        return format_date(value)
    if key == "nationality":
        return COUNTRIES.get(value, value)
    return str(value)


def display_rows(application, today: date) -> list[tuple[str, str, str]]:
    """(key, label, value) of every field, as the application page shows them."""
    return [
        (f.key, f.label, display_value(f.key, getattr(application, f.key), today)) for f in FIELDS
    ]


def language_text(item: dict) -> str:
    """ "Spanish (B2)", "Croatian (native)"."""
    level = item["level"] if item["level"] in LEVELS else "no level given"
    return f"{item['language']} ({level})"
