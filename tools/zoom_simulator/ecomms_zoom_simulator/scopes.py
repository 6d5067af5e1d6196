"""Scopes and rate labels of every operation the simulator serves (ZOOM_API §2.1, §6.1).

Each operation accepts any scope of its classic ∪ granular set, as Zoom does. Kept apart
from the connector's ``plugins/zoom_ecomms/scopes.py`` on purpose: the simulator plays Zoom
and must not share the connector's tables (nor import the connector at all).
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["INTEGRATION_SCOPES", "OPERATIONS", "Operation", "rate_label", "scope_set"]


class Operation(NamedTuple):
    """One API operation: the scopes that satisfy it and its rate-limit label."""

    classic: tuple[str, ...]
    granular: tuple[str, ...]
    label: str

    @property
    def scopes(self) -> frozenset[str]:
        """Every scope that authorises the operation."""
        return frozenset(self.classic) | frozenset(self.granular)


def _op(classic: str, granular: str, label: str) -> Operation:
    return Operation(tuple(classic.split()), tuple(granular.split()), label)


OPERATIONS: dict[str, Operation] = {
    "list_archive_files": _op(
        "recording:read:admin",
        "archiving:read:list_archived_files:admin archiving:read:list_archived_files:master",
        "Medium",
    ),
    "list_archive_files_master": _op(
        "recording:master", "archiving:read:list_archived_files:master", "Medium"
    ),
    "archive_statistics": _op(
        "recording:read:admin", "archiving:read:archived_file_statistics:admin", "Medium"
    ),
    "update_auto_delete": _op(
        "recording:write recording:write:admin",
        "archiving:update:archived_file_auto_delete_status "
        "archiving:update:archived_file_auto_delete_status:admin",
        "Light",
    ),
    "get_meeting_archive": _op(
        "recording:read",
        "archiving:read:archived_files archiving:read:archived_files:admin",
        "Light",
    ),
    "delete_meeting_archive": _op(
        "recording:write:admin recording:write", "archiving:delete:archived_files:admin", "Light"
    ),
    "get_user": _op("user:read:admin", "user:read:user:admin", "Light"),
    "list_users": _op("user:read:admin", "user:read:list_users:admin", "Medium"),
    "list_groups": _op("group:read:admin", "group:read:list_groups:admin", "Medium"),
    "list_group_members": _op("group:read:admin", "group:read:list_members:admin", "Medium"),
    "list_panelists": _op("webinar:read:admin", "webinar:read:list_panelists:admin", "Medium"),
    "past_meeting": _op("meeting:read:admin", "meeting:read:past_meeting:admin", "Light"),
    "past_meeting_participants": _op(
        "meeting:read:admin", "meeting:read:list_past_participants:admin", "Medium"
    ),
    "past_webinar_participants": _op(
        "webinar:read:admin", "webinar:read:list_past_participants:admin", "Medium"
    ),
    "report_meeting_participants": _op(
        "report:read:admin", "report:read:list_meeting_participants:admin", "Heavy"
    ),
    "report_webinar_participants": _op(
        "report:read:admin", "report:read:list_webinar_participants:admin", "Heavy"
    ),
    "dashboard_meeting_participants": _op(
        "dashboard_meetings:read:admin dashboard:read:admin",
        "dashboard:read:list_meeting_participants:admin",
        "Heavy",
    ),
    "dashboard_webinar_participants": _op(
        "dashboard_webinars:read:admin dashboard:read:admin",
        "dashboard:read:list_webinar_participants:admin",
        "Heavy",
    ),
    "meeting_polls": _op("meeting:read:admin", "meeting:read:list_polls:admin", "Light"),
    "webinar_polls": _op("webinar:read:admin", "webinar:read:list_polls:admin", "Light"),
    "meeting_poll_results": _op(
        "meeting:read:admin", "meeting:read:list_poll_results:admin", "Medium"
    ),
    "webinar_poll_results": _op(
        "webinar:read:admin", "webinar:read:list_past_polls:admin", "Medium"
    ),
    "meeting_qa": _op("meeting:read:admin", "meeting:read:past_qa:admin", "Medium"),
    "webinar_qa": _op("webinar:read:admin", "webinar:read:past_qa:admin", "Medium"),
    "list_summaries": _op(
        "meeting_summary:read:admin", "meeting:read:list_summaries:admin", "Medium"
    ),
    "get_summary": _op("meeting_summary:read:admin", "meeting:read:summary:admin", "Medium"),
    "meeting_survey": _op("meeting:read:admin", "meeting:read:survey:admin", "Light"),
    "webinar_survey": _op("webinar:read:admin", "webinar:read:survey:admin", "Light"),
    # Every /report/* operation is Heavy (ZOOM_API §0a).
    "report_meeting_survey": _op("report:read:admin", "report:read:meeting_survey:admin", "Heavy"),
    "report_webinar_survey": _op("report:read:admin", "report:read:webinar_survey:admin", "Heavy"),
    # Where past-webinar data comes from besides participants, polls and Q&A (ZOOM_API §0a);
    # their granular names are Zoom's usual pattern, not confirmed by ZOOM_API.md.
    "report_webinar": _op("report:read:admin", "report:read:webinar:admin", "Heavy"),
    "get_webinar": _op("webinar:read:admin", "webinar:read:webinar:admin", "Light"),
    "past_webinar_instances": _op(
        "webinar:read:admin", "webinar:read:list_past_instances:admin", "Medium"
    ),
    "past_meeting_instances": _op(
        "meeting:read:admin", "meeting:read:list_past_instances:admin", "Medium"
    ),
    "webinar_absentees": _op("webinar:read:admin", "webinar:read:list_absentees:admin", "Medium"),
}

# The scopes the integration asks for (DESIGN §4.2): the default grant of a simulated app.
INTEGRATION_SCOPES: tuple[str, ...] = tuple(
    [
        "user:read:user:admin",
        "user:read:list_users:admin",
        "webinar:read:list_panelists:admin",
        "meeting:read:list_past_participants:admin",
        "webinar:read:list_past_participants:admin",
        "report:read:list_meeting_participants:admin",
        "report:read:list_webinar_participants:admin",
        "meeting:read:past_meeting:admin",
        "dashboard:read:list_meeting_participants:admin",
        "dashboard:read:list_webinar_participants:admin",
        "archiving:read:list_archived_files:admin",
        "group:read:list_groups:admin",
        "archiving:update:archived_file_auto_delete_status:admin",
        "meeting:read:list_polls:admin",
        "webinar:read:list_polls:admin",
        "meeting:read:list_poll_results:admin",
        "webinar:read:list_past_polls:admin",
        "meeting:read:past_qa:admin",
        "webinar:read:past_qa:admin",
        "meeting:read:list_summaries:admin",
        "meeting:read:summary:admin",
        "meeting:read:survey:admin",
        "webinar:read:survey:admin",
        "report:read:meeting_survey:admin",
        "report:read:webinar_survey:admin",
        "recording:write",
        "recording:write:admin",
    ]
)


def scope_set(name: str) -> list[str]:
    """The scopes a simulated app holds: ``integration`` (DESIGN §4.2), or every ``classic``
    or every ``granular`` scope of every operation (to test a connector's preflight in either
    form: older apps hold only classic scopes, new ones only granular)."""
    if name == "integration":
        return list(INTEGRATION_SCOPES)
    form = "classic" if name == "classic" else "granular"
    return sorted({scope for op in OPERATIONS.values() for scope in getattr(op, form)})


def rate_label(operation: str, heavy_survey_reports: bool = True) -> str:
    """The rate label of ``operation``; survey reports count as Medium only while the
    ``heavy_survey_reports`` switch keeps its compatible default (Zoom: Heavy)."""
    label = OPERATIONS[operation].label
    if (
        not heavy_survey_reports
        and operation.startswith("report_")
        and operation.endswith("_survey")
    ):
        return "Medium"
    return label
