"""Malformed payloads from Zoom: the unit fails with a message naming what and where, the
run goes on, and nothing of that unit is tagged for deletion.

A small proxy on loopback forwards every request to the simulator and rewrites the answers
of chosen paths, as a misbehaving server would send them.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from core.errors import PayloadError

Rewrite = Callable[[str, bytes], bytes | None]


class CorruptingProxy:
    """Forwards to ``target``; ``rewrite(path, body)`` may return a replacement body."""

    def __init__(self, target: str, rewrite: Rewrite) -> None:
        self.target, self.rewrite = target, rewrite
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() in ("authorization", "content-type", "range")
                }
                upstream = httpx.request(
                    self.command, proxy.target + self.path, headers=headers, content=body
                )
                data = upstream.content
                replaced = proxy.rewrite(self.path.split("?")[0], data)
                data = data if replaced is None else replaced
                self.send_response(upstream.status_code)
                for name in ("content-type", "retry-after", "content-range"):
                    if name in upstream.headers:
                        self.send_header(name, upstream.headers[name])
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_DELETE = _forward

            def log_message(self, *args) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def proxied(zoom_simulator, make_source, stored_receipt):
    """``proxied(rewrite)`` -> (units, tagged file ids) of a capture through the proxy."""
    proxies: list[CorruptingProxy] = []

    def run(rewrite: Rewrite, **overrides):
        base = zoom_simulator.api_base_url.removesuffix("/v2")
        proxy = CorruptingProxy(base, rewrite)
        proxies.append(proxy)
        source = make_source(
            zoom_simulator,
            api_base_url=f"{proxy.url}/v2",
            oauth_token_url=f"{proxy.url}/oauth/token",
            auto_delete=True,
            **overrides,
        )
        units = list(source.pull(None))
        for unit in units:
            source.acknowledge(unit, [stored_receipt(unit)])
        return units, zoom_simulator.inspect()["tagged_for_deletion"]

    yield run
    for proxy in proxies:
        proxy.close()


def _first_match(marker: str) -> Rewrite:
    """Rewrite the first response whose path contains ``marker`` (participants as a string)."""
    done: list[str] = []

    def rewrite(path: str, body: bytes) -> bytes | None:
        if marker in path and path.endswith("/participants") and not done:
            done.append(path)
            data = json.loads(body)
            data["participants"] = "oops"
            return json.dumps(data).encode()
        return None

    return rewrite


def test_wrong_typed_field_fails_only_that_unit(proxied):
    units, tagged = proxied(_first_match("/past_meetings/"))
    failed = [u for u in units if u.failure is not None]
    assert len(failed) == 1
    message = failed[0].failure.message
    assert "/participants: field 'participants' expected array, got string" in message
    assert message.startswith("GET /past_meetings/")
    assert not failed[0].failure.transient and failed[0].files == []
    good = [u for u in units if u.failure is None]
    assert len(good) == len(units) - 1
    assert sorted(tagged) == sorted(f.file_id for u in good for f in u.files)


def test_malformed_json_names_the_endpoint(proxied):
    def rewrite(path: str, body: bytes) -> bytes | None:
        return b'{"questions": [' if path.endswith("/qa") else None

    units, tagged = proxied(rewrite)
    failed = [u for u in units if u.failure is not None]
    assert failed and all("/qa: response is not valid JSON" in u.failure.message for u in failed)
    assert not {f.file_id for u in failed for f in u.files} & set(tagged)


def test_malformed_meeting_in_listing_is_a_failed_unit(proxied):
    def rewrite(path: str, body: bytes) -> bytes | None:
        if path != "/v2/archive_files":
            return None
        data = json.loads(body)
        if data["meetings"]:
            data["meetings"][0]["archive_files"] = "not a list"
        return json.dumps(data).encode()

    units, tagged = proxied(rewrite)
    failed = [u for u in units if u.failure is not None]
    assert failed
    assert all(
        "field 'archive_files' expected array, got string" in u.failure.message for u in failed
    )
    assert tagged  # the other meetings were captured and committed
    assert not {u.key for u in failed} & {u.key for u in units if u.failure is None}


def test_listing_that_is_not_json_stops_the_pass_with_a_clear_error(proxied):
    def rewrite(path: str, body: bytes) -> bytes | None:
        return b"<html>maintenance</html>" if path == "/v2/archive_files" else None

    with pytest.raises(PayloadError, match="GET /archive_files: response is not valid JSON"):
        proxied(rewrite)


def test_processing_files_hold_the_checkpoint(proxied):
    held: list[str] = []

    def rewrite(path: str, body: bytes) -> bytes | None:
        if path != "/v2/archive_files":
            return None
        data = json.loads(body)
        for meeting in data["meetings"][:1]:
            held.append(meeting["uuid"])
            meeting["status"] = "processing"
            for file in meeting["archive_files"]:
                file["status"] = "processing"
        return json.dumps(data).encode()

    units, _ = proxied(rewrite)
    assert held and not set(held) & {u.key for u in units}
    window_starts = {json.loads(u.checkpoint)["from"] for u in units}
    # every checkpoint stays at or before the start of the window holding the processing one
    assert len(window_starts) == 1
    assert all(u.failure is None for u in units)
