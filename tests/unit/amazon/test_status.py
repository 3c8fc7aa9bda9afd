"""Connection status is derived in one place from dates and the last check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.amazon.status import ConnectionStatus, derive_status

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def row(days: float, result: str | None = None, token: str | None = "Atzr|x") -> dict[str, object]:
    return {"refresh_token": token, "authorization_expires_at": NOW + timedelta(days=days), "last_check_result": result}


@pytest.mark.parametrize(
    ("connection", "status"),
    [
        (None, ConnectionStatus.NOT_CONNECTED),
        (row(200, token=None), ConnectionStatus.NOT_CONNECTED),
        (row(200), ConnectionStatus.ACTIVE),
        (row(200, "ok"), ConnectionStatus.ACTIVE),
        (row(30), ConnectionStatus.EXPIRING),
        (row(30.5), ConnectionStatus.ACTIVE),
        (row(1, "ok"), ConnectionStatus.EXPIRING),
        (row(0), ConnectionStatus.EXPIRED),
        (row(-3, "reauthorization_required"), ConnectionStatus.EXPIRED),
        (row(100, "reauthorization_required"), ConnectionStatus.REAUTHORIZATION_REQUIRED),
        (row(100, "error"), ConnectionStatus.ERROR),
        (row(10, "error"), ConnectionStatus.ERROR),
    ],
)
def test_status_follows_dates_and_last_check(connection: dict[str, object] | None, status: ConnectionStatus) -> None:
    assert derive_status(connection, NOW) == status
