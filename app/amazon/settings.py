"""Amazon General Settings: each company's own values, and the account-scope values it takes from its owner."""

from __future__ import annotations

from typing import Any, Protocol

import msgspec

from app.amazon.connections import ConnectionService
from app.amazon.regions import REGIONS, Region
from app.amazon.schemas import (
    AccountTypeField,
    AmazonSettings,
    BoolField,
    Editor,
    MarketplacesField,
    Source,
    TextField,
)
from app.amazon.tables import AmazonSettings as SettingsTable
from app.companies.hierarchy import CompanyRef, HierarchyService
from app.lib.clock import Clock
from app.lib.database import read_transaction
from app.lib.errors import NotFound
from app.lib.i18n import as_language


class EditorsReader(Protocol):
    async def open_editors(self, company_id: int, viewer_id: int | None) -> list[Editor]: ...


def decode_marketplaces(raw: str | None) -> list[str]:
    return msgspec.json.decode(raw or "[]", type=list[str])


class SettingsService:
    """Reads effective settings with a constant number of queries, whatever the depth of the hierarchy."""

    def __init__(
        self, clock: Clock, hierarchy: HierarchyService, connections: ConnectionService, editors: EditorsReader
    ) -> None:
        self.clock = clock
        self.hierarchy = hierarchy
        self.connections = connections
        self.editors = editors

    async def create_defaults(self, company_id: int) -> None:
        await SettingsTable.insert(SettingsTable(company=company_id, updated_at=self.clock.now()))

    async def rows(self, company_ids: list[int]) -> dict[int, dict[str, Any]]:
        """Settings rows joined with their company and last saver, keyed by company id."""
        rows = await SettingsTable.select(
            *SettingsTable.all_columns(),
            SettingsTable.company.code.as_alias("company_code"),
            SettingsTable.company.name.as_alias("company_name"),
            SettingsTable.company.parent.as_alias("company_parent"),
            SettingsTable.company.unified.as_alias("company_unified"),
            SettingsTable.company.language.as_alias("company_language"),
            SettingsTable.updated_by.display_name.as_alias("updated_by_name"),
        ).where(SettingsTable.company.is_in(company_ids))
        return {row["company"]: row for row in rows}

    async def effective(self, company_id: int, viewer_id: int | None = None) -> AmazonSettings:
        """The company's settings with each field's source, read in one transaction (a constant 4 queries)."""
        async with read_transaction(SettingsTable._meta.db):
            return await self._effective(company_id, viewer_id)

    async def _effective(self, company_id: int, viewer_id: int | None) -> AmazonSettings:
        owner = await self.hierarchy.account_owner(company_id)
        if owner is None:
            raise NotFound(f"Company {company_id} does not exist.")
        rows = await self.rows([company_id, owner.id])
        own = rows[company_id]
        owner_row = rows[owner.id]
        connections = (await self.connections.rows_for_owners([owner.id]))[owner.id]
        editors = await self.editors.open_editors(company_id, viewer_id)
        company = CompanyRef(id=company_id, code=own["company_code"])
        own_source = Source(kind="own", company=company)
        account_source = own_source if owner.id == company_id else Source(kind="inherited", company=owner)
        return AmazonSettings(
            company=company,
            company_name=own["company_name"],
            account_owner=owner,
            parent_id=own["company_parent"],
            unified=bool(own["company_unified"]) and own["company_parent"] is not None,
            version=own["version"],
            updated_at=own["updated_at"],
            updated_by=own["updated_by_name"],
            enabled=BoolField(value=bool(own["enabled"]), source=own_source),
            account_type=AccountTypeField(value=owner_row["account_type"], source=account_source),
            marketplace_ids=MarketplacesField(value=decode_marketplaces(own["marketplace_ids"]), source=own_source),
            order_import_enabled=BoolField(value=bool(own["order_import_enabled"]), source=own_source),
            inventory_sync_enabled=BoolField(value=bool(own["inventory_sync_enabled"]), source=own_source),
            price_sync_enabled=BoolField(value=bool(own["price_sync_enabled"]), source=own_source),
            notification_email=TextField(value=own["notification_email"], source=own_source),
            connections=[self.connections.view(region, connections.get(region), account_source) for region in REGIONS],
            open_edits=editors,
            language=as_language(own["company_language"]),
        )

    async def connected_regions(self, owner_id: int) -> set[Region]:
        return await self.connections.connected_regions(owner_id)
