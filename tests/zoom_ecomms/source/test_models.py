"""The typed Zoom boundary: every response the simulator serves decodes with its model;
the models are lenient where Zoom is loose and name the JSON path where a body is wrong."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import quote

import httpx
import pytest

from core.errors import PayloadError
from plugins.zoom_ecomms import models as m
from tests.fixtures.zoom_simulator import mint_token

WEEKS = [
    ("2026-10-01T00:00:00Z", "2026-10-08T00:00:00Z"),
    ("2026-10-08T00:00:00Z", "2026-10-15T00:00:00Z"),
]
WEEK = {"from": WEEKS[0][0], "to": WEEKS[0][1]}


def _enc(uuid: str) -> str:
    return quote(quote(uuid, safe=""), safe="")


def _meetings(sim, get) -> list[m.ArchiveMeeting]:
    found = []
    for start, end in WEEKS:
        page = m.decode(
            m.ArchiveFilesPage,
            get("/archive_files", params={"from": start, "to": end, "page_size": 300}).content,
            "GET /archive_files",
        )
        found += [m.decode(m.ArchiveMeeting, raw, "meeting") for raw in page.meetings]
    return found


def _lookups(meeting: m.ArchiveMeeting) -> list[tuple[str, type, dict]]:
    uuid, kind = _enc(meeting.uuid), "webinars" if meeting.is_webinar else "meetings"
    past = "past_webinars" if meeting.is_webinar else "past_meetings"
    calls = [
        (f"/{past}/{uuid}/participants", m.PastParticipantsPage, {}),
        (f"/report/{kind}/{uuid}/participants", m.ReportParticipantsPage, {}),
        (f"/metrics/{kind}/{uuid}/participants", m.DashboardParticipantsPage, {"type": "past"}),
        (f"/{past}/{uuid}/polls", m.PollResults, {}),
        (f"/{past}/{uuid}/qa", m.QaResults, {}),
        (f"/report/{kind}/{uuid}/survey", m.SurveyReport, {}),
        (f"/meetings/{uuid}/meeting_summary", m.MeetingSummary, {}),
        (f"/past_meetings/{uuid}/archive_files", m.ArchiveMeeting, {}),
    ]
    if not meeting.is_webinar:
        calls.append((f"/past_meetings/{uuid}", m.PastMeeting, {}))
    if meeting.number:
        calls += [
            (f"/{kind}/{meeting.number}/polls", m.PollList, {}),
            (f"/{kind}/{meeting.number}/survey", m.SurveyDefinition, {}),
        ]
        if meeting.is_webinar:
            calls.append((f"/webinars/{meeting.number}/panelists", m.PanelistList, {}))
    if meeting.host_id:
        calls.append((f"/users/{meeting.host_id}", m.User, {}))
    return calls


def test_every_response_the_simulator_serves_decodes(zoom_simulator):
    sim = zoom_simulator
    token = mint_token(sim)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=sim.api_base_url, headers=headers) as http:
        decoded = _decode_everything(sim, http)
    for model in (m.PastParticipantsPage, m.ReportParticipantsPage, m.PollResults, m.User):
        assert decoded.get(model), f"the simulator served no {model.__name__}"


def _decode_everything(sim, http: httpx.Client) -> dict[type, int]:
    decoded: dict[type, int] = {}

    def check(path: str, model: type, params: dict | None = None) -> None:
        response = http.get(path, params=params)
        if response.status_code == 200:
            m.decode(model, response.content, f"GET {path}")
            decoded[model] = decoded.get(model, 0) + 1
        else:  # a refusal is a Zoom error body
            assert m.decode(m.ZoomError, response.content, path).code

    meetings = _meetings(sim, http.get)
    assert meetings and any(x.is_webinar for x in meetings)
    for meeting in meetings:
        for path, model, params in _lookups(meeting):
            check(path, model, params)
    check("/archive_files/statistics", m.ArchiveStatistics, WEEK)
    check("/meetings/meeting_summaries", m.SummaryList, WEEK)
    check("/users", m.UsersPage, {"page_size": 300})
    check("/groups", m.GroupsPage, {"page_size": 300})
    groups = m.decode(m.GroupsPage, http.get("/groups").content, "groups").groups
    check(f"/groups/{groups[0].id}/members", m.GroupMembersPage)
    token_body = httpx.post(
        sim.oauth_token_url,
        data={"grant_type": "account_credentials", "account_id": sim.account_id},
        auth=(sim.client_id, sim.client_secret),
    ).content
    assert m.decode(m.TokenResponse, token_body, "token").expires_in > 0
    return decoded


def test_both_webhook_bodies_decode(zoom_simulator):
    bodies: list[bytes] = []

    class Catch(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
            reply = json.loads(bodies[-1]).get("payload", {}).get("plainToken", "")
            data = json.dumps({"plainToken": reply, "encryptedToken": ""}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            return

    server = HTTPServer(("127.0.0.1", 0), Catch)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        zoom_simulator.send_webhook(url)
        zoom_simulator.validate_webhook_url(url)
    finally:
        server.shutdown()
        server.server_close()
    event = m.decode(m.ArchiveFilesCompleted, bodies[0], "webhook")
    assert event.event == "recording.archive_files_completed"
    assert event.payload.object is not None and event.payload.object.archive_files
    assert m.decode(m.UrlValidation, bodies[1], "webhook").payload.plain_token
    assert m.decode(m.WebhookEnvelope, bodies[1], "webhook").event == "endpoint.url_validation"


def test_external_meetings_and_undocumented_values_decode():
    raw = json.dumps(
        {
            "uuid": "ext/+==",
            "id": "",
            "meeting_type": "external",
            "complete_time": "",
            "type": 2,
            "brand_new_field": {"nested": [1, 2]},
            "archive_files": [
                {"id": "f1", "file_type": "SUBGROUP_ACTIVITY", "file_size": "1024"},
                {"id": "f2", "file_type": "TRANSCRIPT", "recording_type": "audio_transcript"},
            ],
            "physical_files": [{"file_id": "p1", "file_name": "deck.pdf", "file_size": 9}],
        }
    ).encode()
    meeting = m.decode(m.ArchiveMeeting, raw, "GET /archive_files")
    assert meeting.is_external and meeting.number is None and meeting.topic == ""
    assert meeting.archive_files[0].file_size == 1024
    assert [f.file_type for f in meeting.archive_files] == ["SUBGROUP_ACTIVITY", "TRANSCRIPT"]
    assert meeting.physical_files[0].file_name == "deck.pdf"
    assert m.zoom_time(meeting.complete_time) is None
    assert m.decode(m.ArchiveMeeting, b'{"uuid": "u", "id": 815}', "x").number == 815


def test_documented_spec_defects_are_tolerated():
    definition = m.decode(
        m.SurveyDefinition,
        b'{"custom_survey": {"questions": [{"name": "Why?", "type": "long_answer",'
        b' "answers": [], "prompts": []}]}, "third_party_survey": "https://example.test/s"}',
        "GET /meetings/1/survey",
    )
    assert definition.custom_survey is not None
    assert definition.custom_survey.questions[0].answers == []
    assert definition.third_party_survey == "https://example.test/s"
    polls = m.decode(
        m.PollList, b'{"polls": [{"questions": [{"right_answers": []}]}]}', "GET /meetings/1/polls"
    )
    assert polls.polls[0].questions[0].right_answers == []
    summary = m.decode(
        m.MeetingSummary, b'{"edited_summary": {"summary_details": "edited"}}', "summary"
    )
    assert summary.edited_summary is not None
    assert summary.edited_summary.summary_details == "edited"


def test_dashboard_fields_keep_zoom_names():
    page = m.decode(
        m.DashboardParticipantsPage,
        b'{"participants": [{"groupId": "g1", "optional_archiving": "join with archiving",'
        b' "audio_call": [{"call_number": "+1"}]}], "meeting_number": "815"}',
        "GET /metrics/meetings/x/participants",
    )
    person = page.participants[0]
    assert (person.group_id, person.optional_archiving) == ("g1", "join with archiving")
    assert person.audio_call[0].call_number == "+1"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b'{"meetings": [{"uuid": 7}]}', "`$.meetings[0].uuid`"),
        (b'{"meetings": [{"uuid": "u", "archive_files": [{"file_size": 1}]}]}', "`id`"),
        (b'{"meetings": "none"}', "`$.meetings`"),
        (b'{"meetings": [', "not valid JSON"),
        (b'{"x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested too deeply"),
        (b'{"meetings": [{"uuid": "\\ud800"}]}', "not valid JSON"),
    ],
)
def test_a_body_that_does_not_decode_names_the_endpoint_and_the_path(raw, expected):
    class Page(m.ZoomModel):
        meetings: list[m.ArchiveMeeting] = []

    with pytest.raises(PayloadError) as caught:
        m.decode(Page, raw, "GET /archive_files")
    assert caught.value.message.startswith("GET /archive_files: ")
    assert expected in caught.value.message


def test_zoom_times_parse_to_utc():
    assert m.zoom_time("2026-11-03T10:00:00Z") == datetime(2026, 11, 3, 10, tzinfo=UTC)
    assert m.zoom_time("2026-11-03T10:00:00") == datetime(2026, 11, 3, 10, tzinfo=UTC)
    assert m.zoom_time("soon") is None and m.zoom_time(None) is None


def test_every_payload_name_has_a_model():
    names = {
        "meeting", "past_meeting", "participants", "report_participants",
        "dashboard_participants", "host", "panelists", "poll_definitions", "poll_results",
        "qa", "summary", "survey_definition", "survey_report",
    }  # fmt: skip
    assert set(m.PAYLOAD_MODELS) == names
    for model in m.PAYLOAD_MODELS.values():
        if model is not m.ArchiveMeeting:
            assert isinstance(m.decode(model, b"{}", "empty"), model)
