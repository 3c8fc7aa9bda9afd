"""Amazon General Settings, connections per owner and region, the app's credentials and OAuth flows."""

from piccolo.columns import Boolean, ForeignKey, Integer, OnDelete, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.accounts.tables import User, UserSession
from app.companies.tables import Company
from app.editing.tables import EditSession


class AmazonSettings(Table):
    """One row per company; `version` is bumped by every Save and is the settings' ETag."""

    id = Serial(primary_key=True)
    company = ForeignKey(Company, unique=True, index=True, on_delete=OnDelete.cascade)
    enabled = Boolean(default=False)
    account_type = Varchar(length=10, default="seller")
    marketplace_ids = Text(default="[]")
    order_import_enabled = Boolean(default=False)
    inventory_sync_enabled = Boolean(default=False)
    price_sync_enabled = Boolean(default=False)
    notification_email = Varchar(length=254, null=True, default=None)
    version = Integer(default=1)
    updated_at = Timestamptz(default=TimestamptzNow())
    updated_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)


class AmazonConnection(Table):
    """The account owner's authorization for one region; secrets are stored encrypted."""

    id = Serial(primary_key=True)
    company = ForeignKey(Company, index=True, on_delete=OnDelete.cascade)
    region = Varchar(length=2)
    selling_partner_id = Varchar(length=64, null=True, default=None, index=True)
    refresh_token = Text(null=True, default=None)
    authorized_at = Timestamptz(null=True, default=None)
    authorization_expires_at = Timestamptz(null=True, default=None, index=True)
    access_token = Text(null=True, default=None)
    access_token_expires_at = Timestamptz(null=True, default=None)
    last_checked_at = Timestamptz(null=True, default=None)
    last_check_result = Varchar(length=32, null=True, default=None)
    last_error_code = Varchar(length=64, null=True, default=None)
    last_error_message = Text(null=True, default=None)
    marketplaces_seen = Text(default="[]")
    # Failed checks in a row (Amazon unavailable counts as "error" only when it persists: app.amazon.status).
    error_streak = Integer(default=0)
    # The worse state people were last told about (app.amazon.health), and how many times one began: the dedupe key
    # of its notification, so that a state is told once however many workers learn it.
    health_state = Varchar(length=32, null=True, default=None)
    health_episode = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class IntegrationCredentials(Table):
    """The ERP's own SP-API application per account type and environment; the same for every company."""

    id = Serial(primary_key=True)
    account_type = Varchar(length=10)
    environment = Varchar(length=10)
    application_id = Varchar(length=200)
    lwa_client_id = Varchar(length=200)
    lwa_client_secret = Text(null=True, default=None)
    client_secret_expires_at = Timestamptz(null=True, default=None)
    redirect_uri = Varchar(length=500)
    draft_app = Boolean(default=False)
    version = Integer(default=1)
    updated_at = Timestamptz(default=TimestamptzNow())
    updated_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)


