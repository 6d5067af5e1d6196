"""Transitional: the payloads the transformer reads, rebuilt from a unit's response parts.

The Zoom source now delivers vendor data as ``response`` parts (one per page, named by
``meta["payload"]``) and leaves ``unit.payloads`` empty. Until the transformer reads the
parts itself, :func:`with_payloads` rebuilds the payload dictionaries it expects (pages
merged in order, list payloads as one list); a part that does not decode with its model is
left out (the source recorded a gap for it). A unit that already carries payloads (older
snapshots, hand-built test units) is returned unchanged. Delete this module when the
transformer decodes the parts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec

from core.errors import PayloadError
from core.protocols import Unit
from plugins.zoom_ecomms.models import PAYLOAD_MODELS, decode

__all__ = ["with_payloads"]

_LISTS = {
    "participants": "participants",
    "report_participants": "participants",
    "dashboard_participants": "participants",
    "panelists": "panelists",
}


def with_payloads(unit: Unit) -> Unit:
    """``unit`` with ``payloads`` rebuilt from its ``response`` parts (see module docstring)."""
    if unit.payloads or not any(f.role == "response" for f in unit.files):
        return unit
    pages: dict[str, list[tuple[int, Any]]] = {}
    for part in unit.files:
        name = str(part.meta.get("payload") or "")
        if part.role != "response" or name not in PAYLOAD_MODELS or not part.path:
            continue
        raw = Path(part.path).read_bytes()
        try:
            decode(PAYLOAD_MODELS[name], raw, name)
        except PayloadError:
            continue
        pages.setdefault(name, []).append(
            (int(part.meta.get("page") or 1), msgspec.json.decode(raw))
        )
    payloads: dict[str, Any] = {}
    for name, items in pages.items():
        bodies = [body for _, body in sorted(items, key=lambda item: item[0])]
        key = _LISTS.get(name)
        payloads[name] = [x for body in bodies for x in body.get(key, [])] if key else bodies[0]
    return msgspec.structs.replace(unit, payloads=payloads)
