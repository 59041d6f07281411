"""The card of acceptance and the certificate as PDF files, read back with pypdf."""

import io
import logging
import unicodedata
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from exchange.applications.models import Application
from exchange.applications.pdf import (
    card_of_acceptance_pdf,
    certificate_pdf,
    department_phrase,
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
    **placement_columns,
) -> Application:
    """An accepted (or later) application with every column its state needs, and
    SLOMSIC's exchange conditions (a student dormitory, lunch at the hospital)."""
    home = builders.nmo("CROMSIC", "HR", "Croatia")
    host = builders.nmo("SLOMSIC", "SI", "Slovenia")
    home_lc = builders.lc(home, "LC Zagreb", "Zagreb")
    host_lc = builders.lc(host, "LC Ljubljana", "Ljubljana")
    student = builders.user(Role.STUDENT, name=student_name, lc_=home_lc)
    officer = builders.user(
        Role.LOCAL_OFFICER, name="Luka Zupan", lc_=host_lc, program_code=program_code
    )
    contract = builders.contract(home, host, {7: 2}, program_code=program_code)
    builders.exchange_conditions(host, program_code=program_code)
    if program_code == "SCOPE":
        columns = {
            "title": "Cardiology",
            "field": "Internal medicine",
            "city": "Ljubljana",
            "hospital": "University Medical Centre Ljubljana",
            "address": "Zaloška cesta 2, 1000 Ljubljana",
            "weeks": 4,
        }
        placement = Department(nmo_id=host.id, lc_id=host_lc.id, **(columns | placement_columns))
    else:
        columns = {
            "title": "Gut microbiome in type 2 diabetes",
            "field": "Endocrinology",
            "city": "Ljubljana",
            "supervisor": "Prof. Maja Novak",
            "project_type": ProjectType.CLINICAL_WITH_LAB,
            "weeks": 8,
        }
        placement = ResearchProject(
            nmo_id=host.id, lc_id=host_lc.id, **(columns | placement_columns)
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
        tutor="Dr. Peter Kos",
        meeting_point="Ljubljana bus station, platform 3;\nwe pick you up at 18:00.",
        accepted_at=datetime(2026, 4, 15, 12, 0, tzinfo=UTC),
        accepted_by_id=officer.id,
        accepted_by_role="LEO of LC Ljubljana",
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


def test_card_of_acceptance_carries_place_dates_people_stay_and_signature(app):
    application = make_application()
    application.passport_name = "Ana Horvat Kovac"
    db.session.commit()
    pdf = card_of_acceptance_pdf(application)

    assert pdf.startswith(b"%PDF")
    text = text_of(pdf)
    for expected in (
        "Card of Acceptance",
        "P-2627-00042",
        "Name Ana Horvat",
        "Name in the passport Ana Horvat Kovac",
        "CROMSIC (Croatia)",
        "LC Zagreb",
        "SLOMSIC (Slovenia)",
        "SCOPE clinical exchange",
        "Department Cardiology",
        "Internal medicine",
        "Hospital University Medical Centre Ljubljana",
        "Address Zaloška cesta 2, 1000 Ljubljana",
        "LC Ljubljana",
        "From 3 July 2026",
        "To 30 July 2026",
        "Length 4 weeks",
        "Contact person Tina Kranjc, tina.kranjc@example.org",
        "Tutor Dr. Peter Kos",
        "Meeting point or pick-up Ljubljana bus station, platform 3; we pick you up at 18:00.",
        # The placement gives none of its own: the host's exchange conditions'.
        "Accommodation Student dormitory",
        "Meals Lunch at the hospital",
        "Officer Luka Zupan",
        "Role LEO of LC Ljubljana",
        "Date 15 April 2026",
        "Issued on 15 April 2026",
    ):
        assert expected in text, expected


def test_the_placements_own_accommodation_and_meals_come_before_the_conditions(app):
    application = make_application(
        accommodation="A room in the nurses' home, next to the clinic", meals=""
    )
    text = text_of(card_of_acceptance_pdf(application))
    assert "Accommodation A room in the nurses' home, next to the clinic" in text
    assert "Student dormitory" not in text
    assert "Meals Lunch at the hospital" in text  # the placement says nothing of meals


def test_what_the_officer_left_empty_prints_as_a_dash(app):
    application = make_application(address="")
    application.tutor = None
    application.meeting_point = None
    application.contact_email = None
    db.session.commit()
    text = text_of(card_of_acceptance_pdf(application))
    assert "Tutor - Meeting point or pick-up -" in text
    assert "Contact person Tina Kranjc Tutor" in text
    assert "Address" not in text
    assert "Name in the passport" not in text


def test_card_of_acceptance_of_a_research_exchange(app):
    application = make_application("SCORE")
    text = text_of(card_of_acceptance_pdf(application))
    assert "R-2627-00042" in text
    assert "SCORE research exchange" in text
    assert "Research project Gut microbiome in type 2 diabetes" in text
    assert "Supervisor Prof. Maja Novak" in text
    assert "8 weeks" in text


@pytest.mark.parametrize("program_code", ["SCOPE", "SCORE"])
def test_certificate_says_what_the_student_completed(app, program_code):
    application = make_application(program_code, state=State.CERTIFIED)
    pdf = certificate_pdf(application)

    assert pdf.startswith(b"%PDF")
    text = text_of(pdf)
    assert "Certificate of Exchange" in text
    assert "Ana Horvat" in text
    assert "Name in the passport" not in text
    assert application.code in text
    assert application.placement.title in text
    assert "Ljubljana, Slovenia" in text
    assert "10 August 2026" in text
    if program_code == "SCOPE":
        assert (
            "has completed a SCOPE clinical exchange in Cardiology (Internal medicine) at "
            "University Medical Centre Ljubljana, Ljubljana, Slovenia, hosted by SLOMSIC, "
            "from 3 July 2026 to 30 July 2026 (4 weeks)."
        ) in text
    else:
        assert (
            'has completed a SCORE research exchange in the research project "Gut microbiome '
            'in type 2 diabetes" (Endocrinology), supervised by Prof. Maja Novak, Ljubljana'
        ) in text
        assert "3 July 2026 to 27 August 2026 (8 weeks)" in text


def test_the_certificate_names_a_department_once(app):
    application = make_application(
        state=State.CERTIFIED,
        title="Department of Infectious Diseases",
        field="Infectious diseases",
        hospital="University Medical Centre Ljubljana",
    )
    application.passport_name = "Ana Horvat"
    db.session.commit()
    text = text_of(certificate_pdf(application))
    assert (
        "has completed a SCOPE clinical exchange at the Department of Infectious Diseases, "
        "University Medical Centre Ljubljana, Ljubljana, Slovenia"
    ) in text
    assert "department of Department" not in text
    assert "Name in the passport: Ana Horvat" in text


@pytest.mark.parametrize(
    ("title", "phrase"),
    [
        ("Department of Infectious Diseases", "at the Department of Infectious Diseases"),
        ("the Department of Surgery", "at the Department of Surgery"),
        ("Dept. of Paediatrics", "at the Dept. of Paediatrics"),
        ("Cardiology Clinic", "at the Cardiology Clinic"),
        ("Intensive care unit", "at the Intensive care unit"),
        ("Cardiology", "in Cardiology"),
        ("  Emergency   medicine ", "in Emergency medicine"),
        ("Кардиология", "in Кардиология"),
    ],
)
def test_department_phrases(title, phrase):
    assert department_phrase(title) == phrase


# Every script

# (student name, city, hospital, department) in a script, and one word of each to find.
SCRIPTS = {
    "Latin with diacritics": (
        ("Łukasz Wróbel-Nguyễn", "Kraków", "Szpital Uniwersytecki", "Oddział Kardiologii"),
        ("Łukasz", "Wróbel-Nguyễn", "Kraków", "Szpital", "Kardiologii"),
    ),
    "Cyrillic": (
        ("Иван Петров", "Москва", "Городская больница", "Отделение кардиологии"),
        ("Иван", "Москва", "больница", "кардиологии"),
    ),
    "Greek": (
        ("Γιώργος Παπαδόπουλος", "Αθήνα", "Νοσοκομείο Ευαγγελισμός", "Καρδιολογική κλινική"),
        ("Γιώργος", "Αθήνα", "Ευαγγελισμός", "Καρδιολογική"),
    ),
    "Arabic": (
        ("محمد علي", "القاهرة", "مستشفى قصر العيني", "قسم القلب"),
        ("محمد", "القاهرة", "مستشفى", "القلب"),
    ),
    "Hebrew": (
        ("דוד כהן", "ירושלים", "הדסה עין כרם", "מחלקה פנימית"),
        ("דוד", "ירושלים", "הדסה", "פנימית"),
    ),
    "Chinese": (
        ("李娜", "北京", "北京协和医院", "心内科"),
        ("李娜", "北京", "协和医院", "心内科"),
    ),
    "Japanese": (
        ("さくら 田中", "東京", "東京大学医学部附属病院", "循環器内科"),
        ("さくら", "東京", "附属病院", "循環器内科"),
    ),
    "Korean": (
        ("김민준", "서울", "서울대학교병원", "심장내과"),
        ("김민준", "서울", "서울대학교병원", "심장내과"),
    ),
    "Devanagari": (
        ("प्रिया शर्मा", "नई दिल्ली", "सफदरजंग अस्पताल", "हृदय रोग विभाग"),
        ("प्रिया", "दिल्ली", "अस्पताल", "विभाग"),
    ),
    "Thai": (
        ("สมชาย ใจดี", "กรุงเทพมหานคร", "โรงพยาบาลศิริราช", "แผนกอายุรกรรม"),
        ("สมชาย", "กรุงเทพมหานคร", "โรงพยาบาลศิริราช", "แผนกอายุรกรรม"),
    ),
}


def found(word: str, pdf_text: str) -> bool:
    """Whether pypdf reads ``word`` back from the PDF, as it reads these scripts.

    The page draws glyphs left to right as they stand on it, and pypdf reads them in that
    order: each Arabic or Hebrew word comes back with its letters in logical order, but
    the words of a right-to-left run come back in visual order ("محمد علي" is read as
    "علي محمد"), so only single words are looked for here. A word read letter by letter
    in visual order (reversed) is accepted as well: it is drawn the same, only read back
    otherwise. pypdf may also break a line inside a shaped Devanagari cluster, where a
    vowel sign is drawn before the letter it follows, and read the glyphs that HarfBuzz
    substitutes without a character of their own as control characters: whitespace and
    control characters are dropped from what it reads.
    """
    squeezed = "".join(
        char for char in pdf_text if not char.isspace() and unicodedata.category(char) != "Cc"
    )
    return word in squeezed or word[::-1] in squeezed


@pytest.mark.parametrize("script", SCRIPTS)
def test_cards_print_every_script(app, caplog, script):
    (name, city, hospital, title), words = SCRIPTS[script]
    application = make_application(
        student_name=name,
        state=State.CERTIFIED,
        city=city,
        hospital=hospital,
        title=title,
        field=title,
        address=f"{hospital}, {city}",
    )
    application.passport_name = "Ana Newcomer"
    db.session.commit()

    with caplog.at_level(logging.WARNING, logger="fpdf"):
        card = card_of_acceptance_pdf(application)
        certificate = certificate_pdf(application)

    # A glyph that no font has would print as an empty box; fpdf2 logs each one.
    assert not [r for r in caplog.records if "missing" in r.getMessage()], caplog.text
    for pdf in (card, certificate):
        text = text_of(pdf)
        assert "?" not in text
        for word in words:
            assert found(word, text), f"{script}: {word!r} not in {text!r}"
        assert "Ana Newcomer" in text


def test_a_right_to_left_name_is_laid_out_right_to_left(app):
    application = make_application(student_name="محمد علي")
    text = text_of(card_of_acceptance_pdf(application))
    # Read in the order drawn, left to right: the first name stands on the right.
    assert "Name علي محمد" in text


def test_a_latin_card_reads_no_cjk_font_and_a_chinese_one_embeds_it(app):
    application = make_application(student_name="Ana Ñewcomer")
    latin = card_of_acceptance_pdf(application)
    assert b"WenQuanYi" not in latin
    application.student.name = "Ana Ñewcomer محمد 李娜"
    mixed = card_of_acceptance_pdf(application)
    assert b"WenQuanYi" in mixed
    text = text_of(mixed)
    assert "Ñewcomer" in text and found("محمد", text) and "李娜" in text
    assert "?" not in text


def test_dates_are_written_out():
    assert long_date(date(2026, 7, 3)) == "3 July 2026"
    assert long_date(datetime(2026, 12, 31, 23, 0, tzinfo=UTC)) == "31 December 2026"
    assert long_date(None) == "-"
