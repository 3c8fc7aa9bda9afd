"""Ask the account holder by e-mail: the link in the outbox, the holder's pages without an ERP account, Amazon's
consent at the simulator over real HTTP, and the token waiting in the admin's draft until Save."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx

from app.amazon.regions import Region
from app.amazon.tables import ConsentLink, OAuthFlow
from app.editing.tables import PendingGrant
from app.lib.clock import MovableClock
from app.lib.i18n import format_datetime
from app.lib.logs import redact_urls
from app.services import Services
from tests.amazon_browser import local, read_form
from tests.amazon_sim_admin import AmazonSimulator
from tests.fixtures import PASSWORD, Browser, BrowserFactory
from tests.helpers import begin_edit, change, connect, connection, create_company, save, settings_of
from tests.integration.amazon.flows import confirm_at_amazon, through_login_uri

ORIGIN = "http://testserver.local"
LINK = re.compile(r"http://testserver\.local/oauth/amazon/consent/[A-Za-z0-9_-]{43}")
HOLDER = "holder@example.com"
NA_SELLER = "A1SIMNASELLER1"


async def send_link(
    admin: Browser, edit_id: str, region: str = "NA", email: str = HOLDER, **body: Any
) -> httpx.Response:
    return await admin.post(f"/api/edits/{edit_id}/regions/{region}/consent-links", json={"email": email, **body})


async def mails_to(admin: Browser, recipient: str = HOLDER) -> list[dict[str, Any]]:
    """The outbox as an admin reads it, newest first: the mails to `recipient`."""
    items = (await admin.get("/api/outbox", params={"limit": 100})).json()["items"]
    return [m for m in items if m["recipient"] == recipient]


async def link_in_outbox(admin: Browser, recipient: str = HOLDER) -> str:
    found = LINK.findall((await mails_to(admin, recipient))[0]["body"])
    assert len(found) == 1, "the mail holds one link"
    return local(found[0])


async def press_continue(holder: httpx.AsyncClient, link: str) -> httpx.Response:
    """The page's button: a same-site form POST with the link's token."""
    page = await holder.get(link)
    assert page.status_code == 200, page.text
    token = re.search(r'name="token" value="([^"]+)"', page.text)
    assert token is not None
    return await holder.post(
        "/oauth/amazon/consent",
        data={"token": token[1]},
        headers={"Origin": ORIGIN, "Sec-Fetch-Site": "same-origin"},
    )


async def holder_consents(
    holder: httpx.AsyncClient, amazon: AmazonSimulator, link: str, seller: str = NA_SELLER
) -> httpx.Response:
    """The holder's whole way: the link's page, its button, Amazon's consent, back to our callback."""
    onwards = await press_continue(holder, link)
    assert onwards.status_code == 303, onwards.text
    back = await confirm_at_amazon(amazon, onwards.headers["location"], seller)
    return await holder.get(local(back))


async def draft_of(admin: Browser, edit_id: str) -> dict[str, Any]:
    result: dict[str, Any] = (await admin.get(f"/api/edits/{edit_id}")).json()
    return result


