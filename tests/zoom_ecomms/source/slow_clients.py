"""A slow-client flood, run as its own process: ``python slow_clients.py HOST PORT N``.

Opens N connections to HOST:PORT and sends each a never-ending request head, one byte every
half second per connection (a "slowloris"). Prints ``{"open": N}`` once all are connected,
then, when every connection was closed by the server (or after 120 s), one JSON line:
``{"closed": n, "answers": {"408": n, ...}, "seconds": s, "first_closed_at": t}`` — how
many the server closed, the status each got back, how long the flood lasted, and when the
first one was closed (``time.monotonic()``, the same clock in every process).
"""

from __future__ import annotations

import json
import selectors
import socket
import sys
import time
from collections import Counter

HEAD = b"POST /zoom HTTP/1.1\r\nHost: receiver\r\nUser-Agent: slow\r\nX-Pad: " + b"a" * 4096
GIVE_UP = 120.0


def main(host: str, port: int, count: int) -> None:
    """Run the flood and print what the server did with it."""
    started = time.monotonic()
    selector = selectors.DefaultSelector()
    sent: dict[socket.socket, int] = {}
    for _ in range(count):
        sock = socket.create_connection((host, port), timeout=10)
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ)
        sent[sock] = 0
    print(json.dumps({"open": count}), flush=True)
    answers: Counter[str] = Counter()
    closed = 0
    first_closed_at = None
    next_byte = time.monotonic()
    while sent and time.monotonic() - started < GIVE_UP:
        for key, _ in selector.select(timeout=0.1):
            sock = key.fileobj
            first_closed_at = first_closed_at or time.monotonic()
            try:
                answer = sock.recv(4096)
            except OSError:
                answer = b""
            parts = answer.split(b" ", 2)
            answers[parts[1].decode() if len(parts) > 2 else "none"] += 1
            selector.unregister(sock)
            sock.close()
            del sent[sock]
            closed += 1
        if time.monotonic() >= next_byte:
            next_byte += 0.5
            for sock, offset in list(sent.items()):
                try:
                    sent[sock] += sock.send(HEAD[offset : offset + 1])
                except OSError:
                    pass
    seconds = time.monotonic() - started
    summary = {"closed": closed, "answers": answers, "seconds": seconds}
    print(json.dumps({**summary, "first_closed_at": first_closed_at}))
    for sock in sent:
        sock.close()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
