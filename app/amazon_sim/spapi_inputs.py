"""Reading SP-API query parameters: values, instants, page tokens, and the InvalidInput error for bad ones."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TypeVar

import msgspec

T = TypeVar("T")
Query = Mapping[str, Sequence[str]]


class InvalidInput(Exception):
    """A request the model allows but Amazon's rules refuse (400 InvalidInput)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def first(query: Query, name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


def listed(query: Query, name: str) -> list[str]:
    """An array parameter's items, comma-separated or repeated."""
    return [item for value in query.get(name, ()) for item in value.split(",") if item]


def instant(query: Query, name: str) -> datetime | None:
    """An ISO 8601 date-time parameter, taken as UTC when it has no zone."""
    raw = first(query, name)
    if raw is None:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"{name} must be an ISO 8601 date-time, not {raw!r}.") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def iso(moment: datetime) -> str:
    """A date-time as Amazon writes it: UTC, seconds, "Z"."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def encode_page_token(cursor: msgspec.Struct) -> str:
    return base64.urlsafe_b64encode(msgspec.json.encode(cursor)).decode("ascii")


def decode_page_token(token: str, cursor_type: type[T], name: str) -> T:
    """The cursor a page token carries; a token this simulator did not make is InvalidInput."""
    try:
        return msgspec.json.decode(base64.urlsafe_b64decode(token.encode("ascii")), type=cursor_type)
    except (binascii.Error, UnicodeEncodeError, ValueError, msgspec.DecodeError):
        raise InvalidInput(f"{name} is not a token from a previous response.") from None
