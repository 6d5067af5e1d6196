"""The webhook receiver's bounds over real sockets on loopback: framing, sizes, deadlines,
the connection cap. (The hostile-client tests against a running ``ecomms run`` are in
test_webhook_hostile.py.)"""

from __future__ import annotations

import json
import logging
import socket
import time

import pytest

from core.config import Secret
from plugins.zoom_ecomms.webhook import Limits, WebhookReceiver
from tests.fixtures.raw_http import address, exchange, read_answer, signed_post, status_of

SECRET = "whsec-limits"
ARCHIVE = {
    "event": "recording.archive_files_completed",
    "event_ts": 1,
    "payload": {"object": {"uuid": "u-1", "archive_files": []}},
}
HEAD = b"POST /zoom HTTP/1.1\r\nHost: receiver\r\n"


@pytest.fixture
def start_receiver():
    """``start_receiver(**limits)``: a running receiver with those ``Limits``; stopped after."""
    started: list[WebhookReceiver] = []

    def start(**limits) -> WebhookReceiver:
        receiver = WebhookReceiver(Secret(SECRET), limits=Limits(**limits)).start()
        started.append(receiver)
        return receiver

    yield start
    for receiver in started:
        receiver.stop()


@pytest.mark.parametrize("framing", ["length", "chunked"])
def test_a_signed_delivery_is_accepted_however_it_is_framed(start_receiver, framing):
    receiver = start_receiver()
    status, answer = exchange(receiver.url, signed_post(SECRET, ARCHIVE, framing))
    assert status == 200, answer
    assert b"Connection: close" in answer
    assert receiver.wait(1.0) is True
    assert receiver.hinted == ["u-1"]


def test_url_validation_answers_with_the_token(start_receiver):
    receiver = start_receiver()
    event = {"event": "endpoint.url_validation", "payload": {"plainToken": "tok"}}
    _, answer = exchange(receiver.url, signed_post(SECRET, event))
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["plainToken"] == "tok"


REFUSED = [
    (b"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n" + b"x" * 5000, 400),
    (b"POST / HTTP/1.1\r\nContent-Length: 1e3\r\n\r\n" + b"x" * 1000, 400),
    (b"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 50\r\n\r\nxxxxx", 400),
    (b"POST / HTTP/1.1\r\nHost: a\r\n\r\n" + b"x" * 5000, 411),
    (b"POST / HTTP/1.1\r\nContent-Length: 3000000\r\n\r\n" + b"x" * 5000, 413),
    (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n12c00000\r\n" + b"x" * 5000, 413),
    (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\nxx\r\n", 400),
    (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + b"f" * 2000, 400),
    (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\nxxxx", 400),
    (b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501),
    (b"POST / HTTP/1.1\r\nX-Pad: " + b"a" * 20000 + b"\r\n\r\n", 431),
    (b"GET / HTTP/1.1\r\nHost: a\r\n\r\n", 405),
    (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 400),  # TLS to a plain port
    (b"POST / HTTP/1.1\r\nbad header\r\n\r\n", 400),
    (b"POST / HTTP/1.1\r\n folded: header\r\n\r\n", 400),
    (b"POST / HTTP/2.0\r\nContent-Length: 0\r\n\r\n", 400),
    (HEAD + b"Content-Length: 2\r\n\r\n{}", 401),  # unsigned
]


@pytest.mark.parametrize(("request_bytes", "expected"), REFUSED)
def test_malformed_or_oversized_requests_are_refused(start_receiver, request_bytes, expected):
    receiver = start_receiver()
    status, answer = exchange(receiver.url, request_bytes)
    assert status == expected, answer
    assert receiver.wait(0.01) is False


def test_many_small_chunks_stop_at_the_body_cap(start_receiver):
    receiver = start_receiver(max_body=64 << 10)
    chunk = b"400\r\n" + b"x" * 1024 + b"\r\n"
    with socket.create_connection(address(receiver.url), timeout=10) as sock:
        sock.sendall(HEAD + b"Transfer-Encoding: chunked\r\n\r\n")
        sent = 0
        try:
            for _ in range(4096):  # 4 MiB in 1 KiB chunks, far over the 64 KiB cap
                sock.sendall(chunk)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = read_answer(sock)
    assert status_of(answer) in (413, None)  # None: reset before the 413 was read
    assert sent < 4096 * len(chunk)


def test_slow_headers_and_slow_bodies_get_408(start_receiver, caplog):
    receiver = start_receiver(header_timeout=0.5, body_timeout=0.5)
    with caplog.at_level(logging.WARNING, logger="plugins.zoom_ecomms"):
        status, _ = exchange(receiver.url, b"POST / HTTP/1.1\r\nHost: a\r\n")
        assert status == 408
        status, _ = exchange(receiver.url, HEAD + b"Content-Length: 100\r\n\r\n{")
        assert status == 408
    reasons = [r.context["reason"] for r in caplog.records]
    assert reasons == ["headers not in 0.5 s", "body not in 0.5 s"]


def test_expect_100_continue_gets_a_continue_before_the_body(start_receiver):
    receiver = start_receiver()
    request = signed_post(SECRET, ARCHIVE)
    head, body = request.split(b"\r\n\r\n", 1)
    with socket.create_connection(address(receiver.url), timeout=10) as sock:
        sock.sendall(head + b"\r\nExpect: 100-continue\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 100 Continue")
        sock.sendall(body)
        assert status_of(read_answer(sock)) == 200


def test_connections_beyond_the_cap_get_503_at_once(start_receiver):
    receiver = start_receiver(max_connections=3)
    idle = [socket.create_connection(address(receiver.url), timeout=10) for _ in range(3)]
    try:
        status, answer = exchange(receiver.url, signed_post(SECRET, ARCHIVE))
        assert status == 503, answer
    finally:
        for sock in idle:
            sock.close()
    deadline = time.monotonic() + 10  # a guard: the server sees the three closes
    while receiver.server.open_connections and time.monotonic() < deadline:
        time.sleep(0.01)
    assert receiver.server.open_connections == 0  # closed connections free their slots
    status, answer = exchange(receiver.url, signed_post(SECRET, ARCHIVE))
    assert status == 200, answer


def test_a_bare_connect_is_not_logged(start_receiver, caplog):
    receiver = start_receiver()
    with caplog.at_level(logging.WARNING, logger="plugins.zoom_ecomms"):
        socket.create_connection(address(receiver.url), timeout=10).close()  # a health check
        assert exchange(receiver.url, signed_post(SECRET, ARCHIVE))[0] == 200
    assert caplog.records == []


def test_each_refusal_is_one_log_line_without_secrets(start_receiver, caplog):
    receiver = start_receiver()
    wrong = signed_post("not-the-secret", ARCHIVE)
    with caplog.at_level(logging.WARNING, logger="plugins.zoom_ecomms"):
        assert exchange(receiver.url, wrong)[0] == 401
        assert exchange(receiver.url, b"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n")[0] == 400
    first, second = caplog.records
    assert first.context["status"] == 401
    assert first.context["reason"] == "bad or stale signature"
    assert first.context["bytes_read"] == len(wrong)
    assert second.context["reason"] == "invalid Content-Length"
    signature = wrong.split(b"x-zm-signature: ")[1].split(b"\r\n")[0].decode()
    for record in caplog.records:
        assert signature not in record.getMessage() and SECRET not in record.getMessage()
        assert record.exc_info is None
