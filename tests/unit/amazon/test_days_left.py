"""Days left, the one rule of the page, the reminders and their e-mails: rounded up, never 0 while still valid."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.amazon.status import days_left

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def test_29_days_and_23_hours_is_30_days() -> None:
    assert days_left(NOW + timedelta(days=29, hours=23), NOW) == 30
    assert days_left(NOW + timedelta(days=30), NOW) == 30
    assert days_left(NOW + timedelta(days=30, microseconds=1), NOW) == 31


def test_one_hour_left_is_1_expires_today_never_0() -> None:
    assert days_left(NOW + timedelta(hours=1), NOW) == 1
    assert days_left(NOW + timedelta(microseconds=1), NOW) == 1
    assert days_left(NOW + timedelta(days=1), NOW) == 1
    assert days_left(NOW + timedelta(days=1, hours=1), NOW) == 2


def test_once_expired_0_on_the_first_day_then_days_ago() -> None:
    assert days_left(NOW, NOW) == 0
    assert days_left(NOW - timedelta(hours=5), NOW) == 0
    assert days_left(NOW - timedelta(days=1, hours=1), NOW) == -1
    assert days_left(None, NOW) is None
