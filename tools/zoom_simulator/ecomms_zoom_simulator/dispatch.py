"""What happens to every request: faults, auth, scopes, rate limits, then the handler."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING
from urllib.parse import unquote

from ecomms_zoom_simulator import routes_archive, routes_enrich, routes_users, routes_webinar
from ecomms_zoom_simulator.hostile import trickle
from ecomms_zoom_simulator.http import ApiError, Request, Response, Route, json_response
from ecomms_zoom_simulator.ratelimit import burst_error
from ecomms_zoom_simulator.routes_download import (
    attachment_response,
    check_signature,
    file_response,
    sign,
)
from ecomms_zoom_simulator.scopes import OPERATIONS, rate_label

if TYPE_CHECKING:
    from ecomms_zoom_simulator.server import Simulator

__all__ = ["API_ROUTES", "dispatch"]

API_ROUTES = [
    Route(method, re.compile(pattern), handler, operation)
    for method, pattern, handler, operation in (
        routes_archive.ROUTES + routes_enrich.ROUTES + routes_users.ROUTES + routes_webinar.ROUTES
    )
]
_DOWNLOAD = re.compile(r"/rec/archive/(?P<hop>download|file|attached/download)/(?P<file_id>[^/]+)")
_HOPS = {"download": "download", "file": "download_signed", "attached/download": "attachment"}


def _server_error() -> ApiError:
    return ApiError(503, 503, "The service is temporarily unavailable. Please try again later.")


def _unknown(sim: Simulator, req: Request) -> ApiError:
    """Zoom's API answers an endpoint it does not know with 400 / 2300 (404 in the first
    behaviour); a path outside the API (``/v2``), such as a mistyped token URL, is a 404."""
    req.operation = "unknown_endpoint"
    api = req.path.startswith("/v2/")
    status = sim.config.unknown_endpoint_status if api else 404
    return ApiError(status, 2300 if api else 404, "This API endpoint is not recognized.")


def dispatch(sim: Simulator, req: Request) -> Response:
    """Answer ``req``; Zoom-style errors are rendered, anything else is a 500."""
    try:
        if req.path.startswith("/_sim/"):
            req.operation = "sim_control"
            return _admin(sim, req)
        if req.path == "/oauth/token" and req.method == "POST":
            req.operation = "oauth_token"
            return sim.tokens.token_endpoint(req)
        found = _DOWNLOAD.fullmatch(req.path)
        if found and req.method == "GET":
            req.operation, req.file_id = _HOPS[found["hop"]], unquote(found["file_id"])
            return _download(sim, req, found["hop"], req.file_id)
        if req.path.startswith("/v2/"):
            return _api(sim, req)
        raise _unknown(sim, req)
    except ApiError as exc:
        return exc.response()
    except Exception as exc:  # a simulator bug: answer 500 and keep it for inspect()
        with sim.state.lock:
            sim.state.errors.append(f"{req.method} {req.path}: {exc!r}")
        return ApiError(500, 500, "Internal simulator error (see /_sim/inspect).").response()


def _api(sim: Simulator, req: Request) -> Response:
    path = req.path.rstrip("/") or "/"
    for route in API_ROUTES:
        params = route.match(req.method, path)
        if params is not None:
            break
    else:
        raise _unknown(sim, req)
    req.params, req.operation = params, route.operation
    if sim.faults.slow:
        time.sleep(sim.faults.slow)
    revocation = sim.faults.take_revocation()
    if revocation:
        sim.tokens.revoke_all()
        sim.tokens.refuse_minting = revocation == "no_remint"
    token = sim.tokens.authenticate(req)
    if sim.faults.take_echo():  # a broken gateway quoting the request back
        raise ApiError(400, 300, f"Invalid request header: Authorization: Bearer {token.value}")
    operation = OPERATIONS[route.operation]
    sim.tokens.require(token, operation.scopes, operation.granular or operation.classic)
    label = rate_label(route.operation, sim.config.heavy_survey_reports)
    burst = sim.faults.take_burst()
    if burst:
        raise burst_error(burst, label)
    headers = sim.limiter.admit(label)
    if sim.faults.take_5xx():
        raise _server_error()
    try:
        response = route.handler(sim.state, sim.faults, req)
    except ApiError as exc:
        exc.headers = {**headers, **exc.headers}
        raise
    response.headers.update(headers)
    return response


def _download(sim: Simulator, req: Request, hop: str, file_id: str) -> Response:
    if sim.faults.slow:
        time.sleep(sim.faults.slow)
    if hop == "file":
        check_signature(sim.config.client_secret, file_id, req)
    else:
        sim.tokens.authenticate(req)
    if sim.faults.take_5xx():
        raise _server_error()
    if hop == "attached/download":
        return _attachment(sim, req, file_id)
    found = sim.state.file(file_id)
    if found is None:
        raise ApiError(404, 3001, f"File {file_id} does not exist.")
    if hop == "download" and sim.config.download_redirect:
        expires = int(time.time()) + 600
        target = f"{sim.base_url}/rec/archive/file/{file_id}?expires={expires}&signature="
        target += sign(sim.config.client_secret, file_id, expires)
        return Response(302, b"", {"Location": target}, 0)
    response = file_response(found[1], req, sim.faults.download_fault(file_id))
    with sim.state.lock:
        sim.state.downloads[file_id] += 1
    return _trickled(sim, response)


def _trickled(sim: Simulator, response: Response) -> Response:
    """The download sent a few bytes a second while ``trickle_download`` is set."""
    rate = sim.faults.value("trickle_download")
    if rate is not None and response.status in (200, 206):
        body = response.body
        source = iter([body]) if isinstance(body, bytes) else iter(body)
        response.body = trickle(source, int(rate), sim.stopping)
    return response


def _attachment(sim: Simulator, req: Request, file_id: str) -> Response:
    found = sim.state.attachment(file_id)
    if found is None:
        raise ApiError(404, 3001, f"File {file_id} does not exist.")
    response = attachment_response(found, req, sim.faults.download_fault(file_id))
    with sim.state.lock:
        sim.state.downloads[file_id] += 1
    return _trickled(sim, response)


def _admin(sim: Simulator, req: Request) -> Response:
    if req.path == "/_sim/inspect" and req.method == "GET":
        since = req.arg("since", "0") or "0"
        if not since.isdigit():
            raise ApiError(400, 300, "'since' must be a request number (inspect()['seq']).")
        return json_response(sim.inspect(int(since)))
    if req.path == "/_sim/faults" and req.method == "POST":
        specs = req.json()
        if not isinstance(specs, list) or not all(isinstance(s, str) for s in specs):
            raise ApiError(400, 300, "Body must be a JSON list of fault names.")
        try:
            sim.set_faults(specs)
        except ValueError as exc:
            raise ApiError(400, 300, str(exc)) from None
        return json_response({"faults": specs})
    if req.path == "/_sim/complete" and req.method == "POST":
        return json_response({"completed": sim.complete_processing()})
    raise ApiError(404, 2300, "Unknown simulator control endpoint.")
