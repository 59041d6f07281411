"""Every endpoint, requested by a visitor and by each role, answers as decided here.

A new endpoint fails this test until it is added to ACCESS: no endpoint can be added
without deciding who may use it.
"""

import pytest

from exchange.app import create_app
from exchange.auth.models import Role
from exchange.extensions import db
from tests import builders
from tests.functional.conftest import log_in

ANYONE = "anyone"
LOGGED_IN = "logged in"
ADMIN = frozenset({Role.ADMIN})
STUDENT = frozenset({Role.STUDENT})
NATIONAL_OFFICER = frozenset({Role.NATIONAL_OFFICER})
OFFICERS = frozenset({Role.NATIONAL_OFFICER, Role.LOCAL_OFFICER})

ACCESS = {
    "main.index": ANYONE,
    "registration.register": ANYONE,
    "registration.confirm": ANYONE,
    "auth.login": ANYONE,
    "auth.forgot_password": ANYONE,
    "auth.reset_password": ANYONE,
    "api.health": ANYONE,
    "auth.logout": LOGGED_IN,
    "auth.account": LOGGED_IN,
    "auth.create_token": LOGGED_IN,
    "auth.revoke_token": LOGGED_IN,
    "feeds.calendar": ANYONE,
    "privacy.download_data": LOGGED_IN,
    "privacy.erase": ADMIN,
    "feeds.start": LOGGED_IN,
    "feeds.stop": LOGGED_IN,
    "organizations.nmos": LOGGED_IN,
    "organizations.nmo": LOGGED_IN,
    "admin.users": ADMIN,
    "admin.audit_log": ADMIN,
    "admin.new_user": ADMIN,
    "admin.user": ADMIN,
    "admin.remove_role": ADMIN,
    "admin.set_active": ADMIN,
    "admin_organizations.nmos": ADMIN,
    "admin_organizations.new_nmo": ADMIN,
    "admin_organizations.edit_nmo": ADMIN,
    "admin_organizations.set_nmo_active": ADMIN,
    "admin_organizations.lcs": ADMIN,
    "admin_organizations.new_lc": ADMIN,
    "admin_organizations.edit_lc": ADMIN,
    "admin_organizations.set_lc_active": ADMIN,
    "admin_organizations.export_lcs": ADMIN,
    "admin_organizations.import_lcs": ADMIN,
    "admin_organizations.seasons": ADMIN,
    "admin_organizations.create_next_season": ADMIN,
    "admin_organizations.set_season_open": ADMIN,
    "catalogue.index": LOGGED_IN,
    "catalogue.host": LOGGED_IN,
    "applications.index": LOGGED_IN,
    "applications.export_csv": LOGGED_IN,
    "applications.export_xlsx": LOGGED_IN,
    "applications.add_note": OFFICERS | ADMIN,
    "applications.record_fee": OFFICERS | ADMIN,
    "applications.clear_fee": OFFICERS | ADMIN,
    "applications.show": LOGGED_IN,
    "applications.download_document": LOGGED_IN,
    "applications.card_of_acceptance": LOGGED_IN,
    "applications.card_of_acceptance_download": LOGGED_IN,
    "applications.certificate_download": LOGGED_IN,
    "applications.new": STUDENT,
    "applications.edit": STUDENT,
    "applications.personal": STUDENT,
    "applications.upload_document": STUDENT,
    "applications.remove_document": STUDENT,
    "applications.submit": STUDENT,
    "applications.confirm": STUDENT,
    "applications.evaluate": STUDENT,
    "applications.withdraw": STUDENT,
    "applications.nominate": NATIONAL_OFFICER,
    "applications.set_points": NATIONAL_OFFICER,
    "applications.substitute": NATIONAL_OFFICER,
    "applications.accept": OFFICERS,
    "applications.mark_arrived": OFFICERS,
    "applications.certify": OFFICERS,
    "applications.reject": OFFICERS,
    "applications.cancel": OFFICERS | ADMIN,
    "contracts.index": NATIONAL_OFFICER | ADMIN,
    "contracts.new": NATIONAL_OFFICER | ADMIN,
    "contracts.edit": NATIONAL_OFFICER | ADMIN,
    "contracts.delete": NATIONAL_OFFICER | ADMIN,
    "contracts.export": NATIONAL_OFFICER | ADMIN,
    "contracts.import_csv": NATIONAL_OFFICER | ADMIN,
    # Only the partner NMO's national officers answer a proposal (admins do not).
    "contracts.confirm": NATIONAL_OFFICER,
    "contracts.decline": NATIONAL_OFFICER,
    "contracts.roll_over": NATIONAL_OFFICER | ADMIN,
    "conditions.index": NATIONAL_OFFICER | ADMIN,
    "conditions.edit": NATIONAL_OFFICER | ADMIN,
    "placements.index": OFFICERS | ADMIN,
    "placements.new": OFFICERS | ADMIN,
    "placements.edit": OFFICERS | ADMIN,
    "placements.close": OFFICERS | ADMIN,
    "placements.reopen": OFFICERS | ADMIN,
    "placements.export": OFFICERS | ADMIN,
    "placements.import_csv": OFFICERS | ADMIN,
    "matching.index": NATIONAL_OFFICER | ADMIN,
    "matching.run": NATIONAL_OFFICER | ADMIN,
    "matching.show": NATIONAL_OFFICER | ADMIN,
    "matching.assign": NATIONAL_OFFICER | ADMIN,
    "matching.approve": NATIONAL_OFFICER | ADMIN,
    "matching.discard": NATIONAL_OFFICER | ADMIN,
    "reports.statistics": ANYONE,
    "reports.statistics_csv": ANYONE,
    # The dashboards' endpoints serve three URLs each: see RULE_ACCESS.
    "reports.dashboard": LOGGED_IN,
    "reports.data": LOGGED_IN,
    "reports.figures_csv": LOGGED_IN,
    "reports.figures_xlsx": LOGGED_IN,
    "reports.figure_csv": LOGGED_IN,
    "Health.health": ANYONE,
    "api-docs.openapi_json": ANYONE,
    "api_docs.page": ANYONE,
    "api_docs.swagger_ui_file": ANYONE,
    "NMOs.list_nmos": LOGGED_IN,
    "NMOs.get_nmo": LOGGED_IN,
    "NMOs.list_lcs": LOGGED_IN,
    "Applications.list_applications": LOGGED_IN,
    "Applications.get_application": LOGGED_IN,
    "Applications.create_draft": STUDENT,
    "Applications.submit": STUDENT,
    "Applications.confirm": STUDENT,
    "Applications.evaluate": STUDENT,
    "Applications.withdraw": STUDENT,
    "Applications.nominate": NATIONAL_OFFICER,
    "Applications.accept": OFFICERS,
    "Applications.arrive": OFFICERS,
    "Applications.certify": OFFICERS,
    "Applications.reject": OFFICERS,
    "Applications.cancel": OFFICERS | ADMIN,
    "Placements.list_placements": OFFICERS | ADMIN,
    "Placements.get_placement": OFFICERS | ADMIN,
    "Placements.create_placement": OFFICERS | ADMIN,
    "Placements.update_placement": OFFICERS | ADMIN,
    "Placements.close_placement": OFFICERS | ADMIN,
    "Contracts.list_contracts": NATIONAL_OFFICER | ADMIN,
    "Contracts.get_contract": NATIONAL_OFFICER | ADMIN,
    "Contracts.confirm_contract": NATIONAL_OFFICER,
    "Contracts.decline_contract": NATIONAL_OFFICER,
    "Conditions.list_conditions": LOGGED_IN,
    "Conditions.get_conditions": LOGGED_IN,
    "Matching.list_runs": NATIONAL_OFFICER | ADMIN,
    "Matching.create_run": NATIONAL_OFFICER | ADMIN,
    "Matching.get_run": NATIONAL_OFFICER | ADMIN,
    "Matching.assign": NATIONAL_OFFICER | ADMIN,
    "Matching.approve": NATIONAL_OFFICER | ADMIN,
    "Matching.discard": NATIONAL_OFFICER | ADMIN,
    "Reports.federation_dashboard": ADMIN,
    "Documents.list_documents": LOGGED_IN,
    "Documents.upload_document": STUDENT,
    "Documents.download_document": LOGGED_IN,
    "Reports.nmo_dashboard": NATIONAL_OFFICER | ADMIN,
    "Reports.lc_dashboard": OFFICERS | ADMIN,
}
# Where one endpoint's URLs are for different people, the URL decides: the federation's
# dashboard is the admins'; the home NMO's (CROMSIC) its national officer's; the home LC's
# its local officer's and its NMO's national officer's. Admins read all three.
RULE_ACCESS = {
    "/api/v1/reports/nmos/": NATIONAL_OFFICER | ADMIN,
    "/api/v1/reports/lcs/": OFFICERS | ADMIN,
    "/reports/nmos/": NATIONAL_OFFICER | ADMIN,
    "/reports/lcs/": OFFICERS | ADMIN,
    "/reports/": ADMIN,
}
# Files served by extensions and the assets blueprint: public by nature.
FILE_ENDPOINTS = {"static", "bootstrap.static"}
IDENTITIES = [None, *Role]