async def test_the_holder_authorizes_by_the_emailed_link_and_the_token_waits_in_the_admins_draft_until_save(
    admin: Browser, amazon: AmazonSimulator, browser_factory: BrowserFactory, services: Services
) -> None:
    us = await create_company(admin, "US-01", name="Acme US")
    await create_company(admin, "JP-01", name="Nippon Trading")
    draft = await begin_edit(admin, us["id"])

    sent = await send_link(admin, draft["id"])
    waiting = (await draft_of(admin, draft["id"]))["consentLinks"]
    mail = (await mails_to(admin))[0]
    link = await link_in_outbox(admin)
    holder = await browser_factory(None)  # no ERP account, no cookie
    page = await holder.get(link)
    onwards = await press_continue(holder, link)
    opened = (await draft_of(admin, draft["id"]))["consentLinks"]
    back = await confirm_at_amazon(amazon, onwards.headers["location"], NA_SELLER)
    done = await holder.get(local(back))
    with_token = await draft_of(admin, draft["id"])
    told = (await admin.get("/api/notifications")).json()["items"]
    before_save = connection(await settings_of(admin, us["id"]), "NA")["status"]
    saved = await save(admin, with_token, {"revision": with_token["revision"]})

    assert sent.status_code == 201, sent.text
    assert sent.json()["status"] == "waiting"
    assert [(w["region"], w["email"], w["requestedBy"], w["status"]) for w in waiting] == [
        ("NA", HOLDER, "Ada Admin", "waiting")
    ]
    expires = waiting[0]["expiresAt"]
    assert mail["subject"] == "Please authorize Amazon access for Acme US (North America)"
    for named in ("Ada Admin", "Acme US", "North America (NA)", "Seller Central", "expires on", link):
        assert named in mail["body"]
    assert format_datetime(datetime.fromisoformat(expires), "en") in mail["body"]
    assert datetime.fromisoformat(expires) - datetime.fromisoformat(waiting[0]["sentAt"]) == timedelta(days=7)
    assert page.status_code == 200
    assert "Acme US" in page.text
    assert "North America (NA)" in page.text
    for elsewhere in ("Nippon Trading", "JP-01", "Ada Admin", HOLDER, "US-01"):
        assert elsewhere not in page.text  # one company and region: nothing else of the ERP
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"
    assert onwards.status_code == 303
    assert "/central/sellercentral.amazon.com/apps/authorize/consent?" in onwards.headers["location"]
    assert "erp_consent_browser" in onwards.headers["set-cookie"]
    assert [o["status"] for o in opened] == ["opened"]
    assert done.status_code == 200, done.text
    assert "Done: the authorization reached Acme US" in done.text
    assert "You may close this page." in done.text
    assert "postMessage" not in done.text
    assert "Save" not in done.text
    assert [(g["region"], g["sellingPartnerId"]) for g in with_token["pendingGrants"]] == [("NA", NA_SELLER)]
    assert with_token["consentLinks"] == []
    assert "The account holder authorized NA for US-01 — Save to store it" in [n["title"] for n in told]
    assert before_save == "not_connected"  # Save stays the only way to store it
    assert saved.status_code == 200, saved.text
    assert connection(saved.json(), "NA")["sellingPartnerId"] == NA_SELLER
    assert (await holder.get(link)).status_code == 410


async def test_a_resent_link_replaces_the_old_one_which_stops_working(
    admin: Browser, amazon: AmazonSimulator, browser_factory: BrowserFactory
) -> None:
    us = await create_company(admin, "US-01")
    draft = await begin_edit(admin, us["id"])
    first = (await send_link(admin, draft["id"])).json()
    old = await link_in_outbox(admin)

    resent = await admin.post(f"/api/edits/{draft['id']}/consent-links/{first['id']}/resend")
    new = await link_in_outbox(admin)
    holder = await browser_factory(None)
    old_page = await holder.get(old)
    old_post = await holder.post(
        "/oauth/amazon/consent", data={"token": old.rsplit("/", 1)[1]}, headers={"Origin": ORIGIN}
    )
    shown = (await draft_of(admin, draft["id"]))["consentLinks"]
    done = await holder_consents(holder, amazon, new)

    assert resent.status_code == 201, resent.text
    assert new != old
    assert len(await mails_to(admin)) == 2
    assert old_page.status_code == 410
    assert "no longer valid" in old_page.text
    assert old_post.status_code == 410
    assert [(s["id"], s["email"]) for s in shown] == [(resent.json()["id"], HOLDER)]
    assert done.status_code == 200


async def test_sending_again_for_the_region_replaces_the_link_too(
    admin: Browser, browser_factory: BrowserFactory, amazon: AmazonSimulator
) -> None:
    us = await create_company(admin, "US-01")
    draft = await begin_edit(admin, us["id"])
    await send_link(admin, draft["id"], email="first@example.com")
    first = await link_in_outbox(admin, "first@example.com")
    await send_link(admin, draft["id"], email="second@example.com")

    holder = await browser_factory(None)

    assert (await holder.get(first)).status_code == 410
    assert (await holder.get(await link_in_outbox(admin, "second@example.com"))).status_code == 200
    assert [s["email"] for s in (await draft_of(admin, draft["id"]))["consentLinks"]] == ["second@example.com"]


