"""Placements: lists, the editor with capacity per month, closing, and who may."""

import csv
import io
import re

import pytest
from sqlalchemy import func, select

from exchange import clock
from exchange.auth.models import Role
from exchange.extensions import db
from exchange.placements.models import (
    Placement,
    PlacementCapacity,
    ProjectType,
    ResearchProject,
)
from tests import builders

pytestmark = pytest.mark.usefixtures("spring")

MONTH_FIELDS = [f"capacity_{m}" for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)]


def department_form(lc_pk: int, capacities: dict[int, int] | None = None, **changes) -> dict:
    data = {
        "lc_id": str(lc_pk),
        "title": "Department of Neurology",
        "field": "Neurology",
        "hospital": "KBC Zagreb",
        "city": "",
        "address": "Kišpatićeva 12, 10000 Zagreb",
        "languages": "English, Croatian",
        "description": "Ward rounds and clinics.",
        "accommodation": "",
        "meals": "",
    }
    for name in MONTH_FIELDS:
        data[name] = ""
    for month, capacity in (capacities or {}).items():
        data[f"capacity_{month}"] = str(capacity)
    data.update(changes)
    return data


def project_form(lc_pk: int, **changes) -> dict:
    data = department_form(lc_pk, {7: 1})
    del data["hospital"]
    data.update(
        title="Gut microbiome in IBD",
        field="Gastroenterology",
        supervisor="Prof. Ana Horvat",
        project_type="clinical_with_lab",
        weeks="8",
        methods="PCR, sequencing",
        prerequisites="Basic lab skills",
        expected_output="A poster",
    )
    data.update(changes)
    return data


def capacities(placement_id: int) -> dict[int, tuple[int, int]]:
    db.session.expire_all()
    rows = db.session.scalars(
        select(PlacementCapacity).where(PlacementCapacity.placement_id == placement_id)
    )
    return {row.month: (row.capacity, row.used) for row in rows}


def placement_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Placement))


def only_placement() -> Placement:
    db.session.expire_all()
    return db.session.scalar(select(Placement))


def test_local_officer_creates_a_department_with_capacities(federation, login):
    client = login(federation.local_officer)
    page = client.get("/placements/new?program=SCOPE").get_data(as_text=True)
    assert "LC Zagreb" in page and "Hospital" in page
    response = client.post(
        "/placements/new?program=SCOPE",
        data=department_form(federation.home_lc.id, {7: 2, 8: 1}),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    placement = only_placement()
    assert placement.kind == "department"
    assert placement.title == "Department of Neurology"
    assert placement.hospital == "KBC Zagreb"
    assert placement.city == "Zagreb"  # the LC's, when left empty
    assert placement.address == "Kišpatićeva 12, 10000 Zagreb"
    assert (placement.accommodation, placement.meals) == ("", "")  # the conditions' then
    assert placement.languages == ["English", "Croatian"]
    assert placement.nmo_id == federation.home.id
    assert placement.weeks == 4
    assert capacities(placement.id) == {7: (2, 0), 8: (1, 0)}

    listing = client.get("/placements/").get_data(as_text=True)
    assert "Department of Neurology" in listing
    assert "Jul 0/2" in listing and "Aug 0/1" in listing


def test_national_officer_creates_a_research_project(federation, login):
    nore = builders.user(
        Role.NATIONAL_OFFICER, email="nore@example.org", nmo_=federation.home, program_code="SCORE"
    )
    db.session.commit()
    client = login(nore)
    response = client.post(
        "/placements/new?program=SCORE", data=project_form(federation.home_lc.id)
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    project = only_placement()
    assert isinstance(project, ResearchProject)
    assert project.supervisor == "Prof. Ana Horvat"
    assert project.project_type == ProjectType.CLINICAL_WITH_LAB
    assert project.weeks == 8
    assert project.expected_output == "A poster"
    assert capacities(project.id) == {7: (1, 0)}
    assert "Gut microbiome in IBD" in client.get("/placements/?program=SCORE").get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Name the department."),
        ({"hospital": ""}, "Name the hospital."),
        ({"capacity_7": "-1"}, "From 0 to 1000 students in a month."),
        ({"capacity_7": "two"}, "Not a valid integer value."),
        ({"lc_id": "0"}, "Choose the LC."),
    ],
)
def test_invalid_department_is_refused_and_typed_values_kept(federation, login, changes, message):
    client = login(federation.national_officer)
    response = client.post(
        "/placements/new?program=SCOPE",
        data=department_form(federation.home_lc.id, {8: 3}, **changes),
    )
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert message in text
    assert "Ward rounds and clinics." in text
    assert placement_count() == 0


