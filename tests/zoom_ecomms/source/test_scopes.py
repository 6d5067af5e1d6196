"""Which scopes each enabled feature needs, and what `check` reports as missing."""

from __future__ import annotations

from core.config import Secret
from plugins.zoom_ecomms.config import ZoomConfig
from plugins.zoom_ecomms.scopes import FEATURE_SCOPES, enabled_features, missing_scopes

ALL = {s for scopes in FEATURE_SCOPES.values() for s in scopes}


def config(**kw) -> ZoomConfig:
    return ZoomConfig(account_id="a", client_id="c", client_secret=Secret("s"), **kw)


def test_every_scope_granted_means_nothing_missing():
    assert missing_scopes(config(delete_mode=True), ALL) == {}


def test_missing_poll_scope_is_reported_under_polls_only():
    granted = ALL - {"meeting:read:list_poll_results:admin"}
    assert missing_scopes(config(), granted) == {"Polls": ["meeting:read:list_poll_results:admin"]}


def test_disabled_optional_feature_needs_no_scopes():
    granted = ALL - set(FEATURE_SCOPES["Q&A"]) - set(FEATURE_SCOPES["Surveys"])
    cfg = config(content=["chat", "polls", "summary"])
    assert missing_scopes(cfg, granted) == {}
    assert "Q&A" in missing_scopes(config(), granted)


def test_dashboard_scopes_only_required_on_business_plan():
    granted = ALL - set(FEATURE_SCOPES["Optional-archiving metadata"])
    assert "Optional-archiving metadata" not in enabled_features(config(plan="pro"))
    assert missing_scopes(config(plan="pro"), granted) == {}
    assert list(missing_scopes(config(plan="business"), granted)) == ["Optional-archiving metadata"]


def test_delete_mode_accepts_the_granular_or_the_classic_scope():
    granted = ALL - {"archiving:delete:archived_files:admin"}
    assert missing_scopes(config(delete_mode=True), granted) == {
        "Deleting archived files": ["archiving:delete:archived_files:admin"]
    }
    assert missing_scopes(config(delete_mode=True), granted | {"recording:write:admin"}) == {}
    # the user-level classic scope does not cover deleting an account's archives
    assert missing_scopes(config(delete_mode=True), granted | {"recording:write"}) != {}


def test_auto_delete_and_dashboards_accept_every_documented_form():
    patch = "archiving:update:archived_file_auto_delete_status:admin"
    for classic in ("recording:write:admin", "recording:write"):
        assert missing_scopes(config(), ALL - {patch} | {classic}) == {}
    dashboards = set(FEATURE_SCOPES["Optional-archiving metadata"])
    both = {"dashboard_meetings:read:admin", "dashboard_webinars:read:admin"}
    assert missing_scopes(config(), ALL - dashboards | both) == {}
    assert missing_scopes(config(), ALL - dashboards | {"dashboard:read:admin"}) == {}
    assert list(missing_scopes(config(), ALL - dashboards | {"dashboard_meetings:read:admin"})) == [
        "Optional-archiving metadata"
    ]


CLASSIC_APP = {
    "recording:read:admin", "recording:write:admin", "user:read:admin", "meeting:read:admin",
    "webinar:read:admin", "report:read:admin", "dashboard:read:admin", "group:read:admin",
}  # fmt: skip


def test_missing_scopes_are_named_in_the_form_the_app_uses():
    classic = missing_scopes(config(delete_mode=True), CLASSIC_APP)
    assert classic == {"AI Companion summary": ["meeting_summary:read:admin"]}
    granular = missing_scopes(config(), ALL - {"meeting:read:summary:admin"})
    assert granular == {"AI Companion summary": ["meeting:read:summary:admin"]}
    lacking = missing_scopes(config(), CLASSIC_APP - {"report:read:admin"} | {"marketplace:x:y"})
    assert lacking["Participant information"] == ["report:read:admin"]
    assert lacking["Surveys"] == ["report:read:admin"]


def test_classic_scope_covers_its_granular_scopes():
    granted = ALL - {"archiving:read:list_archived_files:admin"}
    assert "Archiving API" in missing_scopes(config(), granted)
    assert missing_scopes(config(), granted | {"recording:read:admin"}) == {}
