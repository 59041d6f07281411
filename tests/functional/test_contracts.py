"""Contracts through the real pages: the list and the reciprocity balance, the editor and
its refusals, who may do what, and the CSV export and import (with their round trip)."""

import io
import itertools
import re

import pytest
from sqlalchemy import func, select, update
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from exchange.auth.models import Role
from exchange.contracts.forms import MONTH_KEYS
from exchange.contracts.models import Contract, ContractKind, ContractSlot, ContractStatus
from exchange.extensions import db
from tests import builders

MINUS = "\u2212"  # the balance writes a negative difference with a minus sign
HEADER = "season,program,sending,host,kind,apr,may,jun,jul,aug,sep,oct,nov,dec,jan,feb,mar"


def _contract(sending, host, slots=None, used=None, **options) -> Contract:
    """A contract written straight to the tables, ``used`` set on its months directly."""
    contract = builders.contract(sending, host, slots=slots, **options)
    for row in contract.slots:
        row.used = (used or {}).get(row.month, 0)
    db.session.flush()
    return contract


def _all_contracts() -> dict[tuple, tuple]:
    """Every contract as (season, program, sending, host) -> (kind, {month: (slots, used)})."""
    found = {}
    for c in db.session.scalars(select(Contract)):
        db.session.refresh(c)
        key = (c.season.code, c.program.code, c.sending_nmo.code, c.host_nmo.code)
        found[key] = (c.kind.value, {s.month: (s.slots, s.used) for s in c.slots})
    return found


def _form(sending, host, slots=None, kind="bilateral", mirror=True, program="SCOPE", season=None):
    data = {
        "sending_nmo_id": sending.id if sending else 0,
        "host_nmo_id": host.id if host else 0,
        "program_id": builders.program(program).id,
        "season_id": (season or builders.season()).id,
        "kind": kind,
    }
    for month, key in MONTH_KEYS.items():
        data[key] = str((slots or {}).get(month, 0))
    if mirror:
        data["mirror"] = "y"
    return data


def _balance_cells(page: str, partner: str, program: str = "SCOPE") -> list[str]:
    """The figures of a balance row: sent, hosted, difference, used sent, used hosted."""
    row = re.search(
        rf'<tr class="([^"]*)" data-partner="{partner}" data-program="{program}">(.*?)</tr>',
        page,
        re.S,
    )
    assert row, f"no balance row for {partner}"
    cells = re.findall(r'<td class="text-end">\s*([^<\s]+)', row.group(2))
    return [row.group(1).strip(), *cells]


@pytest.fixture
def partners(federation):
    """CROMSIC's contracts in 2026/27: unbalanced bilateral with SLOMSIC (3 sent, 1 hosted),
    one-way with Austria; and contracts CROMSIC's SCOPE officer does not see."""
    austria = builders.nmo("AMSA", "AT", "Austria")
    italy = builders.nmo("SISM", "IT", "Italy")
    made = {
        "out": _contract(federation.home, federation.host, {7: 2, 8: 1}, used={7: 2}),
        "in": _contract(federation.host, federation.home, {7: 1}, used={7: 1}),
        "austria": _contract(
            federation.home, austria, {9: 1}, kind=ContractKind.UNILATERAL, used={9: 1}
        ),
        "others": _contract(federation.host, italy, {7: 4}),
        "score": _contract(federation.home, federation.host, {10: 5}, program_code="SCORE"),
        "austria_nmo": austria,
        "italy_nmo": italy,
    }
    db.session.commit()
    return made


# The list and the balance


