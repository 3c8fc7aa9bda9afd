"""Checks that are asked for run: a job ID deduplicates against a queued or running job, never a finished one."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx

from tests.amazon_sim_admin import AmazonSimulator
from tests.faults.job_support import Arq, company_ids, connect, signed_in, wait_for
from tests.faults.processes import FaultSystem, RedisServer, cli, web_server, worker_process
from tests.helpers import change, connection, save, settings_of
from tests.integration.amazon.flows import get_token
from tests.integration.workers.order_import_support import GET_ORDERS, calls, truth

# A check of a healthy connection takes well under a second; the bound leaves room for a busy machine.
CHECK_BOUND_SECONDS = 20.0
PARTICIPATIONS = "sp-api.getMarketplaceParticipations"
US = "ATVPDKIKX0DER"


async def _checked(
    admin: httpx.AsyncClient, amazon: AmazonSimulator, owner: int, checks: int, after: str | None
) -> str:
    """When the connection was checked, once the audit shows `checks` connection checks and the last is recorded.

    (Amazon's participations counter cannot tell: a new token is tried with the same call at the callback.)"""

    async def recorded() -> str | None:
        audit = (await admin.get(f"/api/companies/{owner}/audit", params={"limit": 100})).json()["items"]
        if sum(1 for event in audit if event["action"] == "connection.tested") < checks:
            return None
        at: str | None = connection(await settings_of(admin, owner), "NA")["lastCheckedAt"]
        return at if at is not None and at != after else None

    return await wait_for(f"check {checks} recorded", CHECK_BOUND_SECONDS, recorded)


async def test_checks_asked_for_within_an_hour_of_the_last_one_all_run(
    system: FaultSystem, amazon: AmazonSimulator, redis: RedisServer, tmp_path: Path
) -> None:
    arq = Arq(redis.url)
    with web_server(system.env, tmp_path / "web.log") as base_url:
        admin = await signed_in(base_url, "admin", system.logins["admin"])
        (us,) = await company_ids(admin, "US-01")
        with worker_process(system.env, tmp_path / "worker.log"):
            await connect(admin, amazon, us, "NA", "A1SIMNASELLER1")  # the Save queues check 1
            checked = [await _checked(admin, amazon, us, 1, None)]
            outputs = []
            for asked in (2, 3):  # the command twice, seconds apart (arq keeps each result for an hour)
                outputs.append(await asyncio.to_thread(cli, system.env, "check-connections"))
                checked.append(await _checked(admin, amazon, us, asked, checked[-1]))
            # Re-authorized within the hour: the Save with the new token queues a check, and it runs.
            await connect(admin, amazon, us, "NA", "A1SIMNASELLER1")
            started = time.monotonic()
            checked.append(await _checked(admin, amazon, us, 4, checked[-1]))
            after_second_save = time.monotonic() - started
        await admin.aclose()
    await arq.close()

    assert outputs == ["1 connection check(s): 1 queued, 0 already queued, 0 already running\n"] * 2
    assert checked == sorted(checked)
    assert len(set(checked)) == 4, checked  # four checks asked for, four ran (within seconds of each other)
    # Four checks, and the two new tokens each tried once right after Amazon's redirect.
    assert (await amazon.counters())[PARTICIPATIONS] == 4 + 2
    print(f"\ncheck after a second Save within the hour ran {after_second_save:.1f} s after it")


async def test_the_command_says_what_is_queued_or_running_and_waits_for_every_verdict(
    system: FaultSystem, amazon: AmazonSimulator, redis: RedisServer, tmp_path: Path
) -> None:
    arq = Arq(redis.url)
    with web_server(system.env, tmp_path / "web.log") as base_url:
        admin = await signed_in(base_url, "admin", system.logins["admin"])
        us, uk, jp = await company_ids(admin, "US-01", "UK-01", "JP-01")
        for owner, region, seller in ((us, "NA", "A1SIMNASELLER1"), (uk, "EU", "A1SIMEUSELLER1")):
            await connect(admin, amazon, owner, region, seller)
        await connect(admin, amazon, jp, "FE", "A1SIMJPSELLER1")
        await amazon.revoke("A1SIMEUSELLER1")  # UK-01's check will say: re-authorize
        # No worker yet: the three checks the Saves queued wait.
        waiting = await asyncio.to_thread(cli, system.env, "check-connections")

        # A worker takes all three; LWA holds one refresh for 15 s, so that check is still running when asked again.
        await amazon.fault("lwa", "latency", seconds=15, count=1)
        with worker_process({**system.env, "AMAZON_TIMEOUT_SECONDS": "30"}, tmp_path / "worker.log"):
            ids = {f"check_connection:{owner}:{region}" for owner, region in ((us, "NA"), (uk, "EU"), (jp, "FE"))}

            async def one_running_two_done() -> bool:
                done = [job_id for job_id in ids if await arq.result(job_id)]
                return len(done) == 2 and all([await arq.running(j) for j in ids - set(done)])

            await wait_for("two checks done, one held at LWA", CHECK_BOUND_SECONDS, one_running_two_done)
            started = time.monotonic()
            followed = await asyncio.to_thread(cli, system.env, "check-connections", "--wait", "--wait-seconds", "60")
            waited = time.monotonic() - started
        await admin.aclose()
    await arq.close()

    assert waiting == "3 connection check(s): 0 queued, 3 already queued, 0 already running\n"
    lines = followed.splitlines()
    assert lines[0] == "3 connection check(s): 2 queued, 0 already queued, 1 already running"
    verdicts = sorted(line.split() for line in lines if line.split()[:1] in (["US-01"], ["UK-01"], ["JP-01"]))
    assert verdicts == [["JP-01", "FE", "ok"], ["UK-01", "EU", "reauthorization_required"], ["US-01", "NA", "ok"]]
    assert lines[-1] == "3 of 3 check(s) finished: 2 ok, 1 reauthorization_required"
    assert waited < 15 + CHECK_BOUND_SECONDS
    print(f"\n--wait followed three checks (one held 15 s at LWA) to their verdicts in {waited:.1f} s")


async def test_the_order_import_runs_again_at_the_next_sweep_after_it_finished(
    system: FaultSystem, amazon: AmazonSimulator, redis: RedisServer, tmp_path: Path
) -> None:
    arq = Arq(redis.url)
    with web_server(system.env, tmp_path / "web.log") as base_url:
        admin = await signed_in(base_url, "admin", system.logins["admin"])
        (us,) = await company_ids(admin, "US-01")
        draft = await get_token(admin, amazon, us, "NA", "A1SIMNASELLER1")
        changes = {"enabled": True, "orderImportEnabled": True, "marketplaceIds": [US]}
        assert (await change(admin, draft["id"], **changes)).status_code == 200
        assert (await save(admin, draft)).status_code == 200
        with worker_process(system.env, tmp_path / "worker.log"):
            queue = await arq.queue()
            runs = []
            sweeps = []
            for slot in (1, 2):  # two runs of the half-hourly cron, as arq names them (a unique ID per slot)
                sweep = f"cron:import_all_orders:{slot}"
                await queue.enqueue("import_all_orders", job_id=sweep)
                sweeps.append((await arq.wait_for_result(sweep, CHECK_BOUND_SECONDS)).result)
                runs.append(await arq.wait_for_result(f"import_orders:{us}", CHECK_BOUND_SECONDS))
            windows = [  # the window each run asked Amazon for (its first page)
                (r["query"]["CreatedAfter"][0], r["query"]["CreatedBefore"][0])
                for r in await calls(amazon, GET_ORDERS)
                if "NextToken" not in r["query"] and r["status"] == 200
            ]
        await admin.aclose()
    await arq.close()

    assert sweeps == [{"queued": 1, "already_queued": 0, "already_running": 0}] * 2
    assert all(run.success for run in runs)
    assert runs[1].start_time > runs[0].finish_time  # the second sweep's import ran, after the first one's
    # Each run counted the orders Amazon holds in its window, once; the second went on where the first stopped.
    assert len(windows) == 2, windows
    assert windows[1][0] == windows[0][1], windows
    assert [run.result for run in runs] == [truth("A1SIMNASELLER1", [US], *window) for window in windows]
    assert runs[0].result > 0
