"""Drafts (edit sessions) and the Amazon grants that wait in them until Save."""

from piccolo.columns import UUID, Boolean, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.accounts.tables import User
from app.companies.tables import Company


class EditSession(Table):
    """A user's open draft of one company's settings; `changes` holds only the fields the user touched."""

    id = UUID(primary_key=True)
    company = ForeignKey(Company, index=True, on_delete=OnDelete.cascade)
    user = ForeignKey(User, index=True, on_delete=OnDelete.cascade)
    base_version = Integer()
    changes = Text(default="{}")
    # Goes up with every change to what Save would store; a tab sends the one it last saw (two tabs, one draft).
    revision = Integer(default=1)
    status = Varchar(length=16, default="open", index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    last_activity_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz(default=TimestamptzNow(), index=True)
    closed_at = Timestamptz(null=True, default=None)


class PendingGrant(Table):
    """A token obtained from Amazon while editing; it reaches the connection only on Save."""

    id = UUID(primary_key=True)
    edit = ForeignKey(EditSession, index=True, on_delete=OnDelete.cascade)
    region = Varchar(length=2)
    selling_partner_id = Varchar(length=64)
    refresh_token = Text()
    access_token = Text(null=True, default=None)
    access_token_expires_at = Timestamptz(null=True, default=None)
    obtained_at = Timestamptz()
    seller_changed = Boolean(default=False)
    # The one SP-API call made with the new access token right after Amazon's redirect (app/amazon/grant_check.py):
    # ok, refused or untested (None: never tried), and the marketplaces Amazon listed (JSON).
    test_result = Varchar(length=16, null=True, default=None)
    marketplaces_seen = Text(null=True, default=None)
    tested_at = Timestamptz(null=True, default=None)


class CredentialsEdit(Table):
    """An admin's draft of one IntegrationCredentials record; a new client secret waits here encrypted."""

    id = UUID(primary_key=True)
    account_type = Varchar(length=10)
    environment = Varchar(length=10)
    user = ForeignKey(User, index=True, on_delete=OnDelete.cascade)
    base_version = Integer()
    changes = Text(default="{}")
    client_secret = Text(null=True, default=None)
    status = Varchar(length=16, default="open")
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz(default=TimestamptzNow())
    closed_at = Timestamptz(null=True, default=None)


class SaveFollowUp(Table):
    """What must happen after a committed Save (every process drops cached tokens, connection checks are queued),
    written in the Save's own transaction and delivered once Redis answers; `payload` is a SavedSettings (JSON)."""

    id = UUID(primary_key=True)
    payload = Text()
    created_at = Timestamptz(default=TimestamptzNow())
    # A process delivering it (until then, or until the claim is stale, nobody else does).
    claimed_at = Timestamptz(null=True, default=None)
    delivered_at = Timestamptz(null=True, default=None, index=True)
    attempts = Integer(default=0)