async def test_a_withdrawn_link_stops_working_at_once_also_halfway_through_amazons_consent(
    admin: Browser, amazon: AmazonSimulator, browser_factory: BrowserFactory
) -> None:
    us = await create_company(admin, "US-01")
    draft = await begin_edit(admin, us["id"])
    unopened = (await send_link(admin, draft["id"])).json()
    unopened_link = await link_in_outbox(admin)
    withdrawn = await admin.delete(f"/api/edits/{draft['id']}/consent-links/{unopened['id']}")
    holder = await browser_factory(None)
    page = await holder.get(unopened_link)

    halfway = (await send_link(admin, draft["id"])).json()
    onwards = await press_continue(holder, await link_in_outbox(admin))
    await admin.delete(f"/api/edits/{draft['id']}/consent-links/{halfway['id']}")
    back = await confirm_at_amazon(amazon, onwards.headers["location"], NA_SELLER)
    callback = await holder.get(local(back))

    assert withdrawn.status_code == 204
    assert page.status_code == 410
    assert onwards.status_code == 303
    assert callback.status_code == 400
    assert "could not be completed" in callback.text
    assert "Nothing was stored" in callback.text
    assert await PendingGrant.count() == 0
    assert (await draft_of(admin, draft["id"]))["consentLinks"] == []


async def test_a_link_works_once(admin: Browser, amazon: AmazonSimulator, browser_factory: BrowserFactory) -> None:
    us = await create_company(admin, "US-01")
    draft = await begin_edit(admin, us["id"])
    await send_link(admin, draft["id"])
    link = await link_in_outbox(admin)
    holder = await browser_factory(None)
    first_look, second_look = await holder.get(link), await holder.get(link)  # a mail scanner opens links too

    first = await press_continue(holder, link)
    again = await holder.post(
        "/oauth/amazon/consent", data={"token": link.rsplit("/", 1)[1]}, headers={"Origin": ORIGIN}
    )
    after = await holder.get(link)

    assert first_look.status_code == second_look.status_code == 200
    assert first.status_code == 303
    assert again.status_code == 410
    assert after.status_code == 410
    assert await OAuthFlow.count() == 1


async def test_a_link_expires_after_seven_days(
    admin: Browser, amazon: AmazonSimulator, browser_factory: BrowserFactory, clock: MovableClock
) -> None:
    us = await create_company(admin, "US-01")
    draft = await begin_edit(admin, us["id"])
    await send_link(admin, draft["id"])
    link = await link_in_outbox(admin)
    holder = await browser_factory(None)

    clock.advance(timedelta(days=6, hours=23))
    still = await holder.get(link)
    clock.advance(timedelta(hours=1, seconds=1))
    expired = await holder.get(link)
    pressed = await holder.post(
        "/oauth/amazon/consent", data={"token": link.rsplit("/", 1)[1]}, headers={"Origin": ORIGIN}
    )
    # The admin's session and draft ended long ago: signed in again, Edit shows the link as expired, to send again.
    login = await admin.post("/api/auth/login", json={"username": "ada", "password": PASSWORD})
    admin.headers["X-CSRF-Token"] = login.json()["csrfToken"]
    shown = (await begin_edit(admin, us["id"]))["consentLinks"]

    assert still.status_code == 200
    assert expired.status_code == 410
    assert "no longer valid" in expired.text
    assert pressed.status_code == 410
    assert [s["status"] for s in shown] == ["expired"]


async def test_links_are_limited_per_company_and_region_with_the_time_to_try_again(
    admin: Browser, amazon: AmazonSimulator
) -> None:
    us = await create_company(admin, "US-01")
    draft = await begin_edit(admin, us["id"])
    answers = [(await send_link(admin, draft["id"])).status_code for _ in range(5)]

    refused = await send_link(admin, draft["id"])
    other_region = await send_link(admin, draft["id"], region="EU")

    assert answers == [201] * 5
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    assert re.search(r"try again in \d+ s", refused.json()["message"])
    assert other_region.status_code == 201
    assert len(await mails_to(admin)) == 6  # the refused one sent nothing


async def test_a_token_of_another_seller_is_flagged_and_needs_the_confirmation_on_save(
    admin: Browser, amazon: AmazonSimulator, browser_factory: BrowserFactory, services: Services
) -> None:
    us = await create_company(admin, "US-01")
    await connect(services, us["id"], Region.NA, seller="A1SELLER")
    draft = await begin_edit(admin, us["id"])
    await send_link(admin, draft["id"])

    await holder_consents(await browser_factory(None), amazon, await link_in_outbox(admin))
    waiting = await draft_of(admin, draft["id"])
    refused = await save(admin, waiting)
    confirmed = await save(admin, waiting, {"confirmSellerChange": ["NA"]})

    assert waiting["pendingGrants"][0]["sellerChanged"] is True
    assert refused.status_code == 422
    assert refused.json()["error"] == "seller_change_unconfirmed"
    assert confirmed.status_code == 200
    assert connection(confirmed.json(), "NA")["sellingPartnerId"] == NA_SELLER


