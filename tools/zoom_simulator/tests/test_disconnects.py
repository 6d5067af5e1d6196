"""A client hanging up mid-response is normal: no traceback, the simulator keeps serving;
a real handler error is still visible and counted."""

from __future__ import annotations

import socket
import struct
from urllib.parse import urlsplit

import pytest
from ecomms_zoom_simulator import Simulator


def _hang_up(url: str, token: str, read: int, requests: int = 1) -> bytes:
    """Send ``requests`` GETs on one connection, read ``read`` bytes, then reset it."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    request = (
        f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nAuthorization: Bearer {token}\r\n\r\n"
    ).encode()
    got = b""
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as conn:
        conn.sendall(request * requests)
        while len(got) < read:
            chunk = conn.recv(min(1 << 16, read - len(got)))
            if not chunk:
                break
            got += chunk
        # linger 0: close() sends RST, as a client aborting a bad download does
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    return got


@pytest.fixture
def big(zoom_simulator_factory) -> Simulator:
    return zoom_simulator_factory(meetings=2, media_size=32 << 20, plan="unlimited")


def test_client_disconnect_mid_download_is_quiet(big, api_factory, capfd):
    api = api_factory(big)
    mp4 = next(
        f
        for m in api.all_meetings()
        for f in m["archive_files"]
        if f["file_type"] == "MP4" and f["status"] == "completed"
    )
    url = mp4["download_url"]
    assert _hang_up(url, api.token, read=0) == b""  # before the answer
    assert _hang_up(url, api.token, read=1 << 20).startswith(b"HTTP/1.1 200")  # mid-body
    # idle keep-alive connections reset after complete answers, and between two answers
    assert _hang_up(big.api_base_url + "/users", api.token, read=1).startswith(b"H")
    assert _hang_up(url, api.token, read=1 << 20, requests=2).startswith(b"HTTP/1.1 200")
    # the simulator keeps serving, whole and correct
    again = api.download(mp4)
    assert again.status_code == 200 and len(again.content) == mp4["file_size"]
    assert big.inspect()["errors"] == []
    err = capfd.readouterr().err
    assert "Traceback" not in err
    assert "ConnectionResetError" not in err and "BrokenPipeError" not in err


def test_real_handler_errors_stay_visible(zoom_simulator, capfd):
    port = zoom_simulator.port
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(b"GET /v2/users HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n")
        conn.recv(4096)
    errors = zoom_simulator.inspect()["errors"]
    assert len(errors) == 1 and "ValueError" in errors[0]
    assert "Traceback" in capfd.readouterr().err
