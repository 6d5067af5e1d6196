"""One write to one sink, retried while the sink is unreachable (``sink_retries``)."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from core.config import Settings
from core.errors import SinkUnavailable, TransientError
from core.protocols import Receipt
from core.records import Record

__all__ = ["write_to_sink"]

log = logging.getLogger("ecomms.pipeline")


def write_to_sink(
    settings: Settings,
    name: str,
    sink: Any,
    records: Sequence[Record],
    artifacts: Mapping[str, Path],
) -> Receipt:
    """``sink.write`` with backoff; the receipt must name every record written.

    Raises ``SinkUnavailable`` once the sink stayed unreachable (or did not confirm the
    records); any other error of the sink (``RecordRejected``, a bug) propagates.
    """
    delay = settings.host.sink_backoff
    for attempt in range(settings.host.sink_retries + 1):
        try:
            receipt: Receipt = sink.write(records, artifacts)
        except TransientError as exc:  # SinkUnavailable, RateLimited: the sink's fault
            if attempt == settings.host.sink_retries:
                raise SinkUnavailable(f"sink {name} unavailable: {exc.message}", sink=name) from exc
            wait = max(delay, getattr(exc, "retry_after", None) or 0.0)
            log.warning("sink %s unavailable (%s); retry in %.1fs", name, exc.message, wait)
            time.sleep(wait)
            delay *= 2
            continue
        missing = {r.id for r in records} - set(receipt.record_ids)
        if missing:
            raise SinkUnavailable(f"sink {name} did not confirm {len(missing)} records", sink=name)
        return receipt
    raise AssertionError("unreachable")
