"""The student's application form (AF) through the test client: choosing and ranking
placements without JavaScript, the filter, free places, messages beside the fields, and
documents refused on the same page."""

import html
import io
import re

import pytest
from sqlalchemy import select

from exchange import clock
from exchange.applications.models import MAX_DOCUMENT_BYTES, Application
from exchange.auth.models import Role
from exchange.conditions.models import ExchangeConditions
from exchange.extensions import db
from exchange.placements.models import PlacementCapacity
from tests import builders
from tests.functional.steps import PDF, as_user, start_application, upload

MB = 1024 * 1024


def save_form(client, code, placements=(), query="", **fields):
    """Post the AF as the page does without JavaScript: the ranking as one hidden
    ``placement_ids`` per line, in order, and ``rank_action`` for a ranking button."""
    data = {
        "months": ["7"],
        "study_year": "4",
        "motivation": "I want to learn cardiology.",
        "placement_ids": [str(p.id) for p in placements],
    }
    data.update(fields)
    return client.post(f"/applications/{code}/edit{query}", data=data)


def application_of(code) -> Application:
    db.session.expire_all()
    return db.session.scalar(select(Application).where(Application.code == code))


def ranked(code) -> list[int]:
    return [p.placement_id for p in application_of(code).preferences]


def page_of(client, code, query="") -> str:
    response = client.get(f"/applications/{code}/edit{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def row(page, placement) -> str:
    """The opening tag of the placement's row in the list to choose from."""
    return re.search(rf'<tr data-placement="{placement.id}"[^>]*>', page).group(0)


def free_text(page, placement) -> str:
    return re.search(rf'<td class="small" data-free-text="{placement.id}">([^<]*)<', page).group(1)


def ranking_on(page) -> list[int]:
    """The placement ids of the ranking's lines, in the order shown."""
    return [int(i) for i in re.findall(r'<li [^>]*data-ranked="(\d+)"', page)]


def error_beside(page, field_id) -> str:
    found = re.search(
        rf'id="{field_id}-error">(.*?)</div>\s*(?:</div>|<div class="form-text")', page, re.S
    )
    return html.unescape(re.sub(r"<[^>]+>|\s+", " ", found.group(1)).strip()) if found else ""


@pytest.fixture
def code(client, world, spring) -> str:
    return start_application(client, world)


# Choosing and ranking


def test_the_ranking_is_kept_in_the_order_posted(client, world, code):
    response = save_form(client, code, [world.other_department, world.department])

    assert response.status_code == 302
    assert ranked(code) == [world.other_department.id, world.department.id]
    page = page_of(client, code)
    assert ranking_on(page) == [world.other_department.id, world.department.id]
    assert "Your application is saved." in page
    # Each line says what its buttons do to which placement.
    assert 'aria-label="Move Surgery (Maribor) down"' in page
    assert 'aria-label="Remove Cardiology (Ljubljana) from your ranking"' in page


def test_the_ranking_buttons_work_without_javascript(client, world, code):
    cardiology, surgery = world.department, world.other_department

    response = save_form(client, code, [], rank_action=f"add:{cardiology.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/applications/{code}/edit#ranking")
    response = save_form(client, code, [cardiology], rank_action=f"add:{surgery.id}")
    assert ranked(code) == [cardiology.id, surgery.id]
    page = page_of(client, code)
    assert "Surgery (Maribor) is your 2nd choice now. Your application is saved." in page
    # Ranked: the list says so instead of offering to add it again.
    assert f'value="add:{surgery.id}" data-move="add"' in page

    save_form(client, code, [cardiology, surgery], rank_action=f"up:{surgery.id}")
    assert ranked(code) == [surgery.id, cardiology.id]
    assert "Surgery (Maribor) is your 1st choice now." in page_of(client, code)

    save_form(client, code, [surgery, cardiology], rank_action=f"down:{surgery.id}")
    assert ranked(code) == [cardiology.id, surgery.id]

    save_form(client, code, [cardiology, surgery], rank_action=f"remove:{cardiology.id}")
    assert ranked(code) == [surgery.id]
    assert "Cardiology (Ljubljana) is off your ranking." in page_of(client, code)

    # The first cannot go up, the last cannot go down: nothing moves.
    save_form(client, code, [surgery], rank_action=f"up:{surgery.id}")
    assert ranked(code) == [surgery.id]


def test_enter_in_a_field_saves_rather_than_pressing_a_ranking_button(client, world, code):
    save_form(client, code, [world.department])
    page = page_of(client, code)
    form = page[page.index('id="application-form"') :]
    first_button = re.search(r'<button type="submit"[^>]*name="(\w+)"', form).group(1)
    assert first_button == "save"


def test_a_full_ranking_offers_no_more_to_add(client, world, code):
    wards = [builders.department(world.federation.host_lc, f"Ward {n}") for n in range(3)]
    db.session.commit()
    four = [world.department, world.other_department, *wards[:2]]
    assert save_form(client, code, four).status_code == 302

    page = page_of(client, code)
    assert "Your ranking is full: remove a department to add another." in page
    add = re.search(rf'<button [^>]*value="add:{wards[2].id}"[^>]*>', page, re.S).group(0)
    assert "disabled" in add

    # A fifth posted anyway is refused by the service, beside the ranking, and nothing
    # is saved; the page shows the five as posted, to remove one.
    response = save_form(client, code, four, rank_action=f"add:{wards[2].id}")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert error_beside(page, "placement_ids") == "Rank at most 4 departments: you ranked 5."
    assert ranking_on(page) == [p.id for p in [*four, wards[2]]]
    assert ranked(code) == [p.id for p in four]


def test_a_closed_department_in_the_ranking_is_named_and_can_be_removed(client, world, code):
    save_form(client, code, [world.department, world.other_department])
    world.department.closed_at = clock.now()
    db.session.commit()

    page = page_of(client, code)
    assert "Takes no students any more: remove it from your ranking." in page
    response = save_form(client, code, [world.department, world.other_department])
    assert response.status_code == 422
    assert error_beside(response.get_data(as_text=True), "placement_ids") == (
        "Cardiology (Ljubljana) takes no students any more: remove it from your ranking."
    )
    save_form(
        client,
        code,
        [world.department, world.other_department],
        rank_action=f"remove:{world.department.id}",
    )
    assert ranked(code) == [world.other_department.id]


# The filter and the free places


def test_the_filter_works_with_get_parameters(client, world, code):
    cardiology, surgery = world.department, world.other_department

    page = page_of(client, code, "?city=Maribor")
    assert "hidden" in row(page, cardiology) and "hidden" not in row(page, surgery)
    assert "Showing 1 of 2 departments." in page
    assert '<option selected value="Maribor">Maribor</option>' in page
    # The form posts back to the same filter, and its save comes back to it.
    assert f'action="/applications/{code}/edit?city=Maribor"' in page
    response = save_form(client, code, [surgery], query="?city=Maribor")
    assert response.headers["Location"].endswith(f"/applications/{code}/edit?city=Maribor")

    page = page_of(client, code, "?field=Cardiology")
    assert "hidden" not in row(page, cardiology) and "hidden" in row(page, surgery)

    page = page_of(client, code, "?field=Cardiology&city=Maribor")
    assert "Showing 0 of 2 departments." in page
    assert "No department matches the filter" in page

    # A value no longer offered (an old bookmark) filters nothing.
    page = page_of(client, code, "?city=Atlantis")
    assert "hidden" not in row(page, cardiology) and "hidden" not in row(page, surgery)


def test_free_places_are_shown_for_the_months_chosen(client, world, code):
    cardiology, surgery = world.department, world.other_department

    page = page_of(client, code)  # no month chosen: every month offered counts
    assert free_text(page, cardiology) == "July: 1 free, August: 1 free"
    assert free_text(page, surgery) == "July: 1 free"

    save_form(client, code, months=["8"])
    page = page_of(client, code)
    assert free_text(page, cardiology) == "August: 1 free"
    assert free_text(page, surgery) == "No free place in your months"
    assert "hidden" in row(page_of(client, code, "?free=1"), surgery)

    # A place taken is a place less.
    capacity = db.session.scalar(
        select(PlacementCapacity).where(
            PlacementCapacity.placement_id == cardiology.id, PlacementCapacity.month == 8
        )
    )
    capacity.used = 1
    db.session.commit()
    page = page_of(client, code, "?free=1")
    assert free_text(page, cardiology) == "No free place in your months"
    assert "hidden" in row(page, cardiology)
    # The script gets every month offered, to follow the months the student ticks.
    assert 'data-free=\'{"7": 1, "8": 0}\'' in row(page, cardiology)


# Bad input


def test_a_refused_save_keeps_everything_typed_and_says_why_beside_each_field(client, world, code):
    response = save_form(
        client,
        code,
        [world.other_department, world.department],
        months=["7", "8"],
        study_year="fourth",
        motivation="Surgery first, then cardiology.",
    )

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert error_beside(page, "study_year") == "Give your year of study as a number, e.g. 4."
    assert "Nothing is saved yet: correct what is marked below." in page
    assert re.search(r'id="study_year"[^>]*value="fourth"', page)
    assert 'aria-describedby="study_year-error"' in page
    assert "Surgery first, then cardiology.</textarea>" in page
    assert re.search(r'value="7" data-month="7"[^>]*checked', page)
    assert re.search(r'value="8" data-month="8"[^>]*checked', page)
    assert ranking_on(page) == [world.other_department.id, world.department.id]
    application = application_of(code)
    assert (application.months, application.preferences, application.motivation) == ([], [], "")


def test_the_services_refusals_stand_beside_their_fields_all_at_once(client, world, code):
    conditions = db.session.scalar(
        select(ExchangeConditions).where(ExchangeConditions.nmo_id == world.federation.host.id)
    )
    conditions.months_not_hosted = [8]
    db.session.commit()

    response = save_form(
        client,
        code,
        [world.department, world.department],
        months=["7", "8"],
        study_year="12",
        motivation="x" * 4001,
        rank_action=f"up:{world.department.id}",
    )

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert error_beside(page, "months") == "SLOMSIC does not host in August."
    assert error_beside(page, "study_year") == "Give your year of study as a number from 1 to 8."
    assert error_beside(page, "motivation") == (
        "Keep your motivation to 4,000 characters; it has 4,001."
    )
    assert error_beside(page, "placement_ids") == (
        "Each choice must be a different department: rank each one once."
    )
    assert re.search(r'id="study_year"[^>]*value="12"', page)
    assert application_of(code).months == []


# Languages moved to the personal data page, which the tabs lead to


def test_the_tabs_lead_to_the_personal_data_and_languages_are_not_on_this_form(client, world, code):
    page = page_of(client, code)
    assert (
        f'<a class="nav-link active" aria-current="page" href="/applications/{code}/edit">'
        "Application form</a>"
    ) in page
    assert f'href="/applications/{code}/personal">Personal data</a>' in page
    assert 'name="languages"' not in page

    languages = [{"language": "Spanish", "level": "B2"}]
    application = application_of(code)
    application.languages = languages
    db.session.commit()
    save_form(client, code, [world.department], languages="Klingon")
    assert application_of(code).languages == languages


# Documents


def test_a_document_over_the_limit_is_answered_on_the_same_page(client, world, code):
    save_form(client, code, [world.department], motivation="Saved before.")
    big = PDF + b"0" * (int(6.2 * MB) - len(PDF))

    response = upload(client, code, kind="photo", content=big, name="scan.pdf")
    page = response.get_data(as_text=True)
    response.close()  # the test client's request body: a temporary file for 6 MB

    assert response.status_code == 413
    assert error_beside(page, "document-file") == "The file is 6.2 MB; the limit is 4 MB."
    assert '<option selected value="photo">Photo</option>' in page
    assert 'class="form-control is-invalid"' in page
    # The application form as saved, around it.
    assert "Saved before.</textarea>" in page
    assert ranking_on(page) == [world.department.id]
    assert re.search(r'value="7" data-month="7"[^>]*checked', page)
    assert application_of(code).documents == []


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"just text", "cv.pdf", '"cv.pdf" is not a PDF, JPG, PNG or DOCX file.'),
        (b"", "cv.pdf", '"cv.pdf" is empty; choose the file again.'),
        (None, None, "Choose a file."),
    ],
    ids=["not-a-document", "empty", "no-file"],
)
def test_a_refused_document_is_answered_beside_the_file(
    client, world, code, content, name, message
):
    if content is None:
        response = client.post(f"/applications/{code}/documents", data={"document-kind": "cv"})
    else:
        response = upload(client, code, content=content, name=name)
    assert response.status_code == 422
    assert error_beside(response.get_data(as_text=True), "document-file") == message


