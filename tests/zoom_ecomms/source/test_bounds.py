"""Every transfer is bounded (issue 13 item 8, issue 14 item 2): a gzip bomb is one clear
error, a trickling body ends at its deadline, endless pagination ends, and ``interrupt()``
ends the transfer in flight at once — nothing half-captured is yielded.

Each capture runs on a helper thread joined with a generous limit, so a regression shows as
a failed test rather than a hung run; no test measures how long anything took.
"""

from __future__ import annotations

import gzip
import itertools
import json
import threading
from collections.abc import Callable
from typing import Any

import pytest

from core.errors import PayloadError, TransientError
from plugins.zoom_ecomms.transfer import Interrupted
from tests.zoom_ecomms.source.proxy import Reply, Seen, ZoomProxy

LIMIT = 120.0  # seconds a bounded capture is allowed before the test calls it hung


def finish(work: Callable[[], Any]) -> Any:
    """Run ``work`` on a thread; its result, or its exception re-raised."""
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["value"] = work()
        except BaseException as exc:  # handed to the test thread
            out["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(LIMIT)
    assert not thread.is_alive(), "the capture did not end: a transfer is unbounded"
    if "error" in out:
        raise out["error"]
    return out["value"]


@pytest.fixture
def through(zoom_simulator, make_source):
    """``through(rewrite, **config)`` -> a source talking to the simulator via a proxy."""
    proxies: list[ZoomProxy] = []

    def make(rewrite, **overrides):
        proxy = ZoomProxy(zoom_simulator.api_base_url.removesuffix("/v2"), rewrite)
        proxies.append(proxy)
        source = make_source(
            zoom_simulator,
            api_base_url=f"{proxy.url}/v2",
            oauth_token_url=f"{proxy.url}/oauth/token",
            **overrides,
        )
        source.proxy = proxy
        return source

    yield make
    for proxy in proxies:
        proxy.close()


def _bomb_listing(bomb: bytes):
    """A rewrite answering the archive listing with the gzip body ``bomb``."""

    def rewrite(seen: Seen) -> Reply | None:
        if seen.path == "/v2/archive_files":
            return Reply(
                200, bomb, {"Content-Type": "application/json", "Content-Encoding": "gzip"}
            )
        return None

    return rewrite


def test_a_gzip_bomb_listing_is_one_clear_error(through):
    bomb = gzip.compress(b'{"meetings": [' + b" " * (64 << 20), compresslevel=9)
    assert len(bomb) < 100_000
    source = through(_bomb_listing(bomb), max_response_mb=1)
    with pytest.raises(PayloadError, match="GET /archive_files: response larger than 1 MiB"):
        finish(lambda: list(source.pull(None)))


def test_check_says_a_bomb_listing_is_over_the_cap_not_a_wrong_url(through):
    """``check`` against a listing that inflates past max_response_mb names the cap to raise."""
    source = through(_bomb_listing(gzip.compress(b" " * (8 << 20))), max_response_mb=1)
    api = [f for f in source.check() if f.check == "API base URL"]
    assert len(api) == 1 and not api[0].ok
    assert "response larger than 1 MiB decompressed" in api[0].detail
    assert "raise max_response_mb (now 1)" in api[0].action
    assert "fix api_base_url" not in api[0].action


def _trickle(seen: Seen) -> Reply:
    return Reply(200, headers={"Content-Type": "application/json"},
                 chunks=itertools.repeat(b" "), every=0.05)  # fmt: skip


def test_a_trickling_listing_ends_at_its_deadline(through):
    def rewrite(seen: Seen) -> Reply | None:
        return _trickle(seen) if seen.path == "/v2/archive_files" else None

    source = through(rewrite, request_deadline_seconds=1, max_attempts=2)
    with pytest.raises(TransientError, match="no complete answer within the deadline"):
        finish(lambda: list(source.pull(None)))
    listings = [s for s in source.proxy.seen if s.path == "/v2/archive_files"]
    assert len(listings) == 2  # max_attempts: each attempt ended at its deadline


def _first_download(path: list[str]):
    def rewrite(seen: Seen) -> Reply | None:
        if seen.path.startswith("/rec/archive/download/") and (not path or path[0] == seen.path):
            path[:1] = [seen.path]
            size = str(len(seen.answer))
            return Reply(200, headers={"Content-Length": size},
                         chunks=itertools.repeat(b"x"), every=0.05)  # fmt: skip
        return None

    return rewrite


def test_a_trickling_download_ends_at_its_deadline_and_fails_only_its_unit(through):
    trickled: list[str] = []
    source = through(
        _first_download(trickled),
        request_deadline_seconds=1,
        download_min_bytes_per_second=10**9,
        download_attempts=1,
        workers=1,
    )
    units = finish(lambda: list(source.pull(None)))
    failed = [u for u in units if u.failure is not None]
    assert trickled and len(failed) == 1
    assert "no complete body within the deadline" in failed[0].failure.message
    assert failed[0].files == []
    assert [u for u in units if u.failure is None]  # the others were captured


def test_endless_pagination_ends_with_a_clear_error(through):
    first: list[bytes] = []
    tokens = (f"tok-{n}" for n in itertools.count())

    def rewrite(seen: Seen) -> Reply | None:
        if seen.path != "/v2/archive_files":
            return None
        first[:1] = first or [seen.answer]  # every later page: the first one again
        page = dict(json.loads(first[0]), next_page_token=next(tokens))
        return Reply(200, json.dumps(page).encode(), {"Content-Type": "application/json"})

    source = through(rewrite)
    with pytest.raises(PayloadError, match="still has a next_page_token although Zoom announced"):
        finish(lambda: list(source.pull(None)))


def test_a_repeated_page_token_ends_the_loop(through):
    first: list[bytes] = []

    def rewrite(seen: Seen) -> Reply | None:
        if seen.path != "/v2/archive_files":
            return None
        first[:1] = first or [seen.answer]
        page = dict(json.loads(first[0]), next_page_token="same")
        return Reply(200, json.dumps(page).encode(), {"Content-Type": "application/json"})

    source = through(rewrite)
    with pytest.raises(PayloadError, match="repeated a next_page_token"):
        finish(lambda: list(source.pull(None)))


def test_interrupt_ends_the_transfer_in_flight_and_yields_nothing_half_captured(through):
    trickled: list[str] = []
    source = through(_first_download(trickled), workers=1)  # default deadlines: minutes
    yielded = []

    def capture() -> None:
        for unit in source.pull(None):
            yielded.append(unit)

    errors: list[BaseException] = []

    def run() -> None:
        try:
            finish(capture)
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    while not trickled and worker.is_alive():
        threading.Event().wait(0.05)
    source.interrupt()
    worker.join(LIMIT)
    assert not worker.is_alive()
    assert len(errors) == 1 and isinstance(errors[0], Interrupted)
    assert all(u.failure is None for u in yielded)  # nothing abandoned was handed over
    assert not list(source.context.spool_dir.rglob("*.part"))