def test_officer_sees_own_contracts_and_the_balance_per_partner(
    client, federation, partners, login
):
    login(federation.national_officer)
    page = client.get("/contracts/").get_data(as_text=True)
    contracts = re.search(r'<table[^>]*id="contracts">(.*?)</table>', page, re.S).group(1)
    assert "CROMSIC → SLOMSIC" in contracts and "SLOMSIC → CROMSIC" in contracts
    assert "CROMSIC → AMSA" in contracts
    assert "Jul 2 · Aug 1" in contracts
    assert "SISM" not in contracts, "a contract between two other NMOs"
    assert "Oct 5" not in contracts, "a SCORE contract, and the officer is NEO for SCOPE"
    assert "Reciprocity balance of CROMSIC, 2026/27" in page
    # sent, hosted, difference, used sent, used hosted
    assert _balance_cells(page, "SLOMSIC") == ["table-warning", "3", "1", "+2", "2", "1"]
    assert _balance_cells(page, "AMSA") == ["", "1", "0", "+1", "1", "0"], "unilateral: fine"
    assert 'data-partner="SISM"' not in page


def test_admin_sees_federations_unbalanced_pairs_or_one_nmos_balance(
    client, federation, partners, login
):
    login(federation.admin)
    page = client.get("/contracts/").get_data(as_text=True)
    assert "Most unbalanced pairs of the federation, 2026/27" in page
    balance = re.search(r'<table[^>]*id="balance">(.*?)</table>', page, re.S).group(1)
    # Bilateral pairs whose slots differ, largest gap first; the one-way AMSA is not there.
    assert re.findall(r'data-partner="(\w+)" data-program="(\w+)"', balance) == [
        ("SLOMSIC", "SCORE"),  # CROMSIC sends 5, hosts 0
        ("SISM", "SCOPE"),  # SLOMSIC sends 4, hosts 0
        ("SLOMSIC", "SCOPE"),  # CROMSIC sends 3, hosts 1
    ]
    assert _balance_cells(page, "SLOMSIC")[1:] == ["3", "1", "+2", "2", "1"]
    assert "SISM" in page, "an admin sees every contract"

    page = client.get("/contracts/?nmo=SLOMSIC&program=SCOPE").get_data(as_text=True)
    assert "Reciprocity balance of SLOMSIC, 2026/27" in page
    assert _balance_cells(page, "CROMSIC") == ["table-warning", "1", "3", f"{MINUS}2", "1", "2"]
    assert _balance_cells(page, "SISM")[1:] == ["4", "0", "+4", "0", "0"]
    assert 'data-program="SCORE"' not in page

    page = client.get("/contracts/?nmo=SLOMSIC").get_data(as_text=True)
    assert _balance_cells(page, "CROMSIC", "SCORE")[1:] == ["0", "5", f"{MINUS}5", "0", "0"]


