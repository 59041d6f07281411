"""The exchange conditions (EC) editor: publish, update, validate, copy, and who may."""

import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from exchange import clock
from exchange.applications import services as cycle
from exchange.applications.models import Application
from exchange.applications.states import State
from exchange.auth.models import Role
from exchange.conditions.models import ExchangeConditions
from exchange.conditions.services import ACCOMMODATION_REQUIRED, CANCELLATION_POLICY_REQUIRED
from exchange.extensions import db
from tests import builders

# Before the 2026/27 season ends, whatever day the suite runs.
pytestmark = pytest.mark.usefixtures("spring")

URL = "/conditions/CROMSIC/SCOPE/2026-27"


def form_data(**changes) -> dict:
    data = {
        "fee_amount": "150.00",
        "fee_currency": "EUR",
        "min_study_year": "3",
        "max_study_year": "6",
        "languages": "English,  Croatian, english",
        "required_documents": ["cv", "immunization_record"],
        "accommodation": "Student dormitory",
        "meals": "Lunch at the hospital",
        "months_not_hosted": ["1", "8"],
        "application_lead_weeks": "10",
        "cancellation_policy": "Tell us 8 weeks ahead.",
        "notes": "Bring a white coat.",
    }
    data.update(changes)
    return data


def conditions_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(ExchangeConditions))


def the_conditions() -> ExchangeConditions:
    db.session.expire_all()
    return db.session.scalar(select(ExchangeConditions))


def test_national_officer_publishes_conditions(federation, login):
    client = login(federation.national_officer)
    page = client.get(URL)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Not published yet" in text
    assert "Curriculum vitae" in text and "Immunization record" in text

    response = client.post(URL, data=form_data())
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith("/conditions/")
    conditions = the_conditions()
    assert conditions.nmo_id == federation.home.id
    assert conditions.fee_amount == Decimal("150.00")
    assert conditions.fee_currency == "EUR"
    assert (conditions.min_study_year, conditions.max_study_year) == (3, 6)
    assert conditions.languages == ["English", "Croatian"]
    assert conditions.required_documents == ["cv", "immunization_record"]
    # In season order: August before January.
    assert conditions.months_not_hosted == [8, 1]
    assert conditions.application_lead_weeks == 10
    assert conditions.cancellation_policy == "Tell us 8 weeks ahead."
    assert conditions.notes == "Bring a white coat."

    listing = client.get("/conditions/").get_data(as_text=True)
    assert "Published" in listing and "150.00 EUR" in listing


def test_national_officer_updates_conditions(federation, login):
    builders.exchange_conditions(federation.home)
    db.session.commit()
    client = login(federation.national_officer)
    text = client.get(URL).get_data(as_text=True)
    assert 'value="Student dormitory"' in text or "Student dormitory</textarea>" in text

    response = client.post(URL, data=form_data(fee_amount="0", fee_currency="USD", meals=""))
    assert response.status_code == 302
    assert conditions_count() == 1
    conditions = the_conditions()
    assert conditions.fee_amount == 0
    assert conditions.fee_currency == "USD"
    assert conditions.meals == ""


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"fee_amount": "-5"}, "The fee cannot be negative."),
        ({"fee_amount": "abc"}, "Give a number written out, such as 12 or 12.50."),
        ({"min_study_year": "0"}, "A year of study is between 1 and 8."),
        ({"max_study_year": "9"}, "A year of study is between 1 and 8."),
        (
            {"min_study_year": "5", "max_study_year": "4"},
            "The highest year of study cannot be below the lowest (5).",
        ),
        ({"application_lead_weeks": "53"}, "Between 0 and 52 weeks."),
        ({"application_lead_weeks": ""}, "Give the lead time in weeks"),
        ({"fee_currency": "XXX"}, "Not a valid choice"),
        ({"required_documents": ["cv", "diploma"]}, "not a valid choice"),
        ({"months_not_hosted": ["13"]}, "not a valid choice"),
        ({"required_personal_data": ["phone", "shoe_size"]}, "not a valid choice"),
    ],
)
def test_invalid_conditions_are_refused_and_typed_values_kept(federation, login, changes, message):
    client = login(federation.national_officer)
    response = client.post(URL, data=form_data(**changes))
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert message.replace("'", "&#39;") in text or message in text
    assert "Nothing is saved yet" in text
    # What the officer typed is still in the form.
    assert "Bring a white coat." in text
    assert conditions_count() == 0


