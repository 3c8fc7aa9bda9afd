"""Bad input on every endpoint: a clear 4xx naming the problem, never a 500, and nothing lost."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fixtures import Browser
from tests.helpers import begin_edit, change, create_company, settings_of

UNKNOWN_EDIT = "00000000-0000-4000-8000-000000000000"


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "field"),
    [
        ("POST", "/api/companies", {"code": "lower", "name": "x"}, 400, "code"),
        ("POST", "/api/companies", {"code": "X" * 33, "name": "x"}, 400, "code"),
        ("POST", "/api/companies", {"code": "OK-1", "name": ""}, 400, "name"),
        ("POST", "/api/companies", {"code": "OK-1", "name": "bad\u0000name"}, 400, "name"),
        ("POST", "/api/companies", {"code": "OK-1", "name": "x", "parentId": "one"}, 400, "parentId"),
        ("POST", "/api/companies", {"code": "OK-1", "name": "x", "parentId": 2**40}, 400, "parentId"),
        ("POST", "/api/companies", {"code": "OK-1", "name": "x", "color": "red"}, 400, "color"),
        ("POST", "/api/companies", {"name": "x"}, 400, "code"),
        ("POST", "/api/companies", [1, 2], 400, "body"),
        ("GET", "/api/companies?limit=0", None, 400, "limit"),
        ("GET", "/api/companies?limit=abc", None, 400, "limit"),
        ("GET", "/api/companies?offset=-1", None, 400, "offset"),
        ("GET", "/api/companies?parentId=99999999999", None, 400, "parentId"),
        ("GET", "/api/companies?q=%00", None, 400, "q"),
        ("GET", "/api/companies?rootsOnly=maybe", None, 400, "rootsOnly"),
        ("GET", "/api/companies/abc", None, 404, None),
        ("GET", "/api/companies/424242/amazon", None, 404, None),
        ("GET", "/api/companies/-1/amazon", None, 404, None),
        ("GET", "/api/companies/424242/audit", None, 404, None),
        ("GET", "/api/companies/1/audit?limit=100000", None, 400, "limit"),
        ("POST", "/api/companies/424242/amazon/edits", None, 404, None),
        ("GET", f"/api/edits/{UNKNOWN_EDIT}", None, 404, None),
        ("GET", "/api/edits/not-a-uuid", None, 404, None),
        ("PATCH", f"/api/edits/{UNKNOWN_EDIT}", {"enabled": True}, 404, None),
        ("DELETE", f"/api/edits/{UNKNOWN_EDIT}", None, 404, None),
        ("POST", f"/api/edits/{UNKNOWN_EDIT}/save", None, 428, "If-Match"),
        ("POST", "/api/auth/login", {"username": "x"}, 400, "password"),
        ("POST", "/api/auth/login", {"username": "", "password": "y"}, 400, "username"),
    ],
)
async def test_bad_request_names_the_problem(
    admin: Browser, method: str, path: str, body: Any, status: int, field: str | None
) -> None:
    await create_company(admin, "US-01")

    response = await admin.request(method, path, json=body)

    assert response.status_code == status, response.text
    payload = response.json()
    assert set(payload) == {"error", "message", "fields"}
    assert payload["message"]
    if field is not None:
        assert field in payload["fields"], payload


async def test_malformed_json_is_a_400_on_the_body(admin: Browser) -> None:
    response = await admin.post(
        "/api/companies", content=b'{"code": "US-01", ', headers={"content-type": "application/json"}
    )

    assert response.status_code == 400
    assert "body" in response.json()["fields"]


@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ({"enabled": "yes"}, 400, "enabled"),
        ({"accountType": "wholesaler"}, 400, "accountType"),
        ({"marketplaceIds": "ATVPDKIKX0DER"}, 400, "marketplaceIds"),
        ({"marketplaceIds": ["lower-case"]}, 400, "marketplaceIds[0]"),
        ({"marketplaceIds": ["ATVPDKIKX0DER", "ATVPDKIKX0DER"]}, 400, "marketplaceIds[1]"),
        ({"notificationEmail": "a@b"}, 400, "notificationEmail"),
        ({"notificationEmail": "x" * 300 + "@example.com"}, 400, "notificationEmail"),
        ({"parentId": 0}, 400, "parentId"),
        ({"parentId": 424242}, 422, "parentId"),
        ({"unified": True}, 422, "unified"),
        ({"unknownField": 1}, 400, "unknownField"),
    ],
)
async def test_bad_draft_change_names_the_field_and_loses_nothing(
    admin: Browser, changes: dict[str, Any], status: int, field: str
) -> None:
    from app.amazon.regions import Region
    from tests.helpers import connect

    us = await create_company(admin, "US-01")
    await connect(admin._transport.app.state.services, us["id"], Region.NA)  # type: ignore[attr-defined]
    draft = await begin_edit(admin, us["id"])
    await change(admin, draft["id"], priceSyncEnabled=True)

    response = await change(admin, draft["id"], **changes)

    assert response.status_code == status, response.text
    assert field in response.json()["fields"], response.json()
    assert (await admin.get(f"/api/edits/{draft['id']}")).json()["changes"] == {"priceSyncEnabled": True}
    assert (await settings_of(admin, us["id"]))["version"] == 1