def test_the_file_input_carries_its_limit_for_the_script(client, world, code):
    page = page_of(client, code)
    tag = re.search(r'<input [^>]*id="document-file"[^>]*>', page).group(0)
    assert f'data-max-bytes="{MAX_DOCUMENT_BYTES}"' in tag
    assert 'accept=".pdf,.jpg,.jpeg,.png,.docx"' in tag
    assert "PDF, JPG, PNG or DOCX, at most 4 MB." in page


def test_a_document_within_the_limit_is_attached(client, world, code):
    page = upload(client, code).get_data(as_text=True)
    assert "Curriculum vitae attached: cv.pdf." in page


# The page's scripts


def test_the_scripts_are_files_the_app_serves(client, world, code):
    page = page_of(client, code)
    # exchange.js (every page) checks a file's size; the chooser's script is this page's.
    for script in ("exchange.js", "placement-chooser.js"):
        assert f'<script src="/static/js/{script}"></script>' in page
        response = client.get(f"/static/js/{script}")
        assert response.status_code == 200 and b"use strict" in response.data
        response.close()
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []  # nothing inline
    assert " style=" not in page


def test_another_students_upload_is_not_shown_the_form(client, world, code):
    other = builders.user(Role.STUDENT, lc_=world.federation.home_lc)
    db.session.commit()
    as_user(client, other)
    response = client.post(
        f"/applications/{code}/documents",
        data={"document-kind": "cv", "document-file": (io.BytesIO(PDF), "cv.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 404
