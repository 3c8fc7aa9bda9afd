"""More than a thousand account owners at once (the hierarchy reads their members a thousand owners per query)."""

from __future__ import annotations

from datetime import timedelta

from app.amazon.status import AUTHORIZATION_LIFETIME
from app.amazon.tables import AmazonConnection
from app.companies.tables import Company
from app.services import Services
from tests.fixtures import Browser


async def test_the_expiry_timeline_of_1001_owners_names_the_members_of_the_last_owner_once(
    admin: Browser, services: Services
) -> None:
    now = services.clock.now()
    await Company.insert(*(Company(code=f"OW-{n:04d}", name=f"Owner {n}") for n in range(1001)))
    owners = {row["code"]: row["id"] for row in await Company.select(Company.id, Company.code)}
    last = owners["OW-1000"]  # the owner with the highest ID: the 1001st the hierarchy reads members for
    await Company.insert(Company(code="MB-0001", name="Member", parent=last, unified=True))
    # The last owner's authorization ends this week, every other one's two weeks later.
    await AmazonConnection.insert(
        *(
            AmazonConnection(
                company=owner_id,
                region="NA",
                selling_partner_id=f"A{owner_id}",
                refresh_token="sealed",
                authorized_at=now - AUTHORIZATION_LIFETIME,
                authorization_expires_at=now + (timedelta(hours=1) if owner_id == last else timedelta(days=15)),
                created_at=now,
            )
            for owner_id in owners.values()
        )
    )

    response = await admin.get("/api/amazon/expiry-timeline", params={"weeks": 4})

    assert response.status_code == 200, response.text
    weeks = response.json()["weeks"]
    first = [c for w in weeks[:2] for c in w["connections"]]
    assert [(c["companyCode"], c["unifiedMembers"]) for c in first] == [("OW-1000", ["MB-0001"])]
    assert sum(w["count"] for w in weeks) == 1001
