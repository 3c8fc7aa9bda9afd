"""Login with Amazon: exchanging an authorization code and refreshing access tokens, errors typed as FACTS §3."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import httpx
import msgspec

from app.amazon.endpoints import AmazonEndpoints
from app.amazon.retry import Backoff, with_backoff
from app.lib.errors import AmazonRefused, AmazonTimeout, AmazonUnavailable, AuthorizationCodeRefused
from app.lib.metrics import LWA_REQUESTS

log = logging.getLogger(__name__)


class TokenGrant(msgspec.Struct, frozen=True):
    """LWA's answer; `refresh_token` is the one sent back (or a new one after a code exchange)."""

    access_token: str
    expires_in: int
    token_type: str = "bearer"  # noqa: S105 (a token kind, not a secret)
    refresh_token: str | None = None


class _LwaError(msgspec.Struct):
    error: str = "unknown"
    error_description: str = ""


@dataclass(frozen=True, repr=False)
class ClientCredentials:
    """The app's LWA client ID and secret (repr hides the secret)."""

    client_id: str
    client_secret: str

    def __repr__(self) -> str:
        return f"ClientCredentials(client_id={self.client_id!r}, client_secret=***)"


_GRANT = msgspec.json.Decoder(TokenGrant)
_ERROR = msgspec.json.Decoder(_LwaError)
_MESSAGES = {
    ("invalid_grant", "code"): "Amazon refused the authorization code: it took longer than 5 minutes to come back "
    "from Amazon's consent page, or it was used already. Get the token again: use Get Selling Partner API token in "
    "the draft and confirm at Amazon straight away.",
    ("invalid_grant", "refresh_token"): "Amazon refused the refresh token: the authorization was revoked or has "
    "expired. Re-authorize with Get Selling Partner API token.",
    ("invalid_client", None): "Amazon refused the app's LWA client ID or secret (wrong, or the secret expired). "
    "Fix the app credentials.",
    ("unauthorized_client", None): "Amazon does not allow this app this operation. Check the app's registration.",
}


# LWA's error codes (FACTS §3) are counted by name; anything else Amazon might send, as other_error.
_COUNTED_ERRORS = frozenset(
    {
        "invalid_grant",
        "invalid_client",
        "unauthorized_client",
        "invalid_request",
        "unsupported_grant_type",
        "invalid_scope",
        "access_denied",
    }
)


class LwaClient:
    """Talks to the LWA token endpoint over one pooled httpx client."""

    def __init__(self, http: httpx.AsyncClient, endpoints: AmazonEndpoints, backoff: Backoff) -> None:
        self.http = http
        self.endpoints = endpoints
        self.backoff = backoff

    async def exchange_code(self, client: ClientCredentials, code: str, redirect_uri: str) -> TokenGrant:
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        # A code works once: never retried, a retry could only fail with invalid_grant.
        return await self._post(client, form, "code")

    async def refresh(self, client: ClientCredentials, refresh_token: str) -> TokenGrant:
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        return await with_backoff(lambda: self._post(client, form, "refresh_token"), self.backoff, "LWA refresh")

    async def _post(self, client: ClientCredentials, form: dict[str, str], grant: str) -> TokenGrant:
        """One request to the token endpoint, counted by its outcome (erp_lwa_requests)."""
        try:
            answer = await self._post_once(client, form, grant)
        except AmazonRefused as refused:
            outcome = refused.lwa_error if refused.lwa_error in _COUNTED_ERRORS else "other_error"
            LWA_REQUESTS.labels(grant=grant, outcome=outcome).inc()
            raise
        except AmazonUnavailable as away:
            outcome = "malformed" if away.code == "amazon_malformed" else "unavailable"
            LWA_REQUESTS.labels(grant=grant, outcome=outcome).inc()
            raise
        LWA_REQUESTS.labels(grant=grant, outcome="ok").inc()
        return answer

    async def _post_once(self, client: ClientCredentials, form: dict[str, str], grant: str) -> TokenGrant:
        body = {**form, "client_id": client.client_id, "client_secret": client.client_secret}
        try:
            response = await self.http.post(
                self.endpoints.lwa_token_url, data=body, headers={"Accept": "application/json"}
            )
        except httpx.TimeoutException:
            raise AmazonTimeout("Login with Amazon did not answer in time.") from None
        except httpx.TransportError as exc:
            raise AmazonUnavailable(f"Login with Amazon could not be reached ({type(exc).__name__}).") from None
        if response.status_code == 200:
            try:
                return _GRANT.decode(response.content)
            except msgspec.DecodeError:
                raise AmazonUnavailable("Login with Amazon sent a malformed answer.", code="amazon_malformed") from None
        if response.status_code == 429 or response.status_code >= 500:
            raise AmazonUnavailable(
                f"Login with Amazon is unavailable (HTTP {response.status_code}).",
                retry_after=_retry_after(response),
            )
        try:
            error = _ERROR.decode(response.content)
        except msgspec.DecodeError:
            raise AmazonUnavailable(
                f"Login with Amazon answered HTTP {response.status_code} without an error body.",
                code="amazon_malformed",
            ) from None
        if error.error in ("server_error", "temporarily_unavailable"):
            raise AmazonUnavailable(f"Login with Amazon is unavailable ({error.error}).")
        if error.error in ("invalid_request", "unsupported_grant_type"):
            # Our request was wrong: a bug on our side, so say it loudly (without the request's secrets).
            log.error("LWA rejected our %s request: %s %s", grant, error.error, error.error_description[:200])
        message = _MESSAGES.get((error.error, grant if error.error == "invalid_grant" else None))
        if error.error == "invalid_grant" and grant == "code":
            # The user's delay (or a reload), not Amazon failing: a clear 400, never a 502.
            raise AuthorizationCodeRefused(message or error.error_description[:200])
        raise AmazonRefused(
            message or f"Login with Amazon refused the request: {error.error} ({error.error_description[:200]}).",
            lwa_error=error.error,
            grant=grant,
        )


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
