"""The exchange conditions (EC) editor: publish, update, validate, copy, and who may."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from exchange.auth.models import Role
from exchange.conditions.models import ExchangeConditions
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
        ({"fee_amount": "abc"}, "Not a valid decimal value"),
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


def test_copy_from_last_season_fills_the_form_without_saving(federation, login):
    builders.exchange_conditions(federation.home, season_code="2025/26", lead_weeks=7)
    db.session.commit()
    client = login(federation.national_officer)
    page = client.get(URL).get_data(as_text=True)
    assert "Copy from 2025/26" in page
    copied = client.get(URL + "?copy=last").get_data(as_text=True)
    assert "2025/26&#39;s conditions" in copied
    assert 'value="7"' in copied
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
