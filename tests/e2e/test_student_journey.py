"""The student's journey in a real browser, from the catalogue to the card of confirmation,
with the two national officers who nominate and accept on the way.

Each step waits for the page it leads to (``click_through``), so no request of a page is cut
off by the next one, and checks that no page so far showed a problem (see conftest.py).
"""

import re
from datetime import date

import pytest

from exchange.applications.codes import CODE_PATTERN
from exchange.months import format_date

# Where Playwright is missing, the module is skipped (with the same reason conftest.py gives)
# instead of failing to import.
sync_api = pytest.importorskip(
    "playwright.sync_api",
    reason="Playwright for Python is not installed: browser tests skipped "
    "(pip install -e '.[dev]')",
)
expect = sync_api.expect

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def click_through(page, target) -> None:
    """Click what leads to another page and wait until that page has loaded (its styles,
    scripts and images included)."""
    with page.expect_navigation(wait_until="load"):
        target.click()


def no_problems_so_far(problems) -> None:
    found = problems.all()
    assert not found, "The pages showed problems:\n" + "\n".join(found)


def flash(page):
    return page.locator(".alert-success")


def log_in(page, who: dict, password: str) -> None:
    page.goto("/login", wait_until="load")
    page.fill("#email", who["email"])
    page.fill("#password", password)
    click_through(page, page.locator("#submit"))
    expect(page.get_by_role("button", name=who["name"])).to_be_visible()


def log_out(page, who: dict) -> None:
    page.get_by_role("button", name=who["name"]).click()  # opens the navbar's dropdown
    click_through(page, page.get_by_role("button", name="Log out"))
    expect(page.get_by_text("You are logged out.")).to_be_visible()


def nav(page, name: str):
    return page.locator("#main-nav").get_by_role("link", name=name, exact=True)


def long_date(iso: str) -> str:
    """As the pages write dates: "1 February 2027"."""
    return format_date(date.fromisoformat(iso))


