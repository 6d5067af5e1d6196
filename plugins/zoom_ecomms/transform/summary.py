"""SummaryRecord: the AI Companion summary (overview, details, next steps, edits)."""

from __future__ import annotations

from core.records import SummaryRecord
from plugins.zoom_ecomms.models import MeetingSummary, SummaryDetail

from .attributes import summary_attributes
from .meeting import MeetingContext

__all__ = ["build_summary_record"]


def _details(details: str | list[SummaryDetail], next_steps: list[str]) -> list[str]:
    """Readable lines of ``summary_details`` (labelled parts, or in an edited summary one
    free text) and ``next_steps``."""
    if isinstance(details, str):
        lines = [details.strip()] if details.strip() else []
    else:
        lines = [f"{d.label}: {d.summary}" if d.label else d.summary for d in details]
    if next_steps:
        lines.append("Next steps:")
        lines.extend(f"- {step}" for step in next_steps)
    return lines


def build_summary_record(ctx: MeetingContext, body: MeetingSummary) -> SummaryRecord:
    """The summary as text, with the meeting attributes and the Summary* dates."""
    lines = [body.summary_title] if body.summary_title else []
    if body.summary_overview:
        lines.append(body.summary_overview)
    lines.extend(_details(body.summary_details, body.next_steps))
    edited = body.edited_summary
    if edited is not None and (edited.summary_details or edited.next_steps):
        lines.append("Edited summary:")
        lines.extend(_details(edited.summary_details, edited.next_steps))
    if body.summary_content.strip():
        lines.append(body.summary_content.strip())
    attrs = dict(ctx.attributes)
    attrs.update(summary_attributes(body))
    return ctx.base(
        SummaryRecord,
        ctx.record_id("summary"),
        title=f"Summary: {body.summary_title or ctx.title}",
        text="\n".join(lines),
        attributes=attrs,
    )
