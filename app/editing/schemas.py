"""Wire types of drafts: the changes a user makes, what the draft would store, and Save."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import UNSET, UnsetType

from app.amazon.regions import AccountType, Region
from app.amazon.schemas import AppCredentials, Editor, GrantVerdict
from app.companies.hierarchy import CompanyRef
from app.lib.i18n import Language
from app.lib.wire import MAX_ID, Id, InputStruct, Struct

MarketplaceId = Annotated[str, msgspec.Meta(pattern=r"^[A-Z0-9]{8,20}$", description="An Amazon marketplace ID")]
Email = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^[^@\s\x00-\x1f\x7f]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$",
        max_length=254,
        description="An e-mail address",
    ),
]


class SettingsChanges(InputStruct, omit_defaults=True):
    """The fields a draft changes; a field left out is not changed. `parentId: null` makes a company a root."""

    parent_id: Id | UnsetType | None = UNSET
    unified: bool | UnsetType = UNSET
    enabled: bool | UnsetType = UNSET
    account_type: AccountType | UnsetType = UNSET
    marketplace_ids: Annotated[list[MarketplaceId], msgspec.Meta(max_length=50)] | UnsetType = UNSET
    order_import_enabled: bool | UnsetType = UNSET
    inventory_sync_enabled: bool | UnsetType = UNSET
    price_sync_enabled: bool | UnsetType = UNSET
    notification_email: Email | UnsetType | None = UNSET
    # The language of the company's e-mails.
    language: Language | UnsetType = UNSET


Revision = Annotated[
    int,
    msgspec.Meta(
        ge=1,
        le=MAX_ID,
        description="The draft's revision as this page last read it (`revision` of the draft); a stale one is a 409",
    ),
]


class DraftChange(SettingsChanges, omit_defaults=True):
    """A change to a draft: the fields to change, and the draft revision the change was made on."""

    revision: Revision | None = None


class DraftValues(Struct):
    """Every field as Save would store it: the stored value, or the draft's change."""

    parent_id: int | None
    unified: bool
    account_owner: CompanyRef
    enabled: bool
    account_type: AccountType
    marketplace_ids: list[str]
    order_import_enabled: bool
    inventory_sync_enabled: bool
    price_sync_enabled: bool
    notification_email: str | None
    language: Language = "en"


class PendingGrant(Struct):
    """A token obtained while editing, waiting for Save; only its fingerprint is shown."""

    region: Region
    selling_partner_id: str
    token_fingerprint: str | None
    obtained_at: datetime
    seller_changed: bool
    # What Amazon answered when the token was tried once, right after the consent (None: never tried).
    verdict: GrantVerdict | None = None


class AuthorizationInProgress(Struct):
    """ "Get Selling Partner API token" was started and Amazon has not answered yet."""

    region: Region
    started_at: datetime
    expires_at: datetime


ConsentLinkStatus = Literal["waiting", "opened", "expired", "unfinished"]


class ConsentLinkSent(Struct):
    """An authorization link e-mailed to the account holder for a region, whose token has not arrived yet.

    `waiting`: sent, not opened yet; `opened`: the holder went on to Amazon's consent at `opened_at` (the link is used
    up); `expired`: not opened within 7 days; `unfinished`: opened, but Amazon's consent was not completed in time.
    Send a new one (resend) for the last two.
    """

    id: int
    region: Region
    email: str
    requested_by: str
    sent_at: datetime
    expires_at: datetime
    status: ConsentLinkStatus
    opened_at: datetime | None = None


class Warning(Struct):
    code: str
    message: str


class Draft(Struct):
    """An edit session (draft) of one company's settings."""

    id: UUID
    company: CompanyRef
    editor: str
    status: Literal["open", "saved", "cancelled", "expired"]
    base_version: int
    # Goes up with every change to what Save would store (a field, a token from Amazon); send it back with
    # each change and with Save.
    revision: int
    created_at: datetime
    expires_at: datetime
    changes: SettingsChanges
    values: DraftValues
    pending_grants: list[PendingGrant]
    authorizations_in_progress: list[AuthorizationInProgress]
    warnings: list[Warning]
    other_editors: list[Editor]
    # Your authorization links for this company's regions e-mailed to account holders, not completed yet.
    consent_links: list[ConsentLinkSent] = []


class SaveRequest(InputStruct):
    """Optional Save body: the draft revision the page shows, and regions whose new token belongs to a different
    seller, confirmed on purpose."""

    revision: Revision | None = None
    confirm_seller_change: Annotated[list[Region], msgspec.Meta(max_length=3)] = []
    # Regions whose new token Amazon refused, or whose account lists none of the company's marketplaces there,
    # saved on purpose all the same.
    confirm_grant_verdict: Annotated[list[Region], msgspec.Meta(max_length=3)] = []


class CredentialsChanges(InputStruct, omit_defaults=True):
    """Changes to the app credentials; the secret is write-only and never read back."""

    application_id: (
        Annotated[str, msgspec.Meta(pattern=r"^amzn1\.(sp\.solution|sellerapps\.app)\.[A-Za-z0-9._-]{1,120}$")]
        | UnsetType
    ) = UNSET
    lwa_client_id: Annotated[str, msgspec.Meta(pattern=r"^amzn1\.[A-Za-z0-9._-]{1,180}$")] | UnsetType = UNSET
    lwa_client_secret: Annotated[str, msgspec.Meta(pattern=r"^[!-~]{8,512}$")] | UnsetType = UNSET
    client_secret_expires_at: datetime | UnsetType = UNSET
    redirect_uri: Annotated[str, msgspec.Meta(pattern=r"^https?://[^\s#]{1,480}$")] | UnsetType = UNSET
    draft_app: bool | UnsetType = UNSET


class CredentialsDraft(Struct):
    """A draft of one credentials record: its changes, whether a new secret waits in it, and the stored record."""

    id: UUID
    account_type: AccountType
    environment: Literal["production", "sandbox"]
    status: Literal["open", "saved", "cancelled", "expired"]
    base_version: int
    expires_at: datetime
    changes: CredentialsChanges
    new_secret_fingerprint: str | None
    current: AppCredentials
