"""The rules of the personal data, without an app: ages, the passport's validity, names
in Latin letters, phone numbers, languages with levels, and what submission needs."""

from dataclasses import dataclass, field
from datetime import date

import pytest

from exchange.applications import personal
from exchange.applications.personal import PersonalData
from exchange.applications.states import CLOSED_STATES, NOMINATED_OR_LATER, State
from exchange.organizations.programs import PROGRAM_RULES

TODAY = date(2026, 4, 15)


@dataclass
class Season:
    """2026/27: April to March."""

    def month_date(self, month: int) -> date:
        return date(2026 if month >= 4 else 2027, month, 1)


@dataclass
class Program:
    code: str = "SCOPE"

    @property
    def rules(self):
        return PROGRAM_RULES[self.code]


@dataclass
class Host:
    acronym: str = "SLOMSIC"


@dataclass
class Application:
    """The attributes the rules read of an application."""

    months: list[int] = field(default_factory=lambda: [7])
    languages: list = field(default_factory=lambda: [{"language": "English", "level": "C1"}])
    state: State = State.DRAFT
    nominated_at: date | None = None
    season: Season = field(default_factory=Season)
    program: Program = field(default_factory=Program)
    host_nmo: Host = field(default_factory=Host)
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


# Ages: 16 to 80 on today's date


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (date(2010, 4, 15), TODAY, 16),
        (date(2010, 4, 16), TODAY, 15),
        (date(1945, 4, 16), TODAY, 80),
        (date(1945, 4, 15), TODAY, 81),
        (date(2008, 2, 29), date(2024, 2, 28), 15),
        (date(2008, 2, 29), date(2024, 2, 29), 16),
        (date(2008, 2, 29), date(2025, 2, 28), 16),
    ],
)
def test_age_counts_full_years(born, day, age):
    assert personal.age_on(born, day) == age


@pytest.mark.parametrize(
    ("born", "problem"),
    [
        (date(2010, 4, 15), None),
        (
            date(2010, 4, 16),
            "Students go on an exchange from the age of 16: born on 16 April 2010, you are 15.",
        ),
        (date(1945, 4, 16), None),
        (
            date(1945, 4, 15),
            "Check your date of birth: 15 April 1945 would make you 81, and students are 16 to 80.",
        ),
        (date(2026, 4, 16), "A date of birth cannot be in the future."),
        (TODAY, "Students go on an exchange from the age of 16: born on 15 April 2026, you are 0."),
    ],
)
def test_a_student_is_between_16_and_80(born, problem):
    assert personal.age_problem(born, TODAY) == problem


# The passport: valid after the latest day the exchange could end


@pytest.mark.parametrize(
    ("months", "program", "end"),
    [
        ([7], "SCOPE", date(2026, 8, 28)),  # 31 July and 4 weeks
        ([4, 7, 5], "SCOPE", date(2026, 8, 28)),
        ([7], "SCORE", date(2026, 9, 25)),  # 31 July and 8 weeks, the longest SCORE
        ([12], "SCOPE", date(2027, 1, 28)),
        ([7, 1], "SCOPE", date(2027, 2, 28)),  # January 2027 comes after July 2026
        ([2], "SCOPE", date(2027, 3, 28)),  # 28 February 2027
        ([], "SCOPE", None),
    ],
)
def test_the_latest_end_is_the_last_month_and_the_longest_length(months, program, end):
    application = Application(months=months, program=Program(program))
    assert personal.latest_end(application) == end


def test_the_latest_end_of_a_february_in_a_leap_year():
    assert personal.latest_possible_end([date(2028, 2, 1)], (4,)) == date(2028, 3, 28)


END = date(2026, 8, 28)


@pytest.mark.parametrize(
    ("expires", "end", "problem"),
    [
        (
            date(2026, 8, 3),
            END,
            "Your passport expires on 3 August 2026, before your exchange could end "
            "(28 August 2026). Renew it or choose earlier months.",
        ),
        (
            date(2026, 8, 28),
            END,
            "Your passport expires on 28 August 2026, on the day your exchange could end "
            "(28 August 2026). Renew it or choose earlier months.",
        ),
        (date(2026, 8, 29), END, None),
        (
            date(2026, 4, 14),
            END,
            "Your passport expired on 14 April 2026: renew it and give the new one.",
        ),
        (date(2026, 4, 16), None, None),  # no month chosen yet: valid today is enough
        (TODAY, None, "Your passport expires today: renew it and give the new one."),
    ],
)
def test_the_passport_must_outlast_the_exchange(expires, end, problem):
    assert personal.passport_problem(expires, TODAY, end) == problem


# Names in Latin letters, phone numbers


