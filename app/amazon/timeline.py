"""The expiry timeline: authorizations that end in each of the coming weeks, with the companies they serve."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from app.amazon.regions import Region
from app.amazon.status import days_left
from app.amazon.tables import AmazonConnection
from app.companies.hierarchy import HierarchyService
from app.lib.clock import Clock
from app.lib.wire import Struct

# A bar lists at most this many connections; its count is always complete.
LISTED_PER_WEEK = 100


class ExpiringConnection(Struct):
    company_id: int
    company_code: str
    company_name: str
    region: Region
    authorization_expires_at: datetime
    days_left: int
    unified_members: list[str]


class ExpiryWeek(Struct):
    start: date
    end: date
    count: int
    connections: list[ExpiringConnection]


class ExpiryTimeline(Struct):
    """One entry per week from the current ISO week's Monday (UTC); `end` is the week's Sunday."""

    weeks: list[ExpiryWeek]


class ExpiryTimelineService:
    def __init__(self, clock: Clock, hierarchy: HierarchyService) -> None:
        self.clock = clock
        self.hierarchy = hierarchy

    async def timeline(self, weeks: int, scope: list[int] | None) -> ExpiryTimeline:
        now = self.clock.now()
        monday = now.date() - timedelta(days=now.weekday())
        start = datetime.combine(monday, time(), tzinfo=UTC)
        end = start + timedelta(weeks=weeks)
        rows = (
            await AmazonConnection.select(
                AmazonConnection.company.id.as_alias("owner_id"),
                AmazonConnection.company.code.as_alias("code"),
                AmazonConnection.company.name.as_alias("name"),
                AmazonConnection.region,
                AmazonConnection.authorization_expires_at,
            )
            .where(
                AmazonConnection.refresh_token.is_not_null(),
                AmazonConnection.authorization_expires_at >= start,
                AmazonConnection.authorization_expires_at < end,
            )
            .order_by(AmazonConnection.authorization_expires_at)
        )
        members = await self.hierarchy.members_of_owners([row["owner_id"] for row in rows])
        visible = await self.hierarchy.companies_within(scope) if scope is not None else None
        buckets = [
            ExpiryWeek(
                start=monday + timedelta(weeks=i), end=monday + timedelta(weeks=i, days=6), count=0, connections=[]
            )
            for i in range(weeks)
        ]
        for row in rows:
            member_refs = members.get(row["owner_id"], [])
            if visible is not None:
                member_refs = [m for m in member_refs if m.id in visible]
                if row["owner_id"] not in visible and not member_refs:
                    continue
            expires_at: datetime = row["authorization_expires_at"]
            week = buckets[(expires_at - start).days // 7]
            week.count += 1
            if len(week.connections) < LISTED_PER_WEEK:
                week.connections.append(
                    ExpiringConnection(
                        company_id=row["owner_id"],
                        company_code=row["code"],
                        company_name=row["name"],
                        region=Region(row["region"]),
                        authorization_expires_at=expires_at,
                        days_left=days_left(expires_at, now) or 0,
                        unified_members=[m.code for m in member_refs],
                    )
                )
        return ExpiryTimeline(weeks=buckets)
