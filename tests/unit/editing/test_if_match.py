"""If-Match parsing for Save."""

from __future__ import annotations

import pytest

from app.editing.save import parse_if_match
from app.lib.errors import BadInput, PreconditionRequired


@pytest.mark.parametrize(("header", "version"), [('"3"', 3), ('W/"12"', 12), ("7", 7), (' "4" ', 4)])
def test_versions_are_read_from_etag_forms(header: str, version: int) -> None:
    assert parse_if_match(header) == version


@pytest.mark.parametrize("header", [None, "", "   "])
def test_missing_if_match_is_a_precondition_required(header: str | None) -> None:
    with pytest.raises(PreconditionRequired):
        parse_if_match(header)


@pytest.mark.parametrize("header", ['"abc"', "*", '"-1"', '"1234567890123"'])
def test_malformed_if_match_is_bad_input(header: str) -> None:
    with pytest.raises(BadInput):
        parse_if_match(header)
