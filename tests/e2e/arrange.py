"""Data the browser cannot make in a test's time: `python -m tests.e2e.arrange CODE REGION DAYS_LEFT`.

Creates the root company CODE with an authorization for REGION that was granted long ago and now has DAYS_LEFT
days left, through the same services the app uses (run with the stack's environment).

`python -m tests.e2e.arrange revoked-deep-owner PREFIX` builds a tree with a non-unified company three levels
down whose authorization Amazon refused (see `revoked_deep_owner`); `arrange(env, ...)` runs either from a test.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from app.amazon.regions import Region
from app.amazon.status import AUTHORIZATION_LIFETIME, CheckResult
from app.amazon.tables import AmazonConnection
from app.audit.service import SYSTEM
from app.companies.schemas import CompanyCreate
from app.config import get_settings
from app.services import running_services


async def expiring_authorization(code: str, region: Region, days_left: int) -> None:
    async with running_services(get_settings()) as services:
        company = await services.companies.create(CompanyCreate(code=code, name=f"{code} Trading"), SYSTEM)
        now = services.clock.now()
        await services.connections.store_authorization(
            company.id,
            region,
            selling_partner_id=f"A1{code.replace('-', '')}",
            refresh_token=f"Atzr|arranged-{code}",
            # An hour short of DAYS_LEFT days: days left are rounded up (app/amazon/status.py days_left).
            authorized_at=now + timedelta(days=days_left, hours=-1) - AUTHORIZATION_LIFETIME,
            access_token=None,
            access_token_expires_at=None,
        )


async def revoked_deep_owner(prefix: str) -> None:
    """PREFIX-ROOT with unified PREFIX-L1 and PREFIX-L2 below it, then PREFIX-DEEP (three levels down, an Amazon
    account of its own, used by the unified PREFIX-DEEP-M1 and PREFIX-DEEP-M2) whose EU authorization Amazon refused
    when it was last checked. Its refresh token is unknown to the simulator, so a new test finds the same.
    """
    async with running_services(get_settings()) as services:

        async def company(code: str, name: str, parent: int | None = None, unified: bool = False) -> int:
            data = CompanyCreate(code=f"{prefix}-{code}", name=name, parent_id=parent, unified=unified)
            return (await services.companies.create(data, SYSTEM)).id

        root = await company("ROOT", "Sweep Holding")
        level1 = await company("L1", "Sweep Retail", root, unified=True)
        level2 = await company("L2", "Sweep Outlet", level1, unified=True)
        deep = await company("DEEP", "Sweep Marketplace Europe", level2)
        await company("DEEP-M1", "Sweep France", deep, unified=True)
        await company("DEEP-M2", "Sweep Italy", deep, unified=True)
        await services.connections.store_authorization(
            deep,
            Region.EU,
            selling_partner_id=f"A1{prefix}DEEP",
            refresh_token=f"Atzr|arranged-{prefix}-DEEP",
            authorized_at=services.clock.now() - timedelta(days=30),
            access_token=None,
            access_token_expires_at=None,
        )
        row = await AmazonConnection.select(AmazonConnection.id).where(
            (AmazonConnection.company == deep) & (AmazonConnection.region == Region.EU.value)
        )
        await services.health.learned(
            row[0]["id"],
            CheckResult.REAUTHORIZATION_REQUIRED,
            code="reauthorization_required",
            message="Amazon refused the refresh token: the seller removed the app's authorization.",
        )


def arrange(env: dict[str, str], *args: str) -> None:
    """Run this module with `args` in the running stack's environment `env` (its database and keys)."""
    done = subprocess.run(  # noqa: S603 (this module, with the test's own arguments)
        [sys.executable, "-m", "tests.e2e.arrange", *args],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr


if __name__ == "__main__":
    if sys.argv[1] == "revoked-deep-owner":
        asyncio.run(revoked_deep_owner(sys.argv[2]))
    else:
        asyncio.run(expiring_authorization(sys.argv[1], Region(sys.argv[2]), int(sys.argv[3])))
