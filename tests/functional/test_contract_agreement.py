"""Contracts both sides agree on, partner contacts and the roll-over, through the real pages
(issue 8, points 4 to 6): the partner's waiting list with confirm and decline, the count on
its home page, the balance with proposed slots apart, the history on the edit page, who
sees whose officers, and the roll-over's preview and run."""

import io
import re

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from exchange.applications.models import Application
from exchange.applications.states import State
from exchange.audit import AuditEntry
from exchange.auth.models import Role
from exchange.conditions.models import ExchangeConditions
from exchange.contracts.forms import MONTH_KEYS
from exchange.contracts.models import Contract, ContractStatus
from exchange.extensions import db
from tests import builders
from tests.functional.steps import as_user

PROPOSED, CONFIRMED, DECLINED = (
    ContractStatus.PROPOSED,
    ContractStatus.CONFIRMED,
    ContractStatus.DECLINED,
)


def _form(sending, host, slots, kind="bilateral", mirror=False, season=None):
    data = {
        "sending_nmo_id": sending.id,
        "host_nmo_id": host.id,
        "program_id": builders.program().id,
        "season_id": (season or builders.season()).id,
        "kind": kind,
    }
    for month, key in MONTH_KEYS.items():
        data[key] = str(slots.get(month, 0))
    if mirror:
        data["mirror"] = "y"
    return data


def _contract(sending, host) -> Contract:
    return db.session.scalar(
        select(Contract)
        .where(Contract.sending_nmo_id == sending.id, Contract.host_nmo_id == host.id)
        .execution_options(populate_existing=True)
    )


def _status(contract_id: int) -> ContractStatus:
    return db.session.scalar(select(Contract.status).where(Contract.id == contract_id))


def _waiting_section(page: str) -> str | None:
    found = re.search(r'<section[^>]*id="waiting".*?</section>', page, re.S)
    return found.group(0) if found else None


