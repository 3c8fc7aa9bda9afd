"""The app's SP-API credentials: admins only, changed through a draft and Save, the secret never shown."""

from __future__ import annotations

from datetime import timedelta

from app.amazon.tables import IntegrationCredentials
from app.lib.clock import MovableClock
from tests.fixtures import Browser, BrowserFactory

GOOD = {
    "applicationId": "amzn1.sp.solution.11111111-2222",
    "lwaClientId": "amzn1.application-oa2-client.abcdef0123",
    "lwaClientSecret": "amzn1.oa2-cs.v1.very-secret-value-9876",
    "redirectUri": "https://erp.example.com/oauth/amazon/callback",
}


async def _save_new(admin: Browser, **fields: object) -> dict[str, object]:
    begun = await admin.post("/api/integration-credentials/seller/production/edits")
    assert begun.status_code == 201, begun.text
    draft = begun.json()
    changed = await admin.patch(f"/api/integration-credentials/edits/{draft['id']}", json={**GOOD, **fields})
    assert changed.status_code == 200, changed.text
    saved = await admin.post(
        f"/api/integration-credentials/edits/{draft['id']}/save", headers={"If-Match": f'"{draft["baseVersion"]}"'}
    )
    assert saved.status_code == 200, saved.text
    result: dict[str, object] = saved.json()
    return result


async def test_list_shows_every_account_type_and_environment_unconfigured_at_first(admin: Browser) -> None:
    body = (await admin.get("/api/integration-credentials")).json()

    assert [(c["accountType"], c["environment"], c["configured"]) for c in body] == [
        ("seller", "production", False),
        ("seller", "sandbox", False),
        ("vendor", "production", False),
        ("vendor", "sandbox", False),
    ]


async def test_saving_stores_the_secret_encrypted_and_shows_only_its_fingerprint(
    admin: Browser, clock: MovableClock
) -> None:
    saved = await _save_new(admin)
    listed = (await admin.get("/api/integration-credentials")).json()
    stored = await IntegrationCredentials.select().first()

    assert saved["configured"] is True
    assert saved["clientSecretFingerprint"] == "…9876"
    assert saved["daysUntilSecretExpires"] == 180  # counted as everywhere: up to the day it ends
    assert saved["version"] == 1
    assert "very-secret" not in str(listed)
    assert stored is not None
    assert stored["lwa_client_secret"].startswith("enc1:")
    assert stored["client_secret_expires_at"] - clock.now() > timedelta(days=179)


async def test_the_secret_waits_in_the_draft_and_is_never_read_back(admin: Browser) -> None:
    draft = (await admin.post("/api/integration-credentials/seller/production/edits")).json()

    changed = await admin.patch(f"/api/integration-credentials/edits/{draft['id']}", json=GOOD)

    assert changed.json()["newSecretFingerprint"] == "…9876"
    assert "lwaClientSecret" not in changed.json()["changes"]
    assert "very-secret" not in changed.text
    assert (await admin.get("/api/integration-credentials")).json()[0]["configured"] is False


async def test_an_application_id_given_as_client_id_is_named(admin: Browser) -> None:
    draft = (await admin.post("/api/integration-credentials/seller/production/edits")).json()

    response = await admin.patch(
        f"/api/integration-credentials/edits/{draft['id']}", json={"lwaClientId": "amzn1.sp.solution.11111111-2222"}
    )

    assert response.status_code == 422
    assert response.json()["fields"] == {"lwaClientId": "looks like the application ID"}


async def test_incomplete_credentials_cannot_be_saved(admin: Browser) -> None:
    draft = (await admin.post("/api/integration-credentials/vendor/sandbox/edits")).json()
    await admin.patch(
        f"/api/integration-credentials/edits/{draft['id']}", json={"applicationId": GOOD["applicationId"]}
    )

    response = await admin.post(f"/api/integration-credentials/edits/{draft['id']}/save", headers={"If-Match": '"0"'})

    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"lwaClientId", "redirectUri", "lwaClientSecret"}


async def test_bad_values_are_400s_naming_the_field(admin: Browser) -> None:
    draft = (await admin.post("/api/integration-credentials/seller/production/edits")).json()

    for field, value in (
        ("applicationId", "app-1"),
        ("redirectUri", "https://x.example/cb#frag"),
        ("lwaClientSecret", "short"),
        ("draftApp", "yes"),
    ):
        response = await admin.patch(f"/api/integration-credentials/edits/{draft['id']}", json={field: value})
        assert response.status_code == 400, (field, response.text)
        assert field in response.json()["fields"]


async def test_a_stale_save_is_a_409(admin: Browser, browser_factory: BrowserFactory) -> None:
    bob = await browser_factory("admin", "bob", "Bob")
    await _save_new(admin)
    first = (await admin.post("/api/integration-credentials/seller/production/edits")).json()
    second = (await bob.post("/api/integration-credentials/seller/production/edits")).json()
    await admin.patch(f"/api/integration-credentials/edits/{first['id']}", json={"draftApp": True})
    await bob.patch(f"/api/integration-credentials/edits/{second['id']}", json={"draftApp": False})

    ok = await admin.post(f"/api/integration-credentials/edits/{first['id']}/save", headers={"If-Match": '"1"'})
    stale = await bob.post(f"/api/integration-credentials/edits/{second['id']}/save", headers={"If-Match": '"1"'})

    assert ok.status_code == 200
    assert ok.json()["draftApp"] is True
    assert stale.status_code == 409


async def test_only_admins_see_or_change_credentials(browser_factory: BrowserFactory) -> None:
    for role in ("support", "viewer"):
        client = await browser_factory(role)
        assert (await client.get("/api/integration-credentials")).status_code == 403
        assert (await client.post("/api/integration-credentials/seller/production/edits")).status_code == 403


async def test_unknown_account_type_or_environment_is_refused(admin: Browser) -> None:
    assert (await admin.post("/api/integration-credentials/wholesaler/production/edits")).status_code in (400, 404)
    assert (await admin.post("/api/integration-credentials/seller/staging/edits")).status_code in (400, 404)
