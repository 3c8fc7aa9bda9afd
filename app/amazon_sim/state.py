"""The simulator's whole memory, in process: its clock, apps, accounts, grants, limits, faults, counters, log."""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from app.amazon_sim.catalog import OPERATIONS
from app.amazon_sim.fake_orders import OrderBook
from app.amazon_sim.faults import FaultBoard
from app.amazon_sim.ratelimit import RateLimiter
from app.amazon_sim.records import (
    AccessToken,
    App,
    Authorization,
    AuthorizationCode,
    RecordedRequest,
    RefreshToken,
    Renewal,
    SellerAccount,
)
from app.amazon_sim.seed import DEFAULT_APPS, DEFAULT_SELLERS

REQUEST_LOG_SIZE = 1000
KNOWN_COUNTERS = (
    "consent.view",
    "consent.confirm",
    "consent.renewal",
    "lwa.authorization_code",
    "lwa.refresh_token",
    *(f"sp-api.{name}" for name in OPERATIONS),
)


class SimulatorClock:
    """Real UTC time plus an offset that the admin API moves."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)

    def set_offset(self, seconds: float) -> None:
        self.offset = timedelta(seconds=seconds)


@dataclass
class LoginBehaviour:
    """Where Amazon is known to behave in more than one way around the Log-in URI (FACTS §1), which way it does.

    `website_login_step`: whether the website workflow visits the app's Log-in URI after the partner's consent and
    before the code ("draft_apps": as integrators report for draft apps). `relative_callback_uri`: whether
    amazon_callback_uri is sent as a path relative to the Central site (seen about one time in ten).
    """

    website_login_step: Literal["never", "draft_apps", "always"] = "draft_apps"
    relative_callback_uri: bool = False

    def login_step_for(self, app: App) -> bool:
        return self.website_login_step == "always" or (self.website_login_step == "draft_apps" and app.draft)


class SimulatorState:
    """Everything the simulator remembers; `reset()` forgets it all and re-seeds the defaults.

    Handlers change it only between awaits on one event loop, so it needs no lock.
    """

    def __init__(self, public_url: str) -> None:
        self.public_url = public_url.rstrip("/")
        self.clock = SimulatorClock()
        self.apps: dict[str, App] = {}
        self.sellers: dict[str, SellerAccount] = {}
        self.codes: dict[str, AuthorizationCode] = {}
        self.authorizations: dict[tuple[str, str], Authorization] = {}
        self.refresh_tokens: dict[str, RefreshToken] = {}
        self.access_tokens: dict[str, AccessToken] = {}
        self.renewals: dict[str, Renewal] = {}
        self.login_behaviour = LoginBehaviour()
        # Off: a refresh returns the refresh token it was sent, as Amazon does. On: each refresh returns a new one and
        # the old one stops working, so a client that keeps the old one fails its next refresh (FACTS §2).
        self.rotate_refresh_tokens = False
        self.orders = OrderBook()
        # Tests and benchmarks run Amazon's usage plans faster (rates times this), bursts unchanged.
        self.usage_plan_speed = 1.0
        self.rate_limiter = RateLimiter()
        self.faults = FaultBoard()
        self.counters: Counter[str] = Counter()
        self.requests: deque[RecordedRequest] = deque(maxlen=REQUEST_LOG_SIZE)
        self.reset()

    def reset(self) -> None:
        """Forget every grant, limit, fault, counter and request, return the clock to real time, re-seed."""
        self.clock.set_offset(0)
        now = self.clock.now()
        self.apps = {}
        for default in DEFAULT_APPS:
            self.register_app(default.registered(self.public_url, now))
        self.sellers = {seller.selling_partner_id: seller for seller in DEFAULT_SELLERS}
        self.codes.clear()
        self.authorizations.clear()
        self.refresh_tokens.clear()
        self.access_tokens.clear()
        self.renewals.clear()
        self.login_behaviour = LoginBehaviour()
        self.rotate_refresh_tokens = False
        self.orders = OrderBook()
        self.usage_plan_speed = 1.0
        self.rate_limiter = RateLimiter()
        self.faults.clear()
        self.counters.clear()
        self.requests.clear()

    def register_app(self, app: App) -> None:
        """Add an app, replacing any with the same application ID or client ID."""
        self.apps = {
            client_id: known
            for client_id, known in self.apps.items()
            if known.application_id != app.application_id and client_id != app.client_id
        }
        self.apps[app.client_id] = app

    def app_by_application_id(self, application_id: str) -> App | None:
        return next((app for app in self.apps.values() if app.application_id == application_id), None)

    def count(self, key: str) -> None:
        self.counters[key] += 1

    def counter_values(self) -> dict[str, int]:
        """Every known counter (zero when never hit) and any other that was hit."""
        return {**dict.fromkeys(KNOWN_COUNTERS, 0), **self.counters}
