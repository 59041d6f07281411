"""The card of acceptance and the certificate as PDF files, read back with pypdf."""

import io
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from exchange.applications.models import Application
from exchange.applications.pdf import (
    card_of_acceptance_pdf,
    certificate_pdf,
    latin1_safe,
    long_date,
)
from exchange.applications.states import State
from exchange.auth.models import Role
from exchange.extensions import db
from exchange.placements.models import Department, ProjectType, ResearchProject
from tests import builders


def make_application(
    program_code: str = "SCOPE",
    student_name: str = "Ana Horvat",
    state: State = State.ACCEPTED,
) -> Application:
    """An accepted (or later) application with every column its state needs."""
    home = builders.nmo("CROMSIC", "HR", "Croatia")
    host = builders.nmo("SLOMSIC", "SI", "Slovenia")
    home_lc = builders.lc(home, "LC Zagreb", "Zagreb")
    host_lc = builders.lc(host, "LC Ljubljana", "Ljubljana")
    student = builders.user(Role.STUDENT, name=student_name, lc_=home_lc)
    contract = builders.contract(home, host, {7: 2}, program_code=program_code)
    if program_code == "SCOPE":
        placement = Department(
            nmo_id=host.id,
            lc_id=host_lc.id,
            title="Cardiology",
            field="Internal medicine",
            city="Ljubljana",
            hospital="University Medical Centre Ljubljana",
            weeks=4,
        )
    else:
        placement = ResearchProject(
            nmo_id=host.id,
            lc_id=host_lc.id,
            title="Gut microbiome in type 2 diabetes",
            field="Endocrinology",
            city="Ljubljana",
            supervisor="Prof. Maja Novak",
            project_type=ProjectType.CLINICAL_WITH_LAB,
            weeks=8,
        )
    db.session.add(placement)
    db.session.flush()
    prefix = "P" if program_code == "SCOPE" else "R"
    moment = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    application = Application(
        code=f"{prefix}-2627-00042",
        number=42,
        student=student,
        program=builders.program(program_code),
        season=builders.season(),
        home_nmo_id=home.id,
        home_lc_id=home_lc.id,
        host_nmo_id=host.id,
        state=state,
        submitted_at=moment,
        contract_id=contract.id,
        exchange_month=7,
        nominated_at=datetime(2026, 3, 20, tzinfo=UTC),
        ca_due_on=date(2026, 5, 8),
        placement_id=placement.id,
        starts_on=date(2026, 7, 3),
        ends_on=date(2026, 7, 30) if program_code == "SCOPE" else date(2026, 8, 27),
        contact_person="Tina Kranjc",
        contact_email="tina.kranjc@example.org",
        accepted_at=datetime(2026, 4, 15, 12, 0, tzinfo=UTC),
        cc_due_on=date(2026, 6, 5),
    )
    if state == State.CERTIFIED:
        application.arrival_local = datetime(2026, 7, 2, 18, 0)
        application.arrival_transport = "Train from Zagreb"
        application.confirmed_at = datetime(2026, 5, 20, tzinfo=UTC)
        application.arrived_at = datetime(2026, 7, 2, 18, 0, tzinfo=UTC)
        application.completed_at = datetime(2026, 8, 1, tzinfo=UTC)
        application.certified_at = datetime(2026, 8, 10, tzinfo=UTC)
    db.session.add(application)
    db.session.commit()
    return application


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split())  # one space between words, wherever lines broke


def test_card_of_acceptance_shows_the_card(app):
    application = make_application()
    pdf = card_of_acceptance_pdf(application)

    assert pdf.startswith(b"%PDF")
    text = text_of(pdf)
    for expected in (
        "Card of Acceptance",
        "P-2627-00042",
        "Ana Horvat",
        "CROMSIC (Croatia)",
        "LC Zagreb",
        "SLOMSIC (Slovenia)",
        "SCOPE clinical exchange",
        "Cardiology",
        "Internal medicine",
        "University Medical Centre Ljubljana",
        "LC Ljubljana",
        "3 July 2026",
        "30 July 2026",
        "Tina Kranjc",
        "tina.kranjc@example.org",
        "Issued on 15 April 2026",
    ):
        assert expected in text, expected


def test_card_of_acceptance_of_a_research_exchange(app):
    application = make_application("SCORE")
    text = text_of(card_of_acceptance_pdf(application))
    assert "R-2627-00042" in text
    assert "SCORE research exchange" in text
    assert "Gut microbiome in type 2 diabetes" in text
    assert "Prof. Maja Novak" in text
    assert "8 weeks" in text


@pytest.mark.parametrize("program_code", ["SCOPE", "SCORE"])
def test_certificate_says_what_the_student_completed(app, program_code):
    application = make_application(program_code, state=State.CERTIFIED)
    pdf = certificate_pdf(application)

    assert pdf.startswith(b"%PDF")
    text = text_of(pdf)
    assert "Certificate of Exchange" in text
    assert "Ana Horvat" in text
    assert application.code in text
    assert application.placement.title in text
    assert "Ljubljana, Slovenia" in text
    assert "10 August 2026" in text
    if program_code == "SCOPE":
        assert "has completed a SCOPE clinical exchange" in text
        assert "3 July 2026 to 30 July 2026 (4 weeks)" in text
    else:
        assert "has completed a SCORE research exchange" in text
        assert "3 July 2026 to 27 August 2026 (8 weeks)" in text


@pytest.mark.parametrize(
    ("name", "printed"),
    [
        ("Łukasz Wróbel", "Lukasz Wróbel"),
        ("Nguyễn Thị Minh Khai", "Nguyen Thi Minh Khai"),
        ("Đorđe Šarić", "Dorde Saric"),
        ("Zoë O\u2019Brien\u2013Smith", "Zoë O'Brien-Smith"),
        ("Ólafur Þórsson", "Ólafur Þórsson"),
        ("王小明", "???"),
    ],
)
def test_names_beyond_latin_1_do_not_stop_the_cards(app, name, printed):
    application = make_application(student_name=name, state=State.CERTIFIED)
    assert latin1_safe(name) == printed
    assert printed in text_of(card_of_acceptance_pdf(application))
    assert printed in text_of(certificate_pdf(application))


def test_dates_are_written_out():
    assert long_date(date(2026, 7, 3)) == "3 July 2026"
    assert long_date(datetime(2026, 12, 31, 23, 0, tzinfo=UTC)) == "31 December 2026"
    assert long_date(None) == "-"