def test_project_needs_a_valid_type_and_weeks(federation, login):
    nore = builders.user(
        Role.NATIONAL_OFFICER, email="nore@example.org", nmo_=federation.home, program_code="SCORE"
    )
    db.session.commit()
    client = login(nore)
    for changes in ({"project_type": "astrology"}, {"weeks": "6"}, {"supervisor": ""}):
        response = client.post(
            "/placements/new?program=SCORE", data=project_form(federation.home_lc.id, **changes)
        )
        assert response.status_code == 200
    assert placement_count() == 0


def test_edit_changes_fields_and_capacities(federation, login):
    department = builders.department(federation.home_lc, "Cardiology", capacity={7: 2, 8: 2})
    db.session.commit()
    client = login(federation.local_officer)
    page = client.get(f"/placements/{department.id}/edit").get_data(as_text=True)
    assert 'value="Cardiology"' in page
    response = client.post(
        f"/placements/{department.id}/edit",
        data=department_form(
            federation.home_lc.id, {7: 3, 8: 0, 9: 1}, title="Cardiology ward", field="Cardiology"
        ),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert only_placement().title == "Cardiology ward"
    assert capacities(department.id) == {7: (3, 0), 8: (0, 0), 9: (1, 0)}


def test_the_editor_keeps_what_the_card_of_acceptance_prints(federation, login):
    department = builders.department(federation.home_lc, "Cardiology")
    db.session.commit()
    client = login(federation.local_officer)
    page = client.get(f"/placements/{department.id}/edit").get_data(as_text=True)
    assert 'name="address"' in page and 'name="accommodation"' in page and 'name="meals"' in page
    assert "left empty, the card of acceptance prints the accommodation" in page
    response = client.post(
        f"/placements/{department.id}/edit",
        data=department_form(
            federation.home_lc.id,
            title="Cardiology",
            field="Cardiology",
            address="  Šalata 2, Zagreb ",
            accommodation="A room in the hospital's residence",
            meals="Breakfast and lunch in the staff canteen",
        ),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    placement = only_placement()
    assert placement.address == "Šalata 2, Zagreb"
    assert placement.accommodation == "A room in the hospital's residence"
    assert placement.meals == "Breakfast and lunch in the staff canteen"
    page = client.get(f"/placements/{department.id}/edit").get_data(as_text=True)
    assert 'value="Šalata 2, Zagreb"' in page
    assert "Breakfast and lunch in the staff canteen</textarea>" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"address": "a" * 301}, "Field cannot be longer than 300 characters."),
        ({"accommodation": "a" * 4001}, "Field cannot be longer than 4000 characters."),
        ({"meals": "m" * 4001}, "Field cannot be longer than 4000 characters."),
    ],
)
def test_a_too_long_address_accommodation_or_meals_is_refused_as_typed(
    federation, login, changes, message
):
    client = login(federation.local_officer)
    response = client.post(
        "/placements/new?program=SCOPE", data=department_form(federation.home_lc.id, **changes)
    )
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert message in text
    assert next(iter(changes.values())) in text  # kept as typed
    assert placement_count() == 0