def test_federation_balance_is_paginated(client, federation, login, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    nmos = [builders.nmo(f"N{i}", "HR", f"Country {i}") for i in range(4)]
    for gap, (a, b) in enumerate(itertools.pairwise(nmos), start=1):
        _contract(a, b, {7: gap})
    db.session.commit()
    login(federation.admin)
    page = client.get("/contracts/").get_data(as_text=True)
    assert "Page 1 of 2 · 3 pairs" in page
    assert 'data-partner="N3"' in page and 'data-partner="N2"' in page, "largest gaps first"
    assert 'data-partner="N1"' not in page
    page = client.get("/contracts/?balance_page=2").get_data(as_text=True)
    assert 'data-partner="N1"' in page and 'data-partner="N3"' not in page


def test_list_filters_search_and_empty_states(client, federation, partners, login):
    login(federation.admin)
    page = client.get("/contracts/?q=italy").get_data(as_text=True)
    assert "SLOMSIC → SISM" in page and "CROMSIC → AMSA" not in page
    page = client.get("/contracts/?program=SCORE").get_data(as_text=True)
    table = re.search(r'<table[^>]*id="contracts">(.*?)</table>', page, re.S).group(1)
    assert "Oct 5" in table and "Jul 2" not in table
    page = client.get("/contracts/?q=nowhere").get_data(as_text=True)
    assert "No contract matches" in page
    builders.season("2027/28")
    db.session.commit()
    page = client.get("/contracts/?season=2027/28").get_data(as_text=True)
    assert "No contracts for 2027/28 yet" in page
    assert "Every pair's bilateral contracts are balanced in 2027/28" in page


def test_list_is_paginated(client, federation, login, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    for i in range(3):
        _contract(federation.home, builders.nmo(f"P{i}", "HR", f"Partner {i}"), {7: 1})
    db.session.commit()
    login(federation.national_officer)
    page = client.get("/contracts/").get_data(as_text=True)
    assert "Page 1 of 2" in page and "CROMSIC → P0" in page and "CROMSIC → P2" not in page
    page = client.get("/contracts/?page=2").get_data(as_text=True)
    assert "CROMSIC → P2" in page


# Creating and editing


def test_officer_creates_a_bilateral_contract_with_its_mirror(client, federation, login):
    login(federation.national_officer)
    page = client.get("/contracts/new").get_data(as_text=True)
    assert re.search(r'name="mirror"[^>]*checked|checked[^>]*name="mirror"', page)
    response = client.post(
        "/contracts/new", data=_form(federation.home, federation.host, {7: 2, 8: 1})
    )
    assert response.status_code == 302
    assert _all_contracts() == {
        ("2026/27", "SCOPE", "CROMSIC", "SLOMSIC"): ("bilateral", {7: (2, 0), 8: (1, 0)}),
        ("2026/27", "SCOPE", "SLOMSIC", "CROMSIC"): ("bilateral", {7: (2, 0), 8: (1, 0)}),
    }
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "with its mirror SLOMSIC → CROMSIC" in page


def test_unilateral_contract_has_no_mirror(client, federation, login):
    login(federation.national_officer)
    data = _form(federation.host, federation.home, {4: 1}, kind="unilateral")
    assert client.post("/contracts/new", data=data).status_code == 302
    assert _all_contracts() == {
        ("2026/27", "SCOPE", "SLOMSIC", "CROMSIC"): ("unilateral", {4: (1, 0)}),
    }


def test_officer_edits_a_contract_and_its_mirror(client, federation, login):
    contract = _contract(federation.home, federation.host, {7: 2, 8: 1}, used={7: 1})
    _contract(federation.host, federation.home, {7: 2, 8: 1})
    db.session.commit()
    login(federation.national_officer)
    page = client.get(f"/contracts/{contract.id}/edit").get_data(as_text=True)
    assert re.search(r'name="jul"[^>]*value="2"|value="2"[^>]*name="jul"', page)
    assert "1 used" in page
    response = client.post(
        f"/contracts/{contract.id}/edit", data=_form(federation.home, federation.host, {7: 1, 6: 3})
    )
    assert response.status_code == 302
    assert _all_contracts() == {
        ("2026/27", "SCOPE", "CROMSIC", "SLOMSIC"): ("bilateral", {6: (3, 0), 7: (1, 1)}),
        ("2026/27", "SCOPE", "SLOMSIC", "CROMSIC"): ("bilateral", {6: (3, 0), 7: (1, 0)}),
    }
    # Without the mirror box, the other direction stays as it is.
    data = _form(federation.home, federation.host, {7: 1}, mirror=False)
    assert client.post(f"/contracts/{contract.id}/edit", data=data).status_code == 302
    assert _all_contracts()[("2026/27", "SCOPE", "SLOMSIC", "CROMSIC")][1] == {
        6: (3, 0),
        7: (1, 0),
    }


def _refused(client, url, data, message):
    before = _all_contracts()
    response = client.post(url, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page, page[page.find("<main") :][:3000]
    assert _all_contracts() == before, "nothing is saved"
    return page


def test_refusals_say_why_keep_the_typed_values_and_save_nothing(client, federation, login):
    existing = _contract(federation.home, federation.host, {7: 2}, used={7: 2})
    mirror = _contract(federation.host, federation.home, {7: 2, 8: 1}, used={8: 1})
    score_only = builders.nmo("SCOREONLY", "FR", "France", programs=("SCORE",))
    db.session.commit()
    login(federation.national_officer)

    page = _refused(
        client,
        "/contracts/new",
        _form(federation.home, federation.home, {9: 7}),
        "The sending and the host NMO must be two different NMOs.",
    )
    assert re.search(r'name="sep"[^>]*value="7"|value="7"[^>]*name="sep"', page), "kept"

    _refused(
        client,
        "/contracts/new",
        _form(federation.home, federation.host, {7: 1}),
        "The SCOPE contract CROMSIC → SLOMSIC for 2026/27 already exists: edit that one instead.",
    )
    _refused(
        client,
        "/contracts/new",
        _form(federation.home, federation.host, {7: -1}),
        "Slots cannot be negative.",
    )
    _refused(
        client,
        "/contracts/new",
        _form(federation.home, score_only, {7: 1}),
        "SCOREONLY does not take part in SCOPE.",
    )
    page = _refused(
        client,
        f"/contracts/{existing.id}/edit",
        _form(federation.home, federation.host, {7: 1, 8: 4}),
        "July has 2 nominations; it cannot go below 2.",
    )
    assert re.search(r'name="aug"[^>]*value="4"|value="4"[^>]*name="aug"', page), "kept"
    _refused(
        client,
        f"/contracts/{existing.id}/edit",
        _form(federation.home, federation.host, {7: 2}),
        "In the mirror contract SLOMSIC → CROMSIC, August has 1 nomination; it cannot go below 1.",
    )
    assert mirror.id


def test_a_contract_with_nominations_keeps_its_nmos(client, world, login):
    """An application nominated on the contract refers to it: its NMOs cannot change."""
    federation = world.federation
    contract = db.session.scalar(select(Contract))
    student_app = builders.application(federation.student, federation.host)
    student_app.contract_id = contract.id
    student_app.exchange_month = 7
    austria = builders.nmo("AMSA", "AT", "Austria")
    db.session.commit()
    login(federation.national_officer)
    _refused(
        client,
        f"/contracts/{contract.id}/edit",
        _form(federation.home, austria, {7: 1, 8: 1}, mirror=False),
        "1 application was nominated on this contract",
    )


# Deleting


def test_delete_asks_for_confirmation_and_refuses_a_used_contract(client, federation, login):
    free = _contract(federation.home, federation.host, {7: 2})
    used = _contract(federation.host, federation.home, {7: 2}, used={7: 1})
    db.session.commit()
    free_id, used_id = free.id, used.id
    login(federation.national_officer)
    page = client.get(f"/contracts/{free_id}/edit").get_data(as_text=True)
    assert 'data-bs-toggle="modal"' in page and "Delete contract" in page
    response = client.post(f"/contracts/{used_id}/delete", follow_redirects=True)
    assert "This contract has 1 nomination: it cannot be deleted." in response.get_data(
        as_text=True
    )
    response = client.post(f"/contracts/{free_id}/delete", follow_redirects=True)
    assert "is deleted" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Contract, free_id) is None
    assert db.session.get(Contract, used_id) is not None


# Who may do what


def test_officer_of_another_nmo_or_program_does_not_find_the_contract(client, federation, login):
    contract = _contract(federation.home, federation.host, {7: 2})
    austria = builders.nmo("AMSA", "AT", "Austria")
    stranger = builders.user(Role.NATIONAL_OFFICER, email="amsa@example.org", nmo_=austria)
    nore = builders.user(
        Role.NATIONAL_OFFICER, email="nore@example.org", nmo_=federation.home, program_code="SCORE"
    )
    db.session.commit()
    for officer in (stranger, nore):
        client.post("/logout")
        login(officer)
        assert client.get(f"/contracts/{contract.id}/edit").status_code == 404
        data = _form(federation.home, federation.host, {7: 9})
        assert client.post(f"/contracts/{contract.id}/edit", data=data).status_code == 404
        assert client.post(f"/contracts/{contract.id}/delete").status_code == 404
        assert "CROMSIC → SLOMSIC" not in client.get("/contracts/").get_data(as_text=True)
        assert "CROMSIC" not in client.get("/contracts/export.csv").get_data(as_text=True)
    # Nor may they create one between two NMOs that are not theirs.
    client.post("/logout")
    login(stranger)
    _refused(
        client,
        "/contracts/new",
        _form(federation.host, federation.home, {7: 1}),
        "You may only manage contracts in which your NMO sends or hosts",
    )
    assert db.session.scalar(select(func.count(Contract.id))) == 1


@pytest.mark.parametrize("role", [Role.STUDENT, Role.LOCAL_OFFICER])
def test_students_and_local_officers_are_refused_every_contracts_page(
    client, federation, login, role
):
    contract = _contract(federation.home, federation.host, {7: 2})
    db.session.commit()
    login(federation.by_role(role))
    for method, url in [
        ("GET", "/contracts/"),
        ("GET", "/contracts/new"),
        ("POST", "/contracts/new"),
        ("GET", f"/contracts/{contract.id}/edit"),
        ("POST", f"/contracts/{contract.id}/edit"),
        ("POST", f"/contracts/{contract.id}/delete"),
        ("GET", "/contracts/export.csv"),
        ("GET", "/contracts/import"),
        ("POST", "/contracts/import"),
    ]:
        assert client.open(url, method=method).status_code == 403, url


def test_visitor_is_sent_to_log_in(client, federation):
    response = client.get("/contracts/")
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]


# CSV export and import


def test_export_lists_the_seasons_visible_contracts(client, federation, partners, login):
    login(federation.national_officer)
    response = client.get("/contracts/export.csv?season=2026/27")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="contracts-2026-27.csv"'
    )
    # The export ends each line with the contract's status (issue 8, point 5).
    assert response.get_data(as_text=True).splitlines() == [
        HEADER + ",status",
        "2026/27,SCOPE,CROMSIC,AMSA,unilateral,0,0,0,0,0,1,0,0,0,0,0,0,confirmed",
        "2026/27,SCOPE,CROMSIC,SLOMSIC,bilateral,0,0,0,2,1,0,0,0,0,0,0,0,confirmed",
        "2026/27,SCOPE,SLOMSIC,CROMSIC,bilateral,0,0,0,1,0,0,0,0,0,0,0,0,confirmed",
    ]
    client.post("/logout")
    login(federation.admin)
    response = client.get("/contracts/export.csv?season=2026/27&program=SCORE")
    assert 'filename="contracts-2026-27-score.csv"' in response.headers["Content-Disposition"]
    assert response.get_data(as_text=True).splitlines()[1:] == [
        "2026/27,SCORE,CROMSIC,SLOMSIC,bilateral,0,0,0,0,0,0,5,0,0,0,0,0,confirmed"
    ]