class OAuthFlow(Table, tablename="oauth_flow"):
    """One "Get Selling Partner API token" attempt: a single-use state (stored hashed) bound to draft and session."""

    id = Serial(primary_key=True)
    state_hash = Varchar(length=64, unique=True, index=True)
    edit = ForeignKey(EditSession, index=True, on_delete=OnDelete.cascade)
    session = ForeignKey(UserSession, null=True, on_delete=OnDelete.set_null)
    user = ForeignKey(User, on_delete=OnDelete.cascade)
    company = ForeignKey(Company, on_delete=OnDelete.cascade)
    region = Varchar(length=2)
    account_type = Varchar(length=10)
    environment = Varchar(length=10)
    redirect_uri = Varchar(length=500)
    origin = Varchar(length=16, default="consent")
    # The selling partner Amazon named when the flow began at the Log-in URI; a token for another one is a seller
    # change that Save must have confirmed.
    expected_selling_partner_id = Varchar(length=64, null=True, default=None)
    # A flow without a session (the account holder's, started from an e-mailed link) is bound to the browser that
    # started it instead: the SHA-256 of a cookie set then.
    browser_hash = Varchar(length=64, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz(default=TimestamptzNow())
    consumed_at = Timestamptz(null=True, default=None)


class ConsentLink(Table, tablename="consent_link"):
    """An authorization link e-mailed to the account holder: 256 random bits (stored hashed), single use, 7 days,
    bound to company, region, account type and the admin's draft (app/amazon/consent_links.py)."""

    id = Serial(primary_key=True)
    token_hash = Varchar(length=64, unique=True, index=True)
    edit = ForeignKey(EditSession, index=True, on_delete=OnDelete.cascade)
    user = ForeignKey(User, index=True, on_delete=OnDelete.cascade)
    company = ForeignKey(Company, index=True, on_delete=OnDelete.cascade)
    region = Varchar(length=2)
    account_type = Varchar(length=10)
    email = Varchar(length=254)
    # The country whose Seller or Vendor Central the holder logs in to (None: the company's configured marketplace in
    # the region, else the region's main site), as for Get Selling Partner API token.
    marketplace_id = Varchar(length=20, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz(default=TimestamptzNow())
    # When the holder pressed the page's button (the link is spent then) and the consent flow it started.
    opened_at = Timestamptz(null=True, default=None)
    flow = ForeignKey(OAuthFlow, null=True, default=None, on_delete=OnDelete.set_null)
    # When it stopped being the admin's link for the region, and why: completed, replaced or withdrawn.
    closed_at = Timestamptz(null=True, default=None)
    closed_reason = Varchar(length=16, null=True, default=None)
    # "<user>:<company>:<region>" while the link is the admin's current one there: one at a time (a unique column;
    # Piccolo has no partial unique constraints).
    current_key = Varchar(length=64, null=True, default=None, unique=True)


class OrderSync(Table):
    """What the order import did for a company (counts and times; no order model here), and where it stands.

    `regions` holds, per region, the window being fetched with its next page's token and the last run's outcome
    (app.amazon.orders_progress.RegionImport as JSON): written after every page, so a retried or killed import
    resumes at the page it had not saved yet.
    """

    id = Serial(primary_key=True)
    company = ForeignKey(Company, unique=True, index=True, on_delete=OnDelete.cascade)
    last_synced_at = Timestamptz(null=True, default=None)
    orders_imported = Integer(default=0)
    last_run_orders = Integer(default=0)
    last_error = Text(null=True, default=None)
    regions = Text(default="{}")


class BulkTest(Table, tablename="bulk_test"):
    """One bulk connection test of every connection in a filter, run as background jobs (app.amazon.bulk)."""

    id = Serial(primary_key=True)
    # "all" or the user's company scope; `active_key` holds it while the run runs: one run at a time per scope.
    scope_key = Varchar(length=200)
    active_key = Varchar(length=200, null=True, default=None, unique=True)
    scope = Text(null=True, default=None)  # the scope's company IDs as JSON, null for every company
    started_by = ForeignKey(User, null=True, on_delete=OnDelete.set_null)
    started_by_name = Varchar(length=200)
    status_filter = Varchar(length=32, null=True, default=None)
    region_filter = Varchar(length=2, null=True, default=None)
    state = Varchar(length=16, default="running")
    total = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())
    finished_at = Timestamptz(null=True, default=None)
    cancelled_by_name = Varchar(length=200, null=True, default=None)


class BulkTestItem(Table, tablename="bulk_test_item"):
    """One connection of a bulk test and, once tested, its verdict in plain words."""

    id = Serial(primary_key=True)
    run = ForeignKey(BulkTest, index=True, on_delete=OnDelete.cascade)
    position = Integer(index=True)
    company = ForeignKey(Company, null=True, on_delete=OnDelete.set_null)
    company_code = Varchar(length=32)
    region = Varchar(length=2)
    verdict = Varchar(length=32, null=True, default=None)
    message = Text(null=True, default=None)
    action = Text(null=True, default=None)
    tested_at = Timestamptz(null=True, default=None)
