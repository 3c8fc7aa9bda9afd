"""One error body for every failure, with field paths in the wire's camelCase."""

from __future__ import annotations

from typing import Any

from litestar.exceptions import ValidationException

from app.lib.errors import Conflict, NotFound, RuleViolation, TooManyRequests
from app.lib.http import domain_error_handler, validation_error_handler


def _body(response: Any) -> Any:
    return response.content


def test_domain_errors_map_to_their_status() -> None:
    request: Any = None
    assert domain_error_handler(request, NotFound("gone")).status_code == 404
    assert domain_error_handler(request, Conflict("taken", fields={"code": "taken"})).status_code == 409
    assert domain_error_handler(request, RuleViolation("cycle", code="hierarchy_cycle")).status_code == 422
    limited = domain_error_handler(request, TooManyRequests("slow down", retry_after=30))
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "30"


def test_validation_errors_name_fields_as_the_wire_does() -> None:
    exc = ValidationException(
        "Validation failed",
        extra=[
            {"message": "Expected `int`", "key": "parent_id", "source": "query"},
            {"message": "Object missing required field `code`", "key": "data", "source": "body"},
            {"message": "Expected `str` matching regex", "key": "marketplaceIds[2]", "source": "body"},
        ],
    )

    body = _body(validation_error_handler(None, exc))  # type: ignore[arg-type]

    assert body.error == "bad_input"
    assert set(body.fields) == {"parentId", "code", "marketplaceIds[2]"}
