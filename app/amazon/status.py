"""The one place that derives a connection's status from its dates and its last check."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

AUTHORIZATION_LIFETIME = timedelta(days=365)
EXPIRING_WITHIN = timedelta(days=30)


class ConnectionStatus(StrEnum):
    NOT_CONNECTED = "not_connected"
    ACTIVE = "active"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    REAUTHORIZATION_REQUIRED = "reauthorization_required"
    ERROR = "error"


class CheckResult(StrEnum):
    """What the last connection check concluded; stored, then folded into the status."""

    OK = "ok"
    ERROR = "error"
    REAUTHORIZATION_REQUIRED = "reauthorization_required"


def derive_status(row: dict[str, Any] | None, now: datetime) -> ConnectionStatus:
    """Status of a connection row (or None when there is none) at `now`."""
    if row is None or not row.get("refresh_token"):
        return ConnectionStatus.NOT_CONNECTED
    expires_at: datetime | None = row.get("authorization_expires_at")
    if expires_at is not None and expires_at <= now:
        return ConnectionStatus.EXPIRED
    result = row.get("last_check_result")
    if result == CheckResult.REAUTHORIZATION_REQUIRED:
        return ConnectionStatus.REAUTHORIZATION_REQUIRED
    if result == CheckResult.ERROR:
        return ConnectionStatus.ERROR
    if expires_at is not None and expires_at - now <= EXPIRING_WITHIN:
        return ConnectionStatus.EXPIRING
    return ConnectionStatus.ACTIVE


def days_left(expires_at: datetime | None, now: datetime) -> int | None:
    """Whole days until the authorization expires (0 on the last day, negative once expired)."""
    if expires_at is None:
        return None
    return (expires_at - now).days