async def test_a_login_to_the_wrong_region_is_told_to_the_holder_and_refused_on_save_until_confirmed(
    admin: Browser, amazon: AmazonSimulator, browser_factory: BrowserFactory
) -> None:
    us = await create_company(admin, "US-01")
    draft = await begin_edit(admin, us["id"])
    await send_link(admin, draft["id"])

    done = await holder_consents(await browser_factory(None), amazon, await link_in_outbox(admin), "A1SIMEUSELLER1")
    waiting = await draft_of(admin, draft["id"])
    refused = await save(admin, waiting)

    assert done.status_code == 200
    assert "Amazon refused the new authorization in North America" in done.text
    assert waiting["pendingGrants"][0]["verdict"]["kind"] == "wrong_region_or_role"
    assert refused.status_code == 422
    assert refused.json()["error"] == "grant_verdict_unconfirmed"
    assert connection(await settings_of(admin, us["id"]), "NA")["status"] == "not_connected"


async def test_only_an_admin_in_scope_sends_links_in_their_own_draft_of_an_account_owner(
    admin: Browser, amazon: AmazonSimulator, browser_factory: BrowserFactory, services: Services
) -> None:
    us = await create_company(admin, "US-01")
    ca = await create_company(admin, "CA-01", parent=us["id"], unified=True)
    await create_company(admin, "JP-01")
    draft = await begin_edit(admin, us["id"])
    member_draft = await begin_edit(admin, ca["id"])
    support = await browser_factory("support")
    viewer = await browser_factory("viewer")
    other_admin = await browser_factory("admin", "olga", "Olga Other")
    await services.accounts.create_user("scoped", PASSWORD, "admin", "Scoped", company_codes=["JP-01"])
    scoped = await browser_factory(None)
    login = await scoped.post("/api/auth/login", json={"username": "scoped", "password": PASSWORD})
    scoped.headers["X-CSRF-Token"] = login.json()["csrfToken"]

    answers = {
        "support": await send_link(support, draft["id"]),
        "viewer": await send_link(viewer, draft["id"]),
        "scoped admin": await send_link(scoped, draft["id"]),
        "another admin's draft": await send_link(other_admin, draft["id"]),
        "unified member": await send_link(admin, member_draft["id"]),
        "bad e-mail": await send_link(admin, draft["id"], email="not an address"),
        "bad region": await send_link(admin, draft["id"], region="XX"),
        "marketplace of another region": await send_link(admin, draft["id"], marketplaceId="A1PA6795UKMFR9"),
    }

    assert {k: r.status_code for k, r in answers.items()} == {
        "support": 403,
        "viewer": 403,
        "scoped admin": 404,
        "another admin's draft": 404,
        "unified member": 409,
        "bad e-mail": 400,
        "bad region": 400,
        "marketplace of another region": 422,
    }
    assert answers["unified member"].json()["message"] == (
        "CA-01 is unified with US-01: ask for the authorization on US-01."
    )
    assert "email" in answers["bad e-mail"].json()["fields"]
    assert await ConsentLink.count() == 0
    assert await mails_to(admin) == []


async def test_the_draft_closed_meanwhile_the_token_lands_in_a_new_draft_of_that_admin(
    admin: Browser, amazon: AmazonSimulator, browser_factory: BrowserFactory
) -> None:
    us = await create_company(admin, "US-01")
    draft = await begin_edit(admin, us["id"])
    await send_link(admin, draft["id"])
    link = await link_in_outbox(admin)
    await admin.delete(f"/api/edits/{draft['id']}")  # cancelled before the holder opens the link

    holder = await browser_factory(None)
    done = await holder_consents(holder, amazon, link)
    again = await begin_edit(admin, us["id"])  # Edit: the admin's open draft, the one the token landed in

    assert done.status_code == 200, done.text
    assert again["id"] != draft["id"]
    assert [g["region"] for g in again["pendingGrants"]] == ["NA"]
    assert (await save(admin, again)).status_code == 200


