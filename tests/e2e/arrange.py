"""Data the browser cannot make in a test's time: `python -m tests.e2e.arrange CODE REGION DAYS_LEFT`.

Creates the root company CODE with an authorization for REGION that was granted long ago and now has DAYS_LEFT
days left, through the same services the app uses (run with the stack's environment).
"""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta

from app.amazon.regions import Region
from app.amazon.status import AUTHORIZATION_LIFETIME
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
            authorized_at=now + timedelta(days=days_left, hours=1) - AUTHORIZATION_LIFETIME,
            access_token=None,
            access_token_expires_at=None,
        )


if __name__ == "__main__":
    asyncio.run(expiring_authorization(sys.argv[1], Region(sys.argv[2]), int(sys.argv[3])))
