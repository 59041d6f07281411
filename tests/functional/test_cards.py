"""The card of acceptance through the real pages: the accept panel, its refusals kept as
typed beside their fields, and what the issued card shows, as a page and as a PDF."""

import html
import io
import re

from pypdf import PdfReader

from exchange import clock
from exchange.applications import services as cycle
from exchange.applications.models import Preference
from exchange.applications.states import State
from exchange.auth.models import Role
from exchange.extensions import db
from exchange.placements.models import PlacementCapacity, ProjectType, ResearchProject
from tests import builders
from tests.functional.steps import as_user

TYPED = {
    "starts_on": "2026-07-06",
    "contact_person": "Dr. Maja Kos",
    "contact_email": "maja.kos@example.org",
    "tutor": "Dr. Peter Novak",
    "meeting_point": "Ljubljana bus station, platform 3\nA local officer waits at 18:00.",
}


def nominated_application(world, month: int = 7, rank_surgery: bool = False):
    """Submitted with Cardiology as the first choice, and nominated for ``month``."""
    application = builders.application(
        world.student,
        world.federation.host,
        state=State.SUBMITTED,
        submitted_at=clock.now(),
        months=[month],
    )
    application.preferences.append(Preference(rank=1, placement=world.department))
    if rank_surgery:
        application.preferences.append(Preference(rank=2, placement=world.other_department))
    db.session.flush()
    cycle.nominate_application(world.home_neo, application, month)
    db.session.commit()
    return application


def field_error(page: str, name: str) -> str | None:
    """The message shown beside the field ``name``, in its own block of the form."""
    for block in page.split('<div class="mb-3')[1:]:
        if f'name="{name}"' in block.split("</label>")[-1][:400]:
            found = re.search(r'<div class="invalid-feedback[^"]*">(.*?)</div>', block, re.S)
            return html.unescape(found.group(1)) if found else None
    raise AssertionError(f"no field {name}")


