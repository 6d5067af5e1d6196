"""Every kind of answer the simulator serves validates against Zoom's published schemas.

The schemas are copies in ``zoom_schemas/`` (sources in its README); the only relaxations are
the documented defects of Zoom's own spec (``schemas.py``). A walk over a whole account asks
for every answer a connector can get — token, listing pages, per-meeting archives,
statistics, past meetings, the three participant lists, polls, Q&A, surveys, survey reports,
summaries, users, groups, panelists, the two webhooks and the downloaded chat JSON — and each
must validate; the walk must also have met every kind, so none is skipped silently.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from ecomms_zoom_simulator.scopes import OPERATIONS

pytestmark = pytest.mark.slow  # a minute of full accounts: scheduled first (conftest.py)

ALL_SCOPES = sorted({scope for op in OPERATIONS.values() for scope in op.scopes})
WEBINAR_TYPES = (5, 6, 9)

# Every switch at the value Zoom documents (what the defaults become once the connector
# handles it; see docs/zoom-simulator.md "Switches").
ZOOM_DOCUMENTED: dict[str, Any] = {
    "file_types": "documented",
    "unknown_endpoint_status": 400,
    "refusals": True,
    "heavy_survey_reports": True,
    "profiles": "realistic",
    "txt_layout": "mix",
}
ACCOUNTS = {
    "documented": (ZOOM_DOCUMENTED, False),
    "default": ({}, True),
    "undocumented types": ({"unknown_types": True}, True),
}
EVERY_KIND = {
    "rivet_s2s_token",
    "archive_files_list",
    "archive_files_meeting",
    "archive_files_statistics",
    "archived_chat",
    "past_meeting",
    "past_meeting_participants",
    "past_webinar_participants",
    "report_meeting_participants",
    "report_webinar_participants",
    "dashboard_meeting_participants",
    "dashboard_webinar_participants",
    "meeting_polls",
    "webinar_polls",
    "past_meeting_polls",
    "past_webinar_polls",
    "past_meeting_qa",
    "past_webinar_qa",
    "meeting_survey",
    "webinar_survey",
    "rivet_report_meeting_survey",
    "rivet_report_webinar_survey",
    "rivet_meeting_summary",
    "rivet_meeting_summaries_list",
    "users_list",
    "user_get",
    "groups_list",
    "group_members",
    "webinar_panelists",
    "rivet_webhook_archive_files_completed",
}


class Walk:
    """Asks a simulator for every kind of answer; keeps (schema, where, body) of each."""

    def __init__(self, api) -> None:
        self.api = api
        self.answers: list[tuple[str, str, Any]] = []
        self.refusals: list[tuple[str, int, Any]] = []

    def keep(self, name: str, where: str, response: httpx.Response) -> Any:
        """Keep a 200 answer under schema ``name``; note anything else as a refusal."""
        body = response.json()
        if response.status_code == 200:
            self.answers.append((name, where, body))
            return body
        self.refusals.append((where, response.status_code, body))
        return None

    def get(self, name: str, path: str, **params: Any) -> Any:
        """GET ``path`` and keep the answer under ``name``."""
        return self.keep(name, f"GET {path}", self.api.get(path, **params))

    def pages(self, name: str, path: str, key: str, **params: Any) -> list[Any]:
        """Every page of a paged list (small pages, so tokens are used); the items."""
        items: list[Any] = []
        params = {"page_size": 2, **params}
        while True:
            body = self.get(name, path, **params)
            if body is None:
                return items
            items += body[key]
            if not body.get("next_page_token"):
                return items
            params["next_page_token"] = body["next_page_token"]

    def account(self) -> None:
        """The token, the listing, statistics, summaries, users, groups."""
        token = self.api.http.post(
            self.api.sim.oauth_token_url,
            data={"grant_type": "account_credentials", "account_id": self.api.sim.account_id},
            auth=(self.api.sim.client_id, self.api.sim.client_secret),
        )
        self.keep("rivet_s2s_token", "POST /oauth/token", token)
        for week in (self.api.WEEK_1, self.api.WEEK_2):
            for meeting in self.pages("archive_files_list", "/archive_files", "meetings", **week):
                self.meeting(meeting)
            self.get("archive_files_statistics", "/archive_files/statistics", **week)
            self.pages(
                "rivet_meeting_summaries_list", "/meetings/meeting_summaries", "summaries", **week
            )
        for user in self.pages("users_list", "/users", "users"):
            self.get("user_get", f"/users/{user['id']}")
        for group in self.pages("groups_list", "/groups", "groups"):
            self.pages("group_members", f"/groups/{group['id']}/members", "members")

    def meeting(self, meeting: dict[str, Any]) -> None:
        """Everything about one meeting or webinar instance."""
        uuid = self.api.encode(meeting["uuid"])
        self.get("archive_files_meeting", f"/past_meetings/{uuid}/archive_files")
        webinar = meeting["type"] in WEBINAR_TYPES
        kind, past = ("webinar", "past_webinars") if webinar else ("meeting", "past_meetings")
        if not webinar:
            self.get("past_meeting", f"/past_meetings/{uuid}")
        self.pages(f"past_{kind}_participants", f"/{past}/{uuid}/participants", "participants")
        self.pages(
            f"report_{kind}_participants", f"/report/{kind}s/{uuid}/participants", "participants"
        )
        for flavour in ("past", "pastOne"):
            path = f"/metrics/{kind}s/{uuid}/participants"
            self.pages(f"dashboard_{kind}_participants", path, "participants", type=flavour)
        self.get(f"past_{kind}_polls", f"/{past}/{uuid}/polls")
        self.get(f"past_{kind}_qa", f"/{past}/{uuid}/qa")
        self.get(f"rivet_report_{kind}_survey", f"/report/{kind}s/{uuid}/survey")
        self.get("rivet_meeting_summary", f"/meetings/{uuid}/meeting_summary")
        if "id" in meeting:
            self.get(f"{kind}_polls", f"/{kind}s/{meeting['id']}/polls")
            self.get(f"{kind}_survey", f"/{kind}s/{meeting['id']}/survey")
            if webinar:
                self.get("webinar_panelists", f"/webinars/{meeting['id']}/panelists")
        self.files(meeting)

    def files(self, meeting: dict[str, Any]) -> None:
        """Downloaded JSON files: chat (and subgroup activity, an undocumented type)."""
        names = {"CHAT_MESSAGE": "archived_chat", "SUBGROUP_ACTIVITY": "subgroup_activity"}
        for f in meeting["archive_files"]:
            if f["file_type"] in names and f["status"] == "completed":
                self.keep(names[f["file_type"]], f"download {f['id']}", self.api.download(f))

    def webhooks(self, url: str, received: list[tuple[dict, bytes]]) -> None:
        """One archive event per meeting, and the URL validation challenge."""
        for meeting in self.api.sim.state.meetings():
            if meeting.status == "completed":
                self.api.sim.send_webhook(url, meeting_uuid=meeting.uuid)
        events = [json.loads(body) for _, body in received]
        for event in events:
            self.answers.append(("rivet_webhook_archive_files_completed", "webhook", event))
        assert self.api.sim.validate_webhook_url(url)
        challenge = json.loads(received[-1][1])
        assert challenge["event"] == "endpoint.url_validation"
        assert isinstance(challenge["event_ts"], int)
        assert isinstance(challenge["payload"]["plainToken"], str)


@pytest.mark.parametrize("account", list(ACCOUNTS))
def test_every_answer_validates_against_zoom_schemas(
    account, zoom_simulator_factory, api_factory, webhook_receiver, schemas
):
    switches, drift = ACCOUNTS[account]
    sim = zoom_simulator_factory(meetings=12, granted_scopes=ALL_SCOPES, **switches)
    walk = Walk(api_factory(sim))
    walk.account()
    walk.webhooks(*webhook_receiver(sim.webhook_secret))
    seen = {name for name, _, _ in walk.answers}
    expected = EVERY_KIND | ({"subgroup_activity"} if "unknown_types" in switches else set())
    assert seen == expected, f"kinds never answered: {sorted(expected - seen)}"
    failures = [
        f"{where} ({name}): {error}"
        for name, where, body in walk.answers
        for error in schemas.errors(name, body, enum_drift=drift)
    ]
    assert failures == [], "\n".join(failures[:40])
    for where, status, body in walk.refusals:
        assert status in (400, 404) and set(body) == {"code", "message"}, (where, status, body)


def test_undocumented_types_appear_only_where_the_account_is_told_to_serve_them(
    zoom_simulator_factory, api_factory, schemas
):
    api = api_factory(zoom_simulator_factory(meetings=6, **ZOOM_DOCUMENTED))
    for meeting in api.all_meetings():
        assert schemas.errors("archive_files_list", {"meetings": [meeting]}) == []
    drifting = api_factory(zoom_simulator_factory(meetings=6, unknown_types=True))
    types = {f["file_type"] for m in drifting.all_meetings() for f in m["archive_files"]}
    assert types - {"MP4", "M4A", "CHAT", "CC", "CHAT_MESSAGE"} == set(schemas.UNDOCUMENTED_TYPES)


def test_the_patch_body_schema_is_what_the_patch_accepts(
    zoom_simulator_factory, api_factory, schemas
):
    api = api_factory(zoom_simulator_factory(meetings=2, granted_scopes=ALL_SCOPES))
    file_id = api.all_meetings()[0]["archive_files"][0]["id"]
    url = f"{api.sim.api_base_url}/archive_files/{file_id}"
    for body in ({"auto_delete": True}, {"auto_delete": False}, {}, {"auto_delete": "yes"}, []):
        valid = not schemas.errors("archive_file_patch_body", body)
        status = api.http.patch(url, json=body, headers=api.auth).status_code
        assert status == (204 if valid else 400), body
