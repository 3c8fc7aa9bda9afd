"""A Save in a web process changes what a running worker process's next access_token uses, within two seconds."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from app.lib.queue import Enqueued
from tests.amazon_sim_admin import AmazonSimulator
from tests.faults.job_support import Arq, company_ids, signed_in
from tests.faults.processes import FaultSystem, RedisServer, web_server, worker_process
from tests.helpers import begin_edit, change, save
from tests.integration.amazon.flows import get_token

# Every process hears a Save's announcement (Redis pub/sub) within milliseconds; two seconds leave room for a busy
# machine. Without it, a worker keeps its cached owner for good and the cached token for its hour.
INVALIDATION_BOUND_SECONDS = 2.0
JOB_BOUND_SECONDS = 20.0
PARTICIPATIONS = "sp-api.getMarketplaceParticipations"
# The marketplaces Amazon lists for each seller's token: which seller's token the worker sent.
NA_SELLER, OTHER_NA_SELLER = "A1SIMNASELLER1", "A2SIMNASELLER2"
SEEN_WITH = {NA_SELLER: ["A1AM78C64UM0Y8", "A2EUQ1WTGCTBG2", "ATVPDKIKX0DER"], OTHER_NA_SELLER: ["ATVPDKIKX0DER"]}
_runs = itertools.count()


@dataclass(frozen=True)
class Run:
    """One sync_marketplace_participations job of the worker process, for a company in NA."""

    seen: list[str]  # what Amazon listed for the token the worker sent ([] when it sent none)
    started: datetime
    amazon_calls: int  # getMarketplaceParticipations calls that reached the simulator while it ran


async def run_in_worker(arq: Arq, amazon: AmazonSimulator, company: int) -> Run:
    before = (await amazon.counters())[PARTICIPATIONS]
    job_id = f"sync_marketplace_participations:{company}:NA:{next(_runs)}"
    queued = await (await arq.queue()).enqueue("sync_marketplace_participations", company, "NA", job_id=job_id)
    assert queued is Enqueued.QUEUED
    result = await arq.wait_for_result(job_id, JOB_BOUND_SECONDS)
    assert result.success, result.result
    return Run(result.result, result.start_time, (await amazon.counters())[PARTICIPATIONS] - before)


async def first_run_seeing(
    arq: Arq, amazon: AmazonSimulator, company: int, expected: list[str], saved_at: datetime
) -> Run:
    """Jobs one after the other until one sees `expected`; every job started later than the bound after the Save
    answered must."""
    while True:
        run = await run_in_worker(arq, amazon, company)
        if run.seen == expected:
            return run
        late = (run.started - saved_at).total_seconds()
        assert late <= INVALIDATION_BOUND_SECONDS, f"a job started {late:.1f} s after the Save still saw {run.seen}"


async def authorized(
    admin: httpx.AsyncClient, amazon: AmazonSimulator, owner: int, seller: str, **save_body: list[str]
) -> datetime:
    """Get Selling Partner API token, Amazon's consent as `seller`, Save (which queues a check); when Save answered."""
    draft = await get_token(admin, amazon, owner, "NA", seller)
    answer = await save(admin, draft, save_body or None)
    assert answer.status_code == 200, answer.text
    return datetime.now(UTC)


async def connected(admin: httpx.AsyncClient, amazon: AmazonSimulator, arq: Arq, owner: int, seller: str) -> None:
    """Authorized, and the check the Save queued has run."""
    await authorized(admin, amazon, owner, seller)
    await arq.wait_for_result(f"check_connection:{owner}:NA", JOB_BOUND_SECONDS)


async def saved(admin: httpx.AsyncClient, company: int, **changes: object) -> datetime:
    """Edit, change, Save; when the Save answered."""
    draft = await begin_edit(admin, company)
    assert (await change(admin, draft["id"], **changes)).status_code == 200
    answer = await save(admin, draft)
    assert answer.status_code == 200, answer.text
    return datetime.now(UTC)


