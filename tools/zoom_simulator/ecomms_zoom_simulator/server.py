"""The simulator: a threaded HTTP server on loopback serving one simulated Zoom account."""

from __future__ import annotations

import logging
import secrets
import sys
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ecomms_zoom_simulator.auth import TokenStore
from ecomms_zoom_simulator.config import SimulatorConfig
from ecomms_zoom_simulator.dispatch import dispatch
from ecomms_zoom_simulator.extras import iso
from ecomms_zoom_simulator.faults import Faults
from ecomms_zoom_simulator.http import Request, Response
from ecomms_zoom_simulator.live import Completer
from ecomms_zoom_simulator.profiles import build_account
from ecomms_zoom_simulator.ratelimit import RateLimiter
from ecomms_zoom_simulator.scopes import scope_set
from ecomms_zoom_simulator.state import State
from ecomms_zoom_simulator.webhooks import send_webhook, validate_webhook_url

__all__ = ["Simulator"]

log = logging.getLogger(__name__)

# A client that hangs up mid-response (e.g. a connector aborting a bad download) is normal.
_DISCONNECTS = (ConnectionError, TimeoutError)


class _Server(ThreadingHTTPServer):
    """Quiet about client disconnects; real handler errors are counted and printed."""

    daemon_threads = True
    sim: Simulator

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Log a disconnect at debug; keep any other error in ``inspect()`` and on stderr."""
        error = sys.exc_info()[1]
        if isinstance(error, _DISCONNECTS):
            log.debug("client %s disconnected: %r", client_address, error)
            return
        with self.sim.state.lock:
            self.sim.state.errors.append(f"handler error for {client_address}: {error!r}")
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ZoomSim/1.0"
    sim: Simulator

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the request log is available through ``inspect()``."""

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        req = Request.parse(self.command, self.path, headers, body)
        started = time.perf_counter()
        response = dispatch(self.sim, req)
        entry = {
            "method": req.method,
            "path": req.path,
            "query": {k: v for k, v in req.query.items() if k != "access_token"},
            "status": response.status,
            "operation": req.operation,
            "file_id": req.file_id,
            "bytes": 0,
            "ms": round((time.perf_counter() - started) * 1000, 2),
        }
        self.sim.state.log(entry)  # before the body: a trickling answer shows at once
        entry["bytes"] = self._write(response)

    def _write(self, response: Response) -> int:
        body = response.body if isinstance(response.body, bytes) else None
        chunked = body is None and response.length is None
        length = response.length if response.length is not None else len(body or b"")
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("x-zm-trackingid", "v=2.0;clid=us05;rid=" + secrets.token_hex(8))
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(length))
        self.end_headers()
        if self.command == "HEAD":
            return 0
        sent = self._send(response, chunked)
        if chunked or sent != length:
            self.close_connection = True
        return sent

    def _send(self, response: Response, chunked: bool) -> int:
        sent = 0
        try:
            for chunk in response.chunks():
                if chunked:
                    chunk = b"%x\r\n%s\r\n" % (len(chunk), chunk)
                self.wfile.write(chunk)
                self.wfile.flush()
                sent += len(chunk)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        return sent

    do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = do_HEAD = _handle