async def test_a_draft_closed_between_the_button_and_amazons_redirect_gets_a_new_draft_too(
    admin: Browser, amazon: AmazonSimulator, browser_factory: BrowserFactory
) -> None:
    us = await create_company(admin, "US-01")
    draft = await begin_edit(admin, us["id"])
    await send_link(admin, draft["id"])
    holder = await browser_factory(None)
    onwards = await press_continue(holder, await link_in_outbox(admin))
    back = await confirm_at_amazon(amazon, onwards.headers["location"], NA_SELLER)
    await admin.delete(f"/api/edits/{draft['id']}")

    done = await holder.get(local(back))
    again = await begin_edit(admin, us["id"])

    assert done.status_code == 200, done.text
    assert again["id"] != draft["id"]
    assert [g["sellingPartnerId"] for g in again["pendingGrants"]] == [NA_SELLER]


async def test_the_state_of_a_holders_flow_works_only_in_the_holders_browser(
    admin: Browser, amazon: AmazonSimulator, browser_factory: BrowserFactory
) -> None:
    us = await create_company(admin, "US-01")
    draft = await begin_edit(admin, us["id"])
    await send_link(admin, draft["id"])
    onwards = await press_continue(await browser_factory(None), await link_in_outbox(admin))
    back = await confirm_at_amazon(amazon, onwards.headers["location"], NA_SELLER)

    # The consent URL leaked to someone else: a browser without the holder's cookie, or with a cookie of its own.
    without_cookie = await (await browser_factory(None)).get(local(back))
    other = await browser_factory(None)
    other.cookies.set("erp_consent_browser", "a-cookie-of-another-browser", domain="testserver.local")
    other_cookie = await other.get(local(back))
    as_admin = await admin.get(local(back))

    assert without_cookie.status_code == 400
    assert other_cookie.status_code == 400
    assert as_admin.status_code == 400
    assert await PendingGrant.count() == 0


async def test_a_deactivated_admins_link_no_longer_works(
    admin: Browser, amazon: AmazonSimulator, browser_factory: BrowserFactory, services: Services
) -> None:
    other = await browser_factory("admin", "leaver", "Lee Leaver")
    us = await create_company(admin, "US-01")
    draft = await begin_edit(other, us["id"])
    await send_link(other, draft["id"])
    link = await link_in_outbox(admin)
    await services.accounts.deactivate("leaver")

    pressed = await press_continue(await browser_factory(None), link)

    assert pressed.status_code == 410
    assert await OAuthFlow.count() == 0


async def test_unknown_and_cross_site_requests_reveal_nothing(
    admin: Browser, amazon: AmazonSimulator, browser_factory: BrowserFactory
) -> None:
    us = await create_company(admin, "US-01", name="Acme US")
    draft = await begin_edit(admin, us["id"])
    await send_link(admin, draft["id"])
    link = await link_in_outbox(admin)
    holder = await browser_factory(None)

    unknown = await holder.get("/oauth/amazon/consent/" + "A" * 43)
    malformed = await holder.get("/oauth/amazon/consent/short")
    cross_site = await holder.post(
        "/oauth/amazon/consent",
        data={"token": link.rsplit("/", 1)[1]},
        headers={"Origin": "https://attacker.example", "Sec-Fetch-Site": "cross-site"},
    )
    still = await holder.get(link)

    assert unknown.status_code == malformed.status_code == 404
    assert "Unknown authorization link" in unknown.text
    assert "Acme US" not in unknown.text
    assert cross_site.status_code == 403
    assert still.status_code == 200  # the refused POST did not spend it


async def test_a_german_companys_mail_and_pages_are_in_german(
    admin: Browser, amazon: AmazonSimulator, browser_factory: BrowserFactory, services: Services
) -> None:
    de = await create_company(admin, "DE-01", name="Beispiel GmbH")
    draft = await begin_edit(admin, de["id"])
    await change(admin, draft["id"], language="de")
    await save(admin, draft)
    draft = await begin_edit(admin, de["id"])

    await send_link(admin, draft["id"], region="EU")
    draft_after = await draft_of(admin, draft["id"])
    mail = (await mails_to(admin))[0]
    holder = await browser_factory(None)
    page = await holder.get(await link_in_outbox(admin))
    done = await holder_consents(holder, amazon, await link_in_outbox(admin), "A1SIMEUSELLER1")

    assert (await admin.get(f"/api/companies/{de['id']}")).json()["language"] == "de"
    assert (await settings_of(admin, de["id"]))["language"] == "de"
    assert mail["subject"] == "Bitte autorisieren Sie den Amazon-Zugriff für Beispiel GmbH (Europa)"
    assert mail["body"].startswith("Guten Tag,\n\nAda Admin bittet Sie, Beispiel GmbH zu autorisieren, die Selling ")
    assert "Ihrem Seller Central-Konto in der Region Europa (EU)" in mail["body"]
    expires = datetime.fromisoformat(draft_after["consentLinks"][0]["expiresAt"])
    assert format_datetime(expires, "de") in mail["body"]
    assert "Der Link kann nur einmal verwendet werden" in mail["body"]
    assert "<html lang=de>" in page.text
    assert "Weiter zu Seller Central" in page.text
    assert "Erledigt: Die Autorisierung ist bei Beispiel GmbH angekommen" in done.text