def test_the_officer_chooses_the_personal_data_students_must_give(federation, login):
    client = login(federation.national_officer)
    page = client.get(URL).get_data(as_text=True)
    assert "Personal data required for submission" in page
    assert "Students always give the languages they speak, with a level in each." in page
    assert 'value="passport_number"' in page and 'value="medical_notes"' not in page

    data = form_data(required_personal_data=["phone", "passport_number"])
    assert client.post(URL, data=data).status_code == 302
    assert the_conditions().required_personal_data == ["passport_number", "phone"]
    page = client.get(URL).get_data(as_text=True)
    assert re.search(
        r'checked[^>]*value="passport_number"|value="passport_number"[^>]*checked', page
    )

    listing = client.get("/conditions/").get_data(as_text=True)
    assert "Passport number, Phone" in listing
    catalogue = client.get("/catalogue/CROMSIC/SCOPE").get_data(as_text=True)
    assert "Personal data required" in catalogue
    assert (
        "Passport number, Phone, and the languages you speak, with your level in each" in catalogue
    )

    assert client.post(URL, data=form_data()).status_code == 302
    assert the_conditions().required_personal_data == []
    catalogue = client.get("/catalogue/CROMSIC/SCOPE").get_data(as_text=True)
    assert "Only the languages you speak, with your level in each" in catalogue
    assert "Languages only" in client.get("/conditions/").get_data(as_text=True)


def test_copy_from_last_season_fills_the_form_without_saving(federation, login):
    builders.exchange_conditions(
        federation.home, season_code="2025/26", lead_weeks=7, required_personal_data=("phone",)
    )
    db.session.commit()
    client = login(federation.national_officer)
    page = client.get(URL).get_data(as_text=True)
    assert "Copy from 2025/26" in page
    copied = client.get(URL + "?copy=last").get_data(as_text=True)
    assert "2025/26&#39;s conditions" in copied
    assert 'value="7"' in copied
    assert re.search(r'checked[^>]*value="phone"|value="phone"[^>]*checked', copied)
    assert conditions_count() == 1  # only last season's


def test_index_lists_the_officers_nmo_and_programs(federation, login):
    client = login(federation.national_officer)
    text = client.get("/conditions/").get_data(as_text=True)
    assert "CROMSIC" in text
    assert "SLOMSIC" not in text
    assert URL in text
    assert "Not published" in text


def test_admin_may_edit_any_nmo_and_sees_all(federation, login):
    client = login(federation.admin)
    text = client.get("/conditions/").get_data(as_text=True)
    assert "CROMSIC" in text and "SLOMSIC" in text
    assert "SLOMSIC" in client.get("/conditions/?q=slo").get_data(as_text=True)
    response = client.post("/conditions/SLOMSIC/SCORE/2026-27", data=form_data())
    assert response.status_code == 302
    conditions = the_conditions()
    assert conditions.nmo_id == federation.host.id
    assert conditions.program.code == "SCORE"


def test_other_officers_and_students_are_refused(federation, login):
    other_neo = builders.user(
        Role.NATIONAL_OFFICER, email="other@example.org", nmo_=federation.host
    )
    score_neo = builders.user(
        Role.NATIONAL_OFFICER, email="nore@example.org", nmo_=federation.home, program_code="SCORE"
    )
    db.session.commit()
    for user in (other_neo, score_neo):
        client = login(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, data=form_data()).status_code == 403
        client.post("/logout")
    for user in (federation.student, federation.local_officer):
        client = login(user)
        assert client.get(URL).status_code == 403
        assert client.get("/conditions/").status_code == 403
        client.post("/logout")
    assert conditions_count() == 0


def test_unknown_codes_are_not_found(federation, login):
    client = login(federation.admin)
    assert client.get("/conditions/NOPE/SCOPE/2026-27").status_code == 404
    assert client.get("/conditions/CROMSIC/NOPE/2026-27").status_code == 404
    assert client.get("/conditions/CROMSIC/SCOPE/2031-32").status_code == 404


def test_nmo_outside_a_program_is_not_found(federation, login):
    builders.nmo("ONLYSCOPE", "AT", "Austria", programs=("SCOPE",))
    db.session.commit()
    client = login(federation.admin)
    assert client.get("/conditions/ONLYSCOPE/SCORE/2026-27").status_code == 404
    assert client.get("/conditions/ONLYSCOPE/SCOPE/2026-27").status_code == 200


def test_published_conditions_reach_the_catalogue(federation, login):
    client = login(federation.national_officer)
    client.post(URL, data=form_data(fee_amount="99", cancellation_policy="No refunds."))
    page = client.get("/catalogue/CROMSIC/SCOPE").get_data(as_text=True)
    assert "99.00 EUR" in page
    assert "No refunds." in page


# Months not hosted while students hold contract slots in them, through the form

HOST_URL = "/conditions/SLOMSIC/SCOPE/2026-27"
ANYWAY = "Mark it not hosted anyway; the nominated and accepted students stay as they are"


def nominated_student(world, name: str, month: int) -> Application:
    """A submitted application of a new CROMSIC student, nominated for ``month`` by the
    home NEO through the service, and committed."""
    student = builders.user(Role.STUDENT, name=name, lc_=world.federation.home_lc)
    application = builders.application(
        student,
        world.federation.host,
        state=State.SUBMITTED,
        submitted_at=clock.now(),
        months=[month],
    )
    cycle.nominate_application(world.home_neo, application, month)
    db.session.commit()
    return application


