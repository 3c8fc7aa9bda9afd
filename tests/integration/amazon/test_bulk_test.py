"""The bulk connection test on a real arq worker and Redis, against the simulator over real HTTP."""

from __future__ import annotations

import csv
import io
from typing import Any

from app.amazon.tables import BulkTestItem
from app.audit.tables import AuditEvent
from app.services import Services
from tests.amazon_sim_admin import AmazonSimulator
from tests.fixtures import Browser, BrowserFactory
from tests.helpers import connection, create_company, save, settings_of
from tests.integration.amazon.flows import get_token
from tests.integration.workers.test_jobs import run_queued_jobs

SELLERS = {"US-01": "A1BULKSELLER01", "US-02": "A1BULKSELLER02", "US-03": "A1BULKSELLER03"}


async def _connected(admin: Browser, amazon: AmazonSimulator, services: Services) -> dict[str, int]:
    ids: dict[str, int] = {}
    for code, seller in SELLERS.items():
        await amazon.add_seller(seller, "NA", ["ATVPDKIKX0DER"])
        ids[code] = (await create_company(admin, code))["id"]
        await create_company(admin, f"{code}-CA", parent=ids[code], unified=True)
        draft = await get_token(admin, amazon, ids[code], "NA", seller)
        assert (await save(admin, draft)).status_code == 200
    await run_queued_jobs(services)  # the checks each Save asked for
    return ids


async def test_support_tests_every_connection_in_one_action_and_gets_a_results_table_and_csv(
    admin: Browser, amazon: AmazonSimulator, services: Services, browser_factory: BrowserFactory
) -> None:
    ids = await _connected(admin, amazon, services)
    await amazon.revoke(SELLERS["US-02"])
    sue = await browser_factory("support", "sue", "Sue")
    lwa_before = (await amazon.counters())["lwa.refresh_token"]
    audited_before = await AuditEvent.count().where(AuditEvent.action == "connection.tested")

    started = await sue.post("/api/bulk-tests", json={})
    again = await sue.post("/api/bulk-tests", json={"status": "needs_action"})
    while_queued = (await sue.get("/api/bulk-tests/current")).json()
    await run_queued_jobs(services)
    after = (await sue.get("/api/bulk-tests/current")).json()
    results = (await sue.get(f"/api/bulk-tests/{after['id']}/results")).json()
    failures = (await sue.get(f"/api/bulk-tests/{after['id']}/results", params={"failuresOnly": True})).json()
    download = await sue.get(f"/api/bulk-tests/{after['id']}/results.csv")

    assert started.status_code == 201, started.text
    assert started.json()["state"] == "running"
    assert started.json()["total"] == 3
    assert again.status_code == 409
    assert again.json()["error"] == "bulk_test_running"
    assert "Sue" in again.json()["message"]
    assert (while_queued["tested"], while_queued["total"]) == (0, 3)
    assert (after["state"], after["tested"], after["failures"]) == ("done", 3, 1)
    assert [(r["companyCode"], r["verdictText"]) for r in results["items"]] == [
        ("US-01", "Works"),
        ("US-02", "Re-authorization required"),
        ("US-03", "Works"),
    ]
    assert [r["companyCode"] for r in failures["items"]] == ["US-02"]
    assert "Get Selling Partner API token for NA" in failures["items"][0]["action"]
    assert (await amazon.counters())["lwa.refresh_token"] - lwa_before == 3
    # What the run learnt is the connection's status now.
    assert connection(await settings_of(admin, ids["US-02"]), "NA")["status"] == "reauthorization_required"
    table = list(csv.reader(io.StringIO(download.text)))
    assert download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    assert table[0] == ["Company", "Region", "Verdict", "Message", "Action", "Tested at (UTC)"]
    assert [row[:3] for row in table[1:]] == [
        ["US-01", "NA", "Works"],
        ["US-02", "NA", "Re-authorization required"],
        ["US-03", "NA", "Works"],
    ]
    audited = [e["action"] for e in await AuditEvent.select().where(AuditEvent.action.like("bulk_test.%"))]
    tested_one_by_one = await AuditEvent.count().where(AuditEvent.action == "connection.tested")
    assert audited == ["bulk_test.started", "bulk_test.finished"]
    assert tested_one_by_one == audited_before  # the run is audited as one, not once per connection


async def test_the_filter_limits_the_run_and_a_cancelled_run_tests_nothing_more(
    admin: Browser, amazon: AmazonSimulator, services: Services
) -> None:
    await _connected(admin, amazon, services)
    await amazon.revoke(SELLERS["US-03"])
    await admin.post(f"/api/companies/{(await _id(admin, 'US-03'))}/amazon/regions/NA/refresh")

    only_broken = (await admin.post("/api/bulk-tests", json={"status": "needs_action", "region": "NA"})).json()
    cancelled = await admin.post(f"/api/bulk-tests/{only_broken['id']}/cancel")
    lwa_before = (await amazon.counters())["lwa.refresh_token"]
    await run_queued_jobs(services)
    after = (await admin.get(f"/api/bulk-tests/{only_broken['id']}")).json()
    results = (await admin.get(f"/api/bulk-tests/{only_broken['id']}/results")).json()
    cancel_again = await admin.post(f"/api/bulk-tests/{only_broken['id']}/cancel")
    next_run = await admin.post("/api/bulk-tests", json={})

    assert only_broken["total"] == 1
    assert cancelled.status_code == 200
    assert cancelled.json()["state"] == "cancelled"
    assert (await amazon.counters())["lwa.refresh_token"] == lwa_before
    assert (after["state"], after["tested"]) == ("cancelled", 0)
    assert [r["verdictText"] for r in results["items"]] == ["Not tested (the run was cancelled)"]
    assert cancel_again.status_code == 422
    assert "ended" in cancel_again.json()["message"]
    assert next_run.status_code == 201  # a cancelled run no longer holds the scope


async def test_runs_belong_to_their_scope(
    admin: Browser, amazon: AmazonSimulator, services: Services, browser_factory: BrowserFactory
) -> None:
    await _connected(admin, amazon, services)
    everything = (await admin.post("/api/bulk-tests", json={})).json()
    sue = await browser_factory("support", "sue", "Sue", codes=["US-01"])

    hers = await sue.post("/api/bulk-tests", json={})
    peek = await sue.get(f"/api/bulk-tests/{everything['id']}")
    viewer = await browser_factory("viewer")
    refused = await viewer.post("/api/bulk-tests", json={})

    assert hers.status_code == 201
    assert hers.json()["total"] == 1
    assert peek.status_code == 404
    assert refused.status_code == 403
    items = await BulkTestItem.select(BulkTestItem.company_code).where(BulkTestItem.run == hers.json()["id"])
    assert [i["company_code"] for i in items] == ["US-01"]


async def _id(admin: Browser, code: str) -> int:
    listed: dict[str, Any] = (await admin.get("/api/companies", params={"q": code})).json()
    return int(next(c["id"] for c in listed["items"] if c["code"] == code))