def test_export_of_one_nmo_keeps_to_it_and_to_what_the_user_may_see(
    client, federation, partners, login
):
    login(federation.admin)
    response = client.get("/contracts/export.csv?season=2026/27&program=SCOPE&nmo=SISM")
    assert 'filename="contracts-2026-27-SISM-scope.csv"' in response.headers["Content-Disposition"]
    assert response.get_data(as_text=True).splitlines()[1:] == [
        "2026/27,SCOPE,SLOMSIC,SISM,bilateral,0,0,0,4,0,0,0,0,0,0,0,0,confirmed"
    ]
    assert client.get("/contracts/export.csv?season=2026/27&nmo=NOPE").status_code == 404
    client.post("/logout")
    # CROMSIC's officer sees none of Italy's contracts, whatever the URL asks for.
    login(federation.national_officer)
    response = client.get("/contracts/export.csv?season=2026/27&nmo=SISM")
    assert response.get_data(as_text=True).splitlines() == [HEADER + ",status"]
    response = client.get("/contracts/export.csv?season=2026/27&nmo=AMSA")
    assert response.get_data(as_text=True).splitlines()[1:] == [
        "2026/27,SCOPE,CROMSIC,AMSA,unilateral,0,0,0,0,0,1,0,0,0,0,0,0,confirmed"
    ]


