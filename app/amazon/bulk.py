"""The bulk connection test: every connection in a filter tested by background jobs, with progress, cancel and results.

A run is one `bulk_test` row and one `bulk_test_item` per connection, written when it starts; jobs of CHUNK items
each ("bulk_test_chunk") test them through the connection test (the shared throttle, the same verdicts) and write
each verdict as it comes, so progress survives a reload and a killed worker's chunk is taken again without testing
twice what it had finished. One run at a time per scope (a unique key held while it runs); the run is audited once
when it starts, when it ends and when it is cancelled.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import msgspec
from piccolo.columns.combination import WhereRaw

from app.amazon.checks import ConnectionChecker
from app.amazon.connections import ConnectionService
from app.amazon.regions import Region
from app.amazon.schemas import StatusFilter
from app.amazon.tables import BulkTest, BulkTestItem
from app.audit.service import SYSTEM, Actor, AuditService
from app.lib.clock import Clock
from app.lib.errors import Conflict, NotFound, RuleViolation
from app.lib.queue import JobQueue
from app.lib.wire import Struct

log = logging.getLogger(__name__)

CHUNK = 10  # connections per job: small enough that a killed worker's chunk comes back with little to redo
# A bulk run is not a person waiting at Refresh: a test may wait this long for a slot of the seller's quota.
BULK_MAX_WAIT_SECONDS = 20.0
_VERDICT_WORDS = {
    "ok": "Works",
    "reauthorization_required": "Re-authorization required",
    "token_unreadable": "Stored token unreadable",
    "app_credentials_invalid": "App credentials refused",
    "wrong_region_or_role": "Wrong region or role",
    "amazon_unavailable": "Amazon did not answer",
    "quota_exhausted": "Not tested: Amazon's quota",
    "not_connected": "No longer connected",
}


class BulkTestView(Struct):
    id: int
    state: str  # running, done, cancelled
    total: int
    tested: int
    failures: int
    started_by: str
    created_at: datetime
    finished_at: datetime | None
    status_filter: str | None
    region_filter: str | None
    cancelled_by: str | None = None


class BulkTestResult(Struct):
    company_id: int | None
    company_code: str
    region: str
    verdict: str | None  # None: not tested (yet, or the run was cancelled)
    verdict_text: str
    message: str | None
    action: str | None
    tested_at: datetime | None


class BulkTestResults(Struct):
    items: list[BulkTestResult]
    total: int
    limit: int
    offset: int


def scope_key(scope: list[int] | None) -> str:
    return "all" if scope is None else "scope:" + ",".join(str(i) for i in sorted(set(scope)))


def verdict_text(verdict: str | None, state: str) -> str:
    if verdict is None:
        return "Not tested (the run was cancelled)" if state == "cancelled" else "Waiting to be tested"
    return _VERDICT_WORDS.get(verdict, verdict.replace("_", " ").capitalize())


class BulkTests:
    def __init__(
        self,
        clock: Clock,
        connections: ConnectionService,
        checker: ConnectionChecker,
        queue: JobQueue,
        audit: AuditService,
    ) -> None:
        self.clock = clock
        self.connections = connections
        self.checker = checker
        self.queue = queue
        self.audit = audit

    async def start(
        self, actor: Actor, scope: list[int] | None, status: StatusFilter | None, region: Region | None
    ) -> BulkTestView:
        """Test every connection of the scope in `status` and `region` (all when None), in background jobs."""
        key = scope_key(scope)
        running = await BulkTest.select().where(BulkTest.active_key == key).first()
        if running is not None:
            raise self._busy(running)
        connections = await self.connections.matching(scope, status, region)
        now = self.clock.now()
        inserted = (
            await BulkTest.insert(
                BulkTest(
                    scope_key=key,
                    active_key=key if connections else None,
                    scope=None if scope is None else msgspec.json.encode(sorted(set(scope))).decode(),
                    started_by=actor.user_id,
                    started_by_name=actor.name,
                    status_filter=status,
                    region_filter=region.value if region else None,
                    state="running" if connections else "done",
                    total=len(connections),
                    created_at=now,
                    finished_at=None if connections else now,
                )
            )
            .on_conflict(target=BulkTest.active_key, action="DO NOTHING")
            .returning(BulkTest.id)
        )
        if not inserted:  # another run of this scope started between the look above and this INSERT
            raise self._busy(await BulkTest.select().where(BulkTest.active_key == key).first())
        run_id = int(inserted[0]["id"])
        for start in range(0, len(connections), 500):
            await BulkTestItem.insert(
                *[
                    BulkTestItem(
                        run=run_id,
                        position=start + i,
                        company=row["company"],
                        company_code=row["code"],
                        region=row["region"],
                    )
                    for i, row in enumerate(connections[start : start + 500])
                ]
            )
        try:
            for chunk in range(0, (len(connections) + CHUNK - 1) // CHUNK):
                await self.queue.enqueue("bulk_test_chunk", run_id, chunk, job_id=f"bulk_test:{run_id}:{chunk}")
        except Exception:
            # Without its jobs the run would never move: it is withdrawn, and the caller learns that it failed.
            await BulkTest.delete().where(BulkTest.id == run_id)
            raise
        await self.audit.record(
            actor,
            None,
            "bulk_test.started",
            f"Bulk connection test #{run_id} started: {len(connections)} connection(s)",
            {"run": run_id, "status": status, "region": region.value if region else None, "total": len(connections)},
        )
        return await self.get(run_id, scope)

    async def current(self, scope: list[int] | None) -> BulkTestView | None:
        """The latest run of this scope (running or ended), for the page to show after a reload."""
        row = (
            await BulkTest.select(BulkTest.id)
            .where(BulkTest.scope_key == scope_key(scope))
            .order_by(BulkTest.id, ascending=False)
            .first()
        )
        return None if row is None else await self.get(int(row["id"]), scope)

    async def get(self, run_id: int, scope: list[int] | None) -> BulkTestView:
        row = await self._run(run_id, scope)
        tested = await BulkTestItem.count().where((BulkTestItem.run == run_id) & BulkTestItem.verdict.is_not_null())
        failures = await BulkTestItem.count().where(
            (BulkTestItem.run == run_id) & BulkTestItem.verdict.is_not_null() & (BulkTestItem.verdict != "ok")
        )
        return BulkTestView(
            id=row["id"],
            state=row["state"],
            total=row["total"],
            tested=tested,
            failures=failures,
            started_by=row["started_by_name"],
            created_at=row["created_at"],
            finished_at=row["finished_at"],
            status_filter=row["status_filter"],
            region_filter=row["region_filter"],
            cancelled_by=row["cancelled_by_name"],
        )

    async def cancel(self, run_id: int, actor: Actor, scope: list[int] | None) -> BulkTestView:
        await self._run(run_id, scope)
        cancelled = (
            await BulkTest.update(
                {
                    BulkTest.state: "cancelled",
                    BulkTest.active_key: None,
                    BulkTest.finished_at: self.clock.now(),
                    BulkTest.cancelled_by_name: actor.name,
                }
            )
            .where((BulkTest.id == run_id) & (BulkTest.state == "running"))
            .returning(BulkTest.id)
        )
        if not cancelled:
            raise RuleViolation(f"Bulk test #{run_id} has ended already: nothing to cancel.", code="bulk_test_ended")
        view = await self.get(run_id, scope)
        await self.audit.record(
            actor,
            None,
            "bulk_test.cancelled",
            f"Bulk connection test #{run_id} cancelled after {view.tested} of {view.total}",
            {"run": run_id, "tested": view.tested, "failures": view.failures},
        )
        return view

    async def results(
        self, run_id: int, scope: list[int] | None, *, failures_only: bool, limit: int, offset: int
    ) -> BulkTestResults:
        run = await self._run(run_id, scope)
        condition: Any = BulkTestItem.run == run_id
        if failures_only:
            condition = condition & BulkTestItem.verdict.is_not_null() & (BulkTestItem.verdict != "ok")
        rows = await BulkTestItem.select().where(condition).order_by(BulkTestItem.position).limit(limit).offset(offset)
        return BulkTestResults(
            items=[_result(r, run["state"]) for r in rows],
            total=await BulkTestItem.count().where(condition),
            limit=limit,
            offset=offset,
        )

    async def csv_lines(self, run_id: int, scope: list[int] | None) -> AsyncIterator[str]:
        """The results as CSV, a thousand rows at a time (company, region, verdict, message, action, tested at)."""
        run = await self._run(run_id, scope)

        async def lines() -> AsyncIterator[str]:
            yield _csv_row(["Company", "Region", "Verdict", "Message", "Action", "Tested at (UTC)"])
            last = -1
            while True:
                rows = (
                    await BulkTestItem.select()
                    .where((BulkTestItem.run == run_id) & (BulkTestItem.position > last))
                    .order_by(BulkTestItem.position)
                    .limit(1000)
                )
                if not rows:
                    return
                for r in rows:
                    result = _result(r, run["state"])
                    tested = f"{result.tested_at:%Y-%m-%d %H:%M:%S}" if result.tested_at else ""
                    yield _csv_row(
                        [
                            result.company_code,
                            result.region,
                            result.verdict_text,
                            result.message or "",
                            result.action or "",
                            tested,
                        ]
                    )
                last = rows[-1]["position"]

        return lines()

    async def run_chunk(self, run_id: int, chunk: int) -> int:
        """Test the untested connections of one chunk while the run runs; returns how many it tested."""
        items = (
            await BulkTestItem.select()
            .where(
                (BulkTestItem.run == run_id)
                & (BulkTestItem.position >= chunk * CHUNK)
                & (BulkTestItem.position < (chunk + 1) * CHUNK)
                & BulkTestItem.verdict.is_null()
            )
            .order_by(BulkTestItem.position)
        )
        tested = 0
        for item in items:
            run = await BulkTest.select(BulkTest.state).where(BulkTest.id == run_id).first()
            if run is None or run["state"] != "running":
                break  # cancelled (or deleted): the rest stays untested
            await self._test(item)
            tested += 1
        await self._finish_if_complete(run_id)
        return tested

    async def _test(self, item: dict[str, Any]) -> None:
        verdict: str
        try:
            if item["company"] is None:
                raise RuleViolation("The company was deleted.", code="not_connected")
            test = await self.checker.check(
                item["company"], Region(item["region"]), SYSTEM, max_wait=BULK_MAX_WAIT_SECONDS, audited=False
            )
            verdict, message, action = test.verdict, test.message, test.action
        except (RuleViolation, NotFound) as gone:
            verdict, message, action = "not_connected", gone.message, None
        await BulkTestItem.update(
            {
                BulkTestItem.verdict: verdict,
                BulkTestItem.message: message,
                BulkTestItem.action: action,
                BulkTestItem.tested_at: self.clock.now(),
            }
        ).where((BulkTestItem.id == item["id"]) & BulkTestItem.verdict.is_null())

    async def _finish_if_complete(self, run_id: int) -> None:
        finished = (
            await BulkTest.update(
                {BulkTest.state: "done", BulkTest.active_key: None, BulkTest.finished_at: self.clock.now()}
            )
            .where(
                (BulkTest.id == run_id)
                & (BulkTest.state == "running")
                & WhereRaw("NOT EXISTS (SELECT 1 FROM bulk_test_item i WHERE i.run = {} AND i.verdict IS NULL)", run_id)
            )
            .returning(BulkTest.id, BulkTest.started_by, BulkTest.started_by_name)
        )
        if not finished:
            return
        view = await self.get(run_id, None)
        await self.audit.record(
            Actor(user_id=finished[0]["started_by"], name=finished[0]["started_by_name"]),
            None,
            "bulk_test.finished",
            f"Bulk connection test #{run_id} finished: {view.tested} tested, {view.failures} need attention",
            {"run": run_id, "tested": view.tested, "failures": view.failures},
        )
        log.info("bulk test %s finished: %d tested, %d failures", run_id, view.tested, view.failures)

    async def _run(self, run_id: int, scope: list[int] | None) -> dict[str, Any]:
        """The run, if the user may see it: runs of their own scope, or any run for users of every company."""
        row = await BulkTest.select().where(BulkTest.id == run_id).first()
        if row is None or (scope is not None and row["scope_key"] != scope_key(scope)):
            raise NotFound(f"Bulk test {run_id} does not exist.")
        return row

    @staticmethod
    def _busy(running: dict[str, Any] | None) -> Conflict:
        if running is None:
            return Conflict(
                "A bulk test of these companies has just started: reload to follow it.", code="bulk_test_running"
            )
        return Conflict(
            f"A bulk test of these companies is running (#{running['id']}, started by {running['started_by_name']} "
            f"at {running['created_at']:%H:%M} UTC): follow it, or cancel it before starting another.",
            code="bulk_test_running",
        )


def _result(row: dict[str, Any], state: str) -> BulkTestResult:
    return BulkTestResult(
        company_id=row["company"],
        company_code=row["company_code"],
        region=row["region"],
        verdict=row["verdict"],
        verdict_text=verdict_text(row["verdict"], state),
        message=row["message"],
        action=row["action"],
        tested_at=row["tested_at"],
    )


def _csv_row(values: list[str]) -> str:
    out = io.StringIO()
    # Cells a spreadsheet would run as a formula are kept as text.
    csv.writer(out).writerow([f"'{v}" if v[:1] in ("=", "+", "-", "@") else v for v in values])
    return out.getvalue()
