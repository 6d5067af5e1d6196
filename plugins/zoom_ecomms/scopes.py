"""Which Zoom scopes each feature needs (DESIGN §4.2) and which of them a token lacks.

Every feature's scopes are accepted in both forms Zoom documents: the granular ones (new
Server-to-Server apps) and the classic ones (older apps) that cover them, e.g. deleting
archived files needs ``archiving:delete:archived_files:admin`` *or* ``recording:write:admin``.
What is missing is named in the form the app uses: classic names for an app whose token
carries only classic scopes, granular names otherwise.

The simulator keeps its own table (``ecomms_zoom_simulator/scopes.py``) on purpose: it plays
Zoom, so it must stay independent of the connector's reading of the docs; a connector mistake
then shows up as a test failure instead of being mirrored by the simulator.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.protocols import Finding
from plugins.zoom_ecomms.config import ZoomConfig

__all__ = [
    "CLASSIC_EQUIVALENTS",
    "FEATURE_SCOPES",
    "enabled_features",
    "missing_scopes",
    "scope_findings",
]

FEATURE_SCOPES: dict[str, tuple[str, ...]] = {
    "Participant information": (
        "user:read:user:admin",
        "user:read:list_users:admin",
        "webinar:read:list_panelists:admin",
        "meeting:read:list_past_participants:admin",
        "webinar:read:list_past_participants:admin",
        "report:read:list_meeting_participants:admin",
        "report:read:list_webinar_participants:admin",
        "meeting:read:past_meeting:admin",
    ),
    "Optional-archiving metadata": (
        "dashboard:read:list_meeting_participants:admin",
        "dashboard:read:list_webinar_participants:admin",
    ),
    "Archiving API": ("archiving:read:list_archived_files:admin",),
    "Groups": ("group:read:list_groups:admin",),
    "Auto-delete status": ("archiving:update:archived_file_auto_delete_status:admin",),
    "Polls": (
        "meeting:read:list_polls:admin",
        "webinar:read:list_polls:admin",
        "meeting:read:list_poll_results:admin",
        "webinar:read:list_past_polls:admin",
    ),
    "Q&A": ("meeting:read:past_qa:admin", "webinar:read:past_qa:admin"),
    "AI Companion summary": ("meeting:read:list_summaries:admin", "meeting:read:summary:admin"),
    "Surveys": (
        "meeting:read:survey:admin",
        "webinar:read:survey:admin",
        "report:read:meeting_survey:admin",
        "report:read:webinar_survey:admin",
    ),
    "Deleting archived files": ("archiving:delete:archived_files:admin",),
}

# A classic ("macro") scope granted to older apps satisfies the granular ones it covers.
_CLASSIC: dict[str, tuple[str, ...]] = {
    "user:read:admin": ("user:read:user:admin", "user:read:list_users:admin"),
    "webinar:read:admin": (
        "webinar:read:list_panelists:admin",
        "webinar:read:list_past_participants:admin",
        "webinar:read:list_polls:admin",
        "webinar:read:list_past_polls:admin",
        "webinar:read:past_qa:admin",
        "webinar:read:survey:admin",
    ),
    "meeting:read:admin": (
        "meeting:read:list_past_participants:admin",
        "meeting:read:past_meeting:admin",
        "meeting:read:list_polls:admin",
        "meeting:read:list_poll_results:admin",
        "meeting:read:past_qa:admin",
        "meeting:read:survey:admin",
    ),
    "report:read:admin": (
        "report:read:list_meeting_participants:admin",
        "report:read:list_webinar_participants:admin",
        "report:read:meeting_survey:admin",
        "report:read:webinar_survey:admin",
    ),
    "dashboard:read:admin": (
        "dashboard:read:list_meeting_participants:admin",
        "dashboard:read:list_webinar_participants:admin",
    ),
    "dashboard_meetings:read:admin": ("dashboard:read:list_meeting_participants:admin",),
    "dashboard_webinars:read:admin": ("dashboard:read:list_webinar_participants:admin",),
    "recording:read:admin": ("archiving:read:list_archived_files:admin",),
    "recording:write:admin": (
        "archiving:update:archived_file_auto_delete_status:admin",
        "archiving:delete:archived_files:admin",
    ),
    "recording:write": ("archiving:update:archived_file_auto_delete_status:admin",),
    "group:read:admin": ("group:read:list_groups:admin",),
    "meeting_summary:read:admin": (
        "meeting:read:list_summaries:admin",
        "meeting:read:summary:admin",
    ),
}

CLASSIC_EQUIVALENTS: dict[str, frozenset[str]] = {}
for _classic, _granular in _CLASSIC.items():
    for _scope in _granular:
        CLASSIC_EQUIVALENTS.setdefault(_scope, frozenset())
        CLASSIC_EQUIVALENTS[_scope] = CLASSIC_EQUIVALENTS[_scope] | {_classic}

_CONTENT_FEATURES = {
    "polls": "Polls",
    "qa": "Q&A",
    "summary": "AI Companion summary",
    "surveys": "Surveys",
}


def enabled_features(config: ZoomConfig) -> list[str]:
    """Return the features (keys of :data:`FEATURE_SCOPES`) that ``config`` enables."""
    features = ["Participant information", "Archiving API", "Groups", "Auto-delete status"]
    if config.plan == "business":
        features.insert(1, "Optional-archiving metadata")
    features += [_CONTENT_FEATURES[c] for c in config.content if c in _CONTENT_FEATURES]
    if config.delete_mode:
        features.append("Deleting archived files")
    return features


def _satisfied(scope: str, granted: frozenset[str]) -> bool:
    if scope in granted:
        return True
    return bool(CLASSIC_EQUIVALENTS.get(scope, frozenset()) & granted)


def _is_classic_app(granted: frozenset[str]) -> bool:
    """True when the token carries classic scopes and no granular ones (``marketplace:*``
    scopes Zoom adds for event subscriptions aside)."""
    own = {s for s in granted if not s.startswith("marketplace:")}
    return bool(own & set(_CLASSIC)) and not own & set(CLASSIC_EQUIVALENTS)


def _preference(classic: str) -> tuple[bool, int, str]:
    return (not classic.endswith(":admin"), len(_CLASSIC[classic]), classic)


def _named(scope: str, classic_app: bool) -> list[str]:
    """How to name a missing ``scope`` for the app: its classic equivalent for a classic
    app (an account-level one, the narrowest), else the granular name."""
    if classic_app and scope in CLASSIC_EQUIVALENTS:
        return [min(CLASSIC_EQUIVALENTS[scope], key=_preference)]
    return [scope]


def missing_scopes(config: ZoomConfig, granted: Iterable[str]) -> dict[str, list[str]]:
    """Map each enabled feature to the scopes ``granted`` lacks (features lacking none omitted).

    A scope counts as granted when the token holds it or a classic scope covering it. The
    names are in the form the app uses (module docstring).
    """
    have = frozenset(granted)
    classic_app = _is_classic_app(have)
    result: dict[str, list[str]] = {}
    for feature in enabled_features(config):
        lacking = [s for s in FEATURE_SCOPES[feature] if not _satisfied(s, have)]
        if lacking:
            named = [n for s in lacking for n in _named(s, classic_app)]
            result[feature] = list(dict.fromkeys(named))
    return result


def scope_findings(component: str, config: ZoomConfig, granted: Iterable[str]) -> list[Finding]:
    """One failed finding per enabled feature lacking scopes, or one passed finding."""
    missing = missing_scopes(config, granted)
    if not missing:
        return [
            Finding(
                component=component,
                check="scopes",
                ok=True,
                detail="every enabled feature has its scopes",
            )
        ]
    return [
        Finding(
            component=component,
            check=f"scopes: {feature}",
            ok=False,
            detail="missing " + " ".join(scopes),
            action="add them to the app and re-authorize",
        )
        for feature, scopes in missing.items()
    ]