def _routes():
    app = create_app_for_listing()
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
        if rule.endpoint in FILE_ENDPOINTS or rule.endpoint.startswith("assets."):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, rule.rule, method


def create_app_for_listing():
    from config import TestingConfig

    class ListingConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = "sqlite://"

    return create_app(ListingConfig)


ROUTES = list(_routes())


def test_every_endpoint_has_a_decision():
    undecided = sorted({endpoint for endpoint, _, _ in ROUTES} - set(ACCESS))
    assert undecided == [], f"decide who may use {undecided} in ACCESS"


def _allowed(rule_access, role) -> bool:
    if rule_access == ANYONE:
        return True
    if role is None:
        return False
    return rule_access == LOGGED_IN or role in rule_access


def _url(endpoint: str, rule: str, federation) -> str:
    target = federation.student
    application = builders.application(target, federation.host)
    db.session.commit()
    values = {
        "<int:user_id>": str(target.id),
        "<int:membership_id>": str(target.memberships[0].id),
        "<code>": application.code
        if endpoint.startswith("applications.")
        else federation.host.code,
        # The home NMO: the national officer of the federation fixture is CROMSIC's.
        "<nmo_code>": federation.home.code,
        "<season_code>": "2026-27",
        "<int:placement_id>": "1",
        "<int:run_id>": "1",
        "<int:contract_id>": "1",
        "<int:nmo_id>": str(federation.host.id),
        "<int:lc_id>": str(federation.host_lc.id),
        "<int:season_id>": "1",
        "<program_code>": "SCOPE",
        "<int:document_id>": "1",
        "<token>": "not-a-real-token",
        "<figure>": "funnel",
        "<int:token_id>": "1",
        "<secret>": "0" * 64,
        "<filename>": "swagger-ui.css",
    }
    if rule.startswith("/api/v1/reports/"):  # the dashboards of the fixture's officers
        rule = rule.replace("<code>", federation.home.code)
        rule = rule.replace("<int:lc_id>", str(federation.home_lc.id))
    if rule.startswith("/reports/nmos/"):
        rule = rule.replace("<key>", federation.home.code)
    elif rule.startswith("/reports/lcs/"):
        rule = rule.replace("<key>", str(federation.home_lc.id))
    for placeholder, value in values.items():
        rule = rule.replace(placeholder, value)
    assert "<" not in rule, f"give test_access a value for {rule}"
    return rule


