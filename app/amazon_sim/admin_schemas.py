"""The admin API's wire types (camelCase JSON): what it accepts and shows, no secret but the tokens it grants."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from app.amazon_sim.catalog import AccountType, Region
from app.amazon_sim.fake_orders import NextTokenReading
from app.amazon_sim.faults import FaultKind, FaultTarget
from app.amazon_sim.records import GRANT_TYPES, App, GrantType, RecordedRequest, SellerAccount
from app.amazon_sim.state import SimulatorState
from app.lib.wire import InputStruct, Struct

Text = Annotated[str, msgspec.Meta(min_length=1, max_length=2048)]


class ClockView(Struct):
    now: datetime
    offset_seconds: float


class ClockChange(InputStruct):
    """Either move the clock forward by `advanceSeconds`, or set its offset from real time."""

    advance_seconds: Annotated[float, msgspec.Meta(ge=0)] | None = None
    offset_seconds: float | None = None


class AppRegistration(InputStruct):
    application_id: Text
    client_id: Text
    client_secret: Text
    name: Text
    redirect_uris: Annotated[list[Text], msgspec.Meta(max_length=20)]
    login_uri: Text | None = None
    draft: bool = False
    client_secret_expires_at: datetime | None = None
    allowed_grants: list[GrantType] = msgspec.field(default_factory=lambda: list(GRANT_TYPES))


class SecretRotation(InputStruct):
    """A new client secret, as Amazon would deliver it after rotateApplicationClientSecret."""

    client_secret: Text


class AppView(Struct):
    """An app as the admin API shows it: never its secret."""

    application_id: str
    client_id: str
    name: str
    redirect_uris: list[str]
    login_uri: str | None
    draft: bool
    client_secret_expires_at: datetime | None
    allowed_grants: list[GrantType]


class SellerView(Struct):
    selling_partner_id: str
    name: str
    account_type: AccountType
    region: Region
    marketplace_ids: list[str]


class SellerRegistration(InputStruct):
    selling_partner_id: Text
    name: Text
    account_type: AccountType
    region: Region
    marketplace_ids: Annotated[list[str], msgspec.Meta(min_length=1)]
    # getOrders volume per marketplace; unset: one order every eight hours.
    orders_per_30_days: Annotated[int, msgspec.Meta(ge=1, le=100_000)] | None = None


class AuthorizationBatch(InputStruct):
    """`count` new selling partners of `region` that consented to an app at once (benchmarks of many sellers).

    Their IDs are `prefix` and a number (A1BULK000001, …); an account with the same ID is replaced and granted anew.
    """

    count: Annotated[int, msgspec.Meta(ge=1, le=100_000)]
    region: Region
    prefix: Annotated[str, msgspec.Meta(pattern=r"^[A-Z0-9]{1,20}$")]
    account_type: AccountType = "seller"
    # Unset: the default app of the account type (the simulated seller or vendor app).
    application_id: Text | None = None
    # Unset: the region's main marketplace (US, UK or JP).
    marketplace_ids: Annotated[list[str], msgspec.Meta(min_length=1)] | None = None


class GrantedAuthorization(Struct):
    """What the app would hold after the partner's consent and the code exchange."""

    selling_partner_id: str
    refresh_token: str


class AuthorizationBatchResult(Struct):
    """The admin API's one answer with secrets: refresh tokens, as the code exchange would have returned them."""

    application_id: str
    authorizations: list[GrantedAuthorization]


class Revocation(InputStruct):
    """The selling partner removes one app (or, without applicationId, every app) in Seller Central."""

    selling_partner_id: Text
    application_id: Text | None = None


class RevocationResult(Struct):
    revoked_refresh_tokens: int


class RefreshTokenRotationChange(InputStruct):
    """Whether LWA answers each refresh with a new refresh token (and forgets the one sent)."""

    enabled: bool


class RefreshTokenRotation(Struct):
    enabled: bool


class RefreshHoldChange(InputStruct):
    """On: LWA's refresh_token grants wait when they arrive. Off: every waiting one is answered, all together."""

    holding: bool


class RefreshHoldView(Struct):
    holding: bool
    waiting: int  # refreshes that arrived and wait for the release


class NextTokenReadingChange(InputStruct):
    """How getOrders reads NextToken: beside unchanged filters (the current model) or instead of them (the older)."""

    reading: NextTokenReading


class NextTokenReadingView(Struct):
    reading: NextTokenReading


class UsagePlanSpeed(InputStruct):
    """Every SP-API usage plan's rate times `speed` (bursts unchanged): Amazon's paging shape in less time."""

    speed: Annotated[float, msgspec.Meta(gt=0, le=10_000)]


class UsagePlanSpeedView(Struct):
    speed: float


class FaultSpec(InputStruct):
    target: FaultTarget
    kind: FaultKind
    status: Annotated[int, msgspec.Meta(ge=400, le=599)] = 500
    seconds: Annotated[float, msgspec.Meta(ge=0, le=600)] | None = None
    count: Annotated[int, msgspec.Meta(ge=1, le=10_000)] = 1
    operation: str | None = None
    retry_after: Annotated[float, msgspec.Meta(ge=0, le=3600)] | None = None  # seconds, sent as Retry-After


class FaultView(Struct):
    target: FaultTarget
    kind: FaultKind
    status: int
    seconds: float
    remaining: int
    operation: str | None


class FaultList(Struct):
    faults: list[FaultView]


class Counters(Struct):
    counters: dict[str, int]


class RequestView(Struct):
    at: datetime
    method: str
    host: str
    path: str
    query: dict[str, list[str]]
    user_agent: str | None
    access_token_present: bool
    status: int


class RequestLog(Struct):
    requests: list[RequestView]


class StateSummary(Struct):
    now: datetime
    offset_seconds: float
    apps: list[AppView]
    sellers: list[SellerView]
    authorizations: int
    active_faults: int


def request_view(entry: RecordedRequest) -> RequestView:
    return RequestView(
        at=entry.at,
        method=entry.method,
        host=entry.host,
        path=entry.path,
        query=entry.query,
        user_agent=entry.user_agent,
        access_token_present=entry.access_token_present,
        status=entry.status,
    )


def clock_view(sim: SimulatorState) -> ClockView:
    return ClockView(sim.clock.now(), sim.clock.offset.total_seconds())


def app_view(app: App) -> AppView:
    return AppView(
        application_id=app.application_id,
        client_id=app.client_id,
        name=app.name,
        redirect_uris=list(app.redirect_uris),
        login_uri=app.login_uri,
        draft=app.draft,
        client_secret_expires_at=app.client_secret_expires_at,
        allowed_grants=sorted(app.allowed_grants),
    )


def seller_view(seller: SellerAccount) -> SellerView:
    return SellerView(
        seller.selling_partner_id, seller.name, seller.account_type, seller.region, list(seller.marketplace_ids)
    )


def fault_list(sim: SimulatorState) -> FaultList:
    return FaultList(
        [FaultView(f.target, f.kind, f.status, f.seconds, f.remaining, f.operation) for f in sim.faults.faults]
    )


def summary(sim: SimulatorState) -> StateSummary:
    return StateSummary(
        now=sim.clock.now(),
        offset_seconds=sim.clock.offset.total_seconds(),
        apps=[app_view(app) for app in sim.apps.values()],
        sellers=[seller_view(seller) for seller in sim.sellers.values()],
        authorizations=sum(not a.revoked for a in sim.authorizations.values()),
        active_faults=len(sim.faults.faults),
    )
