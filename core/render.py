"""Plain-text rendering of records for ``ecomms show`` and ``ecomms search``.

A chat record is shown as its threads: the public thread first, nested private and
sub-group threads indented under their parent, each between a start and an end marker and
with its participants; messages in order with offset and sender, edits, deletions,
replies and reactions labelled as such. Transcripts and captions are timed lines. The risk
score and every hit close the record.
"""

from __future__ import annotations

from collections.abc import Iterator

from core.records import Message, Party, Record, Thread

__all__ = ["render_record", "summary_line"]

_ACTIONS = {
    "edit": "edited",
    "delete": "deleted",
    "reply": "reply to",
    "reaction": "reacted to",
    "feedback": "feedback on",
}


def _party(p: Party) -> str:
    if p.name and p.email:
        return f"{p.name} <{p.email}>"
    return p.name or p.email or p.id or "?"


def _clock(seconds: float) -> str:
    whole = int(seconds)
    millis = int(seconds * 1000) % 1000
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}.{millis:03d}"


def summary_line(record: Record) -> str:
    """One line per search hit: id, kind, time, risk and title."""
    risk = f" risk={record.risk.score}" if record.risk else ""
    return f"{record.id}  {record.kind:<10} {record.occurred_at.isoformat()}{risk}  {record.title}"


def _message(m: Message, indent: str) -> str:
    label = m.action if m.action == "message" else _ACTIONS.get(m.action, m.action)
    ref = f" {m.refers_to}" if m.refers_to else ""
    head = (
        f"{indent}  [{m.offset or (m.sent_at.isoformat() if m.sent_at else '')}] {_party(m.sender)}"
    )
    to = f" -> {', '.join(_party(r) for r in m.receivers)}" if m.receivers else ""
    body = f": {m.text}" if m.text else ""
    kind = "" if m.action == "message" else f" ({label}{ref})"
    files = "".join(f" [file {f.name} {f.size} bytes]" for f in m.files)
    return f"{head}{to}{kind}{body}{files}"


def _thread(thread: Thread, children: dict[str, list[Thread]], depth: int) -> Iterator[str]:
    indent = "    " * depth
    title = f" {thread.title}" if thread.title else ""
    yield f"{indent}── start of {thread.type} thread {thread.id}{title} ({thread.started or '?'})"
    yield f"{indent}  participants: {', '.join(_party(p) for p in thread.participants) or '-'}"
    for m in thread.messages:
        yield _message(m, indent)
    for child in children.get(thread.id, []):
        yield from _thread(child, children, depth + 1)
    yield f"{indent}── end of {thread.type} thread {thread.id} ({thread.ended or '?'})"


def _threads(record: Record) -> Iterator[str]:
    ids = {t.id for t in record.threads}
    children: dict[str, list[Thread]] = {}
    for t in record.threads:
        children.setdefault(t.parent if t.parent in ids else "", []).append(t)
    for top in children.get("", []):
        yield from _thread(top, children, 0)


def _risk(record: Record) -> Iterator[str]:
    if record.risk is None:
        return
    cats = ", ".join(record.risk.categories)
    yield f"risk: {record.risk.score}" + (f" ({cats})" if cats else "")
    for hit in record.risk.hits:
        yield f"  hit {hit.rule} [{hit.category}] matched {hit.matched!r} at {hit.where or 'text'}"


def render_record(record: Record) -> str:
    """The whole record as readable text."""
    lines = [
        f"{record.kind} {record.id}",
        f"title: {record.title}",
        f"occurred: {record.occurred_at.isoformat()}  source: {record.source}",
    ]
    if record.participants:
        lines.append("participants: " + ", ".join(_party(p) for p in record.participants))
    for name, value in sorted(record.attributes.items()):
        lines.append(f"  {name}: {value}")
    for a in record.artifacts:
        lines.append(
            f"artifact: {a.name or a.file_id} {a.media_type} {a.size} bytes sha256={a.sha256}"
        )
    if record.threads:
        lines.extend(_threads(record))
    for s in record.segments:
        who = f" {s.speaker}:" if s.speaker else ""
        lines.append(f"[{_clock(s.start)} --> {_clock(s.end)}]{who} {s.text}")
    for e in record.entries:
        lines.append(
            f"{e.kind}: {e.question} {('-> ' + e.answer) if e.answer else ''}"
            f" ({_party(e.author)})".rstrip()
        )
    if not (record.threads or record.segments or record.entries) and record.text:
        lines.append(record.text)
    lines.extend(_risk(record))
    return "\n".join(lines)
