"""What the simulator remembers: apps, accounts, codes, authorizations, tokens, renewals and received requests."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from app.amazon_sim.catalog import AccountType, Region

GrantType = Literal["authorization_code", "refresh_token"]
GRANT_TYPES: tuple[GrantType, ...] = ("authorization_code", "refresh_token")

CODE_LIFETIME = timedelta(minutes=5)
ACCESS_TOKEN_LIFETIME = timedelta(hours=1)
AUTHORIZATION_LIFETIME = timedelta(days=365)
RENEWAL_LIFETIME = timedelta(minutes=10)
CLIENT_SECRET_LIFETIME = timedelta(days=180)
RETIRED_SECRET_GRACE = timedelta(days=7)  # after a rotation the old secret works about seven more days


@dataclass(slots=True)
class App:
    """A registered SP-API application with its LWA client credentials."""

    application_id: str
    client_id: str
    client_secret: str = field(repr=False)
    name: str
    redirect_uris: tuple[str, ...]
    login_uri: str | None
    draft: bool
    client_secret_expires_at: datetime | None
    allowed_grants: frozenset[GrantType] = frozenset(GRANT_TYPES)
    retired_secret: str | None = field(default=None, repr=False)
    retired_secret_expires_at: datetime | None = None

    def accepts_secret(self, secret: str, now: datetime) -> bool:
        """The current secret until it expires, or the one it replaced during its week of grace."""
        current = hmac.compare_digest(self.client_secret.encode(), secret.encode()) and (
            self.client_secret_expires_at is None or now < self.client_secret_expires_at
        )
        retired = (
            self.retired_secret is not None
            and self.retired_secret_expires_at is not None
            and hmac.compare_digest(self.retired_secret.encode(), secret.encode())
            and now < self.retired_secret_expires_at
        )
        return current or retired

    def expire_secrets(self, now: datetime) -> None:
        """Every secret of the app stops working now, as on a missed rotation deadline."""
        self.client_secret_expires_at = now
        if self.retired_secret_expires_at is not None:
            self.retired_secret_expires_at = min(self.retired_secret_expires_at, now)

    def rotate_secret(self, new_secret: str, now: datetime) -> None:
        """Replace the secret; the old one keeps working for a week (or until it expires, if sooner)."""
        grace_end = now + RETIRED_SECRET_GRACE
        if self.client_secret_expires_at is not None:
            grace_end = min(grace_end, self.client_secret_expires_at)
        self.retired_secret, self.retired_secret_expires_at = self.client_secret, grace_end
        self.client_secret, self.client_secret_expires_at = new_secret, now + CLIENT_SECRET_LIFETIME


@dataclass(frozen=True, slots=True)
class SellerAccount:
    """A selling partner: a seller or vendor account in one region, with its marketplaces."""

    selling_partner_id: str
    name: str
    account_type: AccountType
    region: Region
    marketplace_ids: tuple[str, ...]


@dataclass(slots=True)
class AuthorizationCode:
    """An spapi_oauth_code: single use, short-lived, bound to app, redirect URI and selling partner."""

    application_id: str
    redirect_uri: str
    selling_partner_id: str
    issued_at: datetime
    used: bool = False

    def expired(self, now: datetime) -> bool:
        return now - self.issued_at >= CODE_LIFETIME


@dataclass(slots=True)
class Authorization:
    """A selling partner's consent to one app; it expires a year after it was (re)granted."""

    application_id: str
    selling_partner_id: str
    granted_at: datetime
    revoked: bool = False

    def expired(self, now: datetime) -> bool:
        return now - self.granted_at >= AUTHORIZATION_LIFETIME


@dataclass(slots=True)
class RefreshToken:
    """An Atzr| token: valid while its authorization stands and it is not revoked."""

    application_id: str
    selling_partner_id: str
    revoked: bool = False


@dataclass(slots=True)
class AccessToken:
    """An Atza| token: one hour of SP-API calls for one (app, selling partner)."""

    application_id: str
    selling_partner_id: str
    issued_at: datetime
    revoked: bool = False

    def expired(self, now: datetime) -> bool:
        return now - self.issued_at >= ACCESS_TOKEN_LIFETIME


@dataclass(frozen=True, slots=True)
class Renewal:
    """A visit to the app's Log-in URI, remembered under its amazon_state for ten minutes: a renewal started from
    Seller Central, or (`consented`) the Log-in URI step of the website workflow, after the partner's consent."""

    application_id: str
    selling_partner_id: str
    host: str
    started_at: datetime
    consented: bool = False

    def expired(self, now: datetime) -> bool:
        return now - self.started_at >= RENEWAL_LIFETIME


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """A request as the request log keeps it: no token, code, secret or state values."""

    at: datetime
    method: str
    host: str
    path: str
    query: dict[str, list[str]]
    user_agent: str | None
    access_token_present: bool
    status: int
