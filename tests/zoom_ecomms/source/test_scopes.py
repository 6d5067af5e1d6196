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


def test_delete_mode_needs_one_recording_write_scope():
    granted = ALL - {"recording:write", "recording:write:admin"}
    assert missing_scopes(config(delete_mode=True), granted) == {
        "Deleting archived files": ["recording:write", "recording:write:admin"]
    }
    assert missing_scopes(config(delete_mode=True), granted | {"recording:write:admin"}) == {}


def test_classic_scope_covers_its_granular_scopes():
    granted = ALL - {"archiving:read:list_archived_files:admin"}
    assert "Archiving API" in missing_scopes(config(), granted)
    assert missing_scopes(config(), granted | {"recording:read:admin"}) == {}
