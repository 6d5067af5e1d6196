"""The OpenSearch client of the sink, and how HTTP failures map onto ecomms errors.

Failure table (request level)::

    connection refused / reset / timeout   retry with backoff, then SinkUnavailable
    429, 500, 502, 503, 504                retry with backoff, then SinkUnavailable
    401, 403                               AuthError (check username / password)
    413                                    ConfigError (lower bulk_bytes)
    any other status                       SinkUnavailable with OpenSearch's reason
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from opensearchpy import OpenSearch
from opensearchpy import exceptions as os_errors

from core.backoff import delay
from core.errors import AuthError, ConfigError, EcommsError, SinkUnavailable
from plugins.sinks.opensearch.config import OpenSearchConfig

__all__ = [
    "RETRY_STATUSES",
    "backoff_delay",
    "call_with_retries",
    "make_client",
    "retryable",
    "translate",
]

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
T = TypeVar("T")


def make_client(config: OpenSearchConfig) -> OpenSearch:
    """Build a client from the config; retries are ours (see :func:`call_with_retries`)."""
    options: dict[str, Any] = {
        "hosts": config.hosts,
        "timeout": config.timeout,
        "max_retries": 0,
        "retry_on_timeout": False,
        "http_compress": False,
    }
    if config.username or config.password is not None:
        secret = config.password.reveal() if config.password is not None else ""
        options["http_auth"] = (config.username, secret)
    if any(h.startswith("https") for h in config.hosts):
        options["use_ssl"] = True
        options["verify_certs"] = config.verify_certs
        options["ssl_show_warn"] = config.verify_certs
        if config.ca_file:
            options["ca_certs"] = config.ca_file
    return OpenSearch(**options)


def _reason(error: os_errors.TransportError) -> str:
    info = error.info
    if isinstance(info, dict):
        err = info.get("error")
        if isinstance(err, dict):
            return f"{err.get('type', '')}: {err.get('reason', '')}".strip(": ")
        if err:
            return str(err)
    return str(error.error)


def translate(error: Exception, where: str, sink: str) -> EcommsError:
    """Map an opensearch-py exception to the ecomms error a user can act on."""
    if isinstance(error, os_errors.ConnectionError):
        return SinkUnavailable(
            "OpenSearch cannot be reached; check that it runs and `hosts` is right",
            sink=sink,
            during=where,
            cause=type(error).__name__,
        )
    if isinstance(error, os_errors.TransportError):
        status = error.status_code if isinstance(error.status_code, int) else 0
        reason = _reason(error)
        if status in (401, 403):
            return AuthError(
                f"OpenSearch refused the request ({reason}); check username, the password "
                "variable and the user's permissions on the index and templates",
                sink=sink,
                during=where,
                status=status,
            )
        if status == 413:
            return ConfigError(
                "bulk request too large for OpenSearch; lower bulk_bytes", sink=sink, during=where
            )
        return SinkUnavailable(
            f"OpenSearch answered {status}: {reason}", sink=sink, during=where, status=status
        )
    return SinkUnavailable(
        f"OpenSearch call failed: {type(error).__name__}", sink=sink, during=where
    )


def retryable(error: Exception) -> bool:
    """Whether the failed call may succeed if tried again."""
    if isinstance(error, os_errors.ConnectionError):
        return True
    if isinstance(error, os_errors.TransportError):
        return error.status_code in RETRY_STATUSES
    return False


def backoff_delay(attempt: int, config: OpenSearchConfig) -> float:
    """Seconds before retry ``attempt`` (0-based): core's policy with this sink's numbers."""
    return delay(attempt, base=config.backoff, cap=config.max_backoff)


def call_with_retries(fn: Callable[[], T], config: OpenSearchConfig, where: str, sink: str) -> T:
    """Call ``fn``; retry transient failures with backoff; raise the translated error."""
    attempt = 0
    while True:
        try:
            return fn()
        except (os_errors.ConnectionError, os_errors.TransportError) as error:
            if not retryable(error) or attempt >= config.max_retries:
                raise translate(error, where, sink) from None
        time.sleep(backoff_delay(attempt, config))
        attempt += 1