def accepted_student(world, name: str, month: int) -> Application:
    application = nominated_student(world, name, month)
    cycle.accept_application(
        world.host_neo,
        application,
        world.department,
        builders.season().month_date(month),
        "Dr. Maja Kos",
        None,
    )
    db.session.commit()
    return application


def host_conditions() -> ExchangeConditions:
    db.session.expire_all()
    return db.session.scalar(
        select(ExchangeConditions).where(ExchangeConditions.nmo.has(code="SLOMSIC"))
    )


def read_back(application: Application) -> Application:
    db.session.expire_all()
    return db.session.get(Application, application.id)


@pytest.fixture
def two_students(world):
    return (
        nominated_student(world, "Ana Horvat", 7),
        accepted_student(world, "Ivo Kovač", 8),
    )


def test_closing_months_with_students_is_refused_listing_them_and_keeping_the_input(
    world, two_students, login
):
    in_july, in_august = two_students
    client = login(world.host_neo)

    response = client.post(
        HOST_URL,
        data=form_data(months_not_hosted=["7", "8"], fee_amount="75.50", notes="Typed note."),
    )

    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Nothing is saved yet" in text
    listed = text[text.index('id="students-in-months-not-hosted"') :]
    for code, name, month, state in (
        (in_july.code, "Ana Horvat", "July", "Nominated"),
        (in_august.code, "Ivo Kovač", "August", "Accepted (CA issued)"),
    ):
        row = re.search(
            rf"<tr>\s*<td><a href=\"/applications/{code}\">{code}</a></td>.*?</tr>", listed, re.S
        )
        assert row, code
        assert name in row.group(0) and month in row.group(0) and state in row.group(0)
    assert ANYWAY in text
    assert re.search(r'<input[^>]*name="not_hosted_anyway"', text)
    # What the officer typed is still in the form, the two months still ticked.
    assert 'value="75.50"' in text
    assert "Typed note.</textarea>" in text
    for month in (7, 8):
        assert re.search(rf'value="{month}" checked', text)
    assert host_conditions().months_not_hosted == []
    assert host_conditions().fee_amount == Decimal("0")


def test_ticking_the_confirmation_saves_and_leaves_the_applications_as_they_are(
    world, two_students, login
):
    in_july, in_august = two_students
    client = login(world.host_neo)

    response = client.post(
        HOST_URL, data=form_data(months_not_hosted=["7", "8"], not_hosted_anyway="y")
    )

    assert response.status_code == 302, response.get_data(as_text=True)
    assert host_conditions().months_not_hosted == [7, 8]
    july, august = read_back(in_july), read_back(in_august)
    assert (july.state, july.exchange_month) == (State.NOMINATED, 7)
    assert (august.state, august.exchange_month, august.placement_id) == (
        State.ACCEPTED,
        8,
        world.department.id,
    )


def test_months_without_nominated_or_accepted_students_close_without_asking(
    world, two_students, login
):
    client = login(world.host_neo)

    response = client.post(HOST_URL, data=form_data(months_not_hosted=["6", "1"]))

    assert response.status_code == 302
    assert host_conditions().months_not_hosted == [6, 1]
    assert ANYWAY not in client.get(HOST_URL).get_data(as_text=True)


def test_the_ticked_confirmation_stays_ticked_when_another_field_is_wrong(
    world, two_students, login
):
    client = login(world.host_neo)

    response = client.post(
        HOST_URL,
        data=form_data(months_not_hosted=["7"], not_hosted_anyway="y", accommodation=""),
    )

    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*name="not_hosted_anyway"', text) or re.search(
        r'<input[^>]*name="not_hosted_anyway"[^>]*checked', text
    )
    assert host_conditions().months_not_hosted == []


@pytest.mark.parametrize(
    ("blank", "message"),
    [
        ({"accommodation": ""}, ACCOMMODATION_REQUIRED),
        ({"accommodation": "   "}, ACCOMMODATION_REQUIRED),
        ({"cancellation_policy": ""}, CANCELLATION_POLICY_REQUIRED),
    ],
)
def test_blank_accommodation_or_cancellation_policy_is_refused_and_the_input_kept(
    federation, login, blank, message
):
    client = login(federation.national_officer)

    response = client.post(URL, data=form_data(fee_amount="42.00", **blank))

    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Nothing is saved yet" in text
    assert re.search(rf'class="invalid-feedback[^"]*"[^>]*>\s*{re.escape(message)}', text), text
    assert 'value="42.00"' in text
    assert 'value="English,  Croatian, english"' in text  # as typed
    kept = "Tell us 8 weeks ahead." if "accommodation" in blank else "Student dormitory"
    assert f"{kept}</textarea>" in text
    assert conditions_count() == 0
