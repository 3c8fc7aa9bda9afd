"""Request-level dependencies shared by controllers."""

from __future__ import annotations

from typing import Any

from litestar.datastructures import State

from app.lib.errors import NotFound
from app.lib.wire import MAX_ID
from app.services import Services


def provide_services(state: State) -> Services:
    services: Services = state.services
    return services


def known_id(value: int, what: str = "Company") -> int:
    """Ids outside the serial range cannot exist: answer 404 before any query."""
    if not 1 <= value <= MAX_ID:
        raise NotFound(f"{what} {value} does not exist.")
    return value


def etag(version: int) -> dict[str, Any]:
    return {"ETag": f'"{version}"'}
