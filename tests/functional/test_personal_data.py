"""The personal data of the application form: the student's page, the checks of its
dates, what the host's conditions require at submission, and who reads it."""

from collections import defaultdict
from datetime import date

import pytest
from sqlalchemy import inspect, select

from exchange import clock
from exchange.applications import personal
from exchange.applications import services as cycle
from exchange.applications.models import Application, Preference
from exchange.applications.personal import PersonalData
from exchange.applications.states import State
from exchange.auth.models import Role
from exchange.conditions.models import ExchangeConditions
from exchange.demo import seed_demo
from exchange.extensions import db
from tests import builders
from tests.functional.steps import (
    as_user,
    fill_in,
    fill_in_personal,
    nominate,
    personal_form,
    start_application,
    submitted_application,
    upload,
)

# The suite's today is 15 April 2026; July 2026 is the month the steps choose.
BLANK = dict.fromkeys((f.key for f in personal.FIELDS if f.key not in personal.NOTES), None)


def _application(code: str) -> Application:
    db.session.expire_all()
    return db.session.scalar(select(Application).where(Application.code == code))


def _draft(client, world) -> str:
    """A draft with July chosen and a department ranked, no personal data yet."""
    code = start_application(client, world)
    assert fill_in(client, world, code).status_code == 302
    return code


def _submit(client, code: str) -> str:
    """Submit, and read what the submission said on the personal data page."""
    client.post(f"/applications/{code}/submit")
    return client.get(f"/applications/{code}/personal").get_data(as_text=True)


def _require(world, *keys: str) -> None:
    conditions = db.session.scalar(
        select(ExchangeConditions).where(ExchangeConditions.nmo_id == world.federation.host.id)
    )
    conditions.required_personal_data = list(keys)
    db.session.commit()


def test_every_field_is_a_column_of_the_application():
    columns = {column.key for column in inspect(Application).columns}
    assert {f.key for f in personal.FIELDS} <= columns