def test_capacity_cannot_go_below_accepted_students(federation, login):
    department = builders.department(federation.home_lc, "Cardiology", capacity={7: 3, 8: 2})
    db.session.flush()
    db.session.execute(
        PlacementCapacity.__table__.update()
        .where(PlacementCapacity.placement_id == department.id, PlacementCapacity.month == 7)
        .values(used=2)
    )
    db.session.commit()
    client = login(federation.national_officer)
    page = client.get(f"/placements/{department.id}/edit").get_data(as_text=True)
    assert "2 accepted" in page
    response = client.post(
        f"/placements/{department.id}/edit",
        data=department_form(federation.home_lc.id, {7: 1, 8: 5}, title="Renamed"),
    )
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "July has 2 students accepted; capacity cannot go below 2." in text
    assert 'value="Renamed"' in text
    # Nothing saved: neither the title nor the other month.
    assert only_placement().title == "Cardiology"
    assert capacities(department.id) == {7: (3, 2), 8: (2, 0)}
    # Down to exactly the accepted students is fine.
    response = client.post(
        f"/placements/{department.id}/edit",
        data=department_form(federation.home_lc.id, {7: 2, 8: 2}, title="Cardiology"),
    )
    assert response.status_code == 302
    assert capacities(department.id)[7] == (2, 2)


def test_close_and_reopen(federation, login):
    department = builders.department(federation.home_lc, "Cardiology")
    db.session.commit()
    client = login(federation.local_officer)
    listing = client.get("/placements/").get_data(as_text=True)
    assert "the students already accepted keep their place" in listing.lower()
    response = client.post(f"/placements/{department.id}/close", follow_redirects=True)
    assert "is closed" in response.get_data(as_text=True)
    assert only_placement().closed_at is not None
    assert "Cardiology" not in client.get("/catalogue/?program=SCOPE").get_data(as_text=True)
    assert "Cardiology" not in client.get("/placements/").get_data(as_text=True)
    assert "Cardiology" in client.get("/placements/?status=closed").get_data(as_text=True)
    response = client.post(f"/placements/{department.id}/close", follow_redirects=True)
    assert "already closed" in response.get_data(as_text=True)
    response = client.post(f"/placements/{department.id}/reopen", follow_redirects=True)
    assert "open again" in response.get_data(as_text=True)
    assert only_placement().closed_at is None


def test_local_officer_is_limited_to_their_lc(federation, login):
    other_lc = builders.lc(federation.home, "LC Split", "Split")
    own = builders.department(federation.home_lc, "Cardiology")
    foreign = builders.department(other_lc, "Surgery")
    db.session.commit()
    client = login(federation.local_officer)
    listing = client.get("/placements/").get_data(as_text=True)
    assert "Cardiology" in listing and "Surgery" not in listing
    new_page = client.get("/placements/new?program=SCOPE").get_data(as_text=True)
    assert "LC Split" not in new_page
    assert client.get(f"/placements/{foreign.id}/edit").status_code == 403
    assert client.post(f"/placements/{foreign.id}/close").status_code == 403
    # Neither creating in another LC nor moving a placement there.
    response = client.post("/placements/new?program=SCOPE", data=department_form(other_lc.id))
    assert response.status_code == 200
    response = client.post(f"/placements/{own.id}/edit", data=department_form(other_lc.id))
    assert response.status_code == 200
    assert placement_count() == 2
    db.session.expire_all()
    assert db.session.get(Placement, own.id).lc_id == federation.home_lc.id


def test_national_officer_sees_every_lc_of_their_nmo(federation, login):
    other_lc = builders.lc(federation.home, "LC Split", "Split")
    builders.department(other_lc, "Surgery")
    builders.department(federation.host_lc, "Dermatology")
    db.session.commit()
    client = login(federation.national_officer)
    listing = client.get("/placements/").get_data(as_text=True)
    assert "Surgery" in listing and "Dermatology" not in listing
    assert "Surgery" in client.get("/placements/?q=surg").get_data(as_text=True)
    assert "Surgery" not in client.get("/placements/?q=cardio").get_data(as_text=True)