def page_text(page: str) -> str:
    """The page's text, tags dropped and whitespace squeezed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", page)).split())


def options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)
    return [html.unescape(o) for o in re.findall(r"<option[^>]*>(.*?)</option>", select)]


def post_accept(client, application, placement, **changes):
    data = {"placement_id": placement.id, **TYPED, **changes}
    return client.post(f"/applications/{application.code}/accept", data=data)


def test_the_accept_panel_proposes_a_card(client, world, spring):
    world.department.address = "Zaloška cesta 2, 1000 Ljubljana"
    application = nominated_application(world, rank_surgery=True)
    host_neo = world.host_neo
    as_user(client, host_neo)

    page = client.get(f"/applications/{application.code}").get_data(as_text=True)

    # The student's choices first, with their free places and the addresses they print.
    assert options(page, "placement_id") == [
        "Choice 1: Cardiology, LC Ljubljana",
        "Choice 2: Surgery, LC Maribor",
    ]
    assert (
        "Free places in July, and the address the card prints: "
        "Cardiology, LC Ljubljana · 1 free · Zaloška cesta 2, 1000 Ljubljana "
        "Surgery, LC Maribor · 1 free · no address yet (add it)"
    ) in page_text(page)
    assert f'(<a href="/placements/{world.other_department.id}/edit">add it</a>)' in page
    assert re.search(rf'<option selected value="{world.department.id}"', page)
    assert f'name="contact_person" required type="text" value="{host_neo.name}"' in page
    assert f'value="{host_neo.email}"' in page
    assert 'name="starts_on" required type="date" value="2026-07-01"' in page
    assert "else SLOMSIC's exchange conditions (Student dormitory; Lunch at the hospital)" in (
        html.unescape(page)
    )
    assert f"You sign it as {host_neo.name}." in page


def test_a_research_exchange_proposes_the_supervisor_as_the_tutor(client, world, spring):
    federation = world.federation
    builders.contract(federation.home, federation.host, slots={7: 1}, program_code="SCORE")
    builders.exchange_conditions(federation.host, program_code="SCORE")
    project = ResearchProject(
        nmo_id=federation.host.id,
        lc=federation.host_lc,
        title="Gut microbiome",
        field="Microbiology",
        city="Ljubljana",
        supervisor="Prof. Ana Novak",
        project_type=ProjectType.BASIC,
        weeks=8,
        capacities=[PlacementCapacity(season=builders.season(), month=7, capacity=1)],
    )
    nore = builders.user(Role.NATIONAL_OFFICER, nmo_=federation.home, program_code="SCORE")
    host_nore = builders.user(Role.NATIONAL_OFFICER, nmo_=federation.host, program_code="SCORE")
    application = builders.application(
        world.student,
        federation.host,
        program_code="SCORE",
        state=State.SUBMITTED,
        submitted_at=clock.now(),
        months=[7],
    )
    application.preferences.append(Preference(rank=1, placement=project))
    db.session.flush()
    cycle.nominate_application(nore, application, 7)
    db.session.commit()
    as_user(client, host_nore)
    page = client.get(f"/applications/{application.code}").get_data(as_text=True)
    assert 'name="tutor" type="text" value="Prof. Ana Novak"' in page
    assert "The exchange lasts 8 weeks from the start" in page


def test_a_full_first_choice_proposes_the_next_with_a_free_place(client, world, spring):
    world.department.capacities[0].capacity = 0  # Cardiology in July
    application = nominated_application(world, rank_surgery=True)
    as_user(client, world.host_neo)
    page = client.get(f"/applications/{application.code}").get_data(as_text=True)
    assert "Cardiology, LC Ljubljana · none free" in page_text(page)
    assert re.search(rf'<option selected value="{world.other_department.id}"', page)


def test_a_refused_acceptance_keeps_what_was_typed_beside_the_messages(client, world, spring):
    application = nominated_application(world)
    as_user(client, world.host_leo)

    response = post_accept(
        client,
        application,
        world.department,
        starts_on="2026-09-01",
        contact_person=" ",
        contact_email="maja.kos(at)example.org",
    )

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The card of acceptance is not issued: correct the fields marked below." in page
    assert field_error(page, "starts_on") == (
        "The student is nominated for July 2026: start the exchange between 1 July 2026 and "
        "31 July 2026."
    )
    assert field_error(page, "contact_person") == "Name the contact person for the student."
    assert field_error(page, "contact_email") == "Give an email address such as name@example.org."
    assert field_error(page, "tutor") is None
    assert 'value="2026-09-01"' in page
    assert 'value="maja.kos(at)example.org"' in page
    assert 'value="Dr. Peter Novak"' in page
    assert "Ljubljana bus station, platform 3\nA local officer waits at 18:00.</textarea>" in page
    db.session.refresh(application)
    assert application.state == State.NOMINATED


def test_too_long_a_tutor_or_meeting_point_is_refused_beside_it(client, world, spring):
    application = nominated_application(world)
    as_user(client, world.host_leo)
    response = post_accept(
        client, application, world.department, tutor="T" * 201, meeting_point="M" * 2001
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, "tutor") == "Field cannot be longer than 200 characters."
    assert field_error(page, "meeting_point") == "Field cannot be longer than 2000 characters."
    assert field_error(page, "contact_person") is None


def test_a_placement_without_a_free_place_is_refused_beside_it(client, world, spring):
    application = nominated_application(world)
    world.department.capacities[0].capacity = 0
    db.session.commit()
    as_user(client, world.host_neo)
    response = post_accept(client, application, world.department)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, "placement_id") == "Cardiology has no free place in July."
    assert 'value="Dr. Peter Novak"' in page
    db.session.refresh(application)
    assert application.state == State.NOMINATED


def test_the_issued_card_shows_everything_it_carries(client, world, spring):
    world.department.address = "Zaloška cesta 2, 1000 Ljubljana"
    world.department.meals = "Breakfast and lunch in the staff canteen"
    application = nominated_application(world)
    application.passport_name = "Ana Horvat"
    db.session.commit()
    leo = world.host_leo
    as_user(client, leo)

    response = post_accept(client, application, world.department)

    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(application)
    assert (application.state, application.accepted_by_id) == (State.ACCEPTED, leo.id)
    show = client.get(f"/applications/{application.code}").get_data(as_text=True)
    as_user(client, world.student)
    card = client.get(f"/applications/{application.code}/card-of-acceptance").get_data(as_text=True)
    for page in (show, card):
        text = html.unescape(re.sub(r"<[^>]+>", " ", page))
        text = re.sub(r"([(<]) | ([)>,])", r"\1\2", " ".join(text.split()))
        for expected in (
            "Name in the passport: Ana Horvat",
            "Cardiology (Cardiology) University Hospital Ljubljana",
            "Address Zaloška cesta 2, 1000 Ljubljana Ljubljana, Slovenia (LC Ljubljana)",
            "Period 6 July 2026 to 3 August 2026 (4 weeks)",
            "Contact person Dr. Maja Kos, maja.kos@example.org",
            "Tutor Dr. Peter Novak",
            "Meeting point or pick-up Ljubljana bus station, platform 3 A local officer",
            # The conditions' accommodation, the placement's own meals.
            "Accommodation Student dormitory (from the exchange conditions)",
            "Meals Breakfast and lunch in the staff canteen Signed",
            f"Signed {leo.name}, LEO of LC Ljubljana, 2 March 2026",
        ):
            assert expected in text, (expected, text)
    assert "platform 3<br>A local officer" in card

    pdf = client.get(f"/applications/{application.code}/card-of-acceptance.pdf")
    assert pdf.mimetype == "application/pdf"
    pages = PdfReader(io.BytesIO(pdf.data)).pages
    text = " ".join(" ".join(p.extract_text() for p in pages).split())
    assert "Address Zaloška cesta 2, 1000 Ljubljana" in text
    assert "Meals Breakfast and lunch in the staff canteen" in text
    assert f"Officer {leo.name} Role LEO of LC Ljubljana Date 2 March 2026" in text


def test_only_an_officer_who_may_accept_posts_the_card(client, world, spring):
    application = nominated_application(world)
    as_user(client, world.home_neo)
    response = post_accept(client, application, world.department)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The card of acceptance is not yours to issue now." in page
    db.session.refresh(application)
    assert application.state == State.NOMINATED
