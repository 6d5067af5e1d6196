"""Enrichment endpoints: participants, users, groups, panelists, polls, Q&A, summaries, surveys."""

from __future__ import annotations


def _by_kind(api):
    meetings = api.all_meetings()
    internal = next(m for m in meetings if m["meeting_type"] == "internal" and m["type"] == 2)
    webinar = next(m for m in meetings if m["type"] in (5, 6, 9))
    external = next(m for m in meetings if m["meeting_type"] == "external")
    return internal, webinar, external


def test_past_meeting_details(api):
    internal, _, external = _by_kind(api)
    body = api.get(f"/past_meetings/{api.encode(internal['uuid'])}").json()
    assert (body["uuid"], body["id"], body["host_id"]) == (
        internal["uuid"],
        internal["id"],
        internal["host_id"],
    )
    assert body["participants_count"] >= 2 and "has_meeting_summary" in body
    assert api.get(f"/past_meetings/{api.encode(external['uuid'])}").status_code == 404


def test_participants_in_three_flavours_with_pages(api):
    internal, _, _ = _by_kind(api)
    uuid = api.encode(internal["uuid"])
    for path in (
        f"/past_meetings/{uuid}/participants",
        f"/report/meetings/{uuid}/participants",
        f"/metrics/meetings/{uuid}/participants",
    ):
        params = {"page_size": 2}
        if path.startswith("/metrics"):
            params["type"] = "past"
        people = []
        while True:
            body = api.get(path, **params).json()
            people += body["participants"]
            if not body["next_page_token"]:
                break
            params["next_page_token"] = body["next_page_token"]
        assert len(people) == body["total_records"] >= 3


def test_dashboard_participants_carry_optional_archiving(api):
    internal, _, _ = _by_kind(api)
    response = api.get(
        f"/metrics/meetings/{api.encode(internal['uuid'])}/participants", type="past"
    )
    assert response.headers["X-RateLimit-Category"] == "Heavy"
    values = {p["optional_archiving"] for p in response.json()["participants"]}
    assert values >= {"no optional archiving", "join with archiving"}
    assert values <= {"no optional archiving", "join with archiving", "join without archiving"}


def test_dashboard_is_business_plan_only(zoom_simulator_factory, api_factory):
    api = api_factory(zoom_simulator_factory(plan="pro"))
    internal, _, _ = _by_kind(api)
    response = api.get(
        f"/metrics/meetings/{api.encode(internal['uuid'])}/participants", type="past"
    )
    assert (response.status_code, response.json()["code"]) == (400, 200)


def test_external_users_have_blank_emails(api):
    _, _, external = _by_kind(api)
    people = api.get(f"/past_meetings/{api.encode(external['uuid'])}/participants").json()
    outsiders = [p for p in people["participants"] if not p["internal_user"]]
    insiders = [p for p in people["participants"] if p["internal_user"]]
    assert outsiders and insiders
    assert any(p["user_email"] == "" for p in outsiders)
    assert all(p["user_email"] for p in insiders)


def test_users_and_groups(api):
    users = api.get("/users", page_size=3)
    body = users.json()
    assert body["total_records"] >= 8 and len(body["users"]) == 3 and body["next_page_token"]
    assert users.headers["X-RateLimit-Category"] == "Medium"
    first = body["users"][0]
    detail = api.get(f"/users/{first['id']}").json()
    assert detail["email"] == first["email"] and detail["account_id"] == api.sim.account_id
    assert api.get(f"/users/{first['email']}").json()["id"] == first["id"]
    missing = api.get("/users/nobody")
    assert (missing.status_code, missing.json()["code"]) == (404, 1001)
    groups = api.get("/groups").json()["groups"]
    assert {g["name"] for g in groups} >= {"Trading", "Compliance"}
    assert first["group_ids"][0] in [g["id"] for g in groups]


def test_webinar_endpoints_and_panelists(api):
    _, webinar, _ = _by_kind(api)
    uuid = api.encode(webinar["uuid"])
    panelists = api.get(f"/webinars/{webinar['id']}/panelists").json()
    assert panelists["total_records"] == len(panelists["panelists"]) >= 1
    assert api.get(f"/past_webinars/{uuid}/participants").status_code == 200
    assert api.get(f"/report/webinars/{uuid}/participants").status_code == 200
    assert api.get(f"/metrics/webinars/{uuid}/participants", type="past").status_code == 200
    wrong = api.get(f"/past_meetings/{uuid}/participants")
    assert (wrong.status_code, wrong.json()["code"]) == (404, 3001)


def test_polls_definitions_and_results(api):
    internal, webinar, _ = _by_kind(api)
    for kind, past, meeting in (
        ("meetings", "past_meetings", internal),
        ("webinars", "past_webinars", webinar),
    ):
        polls = api.get(f"/{kind}/{meeting['id']}/polls").json()
        assert polls["total_records"] == 1
        question = polls["polls"][0]["questions"][0]
        assert question["type"] == "single" and question["answers"]
        results = api.get(f"/{past}/{api.encode(meeting['uuid'])}/polls").json()
        assert results["uuid"] == meeting["uuid"]
        detail = results["questions"][0]["question_details"][0]
        assert detail["polling_id"] == polls["polls"][0]["id"]
        assert detail["answer"]


