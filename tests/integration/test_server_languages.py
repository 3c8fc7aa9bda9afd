"""What the server writes for people, in their language: e-mails in the company's, the bell and the OAuth pages in
the reader's (their choice, else the browser's), English for everyone else."""

from __future__ import annotations

import html
from datetime import timedelta

from babel.dates import format_date

from app.amazon.regions import Region
from app.amazon.status import CheckResult
from app.amazon.tables import AmazonConnection
from app.audit.tables import OutboxMessage
from app.services import Services
from tests.amazon_browser import local
from tests.amazon_sim_admin import AmazonSimulator
from tests.fixtures import Browser, BrowserFactory
from tests.helpers import begin_edit, change, connect, create_company, edit_and_save, save
from tests.integration.amazon.flows import confirm_at_amazon, start


async def _bell(browser: Browser, **headers: str) -> list[dict[str, str]]:
    answer = await browser.get("/api/notifications", headers=headers)
    assert answer.status_code == 200, answer.text
    items: list[dict[str, str]] = answer.json()["items"]
    return items


async def test_a_german_companys_reminder_mail_is_german_and_each_reader_sees_the_bell_in_their_language(
    browser_factory: BrowserFactory, services: Services
) -> None:
    admin = await browser_factory("admin", "ada")
    us = await create_company(admin, "US-01")
    await create_company(admin, "CA-01", parent=us["id"], unified=True)
    await edit_and_save(admin, us["id"], language="de", notificationEmail="buchhaltung@example.de")
    authorized = services.clock.now() - timedelta(days=345)
    await connect(services, us["id"], Region.NA, at=authorized)
    expires = authorized + timedelta(days=365)
    frida = await browser_factory("viewer", "frida")
    assert (await frida.put("/api/auth/me/language", json={"language": "fr"})).status_code == 200
    dieter = await browser_factory("viewer", "dieter")  # no choice: his browser asks for German

    assert (await services.reminders.run()).sent == 1

    [mail] = await OutboxMessage.select()
    assert mail["recipient"] == "buchhaltung@example.de"
    assert mail["subject"] == "Die Amazon-Autorisierung von US-01 (NA) läuft in 20 Tagen ab"
    assert f"Sie läuft am {format_date(expires, 'long', locale='de')} ab." in mail["body"]
    assert "Betroffene vereinheitlichte Firmen: CA-01." in mail["body"]
    assert "„Token für die Selling Partner API abrufen“ für NA" in mail["body"]
    [for_frida] = await _bell(frida)
    assert for_frida["title"] == "L'autorisation Amazon de US-01 (NA) expire dans 20 jours"
    assert f"Elle expire le {format_date(expires, 'long', locale='fr')}." in for_frida["body"]
    [for_dieter] = await _bell(dieter, **{"Accept-Language": "de-AT,de;q=0.9,en;q=0.5"})
    assert for_dieter["title"] == mail["subject"]
    [for_ada] = await _bell(admin)
    assert for_ada["title"] == "Amazon authorization of US-01 (NA) expires in 20 days"
    assert f"It expires on {format_date(expires, 'long', locale='en')}." in for_ada["body"]
    assert "To renew: open US-01, click Edit" in for_ada["body"]
    marked = await frida.post(f"/api/notifications/{for_frida['id']}/read")
    assert marked.json()["title"] == for_frida["title"]


async def test_a_revocation_is_mailed_in_the_owners_language(admin: Browser, services: Services) -> None:
    fr = await create_company(admin, "FR-01")
    await edit_and_save(admin, fr["id"], language="fr", notificationEmail="compta@example.fr")
    await connect(services, fr["id"], Region.EU)
    [row] = await AmazonConnection.select(AmazonConnection.id).where(AmazonConnection.company == fr["id"])

    await services.health.learned(row["id"], CheckResult.REAUTHORIZATION_REQUIRED, "invalid_grant", "revoked")

    [mail] = await OutboxMessage.select()
    assert mail["subject"] == "Amazon a refusé l'autorisation de FR-01 (EU) : autorisez à nouveau"
    assert "Aucune société unifiée n'utilise ce compte." in mail["body"]
    assert "Ouvrez FR-01, cliquez sur Modifier" in mail["body"]
    [for_admin] = await _bell(admin)
    assert for_admin["title"] == "Amazon refused the authorization of FR-01 (EU): re-authorize"


