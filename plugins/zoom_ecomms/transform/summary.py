"""SummaryRecord: the AI Companion summary (overview, details, next steps, edits)."""

from __future__ import annotations

from typing import Any

from core.records import SummaryRecord

from .attributes import summary_attributes
from .meeting import MeetingContext
from .values import as_list, as_str, bad

__all__ = ["build_summary_record"]

_WHERE = "payload summary"


def _details(body: dict[str, Any], prefix: str) -> list[str]:
    """Readable lines of ``summary_details`` (a list of labelled parts, or in an edited
    summary one free text) and ``next_steps``."""
    details = body.get("summary_details")
    lines = [details.strip()] if isinstance(details, str) and details.strip() else []
    if isinstance(details, str):
        details = None
    for i, item in enumerate(as_list(details, _WHERE, f"{prefix}summary_details")):
        if not isinstance(item, dict):
            raise bad(_WHERE, f"{prefix}summary_details[{i}]", "expected an object")
        label = as_str(item.get("label"), _WHERE, f"{prefix}summary_details[{i}].label")
        text = as_str(item.get("summary"), _WHERE, f"{prefix}summary_details[{i}].summary")
        lines.append(f"{label}: {text}" if label else text)
    steps = as_list(body.get("next_steps"), _WHERE, f"{prefix}next_steps")
    if steps:
        lines.append("Next steps:")
        lines.extend(
            f"- {as_str(step, _WHERE, f'{prefix}next_steps[{i}]')}" for i, step in enumerate(steps)
        )
    return lines


def build_summary_record(ctx: MeetingContext, body: Any) -> SummaryRecord:
    """The summary as text, with the meeting attributes and the Summary* dates."""
    if not isinstance(body, dict):
        raise bad(_WHERE, "body", "expected an object")
    title = as_str(body.get("summary_title"), _WHERE, "summary_title")
    lines = [title] if title else []
    overview = as_str(body.get("summary_overview"), _WHERE, "summary_overview")
    if overview:
        lines.append(overview)
    lines.extend(_details(body, ""))
    edited = body.get("edited_summary")
    if isinstance(edited, dict) and (edited.get("summary_details") or edited.get("next_steps")):
        lines.append("Edited summary:")
        lines.extend(_details(edited, "edited_summary."))
    content = body.get("summary_content")
    if isinstance(content, str) and content.strip():
        lines.append(content.strip())
    attrs = dict(ctx.attributes)
    attrs.update(summary_attributes(body))
    return ctx.base(
        SummaryRecord,
        ctx.record_id("summary"),
        title=f"Summary: {title or ctx.title}",
        text="\n".join(lines),
        attributes=attrs,
    )
