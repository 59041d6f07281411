"""What a card of acceptance carries once the services have issued it: the placement and
its address, the dates, the contact person and the tutor, the meeting point, the stay
(the placement's own, else the host's exchange conditions') and the signing officer."""

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from exchange.applications import services as cycle
from exchange.applications.models import Preference
from exchange.applications.pdf import card_of_acceptance_pdf
from exchange.demo import seed_demo
from exchange.demo.federation import demo_address
from exchange.extensions import db
from exchange.placements.models import Placement
from tests.integration.steps import nominated


def text_of(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def accept(world, officer, **kw):
    application = nominated(world, 7)
    # Ranked in LC Ljubljana: its local officer acts for it.
    application.preferences.append(Preference(rank=1, placement=world.department))
    values = {
        "tutor": " Dr. Peter Kos ",
        "meeting_point": "Ljubljana bus station, platform 3, at 18:00",
    } | kw
    cycle.accept_application(
        officer,
        application,
        world.department,
        date(2026, 7, 6),
        "Dr. Maja Kos",
        "maja.kos@example.org",
        **values,
    )
    db.session.flush()
    return application


@pytest.mark.parametrize(
    ("who", "role"), [("host_leo", "LEO of LC Ljubljana"), ("host_neo", "NEO of SLOMSIC")]
)
def test_the_card_is_signed_by_the_officer_who_accepted(world, who, role):
    officer = getattr(world, who)
    world.department.address = "Zaloška cesta 2, 1000 Ljubljana"

    application = accept(world, officer)

    assert (application.accepted_by, application.accepted_by_role) == (officer, role)
    assert (application.tutor, application.meeting_point) == (
        "Dr. Peter Kos",
        "Ljubljana bus station, platform 3, at 18:00",
    )
    text = text_of(card_of_acceptance_pdf(application))
    for expected in (
        "Department Cardiology",
        "Address Zaloška cesta 2, 1000 Ljubljana",
        "From 6 July 2026 To 3 August 2026",
        "Contact person Dr. Maja Kos, maja.kos@example.org",
        "Tutor Dr. Peter Kos",
        "Meeting point or pick-up Ljubljana bus station, platform 3, at 18:00",
        # make_world's conditions: a student dormitory, lunch at the hospital.
        "Accommodation Student dormitory Meals Lunch at the hospital",
        f"Officer {officer.name} Role {role} Date 15 April 2026",
    ):
        assert expected in text, expected


def test_the_card_prints_the_placements_own_stay_before_the_conditions(world):
    world.department.accommodation = "A room in the nurses' home"
    application = accept(world, world.host_leo, tutor="", meeting_point="")

    assert (application.tutor, application.meeting_point) == (None, None)
    text = text_of(card_of_acceptance_pdf(application))
    assert "Accommodation A room in the nurses' home Meals Lunch at the hospital" in text
    assert "Tutor - Meeting point or pick-up -" in text


def test_a_host_without_conditions_prints_no_stay(world):
    db.session.delete(world.conditions)
    db.session.flush()
    application = accept(world, world.host_neo)
    assert "Accommodation - Meals -" in text_of(card_of_acceptance_pdf(application))


def test_demo_addresses_are_the_same_for_one_hospital_and_differ_between_cities():
    assert demo_address("KBC Zagreb", "Zagreb") == demo_address("KBC Zagreb", "Zagreb")
    assert re.fullmatch(r"[A-Z][a-z]+( [A-Z][a-z]+)* \d+", demo_address("KBC Zagreb", "Zagreb"))
    assert demo_address("Faculty of Medicine", "Split") != demo_address(
        "Faculty of Medicine", "Osijek"
    )


def test_every_demo_placement_has_an_address(rolled_back):
    seed_demo(applications=20)
    db.session.commit()
    placements = db.session.scalars(select(Placement)).all()
    assert placements
    assert all(p.address for p in placements)
    by_hospital = {}
    for p in placements:
        if p.hospital:
            by_hospital.setdefault((p.hospital, p.city), set()).add(p.address)
    assert by_hospital and all(len(addresses) == 1 for addresses in by_hospital.values())
    assert {p.accommodation for p in placements} == {""}  # the conditions' by default
