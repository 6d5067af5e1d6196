"""No secret is echoed into storage (issue 14 item 7): when Zoom's error bodies quote the
bearer token, a whole ``ecomms run`` stores and logs them only scrubbed — nothing under the
state directory, the sinks or the run's output holds a token or the client secret."""

from __future__ import annotations

import json

from plugins.zoom_ecomms.scrub import REDACTED, add_secret, known_secrets, on_secret, scrub
from tests.fixtures.zoom_simulator import run_ecomms, zoom_source_toml
from tests.zoom_ecomms.source.proxy import Reply, Seen, ZoomProxy


def _echo_token(seen: Seen) -> Reply | None:
    """Refuse Q&A and tagging with an error that quotes the request's bearer token."""
    token = seen.headers.get("Authorization", "").removeprefix("Bearer ")
    if seen.path.endswith("/qa") or seen.method == "PATCH":
        body = {"code": 300, "message": f"Invalid request for token {token} (client {token[:4]})"}
        return Reply(400, json.dumps(body).encode(), {"Content-Type": "application/json"})
    return None


def test_a_run_never_stores_or_logs_a_token_zoom_echoed(tmp_path, zoom_simulator):
    sim = zoom_simulator
    proxy = ZoomProxy(sim.api_base_url.removesuffix("/v2"), _echo_token)
    try:
        source = zoom_source_toml(
            sim, media="audio", auto_delete=True,
            api_base_url=f"{proxy.url}/v2", oauth_token_url=f"{proxy.url}/oauth/token",
        )  # fmt: skip
        config = tmp_path / "ecomms.toml"
        config.write_text('[ecomms]\nstate_dir = ".ecomms"\n' + source + "[sinks.fake_sink]\n")
        run = run_ecomms(config, sim, "run", "--once", ECOMMS_EXTRA_PLUGINS="core.testing")
        status = run_ecomms(config, sim, "status", ECOMMS_EXTRA_PLUGINS="core.testing")
    finally:
        proxy.close()
    assert run.returncode == 0, run.stderr
    tokens = {s.headers["Authorization"].removeprefix("Bearer ") for s in proxy.seen
              if s.headers.get("Authorization", "").startswith("Bearer ")}  # fmt: skip
    assert tokens, "the proxy saw the bearer token"
    secrets = tokens | {sim.client_secret}
    stored = [p for p in (tmp_path / ".ecomms").rglob("*") if p.is_file()]
    assert any(p.name == "state.db" for p in stored)
    texts = {str(p): p.read_bytes() for p in stored}
    texts |= {"run output": (run.stdout + run.stderr).encode(), "status": status.stdout.encode()}
    for where, data in texts.items():
        for secret in secrets:
            assert secret.encode() not in data, f"{where} holds a secret"
    assert REDACTED in status.stdout  # the gap is shown, with Zoom's answer scrubbed
    assert "Invalid request for token [redacted]" in status.stdout


def test_the_scrubber_knows_every_secret_and_tells_a_core_wide_one():
    heard: list[str] = []
    add_secret("first-secret-value")
    on_secret(heard.append)
    add_secret("second-secret-value")
    add_secret("abc")  # too short to be a secret worth redacting
    assert {"first-secret-value", "second-secret-value"} <= set(heard)
    assert {"first-secret-value", "second-secret-value"} <= known_secrets()
    text = "x first-secret-value y second-secret-value abc"
    assert scrub(text) == "x [redacted] y [redacted] abc"