@pytest.mark.parametrize(
    "name",
    [
        "Ana Horvat",
        "Zoë O'Brien",
        "Łukasz Żółć",
        "José-María Núñez",
        "Nguyễn Văn An",
        "Jose\u0301 Garci\u0301a",  # accents as combining marks
        "Ngozi N\u2019Diaye",
        "Søren Ærø",
    ],
)
def test_a_name_in_latin_letters_is_taken(name):
    assert personal.is_latin_name(name)
    assert "passport_name" not in personal.problems(PersonalData(passport_name=name), TODAY)


@pytest.mark.parametrize(
    ("name", "refused"),
    [
        ("Иван Петров", "“И”"),
        ("王伟", "“王”"),
        ("Ana Horvat 2", "“2”"),
        ("Ana_Horvat", "“_”"),
        ("Ana.Horvat", "“.”"),
        ("Ελένη Ana", "“λ”"),
        ("- '", "with at least one letter"),
    ],
)
def test_a_name_in_another_script_is_refused_naming_what(name, refused):
    assert not personal.is_latin_name(name)
    problem = personal.problems(PersonalData(passport_name=name), TODAY)["passport_name"]
    assert problem.startswith("Write your name as your passport gives it in Latin letters")
    assert refused in problem


@pytest.mark.parametrize(
    ("number", "plausible"),
    [
        ("+385 91 234 5678", True),
        ("+1 (555) 123-4567", True),
        ("+44 20.7946.0000", True),
        ("+3851234", True),  # 7 digits
        ("+385123", False),  # 6 digits
        ("+1234567890123456", False),  # 16 digits
        ("091 234 5678", False),  # no country code
        ("+0 91 234 5678", False),
        ("+385 91 abc 5678", False),
        ("++385 91 234 5678", False),
    ],
)
def test_a_phone_is_an_international_number(number, plausible):
    assert personal.is_phone(number) is plausible
    found = personal.problems(PersonalData(phone=number, emergency_contact_phone=number), TODAY)
    assert ("phone" in found, "emergency_contact_phone" in found) == (not plausible,) * 2


# Cleaning and the other rules


def test_cleaning_trims_capitalises_and_spells_levels_as_listed():
    data = personal.clean(
        PersonalData(
            nationality="hr",
            passport_name="  Ana \t Horvat ",
            passport_number="hr 123 4567",
            phone="  +385  91 234 5678 ",
            insurance_company="   ",
            allergies="  Penicillin \n",
            medical_notes="",
            languages=(("  spanish ", "b2"), ("Croatian", "Native"), ("", "")),
        )
    )
    assert data.nationality == "HR"
    assert data.passport_name == "Ana Horvat"
    assert data.passport_number == "HR1234567"
    assert data.phone == "+385 91 234 5678"
    assert data.insurance_company is None
    assert (data.allergies, data.medical_notes) == ("Penicillin", "")
    assert data.languages == (("spanish", "B2"), ("Croatian", "native"), ("", ""))
    assert data.stored_languages() == [
        {"language": "spanish", "level": "B2"},
        {"language": "Croatian", "level": "native"},
    ]
    assert personal.problems(data, TODAY) == {}


def test_the_passport_name_keeps_one_unicode_form():
    data = personal.clean(PersonalData(passport_name="Jose\u0301"))
    assert data.passport_name == "Jos\u00e9"


@pytest.mark.parametrize(
    ("data", "key", "problem"),
    [
        (PersonalData(nationality="XX"), "nationality", "Choose your nationality from the list."),
        (
            PersonalData(passport_number="AB-12345"),
            "passport_number",
            "A passport number has 5 to 20 letters (A to Z) and digits, as the passport prints it.",
        ),
        (PersonalData(passport_number="AB12"), "passport_number", "5 to 20 letters"),
        (
            PersonalData(emergency_contact_relation="x" * 61),
            "emergency_contact_relation",
            "Emergency contact's relation has at most 60 characters.",
        ),
        (
            PersonalData(medical_notes="x" * 2001),
            "medical_notes",
            "Medical notes has at most 2000 characters.",
        ),
    ],
)
def test_each_rule_names_its_field(data, key, problem):
    found = personal.problems(personal.clean(data), TODAY)
    assert list(found) == [key]
    assert problem in found[key]


@pytest.mark.parametrize(
    ("rows", "found"),
    [
        ((("Spanish", "B2"), ("", ""), ("German", "A1")), {}),
        ((("Spanish", ""),), {"languages-0": "Give your level in Spanish."}),
        ((("", "B2"),), {"languages-0": "Name the language you speak at level B2."}),
        (
            (("Spanish", "B2"), ("spanish", "C1")),
            {"languages-1": "spanish is listed twice: keep one row for it."},
        ),
        ((("Spanish", "D1"),), {"languages-0": "Choose your level in Spanish from the list."}),
        ((("x" * 41, "B2"),), {"languages-0": "A language name has at most 40 characters."}),
        (
            tuple((f"Language {n}", "A1") for n in range(7)),
            {"languages": "List at most 6 languages."},
        ),
    ],
)
def test_each_language_has_a_level(rows, found):
    assert personal.language_problems(rows) == found