def _flash(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def proposal(client, world):
    """CROMSIC's NEO proposes SLOMSIC → CROMSIC (2 in July) on the page: SLOMSIC confirms."""
    federation = world.federation
    as_user(client, world.home_neo)
    response = client.post(
        "/contracts/new",
        data=_form(federation.host, federation.home, {7: 2}),
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "The SCOPE contract SLOMSIC → CROMSIC for 2026/27 is created." in page
    assert "It is proposed to SLOMSIC: a national officer of SLOMSIC confirms or declines it." in (
        page
    )
    return _contract(federation.host, federation.home)


def _seen(contract: Contract) -> int:
    db.session.refresh(contract)
    return contract.events[-1].id


# Proposals and the partner's answer


def test_the_proposer_sees_it_waiting_and_the_partner_sees_it_to_answer(client, world, proposal):
    assert proposal.status == PROPOSED
    page = client.get("/contracts/").get_data(as_text=True)
    assert _waiting_section(page) is None, "nothing waits for CROMSIC"
    assert re.search(r'data-status="proposed">Waiting for SLOMSIC<', page)

    as_user(client, world.host_neo)
    page = client.get("/contracts/").get_data(as_text=True)
    section = _waiting_section(page)
    assert section and "Waiting for your confirmation" in section
    assert "SLOMSIC → CROMSIC" in section and "Jul 2" in section
    assert "proposed by CROMSIC" in section
    assert f'action="/contracts/{proposal.id}/confirm"' in section
    assert f'action="/contracts/{proposal.id}/decline"' in section
    assert 'name="reason"' in section, "declining asks for a reason"

    home = client.get("/").get_data(as_text=True)
    assert 'data-waiting-contracts="1"' in home
    assert re.search(r'href="/contracts/\?program=SCOPE#waiting">1 contract proposal</a>', home)


def test_the_partner_confirms_on_the_page(client, world, proposal):
    as_user(client, world.host_neo)
    response = client.post(
        f"/contracts/{proposal.id}/confirm", data={"seen": _seen(proposal)}, follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert "The SCOPE contract SLOMSIC → CROMSIC for 2026/27 is confirmed" in page
    assert _status(proposal.id) == CONFIRMED
    assert _waiting_section(page) is None
    assert "data-waiting-contracts" not in client.get("/").get_data(as_text=True)
    # The audit log has it, by whom.
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "contract_confirmed"))
    assert (entry.actor_id, entry.target) == (world.host_neo.id, f"contract {proposal.id}")


def test_declining_asks_a_reason_and_the_proposer_reads_it(client, world, proposal):
    as_user(client, world.host_neo)
    seen = _seen(proposal)
    page = _flash(
        client.post(f"/contracts/{proposal.id}/decline", data={"seen": seen}, follow_redirects=True)
    )
    assert "Say why you decline the contract" in page
    page = _flash(
        client.post(
            f"/contracts/{proposal.id}/decline",
            data={"seen": seen, "reason": "x" * 2001},
            follow_redirects=True,
        )
    )
    assert "The reason has at most 2000 characters." in page
    assert _status(proposal.id) == PROPOSED

    response = client.post(
        f"/contracts/{proposal.id}/decline",
        data={"seen": seen, "reason": "We host one student in July."},
        follow_redirects=True,
    )
    assert "is declined" in response.get_data(as_text=True)
    assert _status(proposal.id) == DECLINED

    as_user(client, world.home_neo)
    page = client.get("/contracts/").get_data(as_text=True)
    assert re.search(r'data-status="declined" title="We host one student in July.">Declined', page)
    page = client.get(f"/contracts/{proposal.id}/edit").get_data(as_text=True)
    assert "SLOMSIC declined this contract: “We host one student in July.”" in page


def test_the_proposer_and_admins_do_not_answer(client, world, proposal, login):
    seen = _seen(proposal)
    page = _flash(
        client.post(f"/contracts/{proposal.id}/confirm", data={"seen": seen}, follow_redirects=True)
    )
    assert "CROMSIC proposed the SCOPE contract SLOMSIC → CROMSIC for 2026/27" in page
    assert _status(proposal.id) == PROPOSED

    as_user(client, world.federation.admin)
    assert client.post(f"/contracts/{proposal.id}/confirm", data={"seen": seen}).status_code == 403
    assert client.post(f"/contracts/{proposal.id}/decline", data={"seen": seen}).status_code == 403
    assert _status(proposal.id) == PROPOSED


def test_a_confirmation_of_an_older_page_is_refused(client, world, proposal):
    seen = _seen(proposal)
    data = _form(world.federation.host, world.federation.home, {7: 3})
    assert client.post(f"/contracts/{proposal.id}/edit", data=data).status_code == 302

    as_user(client, world.host_neo)
    page = _flash(
        client.post(f"/contracts/{proposal.id}/confirm", data={"seen": seen}, follow_redirects=True)
    )
    assert "was changed a moment ago" in page
    assert _status(proposal.id) == PROPOSED


def test_the_edit_page_shows_the_history_and_the_partner_answers_there(client, world, proposal):
    as_user(client, world.host_neo)
    page = client.get(f"/contracts/{proposal.id}/edit").get_data(as_text=True)
    assert "it waits for SLOMSIC's confirmation" in page
    assert f'action="/contracts/{proposal.id}/confirm"' in page
    client.post(
        f"/contracts/{proposal.id}/decline",
        data={"seen": _seen(proposal), "reason": "Only one in July.", "back": "edit"},
    )
    as_user(client, world.home_neo)
    data = _form(world.federation.host, world.federation.home, {7: 1})
    client.post(f"/contracts/{proposal.id}/edit", data=data)
    as_user(client, world.host_neo)
    response = client.post(
        f"/contracts/{proposal.id}/confirm",
        data={"seen": _seen(proposal), "back": "edit"},
        follow_redirects=True,
    )

    page = response.get_data(as_text=True)
    assert "Both NMOs agree on this contract" in page
    history = re.search(r'<table[^>]*id="history">(.*?)</table>', page, re.S).group(1)
    rows = re.findall(r'<tr data-kind="(\w+)">(.*?)</tr>', history, re.S)
    assert [kind for kind, _ in rows] == ["proposed", "declined", "changed", "confirmed"]
    cells = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for _, row in rows]
    assert cells[0].startswith("15 April 2026, 09:00 UTC Proposed by CROMSIC")
    assert world.home_neo.name in cells[0] and "Jul 2" in cells[0]
    assert world.host_neo.name in cells[1] and cells[1].endswith("Only one in July.")
    assert "Changed and proposed again by CROMSIC" in cells[2] and "Jul 1" in cells[2]
    assert "Confirmed by SLOMSIC" in cells[3]


