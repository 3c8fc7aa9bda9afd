"""Amazon General Settings per company and one Selling Partner API connection per account owner and region."""

from piccolo.columns import Boolean, ForeignKey, Integer, OnDelete, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.accounts.tables import User
from app.companies.tables import Company


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
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
