"""The rules a draft must satisfy, checked on every change and again inside Save."""

from __future__ import annotations

from typing import Any

import msgspec
from msgspec import UNSET

from app.amazon.connections import ConnectionService
from app.amazon.grant_check import describe
from app.amazon.regions import MARKETPLACES, Region
from app.amazon.schemas import GrantVerdict
from app.amazon.settings import SettingsService, decode_marketplaces
from app.companies.hierarchy import CompanyRef, HierarchyService
from app.editing.schemas import DraftValues, SettingsChanges, Warning
from app.lib.errors import BadInput, NotFound, RuleViolation
from app.lib.i18n import as_language, phrase


class Evaluation(msgspec.Struct):
    values: DraftValues
    warnings: list[Warning]
    current: dict[str, Any]
    owner: CompanyRef
    becomes_unified: bool


def _pick(change: Any, stored: Any) -> Any:
    return stored if change is UNSET else change


class DraftRules:
    def __init__(self, hierarchy: HierarchyService, settings: SettingsService, connections: ConnectionService) -> None:
        self.hierarchy = hierarchy
        self.settings = settings
        self.connections = connections

    async def evaluate(
        self,
        company_id: int,
        changes: SettingsChanges,
        grant_regions: set[Region],
        current: dict[str, Any] | None = None,
        scope: list[int] | None = None,
    ) -> Evaluation:
        """What Save would store; raises BadInput/RuleViolation naming the field when a rule breaks.

        `current` is the company's settings row when the caller has read it already. `scope` is the companies the
        user is limited to (None: all): a new parent and the account owner a move resolves to must lie inside it.
        """
        if current is None:
            rows = await self.settings.rows([company_id])
            if company_id not in rows:
                raise NotFound(f"Company {company_id} does not exist.")
            current = rows[company_id]
        own = current
        code = own["company_code"]
        stored_parent = own["company_parent"]
        stored_unified = bool(own["company_unified"]) and stored_parent is not None
        parent = _pick(changes.parent_id, stored_parent)
        unified = bool(_pick(changes.unified, stored_unified))
        placement_changed = parent != stored_parent or unified != stored_unified
        if placement_changed:
            if scope is not None and parent is None:
                raise RuleViolation(
                    phrase("You may only place companies below the companies you manage."),
                    code="outside_scope",
                    fields={"parentId": "choose one of your companies"},
                )
            await self.hierarchy.validate_parent(
                company_id, parent, unified=unified, scope=scope if parent != stored_parent else None
            )
        owner = CompanyRef(id=company_id, code=code)
        if unified and parent is not None:
            if placement_changed and scope is not None:
                owner = await self.hierarchy.require_owner_in_scope(code, parent, scope)
            else:
                owner = await self.hierarchy.account_owner(parent) or owner
        is_owner = owner.id == company_id
        warnings: list[Warning] = []

        if changes.account_type is not UNSET and not is_owner:
            raise RuleViolation(
                phrase(
                    "{code} uses {owner}'s Amazon account: change the account type on {owner}.",
                    code=code,
                    owner=owner.code,
                ),
                code="account_scope_on_member",
                fields={"accountType": f"set on the account owner {owner.code}"},
            )
        if grant_regions and not is_owner:
            raise RuleViolation(
                phrase(
                    "This draft holds a new token for {regions}; a unified company cannot keep tokens of its own. "
                    "Cancel the draft to discard the token, or keep {code} not unified.",
                    regions=", ".join(sorted(grant_regions)),
                    code=code,
                ),
                code="grant_on_member",
                fields={"unified": "the draft holds a token of this company's own"},
            )
        if is_owner:
            account_type = _pick(changes.account_type, own["account_type"])
        else:
            owner_rows = await self.settings.rows([owner.id])
            account_type = owner_rows[owner.id]["account_type"]

        connected = await self.connections.connected_regions(owner.id)
        if is_owner:
            connected |= grant_regions
        stored_marketplaces = decode_marketplaces(own["marketplace_ids"])
        marketplaces = _pick(changes.marketplace_ids, stored_marketplaces)
        if changes.marketplace_ids is not UNSET:
            self._check_marketplaces(marketplaces, connected, owner)
        elif placement_changed:
            missing = sorted({MARKETPLACES[m].region for m in marketplaces if m in MARKETPLACES} - connected)
            if missing:
                warnings.append(
                    Warning(
                        code="marketplaces_without_connection",
                        message=f"{owner.code} has no connection for {', '.join(missing)}: "
                        f"{code}'s marketplaces there will not sync until it has one.",
                    )
                )

        becomes_unified = unified and not stored_unified
        if becomes_unified:
            own_regions = await self.connections.connected_regions(company_id)
            if own_regions:
                warnings.append(
                    Warning(
                        code="connections_will_be_discarded",
                        message=f"Saving makes {code} use {owner.code}'s Amazon account: its own connections for "
                        f"{', '.join(sorted(own_regions))} will be discarded.",
                    )
                )
        if stored_unified and not unified:
            warnings.append(
                Warning(
                    code="will_be_not_connected",
                    message=f"{code} will use an Amazon account of its own and stays not connected until it gets "
                    "its own token.",
                )
            )
        values = DraftValues(
            parent_id=parent,
            unified=unified,
            account_owner=owner,
            enabled=bool(_pick(changes.enabled, own["enabled"])),
            account_type=account_type,
            marketplace_ids=list(marketplaces),
            order_import_enabled=bool(_pick(changes.order_import_enabled, own["order_import_enabled"])),
            inventory_sync_enabled=bool(_pick(changes.inventory_sync_enabled, own["inventory_sync_enabled"])),
            price_sync_enabled=bool(_pick(changes.price_sync_enabled, own["price_sync_enabled"])),
            notification_email=_pick(changes.notification_email, own["notification_email"]),
            language=as_language(_pick(changes.language, own["company_language"])),
        )
        return Evaluation(values=values, warnings=warnings, current=own, owner=owner, becomes_unified=becomes_unified)

    @staticmethod
    def grant_verdict(grant: dict[str, Any], evaluation: Evaluation) -> GrantVerdict | None:
        """What the test of a waiting token found, judged against the marketplaces Save would store."""
        return describe(
            grant.get("test_result"),
            decode_marketplaces(grant.get("marketplaces_seen")),
            grant.get("tested_at"),
            region=Region(grant["region"]),
            account_type=evaluation.values.account_type,
            company_code=evaluation.current["company_code"],
            marketplace_ids=evaluation.values.marketplace_ids,
        )

    def check_grant_verdicts(
        self, grants: list[dict[str, Any]], evaluation: Evaluation, confirmed: list[Region]
    ) -> None:
        """Save stores a token Amazon refused, or one whose account lists none of the company's marketplaces of the
        region, only when the region is confirmed on purpose (like a seller change)."""
        doubtful = [
            (grant["region"], verdict)
            for grant in grants
            if (verdict := self.grant_verdict(grant, evaluation)) is not None
            and verdict.needs_confirmation
            and grant["region"] not in confirmed
        ]
        if doubtful:
            regions = ", ".join(region for region, _ in doubtful)
            problems = " ".join(f"{region}: {verdict.message}" for region, verdict in doubtful)
            raise RuleViolation(
                f"Save needs a confirmation for the new token for {regions}. {problems} To save it anyway, confirm "
                f"{regions}.",
                code="grant_verdict_unconfirmed",
                fields={"confirmGrantVerdict": f"confirm {regions}"},
            )

    @staticmethod
    def _check_marketplaces(marketplaces: list[str], connected: set[Region], owner: CompanyRef) -> None:
        unknown = {
            f"marketplaceIds[{i}]": f"unknown marketplace {m}"
            for i, m in enumerate(marketplaces)
            if m not in MARKETPLACES
        }
        if unknown:
            raise BadInput(
                phrase(
                    "Unknown marketplace ID: {ids}.",
                    ids=", ".join(sorted({m for m in marketplaces if m not in MARKETPLACES})),
                ),
                fields=unknown,
            )
        seen: set[str] = set()
        for i, m in enumerate(marketplaces):
            if m in seen:
                raise BadInput(
                    phrase("Marketplace {id} is listed twice.", id=m), fields={f"marketplaceIds[{i}]": "duplicate"}
                )
            seen.add(m)
        missing = {
            f"marketplaceIds[{i}]": f"{MARKETPLACES[m].name} is in region {MARKETPLACES[m].region}, "
            f"which {owner.code} has no connection for"
            for i, m in enumerate(marketplaces)
            if MARKETPLACES[m].region not in connected
        }
        if missing:
            regions = sorted({MARKETPLACES[m].region for m in marketplaces} - connected)
            raise RuleViolation(
                phrase(
                    "{owner} has no Selling Partner API connection for region {regions}: get a token for {regions} "
                    "first.",
                    owner=owner.code,
                    regions=", ".join(regions),
                ),
                code="region_not_connected",
                fields=missing,
            )