async def test_re_parenting_a_unified_child_moves_a_running_workers_next_token_to_the_new_owner(
    system: FaultSystem, amazon: AmazonSimulator, redis: RedisServer, tmp_path: Path
) -> None:
    arq = Arq(redis.url)
    with web_server(system.env, tmp_path / "web.log") as base_url, worker_process(system.env, tmp_path / "w.log"):
        admin = await signed_in(base_url, "admin", system.logins["admin"])
        us, ca, uk = await company_ids(admin, "US-01", "CA-01", "UK-01")
        await connected(admin, amazon, arq, us, NA_SELLER)
        await connected(admin, amazon, arq, uk, OTHER_NA_SELLER)
        before = await run_in_worker(arq, amazon, ca)  # the worker now holds CA-01 → US-01 and US-01's token

        saved_at = await saved(admin, ca, parentId=uk, unified=True)
        after = await first_run_seeing(arq, amazon, ca, SEEN_WITH[OTHER_NA_SELLER], saved_at)
        await admin.aclose()
    await arq.close()

    assert before.seen == SEEN_WITH[NA_SELLER]
    assert after.seen == SEEN_WITH[OTHER_NA_SELLER]  # UK-01's token reached Amazon
    print(
        f"\nre-parented: the worker used the new owner's token {(after.started - saved_at).total_seconds():.2f} s after"
    )


async def test_un_unifying_a_child_stops_a_running_worker_from_using_the_former_owners_token(
    system: FaultSystem, amazon: AmazonSimulator, redis: RedisServer, tmp_path: Path
) -> None:
    arq = Arq(redis.url)
    with web_server(system.env, tmp_path / "web.log") as base_url, worker_process(system.env, tmp_path / "w.log"):
        admin = await signed_in(base_url, "admin", system.logins["admin"])
        us, mx = await company_ids(admin, "US-01", "MX-01")
        await connected(admin, amazon, arq, us, NA_SELLER)
        before = await run_in_worker(arq, amazon, mx)  # the worker now holds MX-01 → US-01 and US-01's token

        saved_at = await saved(admin, mx, unified=False)
        after = await first_run_seeing(arq, amazon, mx, [], saved_at)
        await admin.aclose()
    await arq.close()

    assert (before.seen, before.amazon_calls) == (SEEN_WITH[NA_SELLER], 1)
    assert (after.seen, after.amazon_calls) == ([], 0)  # MX-01 has no connection of its own: nothing sent to Amazon
    print(
        f"\nun-unified: the worker stopped using US-01's token {(after.started - saved_at).total_seconds():.2f} s after"
    )


async def test_re_authorizing_an_owner_gives_a_running_worker_the_token_stored_at_save(
    system: FaultSystem, amazon: AmazonSimulator, redis: RedisServer, tmp_path: Path
) -> None:
    arq = Arq(redis.url)
    with web_server(system.env, tmp_path / "web.log") as base_url, worker_process(system.env, tmp_path / "w.log"):
        admin = await signed_in(base_url, "admin", system.logins["admin"])
        us, ca = await company_ids(admin, "US-01", "CA-01")
        await connected(admin, amazon, arq, us, NA_SELLER)
        before = [await run_in_worker(arq, amazon, company) for company in (us, ca)]  # US-01's token, cached
        refreshes = (await amazon.counters())["lwa.refresh_token"]

        # The account holder consented with the other seller account: a new token, stored at Save.
        saved_at = await authorized(admin, amazon, us, OTHER_NA_SELLER, confirmSellerChange=["NA"])
        after = [await first_run_seeing(arq, amazon, c, SEEN_WITH[OTHER_NA_SELLER], saved_at) for c in (us, ca)]
        await arq.wait_for_result(f"check_connection:{us}:NA", JOB_BOUND_SECONDS)
        await admin.aclose()
    await arq.close()

    assert [run.seen for run in before] == [SEEN_WITH[NA_SELLER]] * 2
    assert [run.seen for run in after] == [SEEN_WITH[OTHER_NA_SELLER]] * 2
    # Read from the database (the token stored at Save, or the one the Save's check refreshed): the worker itself did
    # not refresh.
    assert (await amazon.counters())["lwa.refresh_token"] == refreshes + 1
    print(f"\nre-authorized: the worker used the new token {(after[0].started - saved_at).total_seconds():.2f} s after")