def test_qa_surveys_and_summaries(api):
    internal, webinar, external = _by_kind(api)
    qa = api.get(f"/past_webinars/{api.encode(webinar['uuid'])}/qa").json()
    assert qa["questions"] and qa["questions"][0]["question_details"][0]["question"]
    survey = api.get(f"/webinars/{webinar['id']}/survey").json()
    assert survey["custom_survey"]["questions"] and "show_in_the_follow_up_email" in survey
    report = api.get(f"/report/meetings/{api.encode(internal['uuid'])}/survey").json()
    assert report["meeting_uuid"] == internal["uuid"] and report["survey_answers"]
    summary = api.get(f"/meetings/{api.encode(internal['uuid'])}/meeting_summary").json()
    assert summary["meeting_uuid"] == internal["uuid"]
    for key in (
        "summary_start_time",
        "summary_end_time",
        "summary_created_time",
        "summary_last_modified_time",
        "summary_overview",
        "next_steps",
    ):
        assert summary[key]
    listed = api.get("/meetings/meeting_summaries", **api.WEEK_1).json()["summaries"]
    assert internal["uuid"] in [s["meeting_uuid"] for s in listed]
    assert api.get(f"/meetings/{api.encode(external['uuid'])}/meeting_summary").status_code == 404


def test_enrichment_scopes_are_enforced(zoom_simulator_factory, api_factory):
    api = api_factory(
        zoom_simulator_factory(granted_scopes=["archiving:read:list_archived_files:admin"])
    )
    internal, _, _ = _by_kind(api)
    response = api.get(f"/report/meetings/{api.encode(internal['uuid'])}/participants")
    assert response.status_code == 400
    assert "report:read:list_meeting_participants:admin" in response.json()["message"]


def test_survey_reports_are_heavy(zoom_simulator_factory, api_factory):
    api = api_factory(zoom_simulator_factory(heavy_survey_reports=True))
    internal, webinar, _ = _by_kind(api)
    for path in (
        f"/report/meetings/{api.encode(internal['uuid'])}/survey",
        f"/report/webinars/{api.encode(webinar['uuid'])}/survey",
    ):
        response = api.get(path)
        assert response.status_code == 200
        assert response.headers["X-RateLimit-Category"] == "Heavy"


def test_the_summary_endpoint_serves_webinars_too(api):
    _, webinar, _ = _by_kind(api)
    summary = api.get(f"/meetings/{api.encode(webinar['uuid'])}/meeting_summary")
    assert summary.status_code == 200
    assert summary.json()["meeting_uuid"] == webinar["uuid"] and summary.json()["summary_overview"]
    listed = api.get("/meetings/meeting_summaries", **api.WEEK_1).json()["summaries"]
    listed += api.get("/meetings/meeting_summaries", **api.WEEK_2).json()["summaries"]
    assert webinar["uuid"] in {s["meeting_uuid"] for s in listed}


def test_past_webinar_data_comes_from_its_documented_endpoints(zoom_simulator_factory, api_factory):
    scopes = [
        "archiving:read:list_archived_files:admin",
        "webinar:read:admin",
        "report:read:admin",
        "meeting:read:admin",
    ]
    api = api_factory(zoom_simulator_factory(granted_scopes=scopes))
    internal, webinar, _ = _by_kind(api)
    details = api.get(f"/webinars/{webinar['id']}").json()
    assert (details["uuid"], details["topic"], details["host_id"]) == (
        webinar["uuid"],
        webinar["topic"],
        webinar["host_id"],
    )
    report = api.get(f"/report/webinars/{api.encode(webinar['uuid'])}")
    assert report.headers["X-RateLimit-Category"] == "Heavy"
    assert report.json()["participants_count"] >= 2 and report.json()["uuid"] == webinar["uuid"]
    instances = api.get(f"/past_webinars/{webinar['id']}/instances").json()["webinars"]
    assert {"uuid": webinar["uuid"], "start_time": webinar["start_time"]} in instances
    absentees = api.get(f"/past_webinars/{api.encode(webinar['uuid'])}/absentees").json()
    assert absentees["registrants"] == [] and absentees["total_records"] == 0
    meeting_instances = api.get(f"/past_meetings/{internal['id']}/instances").json()["meetings"]
    assert internal["uuid"] in {i["uuid"] for i in meeting_instances}
    assert api.get(f"/webinars/{internal['id']}").status_code == 404


def test_survey_reports_are_medium_while_compatible(api):
    internal, _, _ = _by_kind(api)
    response = api.get(f"/report/meetings/{api.encode(internal['uuid'])}/survey")
    assert response.headers["X-RateLimit-Category"] == "Medium"