def test_other_nmo_officer_and_student_are_refused(federation, login):
    department = builders.department(federation.home_lc, "Cardiology")
    host_neo = builders.user(Role.NATIONAL_OFFICER, email="host@example.org", nmo_=federation.host)
    db.session.commit()
    client = login(host_neo)
    assert client.get(f"/placements/{department.id}/edit").status_code == 403
    assert client.post(f"/placements/{department.id}/close").status_code == 403
    assert client.post(
        "/placements/new?program=SCOPE", data=department_form(federation.home_lc.id)
    ).status_code in (200, 403)
    assert "Cardiology" not in client.get("/placements/").get_data(as_text=True)
    client.post("/logout")
    client = login(federation.student)
    for url in ("/placements/", "/placements/new", f"/placements/{department.id}/edit"):
        assert client.get(url).status_code == 403
    assert client.post(f"/placements/{department.id}/close").status_code == 403
    assert placement_count() == 1
    db.session.expire_all()
    assert db.session.get(Placement, department.id).closed_at is None


def test_admin_picks_an_nmo(federation, login):
    builders.department(federation.host_lc, "Dermatology")
    db.session.commit()
    client = login(federation.admin)
    assert "Choose an NMO" in client.get("/placements/").get_data(as_text=True)
    assert client.get("/placements/new?program=SCOPE").status_code == 302
    listing = client.get("/placements/?nmo=SLOMSIC").get_data(as_text=True)
    assert "Dermatology" in listing
    response = client.post(
        "/placements/new?program=SCOPE&nmo=SLOMSIC",
        data=department_form(federation.host_lc.id, {7: 1}),
    )
    assert response.status_code == 302
    assert placement_count() == 2


# CSV export and import

# The columns of a file from before the address, accommodation and meals: still imported.
HEADER = (
    "id,title,field,hospital,city,lc,languages,description,closed,"
    "apr,may,jun,jul,aug,sep,oct,nov,dec,jan,feb,mar"
)
EXPORT_HEADER = (
    "id,title,field,hospital,city,address,lc,languages,description,accommodation,meals,closed,"
    "apr,may,jun,jul,aug,sep,oct,nov,dec,jan,feb,mar"
)