async def test_the_admins_oauth_pages_speak_the_admins_language(
    browser_factory: BrowserFactory, amazon: AmazonSimulator
) -> None:
    admin = await browser_factory("admin", "ada")
    assert (await admin.put("/api/auth/me/language", json={"language": "de"})).status_code == 200
    us = await create_company(admin, "US-01")
    draft = await begin_edit(admin, us["id"])

    back = await confirm_at_amazon(amazon, await start(admin, draft["id"], "NA"), "A1SIMNASELLER1")
    received = await admin.get(local(back))
    assert received.status_code == 200, received.text
    assert "<html lang=de>" in received.text
    assert "<title>Amazon-Token erhalten</title>" in received.text
    assert "Neues Token für NA (Verkäufer A1SIMNASELLER1) erhalten" in received.text
    assert (await save(admin, (await admin.get(f"/api/edits/{draft['id']}")).json())).status_code == 200

    renewal = await amazon.http.get(
        "/central/sellercentral.amazon.com/apps/manage/reauthorize",
        params={"application_id": "amzn1.sp.solution.sim-seller-app", "selling_partner_id": "A1SIMNASELLER1"},
    )
    question = await admin.get(local(renewal.headers["location"]))
    assert question.status_code == 200, question.text
    assert "Erneuerung der Amazon-Autorisierung von US-01 für NA fortsetzen?" in question.text
    assert "Amazon bittet darum, die Autorisierung von Verkäuferkonto A1SIMNASELLER1 zu erneuern." in question.text
    assert "Weiter bei Amazon</button>" in question.text

    incomplete = await admin.get("/oauth/amazon/callback", params={"state": "x"})
    assert incomplete.status_code == 400
    assert "Amazon hat kein Token gesendet" in incomplete.text

    stranger = await browser_factory(None)
    french = await stranger.get("/oauth/amazon/callback", headers={"Accept-Language": "fr-CH, fr;q=0.9"})
    assert french.status_code == 400
    assert "<html lang=fr>" in french.text
    assert "Amazon n'a pas envoyé de jeton" in html.unescape(french.text)
    english = await stranger.get("/oauth/amazon/callback")
    assert "Amazon did not send a token" in english.text


async def test_a_rule_broken_in_a_draft_is_explained_in_the_readers_language(browser_factory: BrowserFactory) -> None:
    admin = await browser_factory("admin", "ada")
    us = await create_company(admin, "US-01")
    draft = await begin_edit(admin, us["id"])
    english = await change(admin, draft["id"], marketplaceIds=["ATVPDKIKX0DER"])
    assert (await admin.put("/api/auth/me/language", json={"language": "de"})).status_code == 200
    german = await change(admin, draft["id"], marketplaceIds=["ATVPDKIKX0DER"])
    other = await browser_factory("admin", "amelie")
    other_draft = await begin_edit(other, (await create_company(other, "FR-01"))["id"])
    french = await other.patch(
        f"/api/edits/{other_draft['id']}", json={"parentId": 999_999}, headers={"Accept-Language": "fr-FR"}
    )

    assert english.status_code == german.status_code == 422
    assert english.json()["message"] == (
        "US-01 has no Selling Partner API connection for region NA: get a token for NA first."
    )
    assert german.json()["message"] == (
        "US-01 hat keine Verbindung zur Selling Partner API für die Region NA: Rufen Sie zuerst ein Token für NA ab."
    )
    assert german.json()["error"] == english.json()["error"] == "region_not_connected"
    assert french.status_code == 422, french.text
    assert french.json()["message"] == "La société parente 999999 n'existe pas."