def _upload(client, text: str | bytes, name="contracts.csv", follow=False):
    data = text.encode() if isinstance(text, str) else text
    # Encoded in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), name)})
    return client.post(
        "/contracts/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        follow_redirects=follow,
    )


def test_import_creates_and_updates_contracts(client, federation, login):
    _contract(federation.home, federation.host, {7: 2}, used={7: 1})
    builders.nmo("AMSA", "AT", "Austria")
    db.session.commit()
    login(federation.national_officer)
    text = "\ufeff" + "\r\n".join(
        [
            HEADER,
            "2026/27,SCOPE,CROMSIC,SLOMSIC,bilateral,0,0,0,1,3,0,0,0,0,0,0,0",
            "2026/27,SCOPE,SLOMSIC,CROMSIC,bilateral,0,0,0,1,3,0,0,0,0,0,0,0",
            "",
            "2026/27,scope,AMSA,CROMSIC,Unilateral,1,,,,,,,,,,,2",
        ]
    )
    response = _upload(client, text, follow=True)
    assert "Imported: 2 created, 1 updated, 0 unchanged." in response.get_data(as_text=True)
    assert _all_contracts() == {
        ("2026/27", "SCOPE", "CROMSIC", "SLOMSIC"): ("bilateral", {7: (1, 1), 8: (3, 0)}),
        ("2026/27", "SCOPE", "SLOMSIC", "CROMSIC"): ("bilateral", {7: (1, 0), 8: (3, 0)}),
        ("2026/27", "SCOPE", "AMSA", "CROMSIC"): ("unilateral", {4: (1, 0), 3: (2, 0)}),
    }