def import_file(client, content: bytes | str, query: str = "program=SCOPE", name="p.csv"):
    if isinstance(content, str):
        content = content.encode()
    return client.post(
        f"/placements/import?{query}",
        data={"season_id": str(builders.season().id), "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def snapshot() -> list[tuple]:
    """Every placement and capacity row as plain values, to compare before and after."""
    db.session.expire_all()
    placements = db.session.scalars(select(Placement).order_by(Placement.id)).all()
    return [
        (
            p.id,
            p.title,
            p.field,
            p.hospital,
            p.city,
            p.address,
            p.lc_id,
            p.languages,
            p.description,
            p.accommodation,
            p.meals,
            p.closed_at,
            sorted((c.month, c.capacity, c.used) for c in p.capacities),
        )
        for p in placements
    ]


def test_export_lists_the_users_placements_with_a_seasons_capacities(federation, login):
    cardiology = builders.department(federation.home_lc, "Cardiology", capacity={7: 2, 3: 1})
    cardiology.address = "Kišpatićeva 12, Zagreb"
    cardiology.meals = "Lunch in the canteen"
    builders.department(federation.host_lc, "Dermatology")
    db.session.commit()
    client = login(federation.national_officer)
    response = client.get("/placements/export.csv?program=SCOPE&season=2026/27")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "placements-SCOPE-2026-27.csv" in response.headers["Content-Disposition"]
    text = response.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert ",".join(rows[0]) == EXPORT_HEADER
    assert len(rows) == 2  # SLOMSIC's Dermatology is not theirs
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["id"] == str(cardiology.id)
    assert row["title"] == "Cardiology"
    assert row["hospital"] == "University Hospital Zagreb"
    assert row["address"] == "Kišpatićeva 12, Zagreb"
    assert (row["accommodation"], row["meals"]) == ("", "Lunch in the canteen")
    assert row["lc"] == "LC Zagreb"
    assert row["languages"] == "English"
    assert row["closed"] == "no"
    assert (row["jul"], row["mar"], row["aug"]) == ("2", "1", "0")


def _exported_titles(client, query: str) -> list[str]:
    response = client.get(f"/placements/export.csv?program=SCOPE&season=2026/27&{query}")
    assert response.status_code == 200, query
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    return sorted(dict(zip(rows[0], row, strict=True))["title"] for row in rows[1:])


def test_export_of_one_lc_and_of_the_federation(federation, login):
    split = builders.lc(federation.home, "LC Split", "Split")
    builders.department(federation.home_lc, "Cardiology")
    builders.department(split, "Surgery")
    builders.department(federation.host_lc, "Dermatology")
    db.session.commit()
    client = login(federation.national_officer)
    assert _exported_titles(client, f"lc={split.id}") == ["Surgery"]
    # Another NMO's LC is none of theirs, whatever the URL asks for.
    assert _exported_titles(client, f"lc={federation.host_lc.id}") == []
    for odd in ("lc=abc", "lc=99999999999999999999", "lc=0", "lc=%C2%B2", f"lc={split.id + 1000}"):
        assert client.get(f"/placements/export.csv?program=SCOPE&{odd}").status_code == 404
    client.post("/logout")
    client = login(federation.local_officer)  # LC Zagreb's
    assert _exported_titles(client, f"lc={split.id}") == []
    assert _exported_titles(client, "") == ["Cardiology"]
    client.post("/logout")
    client = login(federation.admin)
    assert _exported_titles(client, "") == ["Cardiology", "Dermatology", "Surgery"]
    assert _exported_titles(client, "nmo=CROMSIC") == ["Cardiology", "Surgery"]
    assert _exported_titles(client, f"nmo=CROMSIC&lc={split.id}") == ["Surgery"]
    assert client.get("/placements/export.csv?program=SCOPE&nmo=NOPE").status_code == 404


def test_import_creates_and_updates_and_reports_counts(federation, login):
    cardiology = builders.department(federation.home_lc, "Cardiology", capacity={7: 2})
    db.session.commit()
    content = "\n".join(
        [
            HEADER,
            f"{cardiology.id},Cardiology ward,Cardiology,KBC Zagreb,,LC Zagreb,English,,no,"
            "0,0,0,3,1,0,0,0,0,0,0,0",
            ',Neurology,Neurology,KBC Sestre milosrdnice,,lc zagreb,"English, Croatian",'
            "Stroke unit,no,,,,1,1,,,,,,,",
            ",Pathology,Pathology,KBC Zagreb,Zagreb,LC Zagreb,,,yes,,,,,,,,,,,,",
        ]
    )
    client = login(federation.local_officer)
    response = import_file(client, content)
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 created, 1 updated, 0 unchanged" in page
    db.session.expire_all()
    by_title = {p.title: p for p in db.session.scalars(select(Placement))}
    assert set(by_title) == {"Cardiology ward", "Neurology", "Pathology"}
    assert by_title["Cardiology ward"].id == cardiology.id
    assert by_title["Neurology"].languages == ["English", "Croatian"]
    assert by_title["Neurology"].city == "Zagreb"
    assert by_title["Pathology"].closed_at is not None
    assert capacities(cardiology.id) == {7: (3, 0), 8: (1, 0)}
    assert capacities(by_title["Neurology"].id) == {7: (1, 0), 8: (1, 0)}


def test_import_with_bad_rows_imports_nothing_and_names_each_line(federation, login):
    mine = builders.department(federation.home_lc, "Cardiology", capacity={7: 3})
    other_lc = builders.lc(federation.home, "LC Split", "Split")
    not_mine = builders.department(other_lc, "Surgery")
    theirs = builders.department(federation.host_lc, "Dermatology")
    db.session.flush()
    db.session.execute(
        PlacementCapacity.__table__.update()
        .where(PlacementCapacity.placement_id == mine.id, PlacementCapacity.month == 7)
        .values(used=2)
    )
    db.session.commit()
    before = snapshot()
    zeros = ",".join(["0"] * 12)
    content = "\n".join(
        [
            HEADER,
            f",Good new one,Neurology,KBC,,LC Zagreb,English,,no,{zeros}",  # 2: fine
            f",Bad LC,Neurology,KBC,,LC Nowhere,English,,no,{zeros}",  # 3
            f",No hospital,Neurology,,,LC Zagreb,English,,no,{zeros}",  # 4
            ",Negative,Neurology,KBC,,LC Zagreb,,,no,0,0,0,-1,0,0,0,0,0,0,0,0",  # 5
            ",Words,Neurology,KBC,,LC Zagreb,,,no,0,0,0,two,0,0,0,0,0,0,0,0",  # 6
            f"{mine.id},Cardiology,Cardiology,KBC,,LC Zagreb,,,no,0,0,0,1,0,0,0,0,0,0,0,0",  # 7
            f"{not_mine.id},Surgery,Surgery,KBC,,LC Zagreb,,,no,{zeros}",  # 8
            f"{theirs.id},Dermatology,Derm,KBC,,LC Zagreb,,,no,{zeros}",  # 9
            f"{mine.id},Cardiology,Cardiology,KBC,,LC Zagreb,,,no,0,0,0,3,0,0,0,0,0,0,0,0",  # 10
            f",,Neurology,KBC,,LC Zagreb,,,maybe,{zeros}",  # 11
        ]
    )
    client = login(federation.local_officer)
    response = import_file(client, content)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Nothing was imported." in text
    errors = import_errors(text)
    assert 2 not in errors
    assert "Unknown LC &#39;LC Nowhere&#39;" in errors[3]
    assert "Give the hospital." in errors[4]
    assert "The capacity for July cannot be negative." in errors[5]
    assert (
        "The capacity for July (jul) must be a whole number from 0, not &#39;two&#39;"
        in (errors[6])
    )
    assert "July has 2 students accepted; capacity cannot go below 2." in errors[7]
    assert f"Id {not_mine.id} is not one of the departments you keep" in errors[8]
    assert f"Id {theirs.id} is not one of the departments you keep" in errors[9]
    assert f"Id {mine.id} is also on line 7." in errors[10]
    assert "Give the title." in errors[11] and "Closed must be yes or no" in errors[11]
    assert snapshot() == before


def import_errors(page: str) -> dict[int, str]:
    """Line number -> the problems listed for it on the import page."""
    found: dict[int, str] = {}
    for line, message in re.findall(
        r'<tr><td class="text-nowrap">(\w+)</td><td>(.*?)</td></tr>', page
    ):
        key = int(line) if line.isdigit() else 0
        found[key] = found.get(key, "") + message
    return found


def test_import_refuses_a_file_with_wrong_columns(federation, login):
    client = login(federation.national_officer)
    response = import_file(client, "id,title,colour\n,Neurology,blue\n")
    text = response.get_data(as_text=True)
    errors = import_errors(text)
    assert "Missing column(s): field, hospital" in errors[1]
    assert "Unknown column(s): &#39;colour&#39;" in errors[1]
    assert placement_count() == 0


def test_research_projects_import_checks_type_and_weeks(federation, login):
    nore = builders.user(
        Role.NATIONAL_OFFICER, email="nore@example.org", nmo_=federation.home, program_code="SCORE"
    )
    db.session.commit()
    client = login(nore)
    export = client.get("/placements/export.csv?program=SCORE").data.decode("utf-8-sig")
    header = export.strip()
    zeros = ",".join(["0"] * 12)
    content = "\n".join(
        [
            header,
            f",Microbiome,Gastro,Dr A,Clinical research with lab work,8,PCR,,,,"
            f"Zaloška 4,LC Zagreb,English,,,,no,{zeros}",
            f",Bad type,Gastro,Dr A,astrology,4,,,,,,LC Zagreb,English,,,,no,{zeros}",
            f",Bad weeks,Gastro,Dr A,basic,6,,,,,,LC Zagreb,English,,,,no,{zeros}",
        ]
    )
    response = import_file(client, content, "program=SCORE")
    errors = import_errors(response.get_data(as_text=True))
    assert set(errors) == {3, 4}
    assert "Unknown project type &#39;astrology&#39;" in errors[3]
    assert "A research project lasts 4 or 8 weeks." in errors[4]
    assert placement_count() == 0
    response = import_file(client, "\n".join(content.split("\n")[:2]), "program=SCORE")
    assert response.status_code == 302
    project = only_placement()
    assert project.project_type == ProjectType.CLINICAL_WITH_LAB
    assert project.weeks == 8
    assert project.address == "Zaloška 4"


def test_export_then_import_changes_nothing(federation, login):
    other_lc = builders.lc(federation.home, "LC Split", "Split")
    builders.department(federation.home_lc, "Cardiology", capacity={7: 2, 8: 1, 1: 4})
    tricky = builders.department(other_lc, "=Surgery", capacity={6: 1})
    tricky.description = 'Line one,\nline two with "quotes"'
    tricky.languages = ["Croatian", "English"]
    tricky.address = "Spinčićeva 1, Split"
    tricky.accommodation = 'The "old" dormitory,\nroom 12'
    tricky.closed_at = clock.now()
    db.session.commit()
    before = snapshot()
    client = login(federation.national_officer)
    exported = client.get("/placements/export.csv?program=SCOPE&season=2026/27").data
    assert exported.startswith("\ufeff".encode())
    response = import_file(client, exported)
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "0 created, 0 updated, 2 unchanged" in page
    assert snapshot() == before
    assert client.get("/placements/export.csv?program=SCOPE&season=2026/27").data == exported


def test_csv_pages_are_for_officers_only(federation, login):
    client = login(federation.student)
    assert client.get("/placements/export.csv").status_code == 403
    assert client.get("/placements/import").status_code == 403
    assert import_file(client, HEADER + "\n").status_code == 403


def test_odd_numbers_in_a_file_are_reported_not_crashed_on(federation, login):
    zeros = ",".join(["0"] * 12)
    content = "\n".join(
        [
            HEADER,
            f"¹,Superscript id,Neurology,KBC,,LC Zagreb,,,no,{zeros}",  # 2
            f"12345678901234567890123,Huge id,Neurology,KBC,,LC Zagreb,,,no,{zeros}",  # 3
            ",Odd capacity,Neurology,KBC,,LC Zagreb,,,no,0,0,0,--1,²,0,0,0,0,0,0,0",  # 4
        ]
    )
    client = login(federation.local_officer)
    response = import_file(client, content)
    assert response.status_code == 200
    errors = import_errors(response.get_data(as_text=True))
    assert "The id must be a number" in errors[2] and "The id must be a number" in errors[3]
    assert "must be a whole number" in errors[4]


def test_an_import_sets_the_address_accommodation_and_meals_and_an_old_file_keeps_them(
    federation, login
):
    cardiology = builders.department(federation.home_lc, "Cardiology", capacity={7: 2})
    db.session.commit()
    zeros = ",".join(["0"] * 12)
    client = login(federation.local_officer)
    content = "\n".join(
        [
            EXPORT_HEADER,
            f"{cardiology.id},Cardiology,Cardiology,KBC Zagreb,,Kišpatićeva 12,LC Zagreb,"
            f'English,,"A room, shared",Lunch,no,0,0,0,2,0,0,0,0,0,0,0,0',
            f",Neurology,Neurology,KBC Zagreb,,{'x' * 301},LC Zagreb,,,,,no,{zeros}",
        ]
    )
    response = import_file(client, content)
    errors = import_errors(response.get_data(as_text=True))
    assert set(errors) == {3}
    assert "The address has at most 300 characters." in errors[3]
    response = import_file(client, "\n".join(content.split("\n")[:2]))
    assert response.status_code == 302, response.get_data(as_text=True)
    placement = only_placement()
    assert (placement.address, placement.accommodation, placement.meals) == (
        "Kišpatićeva 12",
        "A room, shared",
        "Lunch",
    )
    # A file without these columns changes the rest and leaves them as they are.
    old = f"{HEADER}\n{cardiology.id},Cardiology ward,Cardiology,KBC Zagreb,,LC Zagreb,,,no,"
    response = import_file(client, old + "0,0,0,2,0,0,0,0,0,0,0,0")
    assert response.status_code == 302, response.get_data(as_text=True)
    placement = only_placement()
    assert placement.title == "Cardiology ward"
    assert (placement.address, placement.accommodation, placement.meals) == (
        "Kišpatićeva 12",
        "A room, shared",
        "Lunch",
    )
