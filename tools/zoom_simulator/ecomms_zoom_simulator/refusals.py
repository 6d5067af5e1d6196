"""The refusals Zoom documents for enrichment lookups (ZOOM_API §0a), behind ``refusals``.

- Externally hosted meetings are not the account's own: past-meeting, report and dashboard
  lookups answer 400 code 300 "Cannot access meeting information" or 400 code 1010 "User does
  not belong to this account" (the account has some of each; which code Zoom gives in which
  case is UNCONFIRMED).
- Breakout rooms are listed as their own archive instances, but Zoom's meeting lookups know
  only the parent meeting: 404 code 3001 "Meeting does not exist" (UNCONFIRMED); the parent's
  report and dashboard participants carry the rooms' attendance with ``bo_mtg_id``.
- One-person meetings: no past participants (an empty list), no report participants
  (400 / 300), and dashboard participants only with ``type=pastOne`` — ``type=past`` answers
  404 / 3001 as for a meeting it does not hold, and ``pastOne`` does the same for a meeting of
  two or more (UNCONFIRMED).

With ``refusals`` off (today's compatible default) only the one-person report refusal applies.
"""

from __future__ import annotations

from ecomms_zoom_simulator.http import ApiError
from ecomms_zoom_simulator.model import Meeting

__all__ = ["EXTERNAL", "check_dashboard_type", "check_lookup", "check_report"]

# code -> message of the refusals of an externally hosted meeting
EXTERNAL = {
    300: "Cannot access meeting information",
    1010: "User does not belong to this account",
}


def _missing(kind: str, key: str) -> ApiError:
    return ApiError(404, 3001, f"{kind} does not exist: {key}.")


def check_lookup(on: bool, meeting: Meeting) -> None:
    """Refuse a past-meeting, report or dashboard lookup of an external meeting or a room."""
    if not on:
        return
    if meeting.external:
        code = meeting.refusal or 300
        raise ApiError(400, code, EXTERNAL[code])
    if meeting.is_breakout:
        raise _missing("Meeting", meeting.uuid)


def check_report(meeting: Meeting) -> None:
    """Report participants exist only for meetings of two participants or more."""
    if len(meeting.attendees) < 2:
        raise ApiError(
            400, 300, "Report is only available for meetings with two or more participants."
        )


def check_dashboard_type(on: bool, meeting: Meeting, flavour: str) -> None:
    """``type`` must be ``past``/``pastOne`` (live meetings are over); with ``refusals``,
    ``pastOne`` for one-person meetings and ``past`` for the others."""
    kind = "Webinar" if meeting.webinar else "Meeting"
    if flavour not in ("past", "pastOne"):
        raise ApiError(404, 3001, f"{kind} {meeting.uuid} is not in progress; use type=past.")
    if on and (flavour == "pastOne") != (len(meeting.attendees) == 1):
        raise _missing(kind, meeting.uuid)