def test_the_registry_says_what_a_host_may_require():
    assert personal.REQUIRABLE_KEYS == (
        "date_of_birth",
        "nationality",
        "passport_name",
        "passport_number",
        "passport_expires_on",
        "phone",
        "emergency_contact_name",
        "emergency_contact_relation",
        "emergency_contact_phone",
        "insurance_company",
        "insurance_policy_number",
    )
    assert {"allergies", "medical_notes"} <= set(personal.BY_KEY) - set(personal.REQUIRABLE_KEYS)
    assert set(personal.CONFIDENTIAL) <= set(personal.BY_KEY)
    assert personal.required_labels(["phone", "nationality", "unknown"]) == [
        "Nationality",
        "Phone",
    ]


def test_countries_are_offered_by_name():
    assert personal.COUNTRIES["HR"] == "Croatia"
    assert personal.COUNTRIES["TW"] == "Taiwan"
    names = list(personal.COUNTRIES.values())
    assert names.index("Åland Islands") < names.index("Albania")
    assert len(personal.COUNTRIES) >= 249


# Submission


def test_submission_needs_languages_with_a_level():
    assert personal.missing_for_submission(Application(languages=[]), [], TODAY) == [
        "List the languages you speak, with your level in each, on the Personal data page."
    ]
    old_style = Application(languages=["Spanish", {"language": "German", "level": ""}])
    assert personal.missing_for_submission(old_style, [], TODAY) == [
        "Give your level in Spanish on the Personal data page.",
        "Give your level in German on the Personal data page.",
    ]
    assert personal.missing_for_submission(Application(), [], TODAY) == []


def test_submission_needs_what_the_host_requires():
    application = Application(phone="  ", passport_number="HR1234567")
    required = ["passport_number", "phone", "emergency_contact_relation", "allergies"]
    assert personal.missing_for_submission(application, required, TODAY) == [
        "Give your phone number on the Personal data page: SLOMSIC asks for it.",
        "Give your emergency contact's relation to you on the Personal data page: SLOMSIC "
        "asks for it.",
    ]


def test_submission_checks_the_dates_on_the_day_and_the_months_chosen():
    application = Application(
        months=[7, 8], date_of_birth=date(2010, 4, 16), passport_expires_on=date(2026, 9, 1)
    )
    assert personal.missing_for_submission(application, [], TODAY) == [
        "Students go on an exchange from the age of 16: born on 16 April 2010, you are 15.",
        "Your passport expires on 1 September 2026, before your exchange could end "
        "(28 September 2026). Renew it or choose earlier months.",
    ]
    application.months = [7]
    application.date_of_birth = date(2010, 4, 15)
    assert personal.missing_for_submission(application, [], TODAY) == []


def test_a_submitted_application_keeps_what_its_submission_needed():
    data = PersonalData(passport_number="HR1234567", languages=(("", ""),))
    assert personal.refused_after_submission(data, ["passport_number", "phone"], "SLOMSIC") == {
        "phone": "SLOMSIC asks for it: a submitted application keeps it.",
        "languages": "A submitted application keeps at least one language, with a level.",
    }


# Who sees it


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("was_nominated", [False, True])
def test_the_host_sees_it_from_the_nomination(state, was_nominated):
    application = Application(state=state, nominated_at=TODAY if was_nominated else None)
    expected = state in NOMINATED_OR_LATER or (state in CLOSED_STATES and was_nominated)
    assert personal.seen_by_host(application) is expected
    assert personal.is_editable(application) is (state in (State.DRAFT, State.SUBMITTED))


def test_the_page_reads_each_field_in_words():
    application = Application(
        date_of_birth=date(2002, 5, 17),
        nationality="SI",
        passport_expires_on=date(2031, 1, 31),
        languages=[{"language": "Slovenian", "level": "native"}, "Spanish"],
    )
    rows = {key: value for key, _, value in personal.display_rows(application, TODAY)}
    assert rows["date_of_birth"] == "17 May 2002 (age 23)"
    assert rows["nationality"] == "Slovenia"
    assert rows["passport_expires_on"] == "31 January 2031"
    assert rows["phone"] == rows["allergies"] == "—"
    assert [personal.language_text(x) for x in personal.languages_of(application)] == [
        "Slovenian (native)",
        "Spanish (no level given)",
    ]