def test_import_with_bad_rows_imports_nothing_and_lists_each_line(client, federation, login):
    _contract(federation.home, federation.host, {7: 2}, used={7: 2})
    builders.nmo("AMSA", "AT", "Austria")
    builders.nmo("SISM", "IT", "Italy")
    builders.nmo("SCOREONLY", "FR", "France", programs=("SCORE",))
    db.session.commit()
    before = _all_contracts()
    login(federation.national_officer)
    text = "\n".join(
        [
            HEADER,  # 1
            "2026/27,SCOPE,CROMSIC,AMSA,bilateral,0,0,0,1,0,0,0,0,0,0,0,0",  # 2: good
            "2026/27,SCOPE,CROMSIC,NOWHERE,bilateral,0,0,0,1,0,0,0,0,0,0,0,0",  # 3
            "2031/32,SCOPEX,CROMSIC,AMSA,both,0,0,0,1,0,0,0,0,0,0,0,0",  # 4
            "2026/27,SCOPE,SLOMSIC,CROMSIC,bilateral,0,0,0,-1,x,0,0,0,0,0,0,0",  # 5
            "2026/27,SCOPE,AMSA,SISM,bilateral,0,0,0,1,0,0,0,0,0,0,0,0",  # 6
            "2026/27,SCOPE,CROMSIC,AMSA,bilateral,0,0,0,2,0,0,0,0,0,0,0,0",  # 7
            "2026/27,SCOPE,CROMSIC,SLOMSIC,bilateral,0,0,0,1,0,0,0,0,0,0,0,0",  # 8
            "2026/27,SCOPE,CROMSIC,CROMSIC,bilateral,0,0,0,1,0,0,0,0,0,0,0,0",  # 9
            "2026/27,SCOPE,CROMSIC,SCOREONLY,bilateral,0,0,0,1,0,0,0,0,0,0,0,0",  # 10
            "2026/27,SCOPE,CROMSIC",  # 11
        ]
    )
    response = _upload(client, text)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nothing was imported: the file has 12 errors." in page
    table = re.search(r'<table[^>]*id="import-errors">(.*?)</table>', page, re.S).group(1)
    errors = [
        (int(line), reason)
        for line, reason in re.findall(r"<tr><td>(\d+)</td><td>(.*?)</td></tr>", table)
    ]
    assert errors == [
        (3, "Unknown NMO code “NOWHERE” (host)."),
        (4, "Unknown season “2031/32” (write it like 2026/27)."),
        (4, "Unknown program “SCOPEX”: use SCOPE or SCORE."),
        (4, "Unknown kind “both”: use bilateral or unilateral."),
        (5, "July: slots cannot be negative (-1)."),
        (5, "August: “x” is not a whole number of slots."),
        (
            6,
            "You may not manage SCOPE contracts between AMSA and SISM: neither is your NMO.",
        ),
        (7, "Same season, program, sending and host NMO as line 2."),
        (8, "July has 2 nominations; it cannot go below 2."),
        (9, "The sending and the host NMO must be two different NMOs."),
        (10, "SCOREONLY does not take part in SCOPE."),
        (11, "Expected 17 columns, found 3."),
    ]
    assert _all_contracts() == before, "nothing imported, not even the good line 2"


