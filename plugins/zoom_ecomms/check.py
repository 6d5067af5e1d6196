"""``ecomms check`` for a Zoom account: the token endpoint, the credentials, the API base
URL and the scopes, each its own finding, so a wrong URL is never reported as a wrong
secret (and the reverse)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from core.errors import AuthError, ConfigError, EcommsError, PayloadError, ScopeError
from core.protocols import Finding
from plugins.zoom_ecomms.auth import TokenProvider
from plugins.zoom_ecomms.client import ZoomClient, ZoomRequestError
from plugins.zoom_ecomms.config import ZoomConfig
from plugins.zoom_ecomms.listing import format_time
from plugins.zoom_ecomms.models import ArchiveFilesPage, decode
from plugins.zoom_ecomms.scopes import scope_findings
from plugins.zoom_ecomms.transfer import ResponseTooLarge

__all__ = ["check_account"]

FIX_TOKEN_URL = "fix oauth_token_url (https://zoom.us/oauth/token)"
FIX_API_URL = "fix api_base_url (https://api.zoom.us/v2 or your region's)"
NETWORK = "and the network (proxy, firewall), then retry"


def _token(finding: Callable[..., Finding], provider: TokenProvider) -> Finding:
    try:
        provider.token()
    except ConfigError as exc:
        return finding(
            check="token endpoint", ok=False, detail=exc.one_line(), action=FIX_TOKEN_URL
        )
    except AuthError as exc:
        action = "fix account_id / client_id / client_secret"
        return finding(check="credentials", ok=False, detail=exc.one_line(), action=action)
    except EcommsError as exc:
        action = f"check oauth_token_url {NETWORK}"
        return finding(check="token endpoint", ok=False, detail=exc.one_line(), action=action)
    return finding(check="credentials", ok=True, detail="token minted with account_credentials")


def _api(finding: Callable[..., Finding], config: ZoomConfig, client: ZoomClient) -> Finding:
    now = datetime.now(UTC)
    params = {
        "from": format_time(now - timedelta(hours=1)),
        "to": format_time(now),
        "page_size": 1,
        "query_date_type": "archive_complete_time",
    }
    url = config.api_base_url
    api = partial(finding, check="API base URL", ok=False)
    try:
        answer = client.request("GET", "/archive_files", params, attempts=1)
        decode(ArchiveFilesPage, answer.body, "GET /archive_files")
    except ScopeError:
        pass  # Zoom's API answered; the scope findings say what is missing
    except ZoomRequestError as exc:
        wrong = exc.status == 404 or exc.code in (None, 2300)
        enable = "ask Zoom Support to enable Meeting and Webinar Archiving for the account"
        return api(detail=f"{url}: {exc.one_line()}", action=FIX_API_URL if wrong else enable)
    except ResponseTooLarge as exc:
        action = f"if {url} is Zoom's API, raise max_response_mb (now {config.max_response_mb})"
        return api(detail=exc.one_line(), action=action)
    except (AuthError, PayloadError) as exc:
        detail = f"{url} does not answer like Zoom's API: {exc.one_line()}"
        return api(detail=detail, action=FIX_API_URL)
    except EcommsError as exc:
        return api(
            detail=f"cannot reach {url}: {exc.one_line()}", action=f"check api_base_url {NETWORK}"
        )
    return finding(check="API base URL", ok=True, detail=f"the archive listing answers at {url}")


def check_account(
    component: str, config: ZoomConfig, provider: TokenProvider, client: ZoomClient
) -> list[Finding]:
    """Token endpoint and credentials, then the API base URL, then the scopes; never raises."""
    name = config.display_name

    def finding(**fields: Any) -> Finding:
        fields["detail"] = f"{name}: {fields.get('detail', '')}"
        return Finding(component=component, **fields)

    first = _token(finding, provider)
    if not first.ok:
        return [first]
    findings = [first, _api(finding, config, client)]
    return findings + scope_findings(component, config, provider.granted_scopes)