def test_student_applies_is_nominated_accepted_and_confirms(
    page, live_server, page_problems, tmp_path
):
    world = live_server.world
    password = world["password"]
    student, home_neo, host_neo = world["student"], world["home_neo"], world["host_neo"]

    # The student finds Cardiology in the catalogue and opens its host, SLOMSIC.
    log_in(page, student, password)
    click_through(page, nav(page, "Catalogue"))
    expect(page.get_by_role("heading", name="Catalogue of exchanges")).to_be_visible()
    page.fill("#q", "Cardiology")
    click_through(page, page.get_by_role("button", name="Search", exact=True))
    row = page.get_by_role("row").filter(has_text="Cardiology")
    expect(row).to_have_count(1)
    expect(page.get_by_role("row").filter(has_text="Neurology")).to_have_count(0)
    click_through(page, row.get_by_role("link", name="SLOMSIC"))
    expect(page.get_by_role("heading", name="SLOMSIC (Slovenia): SCOPE")).to_be_visible()

    # Applies: the new application form comes with SCOPE and SLOMSIC chosen.
    click_through(page, page.get_by_role("link", name="Apply to SLOMSIC"))
    expect(page.locator("#program_id option:checked")).to_contain_text("SCOPE")
    expect(page.locator("#host_nmo_id option:checked")).to_have_text("Slovenia: SLOMSIC")
    click_through(page, page.get_by_role("button", name="Start the application"))
    expect(page).to_have_url(re.compile(rf"/applications/{CODE_PATTERN}/edit$"))
    code = re.search(r"/applications/([^/]+)/edit$", page.url).group(1)
    expect(flash(page)).to_contain_text(f"{code} is started")
    no_problems_so_far(page_problems)

    # Fills in the form: a month, two departments ranked in order, year of study.
    page.get_by_label(world["month_label"], exact=True).check()
    page.get_by_role("button", name="Add Cardiology (Ljubljana) to your ranking").click()
    page.get_by_role("button", name="Add Neurology (Ljubljana) to your ranking").click()
    page.fill("#study_year", "4")
    page.fill("#motivation", "I want to learn how a cardiology ward works in Slovenia.")
    click_through(page, page.get_by_role("button", name="Save", exact=True))
    expect(flash(page)).to_have_text("Your application is saved.")
    expect(page.get_by_label(world["month_label"], exact=True)).to_be_checked()
    ranking = page.locator("#ranking li[data-ranked]")
    expect(ranking).to_have_count(2)
    expect(ranking.nth(0)).to_contain_text("Cardiology")
    expect(ranking.nth(1)).to_contain_text("Neurology")

    # The personal data the host needs, with a level for each language.
    click_through(page, page.get_by_role("link", name="Personal data", exact=True))
    personal = world["personal"]
    for key, value in personal.items():
        if key == "nationality":
            page.select_option(f"#{key}", value)
        elif key != "languages":
            page.fill(f"#{key}", value)
    for index, language in enumerate(personal["languages"]):
        page.fill(f"#languages-{index}-language", language["language"])
        page.select_option(f"#languages-{index}-level", language["level"])
    click_through(page, page.get_by_role("button", name="Save the personal data"))
    expect(flash(page)).to_have_text("Your personal data is saved.")
    expect(page.locator("#passport_name")).to_have_value(personal["passport_name"])
    click_through(page, page.get_by_role("link", name="Application form", exact=True))

    # Only the CV is missing: submitting waits for it.
    expect(page.get_by_role("button", name="Submit the application")).to_be_disabled()

    # Attaches the CV.
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(PDF)
    page.select_option("#document-kind", "cv")
    page.set_input_files("#document-file", cv)
    click_through(page, page.get_by_role("button", name="Upload", exact=True))
    expect(flash(page)).to_have_text("Curriculum vitae attached: cv.pdf.")
    expect(page.get_by_role("link", name="cv.pdf")).to_be_visible()

    # Submits.
    submit = page.get_by_role("button", name="Submit the application")
    expect(submit).to_be_enabled()
    click_through(page, submit)
    expect(page).to_have_url(re.compile(rf"/applications/{code}$"))
    expect(flash(page)).to_contain_text(f"{code} is submitted")
    expect(page.locator("h1")).to_contain_text("Submitted")
    no_problems_so_far(page_problems)
    log_out(page, student)

    # The home national officer finds it in the outgoing queue and nominates it.
    log_in(page, home_neo, password)
    click_through(page, nav(page, "Applications"))
    click_through(page, page.get_by_role("link", name="Outgoing", exact=True))
    click_through(page, page.get_by_role("link", name=code))
    page.select_option("#month", label=world["month_label"])
    click_through(page, page.get_by_role("button", name="Nominate", exact=True))
    expect(flash(page)).to_have_text(f"{code} is nominated to SLOMSIC.")
    expect(page.locator("h1")).to_contain_text("Nominated")
    no_problems_so_far(page_problems)
    log_out(page, home_neo)

    # The host national officer finds it in the incoming queue and accepts the student into
    # the first choice, from the first day of the month.
    log_in(page, host_neo, password)
    click_through(page, nav(page, "Applications"))
    expect(page.get_by_role("link", name="Incoming", exact=True)).to_have_class(
        re.compile(r"\bactive\b")
    )
    click_through(page, page.get_by_role("link", name=code))
    expect(page.locator("#placement_id option:checked")).to_have_text(
        "Choice 1: Cardiology, LC Ljubljana"
    )
    page.fill("#starts_on", world["starts_on"])
    page.fill("#contact_person", host_neo["name"])
    page.fill("#contact_email", host_neo["email"])
    click_through(page, page.get_by_role("button", name="Accept and issue the CA"))
    expect(flash(page)).to_have_text(f"{code} is accepted; the card of acceptance is issued.")
    expect(page.locator("h1")).to_contain_text("Accepted")
    no_problems_so_far(page_problems)
    log_out(page, host_neo)

    # The student reads the card of acceptance...
    log_in(page, student, password)
    click_through(page, nav(page, "My applications"))
    click_through(page, page.get_by_role("link", name=code))
    click_through(page, page.get_by_role("link", name="Card of acceptance"))
    expect(page.get_by_role("heading", name="Card of Acceptance")).to_be_visible()
    card = page.locator(".card-body")
    expect(card).to_contain_text("Cardiology (Cardiology)")
    expect(card).to_contain_text("University Hospital Ljubljana")
    expect(card).to_contain_text(
        f"{long_date(world['starts_on'])} to {long_date(world['ends_on'])}"
    )
    expect(card).to_contain_text(f"{host_neo['name']}, {host_neo['email']}")

    # ...goes back to the application and sends the card of confirmation.
    click_through(page, page.locator(".breadcrumb").get_by_role("link", name=code))
    page.fill("#arrival_local", world["arrival_at"])
    page.fill("#transport", "Train from Zagreb")
    click_through(page, page.get_by_role("button", name="Submit the card of confirmation"))
    expect(flash(page)).to_have_text("Your card of confirmation is in. Have a good journey!")
    expect(page.locator("h1")).to_contain_text("Confirmed (CC in)")
    expect(page.get_by_text("by Train from Zagreb")).to_be_visible()
    no_problems_so_far(page_problems)

    page.screenshot(path=tmp_path / "confirmed.png", full_page=True)