def test_import_refuses_a_wrong_header_a_large_or_non_utf8_file(client, federation, login):
    login(federation.admin)
    page = _upload(client, "a,b,c\n1,2,3\n").get_data(as_text=True)
    assert "The first line must be the header" in page
    page = _upload(client, HEADER.encode() + b"\n2026/27,SCOPE,\xe9,X").get_data(as_text=True)
    assert "The file is not UTF-8 text" in page
    page = _upload(client, HEADER + "\n" + "x" * (1024 * 1024)).get_data(as_text=True)
    assert "the limit is 1,000,000 bytes." in page
    page = _upload(client, HEADER + "\n").get_data(as_text=True)
    assert "The file has no contracts after its header." in page
    assert db.session.scalar(select(func.count(Contract.id))) == 0


def test_semicolon_separated_file_is_read_too(client, federation, login):
    login(federation.admin)
    # A contract needs a slot (issue 8): one in July.
    text = HEADER.replace(",", ";") + "\n2026/27;SCOPE;CROMSIC;SLOMSIC;bilateral;0;0;0;1" + ";0" * 8
    response = _upload(client, text, follow=True)
    assert "Imported: 1 created, 0 updated, 0 unchanged." in response.get_data(as_text=True)


def test_exported_file_imports_again_unchanged(client, federation, partners, login):
    login(federation.admin)
    exported = client.get("/contracts/export.csv?season=2026/27").get_data()
    before = _all_contracts()
    response = _upload(client, exported, follow=True)
    assert "Imported: 0 created, 0 updated, 5 unchanged." in response.get_data(as_text=True)
    assert _all_contracts() == before

    # And into a federation without those contracts, the same file makes the same ones.
    db.session.execute(ContractSlot.__table__.delete())
    db.session.execute(Contract.__table__.delete())
    db.session.commit()
    response = _upload(client, exported, follow=True)
    assert "Imported: 5 created, 0 updated, 0 unchanged." in response.get_data(as_text=True)
    # An import proposes (issue 8): the partners confirm the five, as the exported were.
    db.session.execute(update(Contract).values(status=ContractStatus.CONFIRMED))
    db.session.commit()
    assert client.get("/contracts/export.csv?season=2026/27").get_data() == exported


def test_absurd_slot_numbers_get_a_message_not_an_error_page(client, federation, login):
    login(federation.national_officer)
    text = "\n".join(
        [
            HEADER,
            "2026/27,SCOPE,CROMSIC,SLOMSIC,unilateral,0,0,0,99999999999999999999,0,0,0,0,0,0,0,0",
        ]
    )
    response = _upload(client, text)
    assert response.status_code == 200
    assert "is not a whole number of slots" in response.get_data(as_text=True)
    assert _all_contracts() == {}
