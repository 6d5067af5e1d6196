"""The HTTP endpoint of a run: ``/metrics`` (Prometheus), ``/healthz`` and ``/readyz``."""

from __future__ import annotations

import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from core.errors import ConfigError
from core.health import Readiness
from core.metrics.families import Metrics

__all__ = ["MetricsServer", "parse_address", "serve"]

log = logging.getLogger("ecomms.metrics")


def parse_address(address: str) -> tuple[str, int]:
    """``host:port`` (``[::1]:9464`` for IPv6) as a pair; ``ConfigError`` when malformed."""
    host, sep, port = address.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or int(port) > 65535:
        raise ConfigError(
            f"metrics.address: expected HOST:PORT (e.g. 127.0.0.1:9464), got {address!r}"
        )
    return host, int(port)


class MetricsServer:
    """A started endpoint; :attr:`address` is where it listens, :meth:`close` stops it."""

    def __init__(self, server: ThreadingHTTPServer, thread: threading.Thread) -> None:
        self._server, self._thread = server, thread
        host, port = str(server.server_address[0]), int(server.server_address[1])
        self.address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"

    def close(self) -> None:
        """Stop answering and release the port."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def serve(address: str, metrics: Metrics, readiness: Readiness) -> MetricsServer:
    """Start answering on ``address`` from a daemon thread (port 0 picks a free port)."""
    host, port = parse_address(address)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/metrics":
                self._answer(200, generate_latest(metrics.registry), CONTENT_TYPE_LATEST)
            elif path == "/healthz":
                self._answer(200, b"ok\n")
            elif path == "/readyz":
                problems = readiness.problems()
                body = "\n".join(problems or ["ready"]) + "\n"
                self._answer(503 if problems else 200, body.encode())
            else:
                self._answer(404, b"not found: try /metrics, /healthz or /readyz\n")

        def _answer(
            self, status: int, body: bytes, ctype: str = "text/plain; charset=utf-8"
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # scrapes are not news
            return

    try:
        server = (_Server6 if ":" in host else _Server)((host, port), Handler)
    except OSError as exc:
        raise ConfigError(
            f"metrics.address: cannot listen on {address}: {exc.strerror or exc}"
        ) from None
    thread = threading.Thread(target=server.serve_forever, name="ecomms-metrics", daemon=True)
    thread.start()
    started = MetricsServer(server, thread)
    log.info("metrics at http://%s/metrics (health /healthz, readiness /readyz)", started.address)
    return started


class _Server(ThreadingHTTPServer):
    daemon_threads = True


class _Server6(_Server):
    address_family = socket.AF_INET6
