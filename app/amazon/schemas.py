"""Wire types of Amazon General Settings and connections; secrets appear only as fingerprints."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from app.amazon.regions import AccountType, Region
from app.amazon.status import CheckResult, ConnectionStatus
from app.companies.hierarchy import CompanyRef
from app.lib.i18n import Language
from app.lib.wire import Struct


class Source(Struct):
    """Where a value comes from: the company's own settings, or its account owner's."""

    kind: Literal["own", "inherited"]
    company: CompanyRef


class BoolField(Struct):
    value: bool
    source: Source


class TextField(Struct):
    value: str | None
    source: Source


class AccountTypeField(Struct):
    value: AccountType
    source: Source


class MarketplacesField(Struct):
    value: list[str]
    source: Source


class Connection(Struct):
    """One region's Selling Partner API connection as the settings page shows it."""

    region: Region
    status: ConnectionStatus
    source: Source
    selling_partner_id: str | None = None
    token_fingerprint: str | None = None
    authorized_at: datetime | None = None
    authorization_expires_at: datetime | None = None
    days_left: int | None = None
    access_token_expires_at: datetime | None = None
    last_checked_at: datetime | None = None
    last_error_code: str | None = None
    last_error_message: str | None = None
    marketplaces_seen: list[str] = []


class Editor(Struct):
    """Somebody with an open draft of this company's settings."""

    user: str
    started_at: datetime
    mine: bool


class AmazonSettings(Struct):
    """A company's effective Amazon General Settings; `version` is also sent as the ETag."""

    company: CompanyRef
    company_name: str
    account_owner: CompanyRef
    parent_id: int | None
    unified: bool
    version: int
    updated_at: datetime
    updated_by: str | None
    enabled: BoolField
    account_type: AccountTypeField
    marketplace_ids: MarketplacesField
    order_import_enabled: BoolField
    inventory_sync_enabled: BoolField
    price_sync_enabled: BoolField
    notification_email: TextField
    connections: list[Connection]
    open_edits: list[Editor]
    # The language of the company's e-mails (en, de or fr); changed through a draft like the company's placement.
    language: Language = "en"


class RegionStatus(Struct):
    region: Region
    status: ConnectionStatus
    days_left: int | None = None
    # When a check (a worker's refresh, the periodic check, Refresh, a bulk test) last learnt something.
    last_checked_at: datetime | None = None
    # What a person must do, in plain words (None when nothing).
    action: str | None = None


# One status, or a group: needs_action (anything a person must act on), needs_new_token (re-authorization required
# or expired: only Get Selling Partner API token helps).
StatusFilter = Literal[
    "needs_action",
    "needs_new_token",
    "active",
    "expiring",
    "expired",
    "reauthorization_required",
    "wrong_region_or_role",
    "error",
]


class AppCredentials(Struct):
    """The ERP's SP-API application for one account type and environment; the secret only as a fingerprint."""

    account_type: AccountType
    environment: Literal["production", "sandbox"]
    configured: bool
    version: int
    application_id: str | None = None
    lwa_client_id: str | None = None
    client_secret_fingerprint: str | None = None
    client_secret_expires_at: datetime | None = None
    days_until_secret_expires: int | None = None
    redirect_uri: str | None = None
    draft_app: bool = False
    updated_at: datetime | None = None
    updated_by: str | None = None


class MarketplaceInfo(Struct):
    id: str
    region: Region
    country_code: str
    name: str


Verdict = Literal[
    "ok",
    "reauthorization_required",
    "token_unreadable",
    "app_credentials_invalid",
    "wrong_region_or_role",
    "amazon_unavailable",
    "quota_exhausted",
]


class LastCheck(Struct):
    """A connection's last check as stored: when, what it concluded, and why when that was not ok."""

    checked_at: datetime
    result: CheckResult
    error_code: str | None = None
    error_message: str | None = None


class ConnectionTest(Struct):
    """The verdict of a connection test, in plain words, with the action to take.

    `quota_exhausted`: Amazon's quota for the seller allows no test now; nothing about the connection was learnt or
    recorded. `next_test_at` says when the next test can run and `last_result` what the last check concluded.
    `amazon_unavailable` with a Retry-After from Amazon: `next_test_at` says when Amazon asked to be asked again.
    """

    verdict: Verdict
    message: str
    action: str | None
    checked_at: datetime
    region: Region
    ran_on: CompanyRef
    ran_on_owner: bool
    access_token_expires_at: datetime | None = None
    marketplaces_seen: list[str] = []
    warnings: list[str] = []
    next_test_at: datetime | None = None
    last_result: LastCheck | None = None


GrantVerdictKind = Literal["ok", "wrong_region_or_role", "marketplaces_not_listed", "untested"]


class GrantVerdict(Struct):
    """What Amazon answered when a new token was tried once, right after the consent, in plain words with the action.

    `wrong_region_or_role` and `marketplaces_not_listed` need `needs_confirmation`: Save asks for the region in
    `confirmGrantVerdict`. `untested`: Amazon could not be asked now; Save stores the token untested.
    """

    kind: GrantVerdictKind
    message: str
    needs_confirmation: bool
    tested_at: datetime | None = None
    marketplaces_seen: list[str] = []
