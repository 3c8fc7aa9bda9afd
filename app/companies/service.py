"""Companies: create, read and list them with their account owner and connection status."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from piccolo.columns.combination import WhereRaw

from app.amazon.regions import Region
from app.amazon.schemas import RegionStatus, StatusFilter
from app.audit.service import Actor, AuditService
from app.companies.hierarchy import CompanyRef, HierarchyService, subtree_condition
from app.companies.schemas import Company, CompanyCreate, CompanyList
from app.companies.tables import Company as CompanyTable
from app.lib.clock import Clock
from app.lib.database import read_transaction, write_transaction
from app.lib.errors import Conflict, NotFound, RuleViolation
from app.lib.i18n import as_language


class StatusReader(Protocol):
    async def statuses_for_owners(self, owners: Iterable[CompanyRef]) -> dict[int, list[RegionStatus]]: ...

    def status_condition(self, wanted: StatusFilter | None, region: Region | None) -> tuple[str, list[Any]] | None: ...

    async def status_counts(self, scope: list[int] | None, region: Region | None) -> dict[str, int]: ...


class SettingsCreator(Protocol):
    async def create_defaults(self, company_id: int) -> None: ...


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class CompanyService:
    def __init__(
        self,
        clock: Clock,
        hierarchy: HierarchyService,
        statuses: StatusReader,
        settings: SettingsCreator,
        audit: AuditService,
    ) -> None:
        self.clock = clock
        self.hierarchy = hierarchy
        self.statuses = statuses
        self.settings = settings
        self.audit = audit

    async def create(self, data: CompanyCreate, actor: Actor, scope: list[int] | None = None) -> Company:
        """Create a company (and its default settings) where the hierarchy rules allow it.

        A user limited to some companies creates only below them, and a unified company only where its account
        owner is one of them too.
        """
        if scope is not None and data.parent_id is None:
            raise RuleViolation(
                "You may only create companies below the companies you manage.",
                code="outside_scope",
                fields={"parentId": "choose one of your companies"},
            )
        async with write_transaction(CompanyTable._meta.db):
            await self.hierarchy.validate_parent(None, data.parent_id, unified=data.unified, scope=scope)
            if scope is not None and data.unified and data.parent_id is not None:
                await self.hierarchy.require_owner_in_scope(data.code, data.parent_id, scope)
            if await CompanyTable.exists().where(CompanyTable.code == data.code):
                raise Conflict(f"Company code {data.code} is taken.", code="code_taken", fields={"code": "taken"})
            now = self.clock.now()
            row = CompanyTable(
                code=data.code,
                name=data.name.strip(),
                parent=data.parent_id,
                unified=data.unified,
                language=data.language,
                created_at=now,
                updated_at=now,
            )
            await row.save()
            company_id = int(row.id)
            await self.settings.create_defaults(company_id)
            await self.audit.record(
                actor,
                company_id,
                "company.created",
                f"Company {data.code} created",
                {"code": data.code, "name": data.name, "parentId": data.parent_id, "unified": data.unified},
            )
        return await self.get(company_id)

    async def get(self, company_id: int) -> Company:
        rows = await CompanyTable.select().where(CompanyTable.id == company_id)
        if not rows:
            raise NotFound(f"Company {company_id} does not exist.")
        return (await self._describe(rows))[0]

    async def search(
        self,
        *,
        search: str | None,
        parent_id: int | None,
        roots_only: bool,
        limit: int,
        offset: int,
        scope: list[int] | None = None,
        status: StatusFilter | None = None,
        region: Region | None = None,
        with_counts: bool = False,
    ) -> CompanyList:
        """A page of companies ordered by code, filtered by code/name text, by parent, by the user's scope and by
        connection status and region (then the account owners whose connection is in it, whatever their depth).

        `with_counts` (implied by a status or region filter): how many connections in the scope (and region) are in
        each status. A constant number of queries whatever the number of companies.
        """
        query = CompanyTable.select()
        count = CompanyTable.count()
        conditions: list[Any] = []
        if scope is not None:
            sql, args = subtree_condition(scope)
            conditions.append(WhereRaw(sql, *args))
        if search:
            pattern = f"%{_escape_like(search.strip())}%"
            conditions.append(
                WhereRaw(
                    "(lower(code) LIKE lower({}) ESCAPE '\\' OR lower(name) LIKE lower({}) ESCAPE '\\')",
                    pattern,
                    pattern,
                )
            )
        if parent_id is not None:
            conditions.append(CompanyTable.parent == parent_id)
        if roots_only:
            conditions.append(CompanyTable.parent.is_null())
        if (by_status := self.statuses.status_condition(status, region)) is not None:
            conditions.append(WhereRaw(by_status[0], *by_status[1]))
        for condition in conditions:
            query = query.where(condition)
            count = count.where(condition)
        async with read_transaction(CompanyTable._meta.db):  # one connection for the page's few queries
            rows = await query.order_by(CompanyTable.code).limit(limit).offset(offset)
            total = await count
            counts = None
            if with_counts or status is not None or region is not None:
                counts = await self.statuses.status_counts(scope, region)
            items = await self._describe(rows)
        return CompanyList(items=items, total=total, limit=limit, offset=offset, counts=counts)

    async def _describe(self, rows: list[dict[str, Any]]) -> list[Company]:
        """Turn rows into Companies with a constant number of queries, whatever the page size or depth."""
        ids = [row["id"] for row in rows]
        owners = await self.hierarchy.account_owners(ids)
        children = await self.hierarchy.children_counts(ids)
        parent_ids = {row["parent"] for row in rows if row["parent"] is not None}
        parents = {
            p["id"]: CompanyRef(id=p["id"], code=p["code"])
            for p in await CompanyTable.select(CompanyTable.id, CompanyTable.code).where(
                CompanyTable.id.is_in(sorted(parent_ids)) if parent_ids else CompanyTable.id == 0
            )
        }
        statuses = await self.statuses.statuses_for_owners(owners.values())
        members = await self.hierarchy.members_of_owners([o.id for i, o in owners.items() if o.id == i])
        return [
            Company(
                id=row["id"],
                code=row["code"],
                name=row["name"],
                parent=parents.get(row["parent"]) if row["parent"] is not None else None,
                unified=bool(row["unified"]) and row["parent"] is not None,
                children_count=children.get(row["id"], 0),
                account_owner=owners.get(row["id"], CompanyRef(id=row["id"], code=row["code"])),
                regions=statuses.get(owners[row["id"]].id, []) if row["id"] in owners else [],
                members=members.get(row["id"], []),
                language=as_language(row["language"]),
                created_at=row["created_at"],
                updated_at=row["updated_at"],
            )
            for row in rows
        ]
