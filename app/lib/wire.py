"""The wire format: msgspec Structs, camelCase on the wire, unknown fields refused on input."""

from __future__ import annotations

from typing import Annotated

import msgspec

MAX_ID = 2_147_483_647  # ids are 32-bit serials; anything larger cannot exist and must not reach the database


class Struct(msgspec.Struct, rename="camel", kw_only=True, omit_defaults=False):
    """Base of every response Struct."""


class InputStruct(msgspec.Struct, rename="camel", kw_only=True, forbid_unknown_fields=True):
    """Base of every request body: an unknown field is a 400 naming it."""


SINGLE_LINE_PATTERN = r"^[^\x00-\x1f\x7f]*$"
Id = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID, description="A record id")]
SingleLine = Annotated[
    str,
    msgspec.Meta(pattern=SINGLE_LINE_PATTERN, max_length=200, description="One line of text without controls"),
]


class ErrorBody(Struct):
    """The one error shape every failure answers with."""

    error: str
    message: str
    fields: dict[str, str] = msgspec.field(default_factory=dict)


class Page(Struct):
    """Pagination facts that accompany every list."""

    total: int
    limit: int
    offset: int
