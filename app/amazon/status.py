"""The one place that derives a connection's status from its dates and its last checks (in Python and in SQL)."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from app.lib.i18n import ENGLISH, Phrase, phrase

AUTHORIZATION_LIFETIME = timedelta(days=365)
EXPIRING_WITHIN = timedelta(days=30)
# Amazon failing to answer is not the connection's fault: it becomes the status "error" (and people are told) only
# when it persists over this many checks in a row. Any other error needs a person at once.
PERSISTENT_AFTER = 3
TRANSIENT_ERRORS = ("amazon_unavailable",)


class ConnectionStatus(StrEnum):
    NOT_CONNECTED = "not_connected"
    ACTIVE = "active"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    REAUTHORIZATION_REQUIRED = "reauthorization_required"
    WRONG_REGION_OR_ROLE = "wrong_region_or_role"
    ERROR = "error"


class CheckResult(StrEnum):
    """What the last connection check concluded; stored, then folded into the status."""

    OK = "ok"
    ERROR = "error"
    REAUTHORIZATION_REQUIRED = "reauthorization_required"
    WRONG_REGION_OR_ROLE = "wrong_region_or_role"


# What a person must act on (DESIGN §12): the `needs_action` filter and the states people are told about.
NEEDS_ACTION = (
    ConnectionStatus.REAUTHORIZATION_REQUIRED,
    ConnectionStatus.EXPIRED,
    ConnectionStatus.WRONG_REGION_OR_ROLE,
    ConnectionStatus.ERROR,
    ConnectionStatus.EXPIRING,
)
NEEDS_NEW_TOKEN = (ConnectionStatus.REAUTHORIZATION_REQUIRED, ConnectionStatus.EXPIRED)
STATUS_GROUPS = {"needs_action": NEEDS_ACTION, "needs_new_token": NEEDS_NEW_TOKEN}
# A change into one of these raises a notification (expiring has its weekly reminders instead).
WORSE_STATES = (
    ConnectionStatus.REAUTHORIZATION_REQUIRED,
    ConnectionStatus.EXPIRED,
    ConnectionStatus.WRONG_REGION_OR_ROLE,
    ConnectionStatus.ERROR,
)


def derive_status(row: dict[str, Any] | None, now: datetime) -> ConnectionStatus:
    """Status of a connection row (or None when there is none) at `now`; `STATUS_SQL` is the same rule in SQL."""
    if row is None or not row.get("refresh_token"):
        return ConnectionStatus.NOT_CONNECTED
    expires_at: datetime | None = row.get("authorization_expires_at")
    if expires_at is not None and expires_at <= now:
        return ConnectionStatus.EXPIRED
    result = row.get("last_check_result")
    if result == CheckResult.REAUTHORIZATION_REQUIRED:
        return ConnectionStatus.REAUTHORIZATION_REQUIRED
    if result == CheckResult.WRONG_REGION_OR_ROLE:
        return ConnectionStatus.WRONG_REGION_OR_ROLE
    if result == CheckResult.ERROR and (
        row.get("last_error_code") not in TRANSIENT_ERRORS or (row.get("error_streak") or 0) >= PERSISTENT_AFTER
    ):
        return ConnectionStatus.ERROR
    if expires_at is not None and expires_at - now <= EXPIRING_WITHIN:
        return ConnectionStatus.EXPIRING
    return ConnectionStatus.ACTIVE


def status_sql(now_placeholder: str = "{}", expiring_placeholder: str = "{}", table: str = "amazon_connection") -> str:
    """`derive_status` as a SQL expression over `table`'s columns; its arguments are (now, now + EXPIRING_WITHIN).

    The companies filter and its counts use it, so that 100,000 companies are filtered in the database. A unit test
    checks it against `derive_status` on every combination of the columns it reads.
    """
    t = table
    transient = ", ".join(f"'{code}'" for code in TRANSIENT_ERRORS)
    return f"""(CASE
        WHEN {t}.refresh_token IS NULL OR {t}.refresh_token = '' THEN 'not_connected'
        WHEN {t}.authorization_expires_at IS NOT NULL AND {t}.authorization_expires_at <= {now_placeholder}
            THEN 'expired'
        WHEN {t}.last_check_result = 'reauthorization_required' THEN 'reauthorization_required'
        WHEN {t}.last_check_result = 'wrong_region_or_role' THEN 'wrong_region_or_role'
        WHEN {t}.last_check_result = 'error' AND (
            {t}.last_error_code IS NULL OR {t}.last_error_code NOT IN ({transient})
            OR {t}.error_streak >= {PERSISTENT_AFTER}
        ) THEN 'error'
        WHEN {t}.authorization_expires_at IS NOT NULL AND {t}.authorization_expires_at <= {expiring_placeholder}
            THEN 'expiring'
        ELSE 'active'
    END)"""


def action_phrase(status: ConnectionStatus, owner_code: str, region: str) -> Phrase | None:
    """What a person must do about a connection in `status`, in plain words (translated when read); None when
    nothing."""
    names = {"code": owner_code, "region": region}
    phrases = {
        ConnectionStatus.NOT_CONNECTED: phrase(
            "Open {code}, click Edit and use Get Selling Partner API token for {region} to connect it.", **names
        ),
        ConnectionStatus.EXPIRING: phrase(
            "Renew it before it expires: Open {code}, click Edit, use Get Selling Partner API token for {region}, "
            "confirm at Amazon, then Save.",
            **names,
        ),
        ConnectionStatus.EXPIRED: phrase(
            "Open {code}, click Edit, use Get Selling Partner API token for {region}, confirm at Amazon, then Save.",
            **names,
        ),
        ConnectionStatus.REAUTHORIZATION_REQUIRED: phrase(
            "Open {code}, click Edit, use Get Selling Partner API token for {region}, confirm at Amazon, then Save.",
            **names,
        ),
        ConnectionStatus.WRONG_REGION_OR_ROLE: phrase(
            "Get the token again for {region}, logging in to the right account in Seller Central for {region}: open "
            "{code}, click Edit, use Get Selling Partner API token, then Save.",
            **names,
        ),
        ConnectionStatus.ERROR: phrase(
            "Read the last error on {code}'s settings and test the connection again with Refresh Selling Partner API "
            "Access Token once it is fixed.",
            **names,
        ),
    }
    return phrases.get(status)


def action_for(status: ConnectionStatus, owner_code: str, region: str) -> str | None:
    """`action_phrase` in English (the API's `action`)."""
    action = action_phrase(status, owner_code, region)
    return ENGLISH.text([action]) if action else None


def days_left(expires_at: datetime | None, now: datetime) -> int | None:
    """Days left as a person counts them: the one rule of the page (`daysLeft`), the reminders and their e-mails.

    Rounded up: 29 days and 23 hours is 30 days, and a still-valid authorization never has 0 days left (under 24
    hours is 1, said "expires today"). Once expired: 0 on the first day, then -1, -2, … (days ago).
    """
    if expires_at is None:
        return None
    return -((now - expires_at) // timedelta(days=1))
