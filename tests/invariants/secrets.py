"""The secrets sweep: no client secret and no access token may be stored anywhere.

:func:`simulator_secrets` lists what a simulated account's app must keep to itself: the
client secret, the HTTP Basic credentials it is sent in, and every token the simulator
minted. :func:`leaks` searches every byte of every file under some directories (logs, the
state database and its WAL, the archive, the SQLite store, cassettes) for them and for the
shape of a simulated token, so even a token minted where the test could not see it is found.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["TOKEN_SHAPE", "app_secrets", "leaks", "simulator_secrets"]

#: Every access token the simulator mints begins with this header (ecomms_zoom_simulator.auth).
TOKEN_SHAPE = re.compile(rb"eyJzaW0iOiJ6b29tIn0\.[A-Za-z0-9_-]{16,}")


def app_secrets(client_id: str, client_secret: str) -> dict[str, str]:
    """The client secret and the HTTP Basic credentials that carry it to the token URL."""
    basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
    return {"client secret": client_secret, "basic credentials": basic}


def simulator_secrets(sim: Any) -> dict[str, str]:
    """Name -> value of every secret of the simulated app, tokens minted so far included."""
    found = app_secrets(sim.client_id, sim.client_secret)
    # the simulator's inspect() only counts minted tokens; their values are in its store
    for number, token in enumerate(list(sim.tokens._tokens), 1):
        found[f"token {number}"] = token
    return found


def leaks(secrets: dict[str, str], roots: Iterable[Path]) -> list[str]:
    """``path: what`` for every file under ``roots`` holding a secret or a token's shape."""
    needles = {name: value.encode() for name, value in secrets.items() if value}
    found = []
    for root in roots:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            data = path.read_bytes()
            named = [name for name, needle in needles.items() if needle in data]
            if TOKEN_SHAPE.search(data) and not any(n.startswith("token") for n in named):
                named.append("a simulated access token")
            found += [f"{path}: {name}" for name in named]
    return found
