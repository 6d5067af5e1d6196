"""The boto3 client of one s3 sink, and what its errors mean to a user.

The client uses botocore's *standard* retry mode: every request is tried up to
``max_attempts`` times (default 3) with exponential backoff on connection errors, timeouts,
5xx answers and throttling, before :func:`translate` turns what is left into one of our
errors. botocore's own checksum defaults are off (``when_required``): the sink sends the
SHA-256 of every object itself. boto3 is imported only when a client is built, so commands
that never touch the bucket do not pay for it.

==========================================  ===================================================
botocore says                               we raise
==========================================  ===================================================
connection refused / reset, timeouts,       ``SinkUnavailable`` (nothing committed; retried)
5xx, ``SlowDown``, throttling
``InvalidAccessKeyId``,                     ``AuthError``: the credentials were refused
``SignatureDoesNotMatch``, expired token
``AccessDenied`` / bare 403                 ``AuthError``: a permission of the IAM policy lacks
``NoSuchBucket`` / 404 on the bucket        ``ConfigError``: create the bucket
lock headers refused (no Object Lock)       ``ConfigError``: a bucket with Object Lock is needed
no credentials found, TLS failure           ``ConfigError`` naming the option to set
``BadDigest`` / ``InvalidDigest``           ``IntegrityError``: bytes differ from their SHA-256
anything else                               ``TerminalError`` with the server's code and message
==========================================  ===================================================

Messages carry the server's error code and message, never a credential.
"""

from __future__ import annotations

from typing import Any

from core.errors import (
    AuthError,
    ConfigError,
    EcommsError,
    IntegrityError,
    SinkUnavailable,
    TerminalError,
)

from .config import S3Config

__all__ = ["error_code", "is_missing", "is_precondition_failed", "make_client", "translate"]

_TRANSIENT = {
    "InternalError",
    "ServiceUnavailable",
    "SlowDown",
    "Throttling",
    "ThrottlingException",
    "RequestTimeout",
    "RequestLimitExceeded",
    "OperationAborted",
}
_CREDENTIALS = {
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "XAdminUserNotFound",
    "ExpiredToken",
    "InvalidToken",
    "TokenRefreshRequired",
}
_MISSING = {"NoSuchKey", "NoSuchVersion", "404", "NotFound"}


def make_client(config: S3Config) -> Any:
    """A boto3 S3 client for ``config`` (credentials from it, a profile or the AWS chain)."""
    import boto3
    from botocore.config import Config

    session = boto3.session.Session(
        aws_access_key_id=config.access_key_id or None,
        aws_secret_access_key=(
            config.secret_access_key.reveal() if config.secret_access_key else None
        ),
        aws_session_token=config.session_token.reveal() if config.session_token else None,
        profile_name=config.profile or None,
        region_name=config.region or None,
    )
    style = config.addressing_style
    if style == "auto" and config.endpoint_url:
        style = "path"  # S3-compatible servers rarely resolve bucket host names
    botocore_config = Config(
        signature_version="s3v4",
        s3={"addressing_style": style},
        retries={"mode": "standard", "total_max_attempts": config.max_attempts},
        connect_timeout=config.connect_timeout,
        read_timeout=config.read_timeout,
        max_pool_connections=max(10, config.max_concurrency * 2),
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        user_agent_extra="ecomms",
    )
    return session.client(
        "s3",
        endpoint_url=config.endpoint_url or None,
        verify=config.ca_bundle or config.verify_tls,
        config=botocore_config,
    )


def error_code(exc: BaseException) -> str:
    """The S3 error code of a botocore ``ClientError`` (``""`` for anything else)."""
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return ""
    return str(response.get("Error", {}).get("Code", ""))


def _status(exc: BaseException) -> int:
    response = getattr(exc, "response", None) or {}
    return int(response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)


def is_missing(exc: BaseException) -> bool:
    """True when the server said the key (or version) does not exist."""
    return error_code(exc) in _MISSING


def is_precondition_failed(exc: BaseException) -> bool:
    """True when a conditional write found the key already there (``If-None-Match: *``)."""
    return error_code(exc) in ("PreconditionFailed", "412", "ConditionalRequestConflict")


def translate(exc: BaseException, what: str, config: S3Config, sink: str) -> EcommsError:
    """Our error for a botocore exception raised while doing ``what`` (e.g. "upload blob ...").

    Non-botocore exceptions are returned as ``TerminalError`` only when they are OSError
    (a spool file that vanished); callers re-raise anything else unchanged.
    """
    from botocore import exceptions as bx

    where = config.endpoint_url or "AWS S3"
    context = {"sink": sink, "bucket": config.bucket}
    if isinstance(exc, bx.SSLError):
        return ConfigError(
            f"TLS verification of {where} failed ({exc}); set ca_bundle to the CA"
            " that signed its certificate",
            **context,
        )
    if isinstance(exc, bx.ConnectionError | bx.HTTPClientError | bx.ResponseStreamingError):
        return SinkUnavailable(
            f"cannot reach {where} to {what} ({exc}); check that the server is up,"
            " endpoint_url and the network",
            **context,
        )
    if isinstance(exc, bx.NoCredentialsError | bx.PartialCredentialsError):
        return ConfigError(
            "no S3 credentials found: set access_key_id and secret_access_key"
            ' = { env = "VARIABLE" } (or profile), or provide them through the AWS chain',
            **context,
        )
    if isinstance(exc, bx.ProfileNotFound):
        return ConfigError(f"profile: {exc}", **context)
    if isinstance(exc, bx.ClientError):
        return _client_error(exc, what, where, context)
    if isinstance(exc, OSError):
        return TerminalError(f"cannot {what}: {exc.strerror or exc}", **context)
    raise exc


def _client_error(exc: Any, what: str, where: str, context: dict[str, str]) -> EcommsError:
    code, status = error_code(exc), _status(exc)
    message = str(exc.response.get("Error", {}).get("Message", "")) or code
    said = f"{code}: {message}" if message != code else code
    if code in _TRANSIENT or status >= 500:
        return SinkUnavailable(f"{where} could not {what} ({said})", **context)
    if code in _CREDENTIALS:
        return AuthError(
            f"{where} refused the S3 credentials ({code}); check access_key_id and"
            " secret_access_key (or the AWS profile / role in use)",
            **context,
        )
    if code in ("AccessDenied", "403", "AllAccessDisabled"):
        return AuthError(
            f"{where} denied permission to {what} ({said}); grant the IAM policy of"
            " docs/s3.md to these credentials",
            **context,
        )
    if code == "NoSuchBucket" or (code in ("404", "NotFound") and "bucket" in what):
        return ConfigError(
            f"bucket {context['bucket']} does not exist at {where}; create it with Object"
            " Lock enabled (docs/s3.md) or fix bucket",
            **context,
        )
    if code == "InvalidRequest" and "lock" in message.lower():
        return ConfigError(
            f"bucket {context['bucket']} has no Object Lock ({message}); the archive needs a"
            " bucket created with Object Lock enabled (docs/s3.md)",
            **context,
        )
    if code in ("BadDigest", "InvalidDigest", "XAmzContentSHA256Mismatch"):
        return IntegrityError(
            f"{where} found the bytes to {what} do not match their SHA-256 ({code});"
            " nothing was stored",
            **context,
        )
    return TerminalError(f"{where} refused to {what} ({said})", **context)