@pytest.mark.parametrize("identity", IDENTITIES, ids=lambda r: r.value if r else "anonymous")
@pytest.mark.parametrize(("endpoint", "rule", "method"), ROUTES)
def test_endpoint_answers_by_role(client, federation, endpoint, rule, method, identity):
    if identity is not None:
        assert log_in(client, federation.by_role(identity).email).status_code == 302
    url = _url(endpoint, rule, federation)
    response = client.open(url, method=method)
    access = next((a for prefix, a in RULE_ACCESS.items() if rule.startswith(prefix)), None)
    allowed = _allowed(access or ACCESS[endpoint], identity)
    if allowed:
        assert response.status_code < 500
        assert response.status_code not in (401, 403), response.get_data(as_text=True)[:2000]
        assert "/login?next=" not in response.headers.get("Location", "")
    elif identity is None and url.startswith("/api/"):
        assert response.status_code == 401
    elif identity is None:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")
    else:
        assert response.status_code == 403


def test_an_endpoint_without_a_decision_is_refused(app):
    from config import TestingConfig

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = "sqlite://"

    bare = create_app(Config)

    @bare.route("/forgotten")
    def forgotten():
        return "should never be seen"

    response = bare.test_client().get("/forgotten")
    assert response.status_code == 403
    assert b"should never be seen" not in response.data
    db.session.remove()