def test_editing_a_confirmed_contract_with_nominations_says_what_waits(client, world):
    federation = world.federation
    contract = _contract(federation.home, federation.host)
    contract.slots[0].used = 1  # July: one nomination holds its slot
    student = builders.user(Role.STUDENT, email="other@example.org", lc_=federation.home_lc)
    waiting = builders.application(
        student, federation.host, state=State.SUBMITTED, submitted_at=contract.created_at
    )
    db.session.commit()
    as_user(client, world.home_neo)

    response = client.post(
        f"/contracts/{contract.id}/edit",
        data=_form(federation.home, federation.host, {7: 2, 8: 1}),
        follow_redirects=True,
    )

    page = response.get_data(as_text=True)
    assert (
        "The 1 nomination already made keeps its slot; new nominations wait until SLOMSIC "
        "confirms." in page
    )
    response = client.post(
        f"/applications/{waiting.code}/nominate", data={"month": 7}, follow_redirects=True
    )
    assert (
        "The contract with SLOMSIC for SCOPE 2026/27 is not confirmed yet: SLOMSIC has to "
        "confirm it" in response.get_data(as_text=True)
    )
    state = db.session.scalar(select(Application.state).where(Application.id == waiting.id))
    assert state == State.SUBMITTED


def test_the_balance_shows_proposed_slots_apart(client, world, proposal):
    page = client.get("/contracts/").get_data(as_text=True)
    row = re.search(
        r'<tr class="[^"]*" data-partner="SLOMSIC" data-program="SCOPE">(.*?)</tr>', page, re.S
    )
    cells = re.findall(r'<td class="text-end">\s*([^<\s]+)', row.group(1))
    proposed = dict(re.findall(r'data-proposed="(\w+)">(\d+)<', row.group(1)))
    assert cells == ["2", "0", "+2", "0", "0"], "confirmed: CROMSIC sends 2, hosts none yet"
    assert proposed == {"sent": "0", "hosted": "2"}, "SLOMSIC → CROMSIC waits: 2 proposed"


