"""The admin JSON API under /_admin: reset, clock, apps, accounts and their consents, faults, counters, request log."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, delete, get, post
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException, ValidationException
from litestar.handlers import BaseRouteHandler
from litestar.params import FromPath, JSONBody, Parameter

from app.amazon_sim.admin_schemas import (
    AppRegistration,
    AppView,
    AuthorizationBatch,
    AuthorizationBatchResult,
    ClockChange,
    ClockView,
    Counters,
    FaultList,
    FaultSpec,
    GrantedAuthorization,
    NextTokenReadingChange,
    NextTokenReadingView,
    RefreshHoldChange,
    RefreshHoldView,
    RefreshTokenRotation,
    RefreshTokenRotationChange,
    RequestLog,
    Revocation,
    RevocationResult,
    SecretRotation,
    SellerRegistration,
    SellerView,
    StateSummary,
    UsagePlanSpeed,
    UsagePlanSpeedView,
    app_view,
    clock_view,
    fault_list,
    request_view,
    seller_view,
    summary,
)
from app.amazon_sim.catalog import MARKETPLACES, OPERATIONS, Region
from app.amazon_sim.faults import DEFAULT_LATENCY_SECONDS, DEFAULT_TIMEOUT_SECONDS, Fault
from app.amazon_sim.grants import exchange_code, issue_code, revoke
from app.amazon_sim.ratelimit import RateLimiter
from app.amazon_sim.records import App, SellerAccount
from app.amazon_sim.seed import JP, SELLER_APP, UK, US, VENDOR_APP
from app.amazon_sim.state import REQUEST_LOG_SIZE, SimulatorState
from app.config import is_loopback_host
from app.lib.errors import PermissionDenied

# The marketplace of the accounts a batch of authorizations adds, when the batch names none.
_MAIN_MARKETPLACE = {Region.NA: US, Region.EU: UK, Region.FE: JP}
# Headers a proxy adds: a request that carries one came from wherever the proxy's client is, not from this machine.
_PROXY_HEADERS = frozenset({b"forwarded", b"x-forwarded-for", b"x-real-ip"})


def _foreign_marketplaces(marketplace_ids: list[str], region: Region) -> None:
    """Refuse marketplaces that are not of the account's region."""
    foreign = [mid for mid in marketplace_ids if mid not in MARKETPLACES or MARKETPLACES[mid].region != region]
    if foreign:
        raise ValidationException(f"Not marketplaces of {region}: {', '.join(foreign)}.")


def _consenting_app(sim: SimulatorState, batch: AuthorizationBatch) -> App:
    """The app a batch of selling partners consents to: the one named, or the default app of the account type."""
    default = SELLER_APP if batch.account_type == "seller" else VENDOR_APP
    application_id = batch.application_id or default.application_id
    app = sim.app_by_application_id(application_id)
    if app is None:
        raise ValidationException(f"No app has the application ID {application_id}: register it first.")
    return app


def loopback_clients_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """The admin API revokes, expires secrets, moves the clock and injects faults: this machine's clients only."""
    client = connection.scope.get("client")
    proxied = any(name.lower() in _PROXY_HEADERS for name, _value in connection.scope["headers"])
    if proxied or client is None or not is_loopback_host(client[0]):
        raise PermissionDenied(
            "The simulator's admin API answers clients on this machine only, never through a proxy.",
            code="loopback_only",
        )


