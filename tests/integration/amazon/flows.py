"""The "Get Selling Partner API token" flow as an admin lives it: Edit, authorize, Amazon's consent, back, Save."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx

from tests.amazon_browser import consent, local, read_form
from tests.amazon_sim_admin import AmazonSimulator
from tests.helpers import begin_edit, change


async def start(admin: httpx.AsyncClient, edit_id: str, region: str) -> str:
    response = await admin.post(f"/api/edits/{edit_id}/regions/{region}/authorize")
    assert response.status_code == 200, response.text
    url: str = response.json()["consentUrl"]
    return url


async def confirm_at_amazon(amazon: AmazonSimulator, consent_url: str, seller: str) -> str:
    """Log in at Amazon as `seller`, tick and confirm; returns where Amazon sends the browser back."""
    async with httpx.AsyncClient(timeout=30) as browser:
        answer = await consent(browser, consent_url, seller)
    assert answer.status_code in (302, 303), answer.text[:500]
    location: str = answer.headers["location"]
    return location


async def through_login_uri(admin: httpx.AsyncClient, location: str, **form: str) -> str:
    """Where Amazon sent the browser, followed through our Log-in URI when Amazon visits it first (the website
    workflow's Log-in URI step): our confirmation page, its button, Amazon's callback page. Returns the location of
    our redirect URI with the code."""
    if urlsplit(location).path != "/oauth/amazon/login":
        return location
    question = await admin.get(local(location))
    assert question.status_code == 200, question.text
    fields = read_form(question.text).fields
    onwards = await admin.post("/oauth/amazon/login", data={**fields, **form})
    assert onwards.status_code == 303, onwards.text
    async with httpx.AsyncClient(timeout=30) as browser:
        back = await browser.get(onwards.headers["location"])
    assert back.status_code in (302, 303), back.text[:500]
    result: str = back.headers["location"]
    return result


async def get_token(
    admin: httpx.AsyncClient,
    amazon: AmazonSimulator,
    company_id: int,
    region: str,
    seller: str,
    **draft_changes: Any,
) -> dict[str, Any]:
    """The whole flow up to (not including) Save; returns the draft with the token waiting in it."""
    draft = await begin_edit(admin, company_id)
    if draft_changes:
        assert (await change(admin, draft["id"], **draft_changes)).status_code == 200
    back = await confirm_at_amazon(amazon, await start(admin, draft["id"], region), seller)
    page = await admin.get(local(await through_login_uri(admin, back)))
    assert page.status_code == 200, page.text
    result: dict[str, Any] = (await admin.get(f"/api/edits/{draft['id']}")).json()
    return result
