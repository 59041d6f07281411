"""Exchange conditions through the API: what students read in the catalogue, with each
month's deadline as of today."""

from tests.functional.test_api_applications import bearer


def test_a_student_reads_the_seasons_conditions(app, world, spring):
    api, token = app.test_client(), bearer(world.student)
    page = api.get("/api/v1/conditions/?season=2026/27", headers=token)
    assert page.status_code == 200, page.get_json()
    (conditions,) = page.get_json()["items"]
    assert (conditions["nmo"], conditions["program"], conditions["season"]) == (
        "SLOMSIC",
        "SCOPE",
        "2026/27",
    )
    assert conditions["required_documents"] == ["cv"]
    july = next(d for d in conditions["deadlines"] if d["month"] == 7)
    assert july["first_day"] == "2026-07-01"
    assert july["takes_applications"] is True  # in spring, weeks before July's deadline

    one = api.get("/api/v1/conditions/SLOMSIC/scope/2026-27", headers=token)
    assert one.status_code == 200
    assert one.get_json()["deadlines"] == conditions["deadlines"]


def test_filters_narrow_the_list_and_unknown_codes_are_refused(app, world, spring):
    api, token = app.test_client(), bearer(world.student)
    none = api.get("/api/v1/conditions/?nmo=CROMSIC", headers=token).get_json()
    assert none["items"] == [] and none["total"] == 0
    refused = api.get("/api/v1/conditions/?program=NOPE", headers=token)
    assert refused.status_code == 422
    assert "program" in refused.get_json()["errors"]


def test_conditions_never_published_are_a_404(app, world, spring):
    response = app.test_client().get(
        "/api/v1/conditions/CROMSIC/SCOPE/2026-27", headers=bearer(world.student)
    )
    assert response.status_code == 404
    assert "published no SCOPE conditions" in response.get_json()["detail"]
