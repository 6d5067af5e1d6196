"""The unit's vendor payloads, decoded once with the models of what Zoom sends.

The source delivers each API answer as ``response`` parts (one per page, named by
``meta["payload"]``, bytes as received). :func:`read_payloads` decodes every page with its
model (:data:`~plugins.zoom_ecomms.models.PAYLOAD_MODELS`), merges the pages of list
payloads in page order, and returns them typed. A page that does not decode is left out
and its error — naming the payload and msgspec's JSON path — kept under the payload's name
for the record built from it. Payloads a unit carries inline (``unit.payloads``: older
snapshots, hand-built units) are converted with the same models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from core.errors import PayloadError
from core.protocols import SpooledFile, Unit
from plugins.zoom_ecomms.models import (
    PAYLOAD_MODELS,
    ArchiveMeeting,
    DashboardParticipant,
    MeetingSummary,
    Panelist,
    PastMeeting,
    PastParticipant,
    PollList,
    PollResults,
    QaResults,
    ReportParticipant,
    SurveyDefinition,
    SurveyReport,
    User,
    decode,
)

__all__ = ["Payloads", "read_payloads"]

# list payloads: inline, they may be given as the list itself (the items under this key)
_ITEMS = {
    "participants": "participants",
    "report_participants": "participants",
    "dashboard_participants": "participants",
    "panelists": "panelists",
}


@dataclass
class Payloads:
    """What the transformer reads of a unit, typed. A payload the unit lacks is ``None``
    (``dashboard_participants`` too: absent on Pro plans, which is not an empty list);
    ``errors`` maps a payload name to the lines of its pages that did not decode."""

    meeting: ArchiveMeeting | None = None
    past_meeting: PastMeeting | None = None
    host: User | None = None
    participants: list[PastParticipant] = field(default_factory=list)
    report_participants: list[ReportParticipant] = field(default_factory=list)
    dashboard_participants: list[DashboardParticipant] | None = None
    panelists: list[Panelist] = field(default_factory=list)
    poll_definitions: PollList | None = None
    poll_results: PollResults | None = None
    qa: QaResults | None = None
    summary: MeetingSummary | None = None
    survey_definition: SurveyDefinition | None = None
    survey_report: SurveyReport | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)

    def errors_of(self, *names: str) -> list[str]:
        """The decode errors of the payloads ``names``, in that order."""
        return [line for name in names for line in self.errors.get(name, [])]


def _label(name: str, page: int) -> str:
    return f"payload {name}" if page <= 1 else f"payload {name} page {page}"


def _decode_part(part: SpooledFile, name: str) -> tuple[int, Any]:
    page = int(part.meta.get("page") or 1)
    where = _label(name, page)
    try:
        raw = Path(part.path).read_bytes()
    except OSError as exc:
        raise PayloadError(f"{where}: cannot read the response part ({exc.strerror})") from None
    return page, decode(PAYLOAD_MODELS[name], raw, where)


def _convert(name: str, value: Any) -> Any:
    """An inline payload (decoded JSON) as its model."""
    if name in _ITEMS and isinstance(value, list):
        value = {_ITEMS[name]: value}
    try:
        return msgspec.convert(value, PAYLOAD_MODELS[name], strict=False)
    except msgspec.ValidationError as exc:
        raise PayloadError(f"payload {name}: {exc}") from None


def _pages(unit: Unit, errors: dict[str, list[str]]) -> dict[str, list[Any]]:
    """Payload name → its decoded pages in page order."""
    pages: dict[str, list[tuple[int, Any]]] = {}
    for part in unit.files:
        name = str(part.meta.get("payload") or "")
        if part.role != "response" or name not in PAYLOAD_MODELS:
            continue
        try:
            page = _decode_part(part, name)
        except PayloadError as exc:
            errors.setdefault(name, []).append(str(exc))
        else:
            pages.setdefault(name, []).append(page)
    for name, value in unit.payloads.items():
        if name not in PAYLOAD_MODELS or value is None:
            continue
        try:
            body = _convert(name, value)
        except PayloadError as exc:
            errors.setdefault(name, []).append(str(exc))
        else:
            pages.setdefault(name, []).append((1, body))
    return {
        name: [body for _, body in sorted(found, key=lambda item: item[0])]
        for name, found in pages.items()
    }


def read_payloads(unit: Unit) -> Payloads:
    """The typed payloads of ``unit`` (see the module docstring); never raises."""
    out = Payloads()
    pages = _pages(unit, out.errors)
    for name, bodies in pages.items():
        key = _ITEMS.get(name)
        if key is not None:
            items = [item for body in bodies for item in getattr(body, key)]
            setattr(out, name, items)
        else:
            setattr(out, name, bodies[0])
    return out
