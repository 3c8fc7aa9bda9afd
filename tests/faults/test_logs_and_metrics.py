"""What an operator reads off real processes: JSON log lines with request and job IDs, no secret, and the metrics."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from app.amazon_sim.seed import SELLER_APP
from tests.amazon_sim_admin import AmazonSimulator
from tests.faults.job_support import company_ids, connect, signed_in, wait_for
from tests.faults.processes import FaultSystem, free_port, web_server, worker_process

METRICS_TOKEN = "a metrics token for the scrape test"
JOB_BOUND_SECONDS = 30.0


def _lines(log: Path) -> list[dict[str, Any]]:
    """Every line of a process's output, each of which must be one JSON object."""
    lines = []
    for number, text in enumerate(log.read_text().splitlines(), 1):
        try:
            line = json.loads(text)
        except json.JSONDecodeError:
            raise AssertionError(f"{log.name} line {number} is not JSON: {text[:300]}") from None
        assert {"time", "level", "logger", "message"} <= line.keys(), line
        lines.append(line)
    return lines


def _samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _value(samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    """The sample `name` whose labels include `labels` (0 when there is none), summed over the other labels."""
    wanted = set(labels.items())
    return sum(value for (sample, have), value in samples.items() if sample == name and wanted <= have)


async def _scrape(client: httpx.AsyncClient, url: str, token: str | None = METRICS_TOKEN) -> httpx.Response:
    return await client.get(url, headers={"Authorization": f"Bearer {token}"} if token else {})


async def test_json_lines_carry_request_and_job_ids_and_the_metrics_count_what_amazon_answered(
    system: FaultSystem, amazon: AmazonSimulator, tmp_path: Path
) -> None:
    metrics_port = free_port()
    env = {**system.env, "LOG_FORMAT": "json", "METRICS_TOKEN": METRICS_TOKEN}
    web_log, worker_log = tmp_path / "web.log", tmp_path / "worker.log"
    scraper = httpx.AsyncClient(timeout=30)
    worker_env = {**env, "METRICS_PORT": str(metrics_port)}
    with web_server(env, web_log) as base_url, worker_process(worker_env, worker_log):
        admin = await signed_in(base_url, "admin", system.logins["admin"])
        us, uk, jp = await company_ids(admin, "US-01", "UK-01", "JP-01")
        owners = ((us, "NA", "A1SIMNASELLER1"), (uk, "EU", "A1SIMEUSELLER1"), (jp, "FE", "A1SIMJPSELLER1"))
        for owner, region, seller in owners:  # each Save queues a check, which the worker runs
            await connect(admin, amazon, owner, region, seller)

        worker_url = f"http://127.0.0.1:{metrics_port}/metrics"

        async def checks_run_by_worker() -> bool:
            samples = _samples((await _scrape(scraper, worker_url, token=None)).text)
            return _value(samples, "erp_jobs_total", function="check_connection") == len(owners)

        # (Each connection's last check is set by the callback's try already: the worker's own figure tells.)
        await wait_for("the worker's checks of the new connections", JOB_BOUND_SECONDS, checks_run_by_worker)

        # Support's Refresh in the web process: one works, one is throttled by Amazon, one is refused.
        def refresh(owner: int, region: str) -> str:
            return f"/api/companies/{owner}/amazon/regions/{region}/refresh"

        worked = await admin.post(refresh(us, "NA"), headers={"X-Request-ID": "proxy-given-id-0001"})
        await amazon.fault("sp-api", "throttle", count=20)
        throttled = await admin.post(refresh(uk, "EU"))
        await amazon.clear_faults()
        await amazon.revoke("A1SIMJPSELLER1")
        refused = await admin.post(refresh(jp, "FE"))
        missing = await admin.get("/api/no-such-thing")
        signed_out = await scraper.get(f"{base_url}/api/companies")

        web_metrics = await _scrape(scraper, f"{base_url}/metrics")
        without_token = await _scrape(scraper, f"{base_url}/metrics", token=None)
        wrong_token = await _scrape(scraper, f"{base_url}/metrics", token="not the metrics token at all")
        worker_metrics = await _scrape(scraper, worker_url, token=None)
        await admin.aclose()
    await scraper.aclose()

    assert worked.json()["verdict"] == "ok", worked.text
    assert throttled.json()["verdict"] == "quota_exhausted", throttled.text  # Amazon said 429
    assert refused.json()["verdict"] == "reauthorization_required", refused.text

    # Every answer names its request, a proxy's plain ID kept; the access log line of each carries the same ID.
    web = _lines(web_log)
    access = [line for line in web if line["logger"] == "uvicorn.access"]
    assert all("request_id" in line for line in access), [line for line in access if "request_id" not in line][:3]
    assert worked.headers["X-Request-ID"] == "proxy-given-id-0001"
    for answer in (worked, throttled, refused, missing):
        request_id = answer.headers["X-Request-ID"]
        (line,) = [line for line in access if line["request_id"] == request_id]
        assert answer.request.url.path in line["message"], line
    assert (missing.status_code, signed_out.status_code) == (404, 401)

    # The worker's lines of the check name its job and try; arq's own lines of it name the job.
    job_id = f"check_connection:{jp}:FE"
    worker = _lines(worker_log)
    of_job = [line for line in worker if line.get("job_id") == job_id]
    assert any(line["logger"] == "arq.worker" for line in of_job), worker[-10:]
    # What the job itself logged (here httpx's lines of its calls to Amazon) names its try too.
    calls_of_job = [line for line in of_job if line["logger"] == "httpx"]
    assert calls_of_job, worker[-10:]
    assert all(line["job_try"] == 1 for line in calls_of_job), calls_of_job

    # No secret in any line: not the tokens Amazon issued, not the app's client secret, not the metrics token.
    everything = web_log.read_text() + worker_log.read_text()
    for secret in ("Atza|", "Atzr|", SELLER_APP.client_secret, METRICS_TOKEN):
        assert secret not in everything, secret

    # The web process's figures: behind the token only.
    assert (without_token.status_code, wrong_token.status_code, web_metrics.status_code) == (401, 401, 200)
    web_samples = _samples(web_metrics.text)
    calls = "erp_spapi_calls_total"
    participations = {"operation": "getMarketplaceParticipations"}
    assert _value(web_samples, calls, **participations, status="200") >= 2  # the callback's try, the Refresh
    assert _value(web_samples, calls, **participations, status="429") >= 1
    assert _value(web_samples, "erp_lwa_requests_total", grant="code", outcome="ok") == 3  # the three consents
    assert _value(web_samples, "erp_lwa_requests_total", grant="refresh_token", outcome="invalid_grant") >= 1
    assert _value(web_samples, "erp_spapi_throttle_wait_seconds_count", **participations) >= 2
    assert _value(web_samples, "erp_connections", region="FE", status="reauthorization_required") == 1
    assert _value(web_samples, "erp_connections", region="FE", status="active") == 0
    assert _value(web_samples, "erp_connections", region="NA", status="active") == 1
    assert _value(web_samples, "erp_connections_read_ok") == 1
    latency = "erp_http_request_duration_seconds_count"
    route = "/api/companies/{company_id}/amazon/regions/{region}/refresh"
    assert _value(web_samples, latency, route=route, status="200") == 3
    assert _value(web_samples, latency, route="unmatched", status="404") == 1  # /api/no-such-thing
    # A 401 of the session check (raised by a middleware) counted as what the client got, not as a 200.
    assert _value(web_samples, latency, route="/api/companies", status="401") == 1
    assert _value(web_samples, latency, route="/api/auth/login", status="200") == 1

    # The worker's, on its own port: the check it ran, and what it asked Amazon for it.
    worker_samples = _samples(worker_metrics.text)
    assert _value(worker_samples, "erp_jobs_total", function="check_connection", outcome="succeeded") == 3
    assert _value(worker_samples, "erp_jobs_total", function="check_connection", outcome="failed") == 0
    assert _value(worker_samples, "erp_lwa_requests_total", grant="refresh_token", outcome="ok") >= 1
    assert _value(worker_samples, calls, **participations, status="200") >= 1
    assert _value(worker_samples, "erp_job_duration_seconds_count", function="check_connection") == 3
