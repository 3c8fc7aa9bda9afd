"""GET /metrics exists only with METRICS_TOKEN, which must be long enough; without it the path is a plain 404."""

from __future__ import annotations

import httpx
import msgspec
import pytest

from app.config import get_settings
from app.main import create_app


async def test_without_a_metrics_token_there_are_no_metrics_and_no_page_either() -> None:
    app = create_app(msgspec.structs.replace(get_settings(), metrics_token=None))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver.local") as client:
        answer = await client.get("/metrics")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/json")
    assert "erp_" not in answer.text


def test_a_short_metrics_token_stops_the_start_naming_the_variable() -> None:
    with pytest.raises(SystemExit, match="METRICS_TOKEN must be at least 16 characters"):
        create_app(msgspec.structs.replace(get_settings(), metrics_token="short"))
