"""Amazon General Settings over HTTP: every field with its source, connections read through the owner."""

from __future__ import annotations

from datetime import timedelta

from app.amazon.regions import Region
from app.lib.clock import MovableClock
from app.services import Services
from tests.fixtures import Browser, BrowserFactory
from tests.helpers import begin_edit, change, connect, connection, create_company, edit_and_save, settings_of


async def test_member_reads_account_fields_from_its_owner_and_company_fields_as_its_own(
    admin: Browser, services: Services
) -> None:
    us = await create_company(admin, "US-01")
    ca = await create_company(admin, "CA-01", parent=us["id"], unified=True)
    await connect(services, us["id"], Region.NA, seller="A1US")
    await edit_and_save(admin, us["id"], accountType="vendor")

    body = await settings_of(admin, ca["id"])

    assert body["accountOwner"] == {"id": us["id"], "code": "US-01"}
    assert body["companyName"] == ca["name"]
    assert body["accountType"] == {
        "value": "vendor",
        "source": {"kind": "inherited", "company": {"id": us["id"], "code": "US-01"}},
    }
    assert body["enabled"]["source"] == {"kind": "own", "company": {"id": ca["id"], "code": "CA-01"}}
    assert body["marketplaceIds"]["source"]["kind"] == "own"
    na = connection(body, "NA")
    assert na["status"] == "active"
    assert na["sellingPartnerId"] == "A1US"
    assert na["source"] == {"kind": "inherited", "company": {"id": us["id"], "code": "US-01"}}
    assert na["tokenFingerprint"].endswith("A1US"[-4:])
    assert na["daysLeft"] == 365
    assert connection(body, "EU")["status"] == "not_connected"


async def test_response_never_contains_a_token(admin: Browser, services: Services) -> None:
    us = await create_company(admin, "US-01")
    await connect(services, us["id"], Region.NA, seller="A1US")

    response = await admin.get(f"/api/companies/{us['id']}/amazon")

    assert "Atzr|" not in response.text
    assert "Atza|" not in response.text


async def test_settings_carry_the_version_as_etag(admin: Browser) -> None:
    us = await create_company(admin, "US-01")

    first = await admin.get(f"/api/companies/{us['id']}/amazon")
    await edit_and_save(admin, us["id"], enabled=True)
    second = await admin.get(f"/api/companies/{us['id']}/amazon")

    assert first.headers["etag"] == '"1"'
    assert first.json()["version"] == 1
    assert second.headers["etag"] == '"2"'
    assert second.json()["enabled"]["value"] is True


async def test_unknown_marketplace_is_a_400_naming_the_path(admin: Browser, services: Services) -> None:
    us = await create_company(admin, "US-01")
    await connect(services, us["id"], Region.NA)
    draft = await begin_edit(admin, us["id"])

    response = await change(admin, draft["id"], marketplaceIds=["ATVPDKIKX0DER", "A1NOTREAL00000"])

    assert response.status_code == 400
    assert response.json()["fields"] == {"marketplaceIds[1]": "unknown marketplace A1NOTREAL00000"}


async def test_marketplace_in_a_region_without_connection_is_a_422_naming_the_region(
    admin: Browser, services: Services
) -> None:
    us = await create_company(admin, "US-01")
    ca = await create_company(admin, "CA-01", parent=us["id"], unified=True)
    await connect(services, us["id"], Region.NA)
    draft = await begin_edit(admin, ca["id"])

    refused = await change(admin, draft["id"], marketplaceIds=["A2EUQ1WTGCTBG2", "A1PA6795UKMFR9"])
    accepted = await change(admin, draft["id"], marketplaceIds=["A2EUQ1WTGCTBG2"])

    assert refused.status_code == 422
    assert "region EU" in refused.json()["message"]
    assert "US-01" in refused.json()["message"]
    assert list(refused.json()["fields"]) == ["marketplaceIds[1]"]
    assert accepted.status_code == 200
    assert accepted.json()["values"]["marketplaceIds"] == ["A2EUQ1WTGCTBG2"]


async def test_marketplace_catalogue_lists_every_region(admin: Browser) -> None:
    body = (await admin.get("/api/marketplaces")).json()

    by_id = {m["id"]: m for m in body}
    assert len(body) == 23
    assert by_id["ATVPDKIKX0DER"] == {
        "id": "ATVPDKIKX0DER",
        "region": "NA",
        "countryCode": "US",
        "name": "United States",
    }
    assert by_id["A1VC38T7YXB528"]["region"] == "FE"
    assert by_id["A1F83G8C2ARO7P"]["region"] == "EU"


async def test_expiring_and_expired_status_follow_the_clock(
    admin: Browser, services: Services, clock: MovableClock, browser_factory: BrowserFactory
) -> None:
    us = await create_company(admin, "US-01")
    ca = await create_company(admin, "CA-01", parent=us["id"], unified=True)
    await connect(services, us["id"], Region.NA)

    clock.advance(timedelta(days=340))
    later = await browser_factory("viewer")  # a fresh sign-in: the earlier session is long idle
    expiring = connection(await settings_of(later, ca["id"]), "NA")
    clock.advance(timedelta(days=30))
    latest = await browser_factory("viewer")
    expired = connection(await settings_of(latest, ca["id"]), "NA")

    assert expiring["status"] == "expiring"
    assert expiring["daysLeft"] == 25
    assert expired["status"] == "expired"