class AdminController(Controller):
    path = "/_admin"
    guards = [loopback_clients_only]

    @post("/reset", operation_id="resetSimulator", status_code=200)
    async def reset(self, sim: NamedDependency[SimulatorState]) -> StateSummary:
        """Forget everything and re-seed the default apps and accounts."""
        sim.reset()
        return summary(sim)

    @get("/state", operation_id="getSimulatorState")
    async def state(self, sim: NamedDependency[SimulatorState]) -> StateSummary:
        """Apps (without secrets), accounts, how many authorizations, the clock."""
        return summary(sim)

    @get("/clock", operation_id="getSimulatorClock")
    async def clock(self, sim: NamedDependency[SimulatorState]) -> ClockView:
        """The simulator's time and its offset from real time."""
        return clock_view(sim)

    @post("/clock", operation_id="moveSimulatorClock", status_code=200)
    async def move_clock(self, sim: NamedDependency[SimulatorState], data: JSONBody[ClockChange]) -> ClockView:
        """Advance the clock, or set its offset."""
        if (data.advance_seconds is None) == (data.offset_seconds is None):
            raise ValidationException("Send exactly one of advanceSeconds and offsetSeconds.")
        if data.advance_seconds is not None:
            sim.clock.advance(data.advance_seconds)
        if data.offset_seconds is not None:
            sim.clock.set_offset(data.offset_seconds)
        return clock_view(sim)

    @post("/apps", operation_id="registerSimulatedApp")
    async def register_app(self, sim: NamedDependency[SimulatorState], data: JSONBody[AppRegistration]) -> AppView:
        """Register an app, replacing any with the same application ID or client ID."""
        app = App(
            application_id=data.application_id,
            client_id=data.client_id,
            client_secret=data.client_secret,
            name=data.name,
            redirect_uris=tuple(data.redirect_uris),
            login_uri=data.login_uri,
            draft=data.draft,
            client_secret_expires_at=data.client_secret_expires_at,
            allowed_grants=frozenset(data.allowed_grants),
        )
        sim.register_app(app)
        return app_view(app)

    @post("/apps/{client_id:str}/expire-secret", operation_id="expireSimulatedSecret", status_code=200)
    async def expire_secret(self, sim: NamedDependency[SimulatorState], client_id: FromPath[str]) -> AppView:
        """The app's client secrets expire now: LWA answers invalid_client from here on."""
        app = sim.apps.get(client_id)
        if app is None:
            raise NotFoundException(f"No app has the client ID {client_id}.")
        app.expire_secrets(sim.clock.now())
        return app_view(app)

    @post("/apps/{client_id:str}/rotate-secret", operation_id="rotateSimulatedSecret", status_code=200)
    async def rotate_secret(
        self, sim: NamedDependency[SimulatorState], client_id: FromPath[str], data: JSONBody[SecretRotation]
    ) -> AppView:
        """A new secret valid for 180 days; the old one keeps working for seven more days."""
        app = sim.apps.get(client_id)
        if app is None:
            raise NotFoundException(f"No app has the client ID {client_id}.")
        app.rotate_secret(data.client_secret, sim.clock.now())
        return app_view(app)

    @post("/sellers", operation_id="addSimulatedSeller")
    async def add_seller(self, sim: NamedDependency[SimulatorState], data: JSONBody[SellerRegistration]) -> SellerView:
        """Add (or replace) a seller or vendor account."""
        _foreign_marketplaces(data.marketplace_ids, data.region)
        seller = SellerAccount(
            data.selling_partner_id, data.name, data.account_type, data.region, tuple(data.marketplace_ids)
        )
        sim.sellers[seller.selling_partner_id] = seller
        sim.orders.orders_per_30_days.pop(seller.selling_partner_id, None)
        if data.orders_per_30_days is not None:
            sim.orders.orders_per_30_days[seller.selling_partner_id] = data.orders_per_30_days
        return seller_view(seller)

    @post("/authorizations", operation_id="grantSimulatedAuthorizations")
    async def grant_authorizations(
        self, sim: NamedDependency[SimulatorState], data: JSONBody[AuthorizationBatch]
    ) -> AuthorizationBatchResult:
        """Add `count` accounts that consented to the app, as if each had confirmed the consent page and the app had
        exchanged the code: their selling partner IDs and refresh tokens (a new year of authorization each)."""
        marketplace_ids = data.marketplace_ids or [_MAIN_MARKETPLACE[data.region]]
        _foreign_marketplaces(marketplace_ids, data.region)
        app = _consenting_app(sim, data)
        redirect_uri = app.redirect_uris[0] if app.redirect_uris else ""
        width = max(6, len(str(data.count)))
        granted = []
        for number in range(1, data.count + 1):
            selling_partner_id = f"{data.prefix}{number:0{width}d}"
            seller = SellerAccount(
                selling_partner_id,
                f"Simulated {selling_partner_id}",
                data.account_type,
                data.region,
                tuple(marketplace_ids),
            )
            sim.sellers[selling_partner_id] = seller
            sim.orders.orders_per_30_days.pop(selling_partner_id, None)
            code = issue_code(sim, app, redirect_uri, seller)
            tokens = exchange_code(sim, app, code, redirect_uri)
            granted.append(GrantedAuthorization(selling_partner_id, tokens.refresh_token))
        return AuthorizationBatchResult(app.application_id, granted)

    @get("/next-token-reading", operation_id="getSimulatedNextTokenReading")
    async def next_token_reading(self, sim: NamedDependency[SimulatorState]) -> NextTokenReadingView:
        """How getOrders reads NextToken now."""
        return NextTokenReadingView(sim.orders.next_token_reading)

    @post("/next-token-reading", operation_id="setSimulatedNextTokenReading", status_code=200)
    async def set_next_token_reading(
        self, sim: NamedDependency[SimulatorState], data: JSONBody[NextTokenReadingChange]
    ) -> NextTokenReadingView:
        """keeps-filters: filters beside NextToken must be the first page's; replaces-filters: any is a 400."""
        sim.orders.next_token_reading = data.reading
        return NextTokenReadingView(sim.orders.next_token_reading)

    @get("/usage-plan-speed", operation_id="getSimulatedUsagePlanSpeed")
    async def usage_plan_speed(self, sim: NamedDependency[SimulatorState]) -> UsagePlanSpeedView:
        """How many times faster than Amazon's the usage plans refill (1: Amazon's rates)."""
        return UsagePlanSpeedView(sim.usage_plan_speed)

    @post("/usage-plan-speed", operation_id="setSimulatedUsagePlanSpeed", status_code=200)
    async def set_usage_plan_speed(
        self, sim: NamedDependency[SimulatorState], data: JSONBody[UsagePlanSpeed]
    ) -> UsagePlanSpeedView:
        """Multiply every usage plan's rate (reset returns to 1); bursts and 429s stay as Amazon's.

        The buckets start afresh, full, at the new rate.
        """
        sim.usage_plan_speed = data.speed
        sim.rate_limiter = RateLimiter()
        return UsagePlanSpeedView(sim.usage_plan_speed)

    @post("/revoke", operation_id="revokeSimulatedAuthorization", status_code=200)
    async def revoke_authorization(
        self, sim: NamedDependency[SimulatorState], data: JSONBody[Revocation]
    ) -> RevocationResult:
        """Revoke the refresh (and access) tokens of the selling partner's authorization(s)."""
        return RevocationResult(revoke(sim, data.selling_partner_id, data.application_id))

    @get("/refresh-token-rotation", operation_id="getSimulatedRefreshTokenRotation")
    async def refresh_token_rotation(self, sim: NamedDependency[SimulatorState]) -> RefreshTokenRotation:
        """Whether refreshes rotate the refresh token."""
        return RefreshTokenRotation(enabled=sim.rotate_refresh_tokens)

    @post("/refresh-token-rotation", operation_id="switchSimulatedRefreshTokenRotation", status_code=200)
    async def switch_refresh_token_rotation(
        self, sim: NamedDependency[SimulatorState], data: JSONBody[RefreshTokenRotationChange]
    ) -> RefreshTokenRotation:
        """On: every refresh returns a new refresh token and the one sent stops working (reset turns it off)."""
        sim.rotate_refresh_tokens = data.enabled
        return RefreshTokenRotation(enabled=sim.rotate_refresh_tokens)

    @get("/refresh-hold", operation_id="getSimulatedRefreshHold")
    async def refresh_hold(self, sim: NamedDependency[SimulatorState]) -> RefreshHoldView:
        """Whether LWA holds refreshes, and how many wait."""
        hold = sim.faults.refresh_hold
        return RefreshHoldView(holding=hold.holding, waiting=hold.waiting)

    @post("/refresh-hold", operation_id="switchSimulatedRefreshHold", status_code=200)
    async def switch_refresh_hold(
        self, sim: NamedDependency[SimulatorState], data: JSONBody[RefreshHoldChange]
    ) -> RefreshHoldView:
        """On: refresh grants are counted and wait. Off (reset, cleared faults): every waiting one goes on at once."""
        hold = sim.faults.refresh_hold
        if data.holding:
            hold.hold()
        else:
            hold.release()
        return RefreshHoldView(holding=hold.holding, waiting=hold.waiting)

    @post("/faults", operation_id="armSimulatedFault")
    async def arm_fault(self, sim: NamedDependency[SimulatorState], data: JSONBody[FaultSpec]) -> FaultList:
        """Make the next `count` calls to LWA or SP-API (or one SP-API operation) fail, stall or answer garbage."""
        if data.operation is not None and (data.target != "sp-api" or data.operation not in OPERATIONS):
            raise ValidationException(f"operation must be one of {', '.join(OPERATIONS)}, with target sp-api.")
        default_seconds = DEFAULT_TIMEOUT_SECONDS if data.kind == "timeout" else DEFAULT_LATENCY_SECONDS
        seconds = default_seconds if data.seconds is None else data.seconds
        fault = Fault(data.target, data.kind, data.status, seconds, data.count, data.operation, data.retry_after)
        sim.faults.arm(fault)
        return fault_list(sim)

    @get("/faults", operation_id="listSimulatedFaults")
    async def list_faults(self, sim: NamedDependency[SimulatorState]) -> FaultList:
        """The faults still armed."""
        return fault_list(sim)

    @delete("/faults", operation_id="clearSimulatedFaults")
    async def clear_faults(self, sim: NamedDependency[SimulatorState]) -> None:
        """Disarm every fault."""
        sim.faults.clear()

    @get("/counters", operation_id="getSimulatorCounters")
    async def counters(self, sim: NamedDependency[SimulatorState]) -> Counters:
        """How many calls each endpoint received (and consents were confirmed)."""
        return Counters(sim.counter_values())

    @post("/counters/reset", operation_id="resetSimulatorCounters", status_code=200)
    async def reset_counters(self, sim: NamedDependency[SimulatorState]) -> Counters:
        """Set every counter back to zero."""
        sim.counters.clear()
        return Counters(sim.counter_values())

    @get("/requests", operation_id="listSimulatorRequests")
    async def requests(
        self, sim: NamedDependency[SimulatorState], limit: Annotated[int, Parameter(ge=1, le=REQUEST_LOG_SIZE)] = 50
    ) -> RequestLog:
        """The most recent requests, oldest first; no token, code, secret or state values."""
        recent = list(sim.requests)[-limit:]
        return RequestLog([request_view(entry) for entry in recent])