class Simulator:
    """A simulated Zoom account served over HTTP on loopback (see docs/zoom-simulator.md).

    ``Simulator(config)`` or ``Simulator(seed=..., meetings=...)``; use as a context
    manager, or call :meth:`start` and :meth:`stop`.
    """

    def __init__(self, config: SimulatorConfig | None = None, **kwargs: Any) -> None:
        self.config = config or SimulatorConfig(**kwargs)
        cfg = self.config
        self.account = build_account(cfg)
        self.state = State(self.account, cfg)
        self.faults = Faults(cfg.seed)
        self.limiter = RateLimiter(cfg.plan, cfg.heavy_daily_cap)
        scopes = scope_set(cfg.scope_set) if cfg.granted_scopes is None else cfg.granted_scopes
        self.tokens = TokenStore(
            cfg.account_id, cfg.client_id, cfg.client_secret, scopes, cfg.token_ttl, ""
        )
        self.set_faults(cfg.faults)
        self.completer = Completer(self)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""

    # --- lifecycle -------------------------------------------------------------------

    def start(self) -> Simulator:
        """Bind (port 0 = a free port) and serve in a background thread."""
        self.state.stopping.clear()
        handler = type("Handler", (_Handler,), {"sim": self})
        server = _Server((self.config.host, self.config.port), handler)
        server.sim = self
        self._server = server
        self.base_url = f"http://{self.config.host}:{server.server_address[1]}"
        self.state.base_url = self.tokens.api_url = self.base_url
        self._thread = threading.Thread(
            target=server.serve_forever, args=(0.05,), name="zoom-simulator", daemon=True
        )
        self._thread.start()
        self.completer.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        self.state.stopping.set()
        self.completer.stop()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- what clients need -------------------------------------------------------------

    @property
    def port(self) -> int:
        """The bound port."""
        return int(self.base_url.rsplit(":", 1)[1])

    @property
    def api_base_url(self) -> str:
        """``http://127.0.0.1:PORT/v2``."""
        return self.base_url + "/v2"

    @property
    def oauth_token_url(self) -> str:
        """``http://127.0.0.1:PORT/oauth/token``."""
        return self.base_url + "/oauth/token"

    @property
    def account_id(self) -> str:
        """The account id the token endpoint expects."""
        return self.config.account_id

    @property
    def client_id(self) -> str:
        """The S2S app's client id."""
        return self.config.client_id

    @property
    def client_secret(self) -> str:
        """The S2S app's client secret."""
        return self.config.client_secret

    @property
    def webhook_secret(self) -> str:
        """The secret token webhook signatures are made with."""
        return self.config.webhook_secret

    @property
    def capture_from(self) -> str:
        """An instant before every archive of the account (ISO UTC)."""
        return iso(self.config.base() - timedelta(days=15))

    # --- control -----------------------------------------------------------------------

    def set_faults(self, specs: list[str]) -> None:
        """Replace the fault switches (see :mod:`.faults`); unknown names raise ValueError."""
        self.faults.set(list(specs))
        self.tokens.expire_after_calls = self.faults.token_expiry
        self.tokens.invalidate_previous_on_mint = (
            self.config.invalidate_previous_on_mint or "invalidate_on_mint" in self.faults.flags
        )

    def complete_processing(self) -> list[str]:
        """Archives still processing complete now (or fail where seeded so); their UUIDs."""
        return self.state.complete_processing()

    def complete_meetings(self, count: int = 1) -> list[str]:
        """Complete ``count`` new meetings now (as ``complete_per_minute`` does over time),
        sending their webhooks to ``webhook_url`` if set; the UUIDs of the instances added."""
        return [uuid for _ in range(count) for uuid in self.completer.complete()]

    @property
    def stopping(self) -> threading.Event:
        """Set once :meth:`stop` is called (trickling answers end then)."""
        return self.state.stopping

    def inspect(self, since: int = 0) -> dict[str, Any]:
        """The request log, request and download counts, tagged and deleted archives, sent
        webhooks, faults; ``since`` a ``seq`` of an earlier inspection: what came after it."""
        return {
            **self.state.inspect(since),
            "faults": list(self.faults.specs),
            "tokens_minted": self.tokens.minted,
        }

    def send_webhook(
        self,
        url: str,
        event: str = "recording.archive_files_completed",
        meeting_uuid: str | None = None,
        timestamp: int | None = None,
    ) -> int:
        """POST a signed event about ``meeting_uuid`` (default: the first meeting); its status."""
        return send_webhook(self, url, event, meeting_uuid, timestamp)

    def validate_webhook_url(self, url: str) -> bool:
        """Run the ``endpoint.url_validation`` challenge on ``url``; True if answered right."""
        return validate_webhook_url(self, url)