def test_an_import_says_its_contracts_are_proposed(client, world):
    as_user(client, world.home_neo)
    text = "season,program,sending,host,kind,apr,may,jun,jul,aug,sep,oct,nov,dec,jan,feb,mar\n"
    text += "2026/27,SCOPE,SLOMSIC,CROMSIC,bilateral,0,0,0,1,0,0,0,0,0,0,0,0\n"
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(text.encode()), "c.csv")})
    response = client.post(
        "/contracts/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Imported: 1 created, 0 updated, 0 unchanged." in page
    assert "are proposed to the partner NMOs" in page
    assert _contract(world.federation.host, world.federation.home).status == PROPOSED


# Partner contacts


def _officer_emails(page: str) -> set[str]:
    return set(re.findall(r'data-officer="([^"]+)"', page))


def test_partners_see_each_others_national_officers(client, world):
    federation = world.federation
    as_user(client, world.home_neo)
    page = client.get("/contracts/").get_data(as_text=True)
    contacts = re.search(r'<section[^>]*id="partner-contacts".*?</section>', page, re.S).group(0)
    assert 'data-partner-contacts="SLOMSIC"' in contacts
    assert 'href="mailto:host-neo@example.org"' in contacts
    assert world.host_neo.name in contacts and "NEO of SLOMSIC" in contacts
    assert "host-leo@example.org" not in contacts, "local officers are not partner contacts"

    page = client.get("/nmos/SLOMSIC").get_data(as_text=True)
    assert _officer_emails(page) == {"host-neo@example.org"}
    assert "is a partner of your NMO" in page

    as_user(client, world.host_neo)
    assert _officer_emails(client.get("/nmos/CROMSIC").get_data(as_text=True)) == {
        "neo@example.org"
    }
    as_user(client, federation.local_officer)  # CROMSIC's LEO: an officer of the partner too
    assert _officer_emails(client.get("/nmos/SLOMSIC").get_data(as_text=True)) == {
        "host-neo@example.org"
    }


def test_other_nmos_officers_stay_hidden(client, world):
    austria = builders.nmo("AMSA", "AT", "Austria")
    stranger = builders.user(Role.NATIONAL_OFFICER, email="amsa-neo@example.org", nmo_=austria)
    builders.contract(austria, world.federation.host, season_code="2025/26")  # ended
    db.session.commit()

    for user in (stranger, world.federation.student):
        as_user(client, user)
        page = client.get("/nmos/SLOMSIC").get_data(as_text=True)
        assert _officer_emails(page) == set()
        assert "host-neo@example.org" not in page
    as_user(client, stranger)
    assert 'id="partner-contacts"' not in client.get("/contracts/").get_data(as_text=True)


def test_own_nmos_page_still_lists_all_its_officers(client, world):
    as_user(client, world.host_neo)
    page = client.get("/nmos/SLOMSIC").get_data(as_text=True)
    assert _officer_emails(page) == {"host-neo@example.org", "host-leo@example.org"}
    assert "is a partner of your NMO" not in page


# Roll-over


def test_roll_over_page_previews_then_creates_and_then_has_nothing_to_create(client, world):
    builders.season("2027/28")
    db.session.commit()
    as_user(client, world.host_neo)
    assert 'href="/contracts/rollover"' in client.get("/contracts/").get_data(as_text=True)

    page = client.get("/contracts/rollover").get_data(as_text=True)
    assert "SLOMSIC · SCOPE: from 2026/27 into 2027/28" in page
    table = re.search(r'<table[^>]*id="rollover-contracts">(.*?)</table>', page, re.S).group(1)
    assert "CROMSIC → SLOMSIC" in table and "Proposed to CROMSIC" in table
    assert "conditions are copied into 2027/28" in page
    assert 'data-skip="no"' in page
    assert "Roll over into 2027/28" in page
    assert (
        db.session.scalar(select(Contract).where(Contract.season_id != builders.season().id))
        is None
    )

    response = client.post(
        "/contracts/rollover", data={"nmo": "SLOMSIC", "program": "SCOPE", "to": "2027/28"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/contracts/?season=2027/28&program=SCOPE"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "SCOPE 2026/27 is rolled over into 2027/28: 1 contract proposed to the partners" in page
    next_season = builders.season("2027/28")
    made = db.session.scalar(select(Contract).where(Contract.season_id == next_season.id))
    assert made.status == PROPOSED
    assert db.session.scalar(
        select(ExchangeConditions).where(ExchangeConditions.season_id == next_season.id)
    )

    page = client.get("/contracts/rollover").get_data(as_text=True)
    assert "Nothing to create" in page and "Roll over into 2027/28" not in page
    assert "It exists in 2027/28 already (proposed)." in page
    response = client.post(
        "/contracts/rollover",
        data={"nmo": "SLOMSIC", "program": "SCOPE", "to": "2027/28"},
        follow_redirects=True,
    )
    assert "0 contracts proposed" in response.get_data(as_text=True)
    assert len(db.session.scalars(select(Contract)).all()) == 2

    as_user(client, world.home_neo)
    assert _waiting_section(client.get("/contracts/?season=2027/28").get_data(as_text=True))


def test_roll_over_page_without_a_next_season_says_what_to_do(client, world):
    as_user(client, world.host_neo)
    page = client.get("/contracts/rollover").get_data(as_text=True)
    assert "There is no season after 2026/27 yet: an admin creates it first" in page

    as_user(client, world.federation.admin)
    page = client.get("/contracts/rollover").get_data(as_text=True)
    assert "Pick the NMO whose season to roll over." in page