async def test_a_french_companys_mail_is_in_french(admin: Browser, amazon: AmazonSimulator) -> None:
    fr = await create_company(admin, "FR-01", name="Exemple SARL")
    draft = await begin_edit(admin, fr["id"])
    await change(admin, draft["id"], language="fr")
    await save(admin, draft)
    draft = await begin_edit(admin, fr["id"])

    await send_link(admin, draft["id"], region="EU")
    mail = (await mails_to(admin))[0]

    assert mail["subject"] == "Veuillez autoriser l'accès Amazon pour Exemple SARL (Europe)"
    assert "vous demande d'autoriser Exemple SARL à utiliser la Selling Partner API" in mail["body"]


def test_the_links_token_never_reaches_a_log() -> None:
    token = "k" * 43
    lines = [
        f'127.0.0.1:50000 - "GET /oauth/amazon/consent/{token} HTTP/1.1" 200',
        f"mail with http://testserver.local/oauth/amazon/consent/{token} sent",
    ]

    assert all(token not in redact_urls(line) and "consent/[redacted]" in redact_urls(line) for line in lines)


async def test_amazons_log_in_uri_step_inside_the_holders_consent_asks_and_goes_on_without_a_sign_in(
    admin: Browser, amazon: AmazonSimulator, browser_factory: BrowserFactory
) -> None:
    await amazon.login_behaviour("always")  # as integrators report for draft apps (FACTS §1)
    us = await create_company(admin, "US-01", name="Acme US")
    draft = await begin_edit(admin, us["id"])
    await send_link(admin, draft["id"])
    holder = await browser_factory(None)
    onwards = await press_continue(holder, await link_in_outbox(admin))
    location = await confirm_at_amazon(amazon, onwards.headers["location"], NA_SELLER)

    question = await holder.get(local(location))
    elsewhere = await (await browser_factory(None)).get(local(location))  # no holder's cookie: sign in, as before
    back = await through_login_uri(holder, location)
    done = await holder.get(local(back))

    assert urlsplit(location).path == "/oauth/amazon/login"
    assert question.status_code == 200, question.text
    assert "Continue the authorization for Acme US in North America?" in question.text
    assert f"Seller Central account {NA_SELLER}" in question.text
    assert elsewhere.status_code == 302
    assert elsewhere.headers["location"].startswith("/login?next=")
    assert done.status_code == 200, done.text
    assert "Done: the authorization reached Acme US" in done.text
    assert [g["sellingPartnerId"] for g in (await draft_of(admin, draft["id"]))["pendingGrants"]] == [NA_SELLER]


async def test_the_log_in_uri_step_of_a_holder_refuses_a_post_from_another_site(
    admin: Browser, amazon: AmazonSimulator, browser_factory: BrowserFactory
) -> None:
    await amazon.login_behaviour("always")
    us = await create_company(admin, "US-01")
    draft = await begin_edit(admin, us["id"])
    await send_link(admin, draft["id"])
    holder = await browser_factory(None)
    onwards = await press_continue(holder, await link_in_outbox(admin))
    location = await confirm_at_amazon(amazon, onwards.headers["location"], NA_SELLER)
    fields = read_form((await holder.get(local(location))).text).fields

    forged = await holder.post("/oauth/amazon/login", data=fields, headers={"Sec-Fetch-Site": "cross-site"})
    own = await holder.post("/oauth/amazon/login", data=fields, headers={"Sec-Fetch-Site": "same-origin"})

    assert forged.status_code == 403
    assert own.status_code == 303
