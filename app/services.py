"""The composition root: one place that builds the services for requests, jobs and the CLI alike."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from piccolo.engine import engine_finder

from app.accounts.service import AccountService
from app.amazon.bulk import BulkTests
from app.amazon.checks import ConnectionChecker
from app.amazon.connections import ConnectionService
from app.amazon.consent_link_holder import ConsentLinkHolders
from app.amazon.consent_links import ConsentLinkService
from app.amazon.credentials import AppCredentialsService
from app.amazon.endpoints import AmazonEndpoints
from app.amazon.health import ConnectionHealth
from app.amazon.login_uri import LoginUriService
from app.amazon.lwa import LwaClient
from app.amazon.oauth import OAuthService
from app.amazon.reminders import ReminderService
from app.amazon.retry import Backoff
from app.amazon.settings import SettingsService
from app.amazon.spapi import SpApiClient
from app.amazon.throttle import SharedThrottle
from app.amazon.timeline import ExpiryTimelineService
from app.amazon.tokens import TokenProvider
from app.audit.notifications import Mailer, NotificationService
from app.audit.service import AuditService
from app.companies.hierarchy import HierarchyService
from app.companies.service import CompanyService
from app.config import Settings
from app.editing.credentials_edit import CredentialsEditService
from app.editing.followups import SavedSettings, SaveFollowUps
from app.editing.presence import DraftPresence
from app.editing.service import EditService
from app.lib.clock import Clock, MovableClock, SystemClock
from app.lib.crypto import LEGACY_KEY_FILE_NAME, Keyring, SecretError, load_keyring
from app.lib.database import is_sqlite
from app.lib.queue import JobQueue
from app.lib.ratelimit import RateLimiter
from app.lib.redis import RedisConnection, open_redis
from app.secrets import verify_stored_keys


@dataclass(frozen=True)
class Services:
    config: Settings
    clock: Clock
    keyring: Keyring
    hierarchy: HierarchyService
    audit: AuditService
    connections: ConnectionService
    amazon_settings: SettingsService
    companies: CompanyService
    edits: EditService
    accounts: AccountService
    redis: RedisConnection
    limiter: RateLimiter
    http: httpx.AsyncClient
    endpoints: AmazonEndpoints
    lwa: LwaClient
    spapi: SpApiClient
    app_credentials: AppCredentialsService
    credential_edits: CredentialsEditService
    oauth: OAuthService
    consent_links: ConsentLinkService
    consent_link_holders: ConsentLinkHolders
    login_uri: LoginUriService
    checker: ConnectionChecker
    health: ConnectionHealth
    bulk_tests: BulkTests
    tokens: TokenProvider
    notifications: NotificationService
    reminders: ReminderService
    expiry_timeline: ExpiryTimelineService
    queue: JobQueue


@asynccontextmanager
async def running_services(config: Settings, clock: Clock | None = None) -> AsyncIterator[Services]:
    """Everything the app, a worker or a command needs, with the DB pool and Redis open; closed on exit.

    Refuses to start when a stored secret names an encryption key that is not configured.
    """
    engine: Any = engine_finder()
    pooled = not is_sqlite(engine)
    if pooled:
        await engine.start_connection_pool(min_size=1, max_size=10)
    redis: RedisConnection | None = None
    stack = AsyncExitStack()
    # One pooled HTTP client for everything that talks to Amazon, with explicit timeouts.
    http = httpx.AsyncClient(
        timeout=httpx.Timeout(config.amazon_timeout_seconds, connect=min(5.0, config.amazon_timeout_seconds)),
        limits=httpx.Limits(max_connections=50, max_keepalive_connections=20),
        follow_redirects=False,
    )
    try:
        if config.amazon_mode == "production" and not config.secret_keys:
            # Real sellers' tokens: the key comes from the deployment's secret store, never from a file on the server.
            raise SecretError(
                "SECRET_KEYS is not set. In production (AMAZON_MODE=production, also the default when HOST is not a "
                "loopback address) the encryption keys come from SECRET_KEYS only: set it to comma-separated base64 "
                "32-byte keys, e.g. one from `python -c 'import base64, os; "
                "print(base64.urlsafe_b64encode(os.urandom(32)).decode())'`."
            )
        keyring = load_keyring(
            config.secret_keys, config.secret_key_file, legacy_key_file=Path(config.var_dir) / LEGACY_KEY_FILE_NAME
        )
        await verify_stored_keys(keyring)
        redis = await open_redis(config.redis_url, config.var_dir)
        queue = await JobQueue.connect(redis.url or "")
        stack.push_async_callback(queue.close)
        clock = clock or (
            MovableClock(timedelta(seconds=config.clock_offset_seconds))
            if config.clock_offset_seconds
            else SystemClock()
        )
        services = build_services(config, keyring, redis, http, queue, clock)
        stack.push_async_callback(services.tokens.stop_listening)
        await services.tokens.listen_for_saves()
        # Follow-ups of committed Saves that no process could deliver yet (Redis away) go out from here too.
        await stack.enter_async_context(services.edits.saving.followups.delivering())
        yield services
    finally:
        await stack.aclose()
        await http.aclose()
        if redis is not None:
            await redis.close()
        if pooled:
            await engine.close_connection_pool()


def build_services(
    config: Settings,
    keyring: Keyring,
    redis: RedisConnection,
    http: httpx.AsyncClient,
    queue: JobQueue,
    clock: Clock,
) -> Services:
    hierarchy = HierarchyService()
    audit = AuditService(clock)
    connections = ConnectionService(clock, keyring, audit)
    presence = DraftPresence(clock)
    amazon_settings = SettingsService(clock, hierarchy, connections, presence)
    companies = CompanyService(clock, hierarchy, connections, amazon_settings, audit)
    limiter = RateLimiter(redis.client, clock)
    accounts = AccountService(
        clock,
        audit,
        limiter,
        idle_timeout=timedelta(minutes=config.session_idle_minutes),
        absolute_timeout=timedelta(hours=config.session_absolute_hours),
        hash_time_cost=config.password_hash_time_cost,
        hash_memory_kib=config.password_hash_memory_kib,
    )
    endpoints = AmazonEndpoints(config)
    backoff = Backoff(attempts=config.amazon_retry_attempts, base_seconds=config.amazon_retry_base_seconds)
    lwa = LwaClient(http, endpoints, backoff)
    spapi = SpApiClient(
        http, endpoints, backoff, SharedThrottle(redis.client, sandbox=config.amazon_environment == "sandbox")
    )
    mailer = Mailer(clock, config.smtp_host, config.smtp_port, config.mail_from)
    notifications = NotificationService(clock, mailer)
    reminders = ReminderService(clock, hierarchy, notifications)
    app_credentials = AppCredentialsService(clock, keyring)
    credential_edits = CredentialsEditService(
        clock, keyring, app_credentials, audit, idle_timeout=timedelta(minutes=config.edit_idle_minutes)
    )

    async def after_save(saved: SavedSettings) -> None:
        # Every process drops cached owners and tokens; the saved regions get a connection check.
        await tokens.announce_save()
        for region in saved.regions_authorized:
            await queue.enqueue(
                "check_connection", saved.owner.id, region.value, job_id=f"check_connection:{saved.owner.id}:{region}"
            )

    edits = EditService(
        clock,
        hierarchy,
        amazon_settings,
        connections,
        presence,
        audit,
        idle_timeout=timedelta(minutes=config.edit_idle_minutes),
        followups=SaveFollowUps(clock, after_save),
    )
    oauth = OAuthService(
        clock,
        endpoints,
        app_credentials,
        lwa,
        edits,
        hierarchy,
        amazon_settings,
        limiter,
        audit,
        config.amazon_environment,
        spapi=spapi,
    )
    consent_links = ConsentLinkService(clock, config.public_url, edits, oauth, limiter, audit, mailer)
    login_uri = LoginUriService(
        clock, endpoints, app_credentials, oauth, edits, hierarchy, amazon_settings, config.amazon_environment
    )
    consent_link_holders = ConsentLinkHolders(clock, edits, oauth, login_uri, amazon_settings, hierarchy, notifications)
    oauth.link_grants = consent_link_holders
    health = ConnectionHealth(clock, hierarchy, amazon_settings, notifications)
    checker = ConnectionChecker(
        clock,
        hierarchy,
        amazon_settings,
        connections,
        app_credentials,
        lwa,
        spapi,
        audit,
        config.amazon_environment,
        health,
        throttle=spapi.throttle,
    )

    tokens = TokenProvider(
        clock,
        redis.client,
        hierarchy,
        amazon_settings,
        connections,
        app_credentials,
        lwa,
        config.amazon_environment,
        health=health,
        lock_timeout=config.token_lock_timeout_seconds,
    )

    return Services(
        config=config,
        clock=clock,
        keyring=keyring,
        hierarchy=hierarchy,
        audit=audit,
        connections=connections,
        amazon_settings=amazon_settings,
        companies=companies,
        edits=edits,
        accounts=accounts,
        redis=redis,
        limiter=limiter,
        http=http,
        endpoints=endpoints,
        lwa=lwa,
        spapi=spapi,
        app_credentials=app_credentials,
        credential_edits=credential_edits,
        oauth=oauth,
        consent_links=consent_links,
        consent_link_holders=consent_link_holders,
        login_uri=login_uri,
        checker=checker,
        health=health,
        bulk_tests=BulkTests(clock, connections, checker, queue, audit),
        tokens=tokens,
        notifications=notifications,
        reminders=reminders,
        expiry_timeline=ExpiryTimelineService(clock, hierarchy),
        queue=queue,
    )
