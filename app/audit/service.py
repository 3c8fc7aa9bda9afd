"""Writes and reads audit events; values of secrets never enter them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from app.audit.schemas import AuditEventView, AuditPage
from app.audit.tables import AuditEvent
from app.companies.hierarchy import CompanyRef
from app.lib.clock import Clock


class Actor(msgspec.Struct, frozen=True):
    """Who does something, and from where; recorded with every audit event."""

    user_id: int | None
    name: str
    ip: str | None = None
    user_agent: str | None = None


SYSTEM = Actor(user_id=None, name="system")


class AuditService:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    async def record(
        self, actor: Actor, company_id: int | None, action: str, summary: str, details: dict[str, Any] | None = None
    ) -> None:
        await AuditEvent.insert(
            AuditEvent(
                company=company_id,
                at=self.clock.now(),
                actor_id=actor.user_id,
                actor_name=actor.name,
                ip=actor.ip,
                user_agent=actor.user_agent,
                action=action,
                summary=summary,
                details=msgspec.json.encode(details or {}).decode(),
            )
        )

    async def record_for_members(
        self, actor: Actor, owner: CompanyRef, action: str, summary: str, details: dict[str, Any]
    ) -> None:
        """One event per unified member of `owner` ("via owner"), in a single INSERT … SELECT statement."""
        await AuditEvent.raw(
            """
            WITH RECURSIVE members(id, depth) AS (
                SELECT id, 0 FROM company WHERE id = {}
                UNION ALL
                SELECT c.id, members.depth + 1 FROM company c JOIN members ON c.parent = members.id
                WHERE c.unified AND members.depth < 64
            )
            INSERT INTO audit_event
                (company, at, actor_id, actor_name, ip, user_agent, action, summary,
                 via_company_id, via_company_code, details)
            SELECT id, {}, {}, {}, {}, {}, {}, {}, {}, {}, {} FROM members WHERE depth > 0
            """,
            owner.id,
            self.clock.now(),
            actor.user_id,
            actor.name,
            actor.ip,
            actor.user_agent,
            action,
            summary,
            owner.id,
            owner.code,
            msgspec.json.encode(details).decode(),
        )

    async def events(self, company_id: int, *, limit: int, offset: int) -> AuditPage:
        query = AuditEvent.select().where(AuditEvent.company == company_id)
        rows = (
            await query.order_by(AuditEvent.at, ascending=False)
            .order_by(AuditEvent.id, ascending=False)
            .limit(limit)
            .offset(offset)
        )
        total = await AuditEvent.count().where(AuditEvent.company == company_id)
        return AuditPage(items=[_view(row) for row in rows], total=total, limit=limit, offset=offset)


def _view(row: dict[str, Any]) -> AuditEventView:
    via = (
        CompanyRef(id=row["via_company_id"], code=row["via_company_code"])
        if row["via_company_id"] is not None
        else None
    )
    at: datetime = row["at"]
    return AuditEventView(
        id=row["id"],
        at=at,
        actor=row["actor_name"],
        ip=row["ip"],
        action=row["action"],
        summary=row["summary"],
        via=via,
        details=msgspec.json.decode(row["details"] or "{}"),
    )
