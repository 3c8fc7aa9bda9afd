"""A separate worker process for the multi-process tests: the real services, one action, a JSON answer.

python -m tests.workers.agent tokens COMPANY REGION N        N concurrent access_token() calls
python -m tests.workers.agent refresh COMPANY REGION         one forced refresh (killed mid-way by a test)
python -m tests.workers.agent reminders START DAYS           the reminder run on each simulated day
python -m tests.workers.agent hammer COMPANY REGION N        N concurrent vendor calls through the shared throttle
python -m tests.workers.agent learn COMPANY REGION N         N concurrent access_token() calls and N connection tests
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime, timedelta

import msgspec

from app.amazon.jobs import _partner
from app.amazon.regions import Region
from app.amazon.tokens import ReauthorizationRequired
from app.audit.service import SYSTEM
from app.config import get_settings
from app.lib.clock import MovableClock
from app.services import running_services


async def main(action: str, *args: str) -> object:
    clock = MovableClock()
    async with running_services(get_settings(), clock) as services:
        if action == "tokens":
            company, region, n = int(args[0]), Region(args[1]), int(args[2])
            tokens = await asyncio.gather(*(services.tokens.access_token(company, region) for _ in range(n)))
            return {"tokens": sorted(set(tokens)), "count": len(tokens)}
        if action == "refresh":
            return {"token": await services.tokens.access_token(int(args[0]), Region(args[1]), force=True)}
        if action == "reminders":
            start, days = datetime.fromisoformat(args[0]).astimezone(UTC), [int(d) for d in args[1].split(",")]
            sent = []
            for day in days:
                clock.offset = start + timedelta(days=day) - datetime.now(UTC)
                sent.append((await services.reminders.run()).sent)
            return {"sent": sent}
        if action == "hammer":
            company, region, n = int(args[0]), Region(args[1]), int(args[2])
            owner = await services.tokens.owner_of(company)
            partner, _ = await _partner(services, owner, region)
            token = await services.tokens.access_token(company, region)
            counts = await asyncio.gather(
                *(services.spapi.purchase_orders(region, token, 1, partner) for _ in range(n))
            )
            return {"calls": len(counts)}
        if action == "learn":
            company, region, n = int(args[0]), Region(args[1]), int(args[2])

            async def token() -> str:
                try:
                    return await services.tokens.access_token(company, region)
                except ReauthorizationRequired:
                    return "refused"

            tokens = await asyncio.gather(*(token() for _ in range(n)))
            tests = await asyncio.gather(*(services.checker.check(company, region, SYSTEM) for _ in range(n)))
            return {"tokens": sorted(set(tokens)), "verdicts": sorted({t.verdict for t in tests})}
    raise SystemExit(f"unknown action {action}")


if __name__ == "__main__":
    print(msgspec.json.encode(asyncio.run(main(*sys.argv[1:]))).decode())
