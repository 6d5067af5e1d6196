"""Running enrichment lookups best-effort: every page spooled byte for byte, every failure
a gap on the unit, never a failed unit.

Each page Zoom answers becomes a ``response`` part (also a body that does not decode: it is
archived and named in the gap). A refusal (any 4xx but credentials, scopes and rate:
404/3001, 400/300, 400/1010, 400/2300 ...), a 5xx or timeout after the retries, a body over
the size cap or one that does not decode becomes ``Gap(kind="lookup", part=endpoint,
reason=Zoom's answer)``, retried on later passes until ``gap_retry_hours`` from now — except
answers that cannot change (:data:`FINAL_CODES`). Missing scopes, refused credentials,
Zoom's daily cap and an interrupted run propagate: they are about the run, not the unit.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec

from core.errors import PayloadError, RateLimited, TransientError
from core.protocols import Gap, SpooledFile
from plugins.zoom_ecomms.client import Interrupted, ZoomClient, ZoomRequestError
from plugins.zoom_ecomms.enrich import Lookup
from plugins.zoom_ecomms.models import PAYLOAD_MODELS, decode
from plugins.zoom_ecomms.pages import PageGuard
from plugins.zoom_ecomms.parts import write_response
from plugins.zoom_ecomms.scrub import scrub

__all__ = ["FINAL_CODES", "run_lookups"]

FINAL_CODES = frozenset(
    {
        1001,  # user does not exist (the host left the account)
        1010,  # user does not belong to this account
        2300,  # this API endpoint is not recognized
        4400,  # polls are disabled
        12702,  # older than a year: reports are no longer kept
    }
)
PAGE_SIZE = 300


class _Outcome(msgspec.Struct, kw_only=True):
    parts: list[SpooledFile]
    reason: str = ""
    final: bool = False
    empty: bool = False


def run_lookups(
    client: ZoomClient,
    lookups: list[Lookup],
    directory: Path,
    now: datetime,
) -> tuple[list[SpooledFile], list[Gap]]:
    """Run ``lookups``; the parts Zoom answered and one gap per lookup that failed."""
    hours = client.config.gap_retry_hours
    until = now + timedelta(hours=hours) if hours > 0 else None
    parts: list[SpooledFile] = []
    gaps: list[Gap] = []
    for lookup in lookups:
        outcome = _with_fallback(client, lookup, directory)
        parts += outcome.parts
        if outcome.reason:
            gaps.append(
                Gap(
                    part=lookup.endpoint,
                    reason=scrub(outcome.reason),
                    kind="lookup",
                    retry_until=None if outcome.final else until,
                )
            )
    return parts, gaps


def _with_fallback(client: ZoomClient, lookup: Lookup, directory: Path) -> _Outcome:
    first = _run(client, lookup, lookup.params, directory)
    if lookup.fallback is None or not (first.reason or first.empty):
        return first
    second = _run(client, lookup, lookup.fallback, directory / "fallback")
    if not second.reason and not second.empty:
        _drop(first.parts)
        return second
    _drop(second.parts)
    if first.reason:
        query = ", ".join(f"{k}={v}" for k, v in lookup.fallback.items())
        reason = f"{first.reason}; with {query}: {second.reason or 'nobody listed'}"
        return _Outcome(parts=first.parts, reason=reason, final=first.final and second.final)
    return first


def _drop(parts: list[SpooledFile]) -> None:
    for part in parts:
        Path(part.path).unlink(missing_ok=True)


def _run(client: ZoomClient, lookup: Lookup, params: dict[str, Any], directory: Path) -> _Outcome:
    where = lookup.endpoint
    model = PAYLOAD_MODELS[lookup.payload]
    guard = PageGuard(where, client.config.pages_deadline_seconds)
    outcome = _Outcome(parts=[])
    token, page = "", 0
    while True:
        page += 1
        query = dict(params, page_size=PAGE_SIZE) if lookup.paged else dict(params)
        if token:
            query["next_page_token"] = token
        try:
            answer = client.request("GET", lookup.path, query or None)
        except ZoomRequestError as exc:
            return _failed(outcome, exc.answer, exc.code in FINAL_CODES)
        except (Interrupted, RateLimited):
            raise
        except (TransientError, PayloadError) as exc:
            return _failed(outcome, _answer(exc.message, lookup.path))
        meta = {"endpoint": where, "status": answer.status, "content_type": answer.content_type}
        if params:
            meta["params"] = dict(params)
        outcome.parts.append(write_response(directory, lookup.payload, page, answer.body, meta))
        try:
            body = decode(model, answer.body, where)
        except PayloadError as exc:
            return _failed(
                outcome, "malformed answer (archived as received): " + _answer(exc.message, where)
            )
        outcome.empty = page == 1 and not getattr(body, "participants", True)
        if not lookup.paged:
            return outcome
        try:
            token = guard.next(
                getattr(body, "next_page_token", ""),
                getattr(body, "total_records", None),
                getattr(body, "page_size", None) or PAGE_SIZE,
            )
        except (TransientError, PayloadError) as exc:
            return _failed(outcome, _answer(exc.message, where))
        if not token:
            return outcome


def _failed(outcome: _Outcome, reason: str, final: bool = False) -> _Outcome:
    outcome.reason, outcome.final, outcome.empty = reason, final, False
    return outcome


def _answer(message: str, where: str) -> str:
    """``message`` without the ``GET /path: `` prefix the gap's part already names."""
    head, sep, rest = message.partition(": ")
    return rest if sep and (head.startswith("GET ") or head == where) else message