def test_the_student_gives_personal_data_and_reads_it_back(client, world):
    code = _draft(client, world)
    page = client.get(f"/applications/{code}/personal").get_data(as_text=True)
    assert "Personal data" in page and 'name="passport_name"' in page
    assert '<option value="HR">Croatia</option>' in page
    assert "SLOMSIC requires the languages you speak, with your level in each" in page
    assert "Your exchange could end as late as 28 August 2026" in page

    response = fill_in_personal(
        client,
        code,
        passport_name="  Ana   Horvat-Kovačević ",
        passport_number="hr 123 4567",
        allergies="Penicillin",
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/applications/{code}/personal")
    application = _application(code)
    assert application.passport_name == "Ana Horvat-Kovačević"
    assert application.passport_number == "HR1234567"
    assert application.nationality == "HR"
    assert application.date_of_birth == date(2002, 5, 17)
    assert application.phone == "+385 91 234 5678"
    assert application.allergies == "Penicillin"
    assert application.medical_notes == ""
    assert application.languages == [
        {"language": "Croatian", "level": "native"},
        {"language": "English", "level": "C1"},
    ]

    page = client.get(f"/applications/{code}/personal").get_data(as_text=True)
    assert 'value="Ana Horvat-Kovačević"' in page
    assert '<option selected value="native">Native</option>' in page
    shown = client.get(f"/applications/{code}").get_data(as_text=True)
    assert "Croatian (native), English (C1)" in shown
    assert "17 May 2002 (age 23)" in shown and "HR1234567" in shown


def test_a_refused_save_keeps_every_value_typed_and_saves_nothing(client, world):
    code = _draft(client, world)
    response = fill_in_personal(
        client,
        code,
        {"languages-2-language": "Spanish", "languages-3-level": "B2"},
        passport_name="Иван Петров",
        phone="091 234 5678",
        emergency_contact_phone="+385 98 765 4321",
        insurance_company="Croatia osiguranje",
        nationality="XX",
        date_of_birth="2026-02-30",
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Nothing is saved yet: correct the fields marked below." in page
    # Each refusal beside its field, and every value as it was typed.
    assert "Give a date: day, month and year." in page
    assert 'value="2026-02-30"' in page
    assert "Choose your nationality from the list." in page  # checked all the same
    assert 'value="Иван Петров"' in page and 'value="091 234 5678"' in page
    assert 'value="Croatia osiguranje"' in page and 'value="Spanish"' in page

    response = fill_in_personal(
        client,
        code,
        {"languages-2-language": "Spanish", "languages-3-level": "B2"},
        passport_name="Иван Петров",
        phone="091 234 5678",
        nationality="XX",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Write your name as your passport gives it in Latin letters" in page
    assert "“И”" in page
    assert "Give the number in international form" in page
    assert "Choose your nationality from the list." in page
    assert "Give your level in Spanish." in page
    assert "Name the language you speak at level B2." in page
    assert page.count("is-invalid") >= 5
    assert 'value="Иван Петров"' in page and 'value="Croatia osiguranje"' in page
    assert '<option selected value="B2">' in page
    application = _application(code)
    assert [getattr(application, key) for key in BLANK] == list(BLANK.values())
    assert application.languages == []


@pytest.mark.parametrize(
    ("born", "refusal"),
    [
        ("2010-04-15", None),  # 16 today
        ("2010-04-16", "Students go on an exchange from the age of 16: born on 16 April 2010"),
        ("1945-04-16", None),  # 80 today, 81 tomorrow
        ("1945-04-15", "Check your date of birth: 15 April 1945 would make you 81"),
        ("2027-01-01", "A date of birth cannot be in the future."),
    ],
)
def test_a_student_is_16_to_80(client, world, born, refusal):
    code = _draft(client, world)
    response = fill_in_personal(client, code, date_of_birth=born)
    if refusal is None:
        assert response.status_code == 302
        assert _application(code).date_of_birth == date.fromisoformat(born)
    else:
        assert response.status_code == 200
        assert refusal in response.get_data(as_text=True)
        assert _application(code).date_of_birth is None


@pytest.mark.parametrize(
    ("expires", "refusal"),
    [
        (
            "2026-08-03",
            "Your passport expires on 3 August 2026, before your exchange could end "
            "(28 August 2026). Renew it or choose earlier months.",
        ),
        (
            "2026-08-28",
            "Your passport expires on 28 August 2026, on the day your exchange could end",
        ),
        ("2026-08-29", None),
        ("2026-04-14", "Your passport expired on 14 April 2026: renew it and give the new one."),
    ],
)
def test_the_passport_is_valid_after_the_latest_end_of_the_exchange(
    client, world, expires, refusal
):
    code = _draft(client, world)  # July: 31 July and 4 weeks, 28 August at the latest
    response = fill_in_personal(client, code, passport_expires_on=expires)
    if refusal is None:
        assert response.status_code == 302
    else:
        assert response.status_code == 200
        assert refusal in response.get_data(as_text=True)
        assert _application(code).passport_expires_on is None


def test_submission_checks_the_passport_against_months_chosen_later(client, world):
    code = _draft(client, world)
    assert fill_in_personal(client, code, passport_expires_on="2026-09-10").status_code == 302
    upload(client, code)
    # August too: the exchange could end on 28 September.
    assert fill_in(client, world, code, months=["7", "8"]).status_code == 302
    page = _submit(client, code)
    assert (
        "Your passport expires on 10 September 2026, before your exchange could end "
        "(28 September 2026). Renew it or choose earlier months."
    ) in page
    assert _application(code).state == State.DRAFT


def test_the_conditions_say_what_submission_requires(client, world):
    _require(world, "passport_number", "emergency_contact_phone")
    code = _draft(client, world)
    upload(client, code)
    page = client.get(f"/applications/{code}/personal").get_data(as_text=True)
    assert "SLOMSIC requires for submission:</strong> Passport number, Emergency contact" in page
    assert "Passport number (required)" in page

    fill_in_personal(client, code, passport_number="", emergency_contact_phone="")
    page = _submit(client, code)
    assert "Give your passport number on the Personal data page: SLOMSIC asks for it." in page
    assert (
        "Give your emergency contact&#39;s phone number on the Personal data page: SLOMSIC "
        "asks for it."
    ) in page
    assert "Give your phone number" not in page  # not required
    assert _application(code).state == State.DRAFT

    assert fill_in_personal(client, code).status_code == 302
    page = _submit(client, code)
    assert "is submitted" in page
    assert _application(code).state == State.SUBMITTED


def test_languages_with_a_level_are_always_required(client, world):
    code = _draft(client, world)
    upload(client, code)
    page = _submit(client, code)
    assert "List the languages you speak, with your level in each" in page

    # A language given before levels existed (migration 0008) has none yet.
    application = _application(code)
    application.languages = [{"language": "Spanish", "level": ""}]
    db.session.commit()
    page = _submit(client, code)
    assert "Give your level in Spanish on the Personal data page." in page
    assert _application(code).state == State.DRAFT


def test_a_submitted_application_keeps_its_personal_data_editable(client, world):
    _require(world, "passport_number")
    application = submitted_application(client, world)
    code = application.code
    page = client.get(f"/applications/{code}/personal").get_data(as_text=True)
    assert "Your application is submitted. You can still correct your personal data" in page

    assert fill_in_personal(client, code, phone="+386 41 555 666").status_code == 302
    assert _application(code).phone == "+386 41 555 666"

    response = fill_in_personal(
        client, code, {"languages-0-language": "", "languages-0-level": ""}, passport_number=""
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "SLOMSIC asks for it: a submitted application keeps it." in page
    assert _application(code).passport_number == "HR1234567"

    shown = client.get(f"/applications/{code}").get_data(as_text=True)
    assert f'href="/applications/{code}/personal"' in shown


def test_after_the_nomination_the_page_sends_the_student_to_the_application(client, world):
    application = submitted_application(client, world)
    nominate(client, world, application)
    as_user(client, world.student)
    code = application.code
    response = client.get(f"/applications/{code}/personal", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.request.path == f"/applications/{code}"
    assert "went with the nomination and can no longer be changed here" in page
    assert f'href="/applications/{code}/personal"' not in page

    response = fill_in_personal(client, code, passport_number="ZZ9999999")
    assert response.status_code == 302
    assert _application(code).passport_number == "HR1234567"


def test_only_the_student_reaches_their_page(client, world):
    code = _draft(client, world)
    other = builders.user(Role.STUDENT, lc_=world.federation.home_lc)
    db.session.commit()
    as_user(client, other)
    assert client.get(f"/applications/{code}/personal").status_code == 404
    assert fill_in_personal(client, code).status_code == 404
    assert _application(code).passport_number is None


def _panel_shown_to(client, user, code: str) -> bool | None:
    """Whether ``user`` reads the personal data on the application page; None when the
    page itself is not theirs to see."""
    as_user(client, user)
    response = client.get(f"/applications/{code}")
    if response.status_code == 404:
        return None
    page = response.get_data(as_text=True)
    shown = 'id="personal-data"' in page
    assert shown == ("HR1234567" in page)
    assert shown == ("Marija Horvat" in page)
    return shown


def test_each_side_reads_the_personal_data_when_it_may(client, world):
    federation = world.federation
    application = builders.application(
        world.student,
        federation.host,
        state=State.SUBMITTED,
        submitted_at=clock.now(),
        medical_notes="Asthma: carries an inhaler.",
        # The host LEO's department: its local officers take part once it is nominated.
        preferences=[Preference(rank=1, placement_id=world.department.id)],
    )
    db.session.commit()
    code = application.code
    readers = {
        "student": world.student,
        "home NEO": federation.national_officer,
        "home LEO": federation.local_officer,
        "admin": federation.admin,
        "host NEO": world.host_neo,
        "host LEO": world.host_leo,
    }
    before = {name: _panel_shown_to(client, user, code) for name, user in readers.items()}
    assert before == {
        "student": True,
        "home NEO": True,
        "home LEO": True,
        "admin": True,
        "host NEO": None,
        "host LEO": None,
    }

    cycle.nominate_application(federation.national_officer, _application(code), 7)
    db.session.commit()
    after = {name: _panel_shown_to(client, user, code) for name, user in readers.items()}
    assert after == dict.fromkeys(readers, True)
    as_user(client, world.host_neo)
    assert "Asthma: carries an inhaler." in client.get(f"/applications/{code}").get_data(
        as_text=True
    )

    # Rejected by the host after the nomination: the host's officers still read it.
    cycle.reject_application(world.host_neo, _application(code), "No room in July.")
    db.session.commit()
    assert _panel_shown_to(client, world.host_neo, code) is True


def test_the_lists_show_neither_the_passport_number_nor_the_medical_notes(client, world):
    application = submitted_application(client, world)
    application = _application(application.code)
    application.medical_notes = "Asthma: carries an inhaler."
    db.session.commit()
    nominate(client, world, application)
    for user, queue in ((world.home_neo, "outgoing"), (world.host_neo, "incoming")):
        as_user(client, user)
        page = client.get(f"/applications/?queue={queue}&state=all").get_data(as_text=True)
        assert application.code in page
        assert "HR1234567" not in page and "inhaler" not in page


def test_the_form_carries_every_field_of_the_registry(client, world):
    code = _draft(client, world)
    page = client.get(f"/applications/{code}/personal").get_data(as_text=True)
    for name in personal_form():
        assert f'name="{name}"' in page


def test_demo_students_give_plausible_personal_data(app):
    seed_demo(applications=120, seasons=2)
    db.session.commit()
    today = clock.today()
    required = {
        (c.nmo_id, c.program_id, c.season_id): c.required_personal_data
        for c in db.session.scalars(select(ExchangeConditions))
    }
    born: dict[int, set] = defaultdict(set)
    drafts_lacking = 0
    for application in db.session.scalars(select(Application)):
        data = PersonalData.of(application)
        assert personal.clean(data) == data, application.code
        assert personal.problems(data, today, personal.latest_end(application)) == {}
        born[application.student_id].add(application.date_of_birth)
        if application.state == State.DRAFT:
            drafts_lacking += application.passport_number is None
            continue
        needs = required[(application.host_nmo_id, application.program_id, application.season_id)]
        assert personal.missing_for_submission(application, needs, today) == [], application.code
    assert all(len(days) == 1 for days in born.values()), "one date of birth per student"
    assert drafts_lacking > 0
