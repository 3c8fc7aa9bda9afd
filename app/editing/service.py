"""Edit → Save: begin a draft, change it, cancel it, or save it in one transaction."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import msgspec
from msgspec import UNSET

from app.amazon.connections import ConnectionService, fingerprint
from app.amazon.regions import Region
from app.amazon.schemas import AmazonSettings
from app.amazon.settings import SettingsService
from app.amazon.tables import AmazonSettings as SettingsTable
from app.audit.service import Actor, AuditService
from app.companies.hierarchy import CompanyRef, HierarchyService
from app.companies.tables import Company
from app.editing.presence import DraftPresence
from app.editing.rules import DraftRules, Evaluation
from app.editing.schemas import Draft, PendingGrant, SaveRequest, SettingsChanges
from app.editing.tables import EditSession
from app.editing.tables import PendingGrant as GrantTable
from app.lib.clock import Clock
from app.lib.database import write_transaction
from app.lib.errors import BadInput, Conflict, Gone, NotFound, PreconditionRequired, RuleViolation

_CHANGES = msgspec.json.Decoder(SettingsChanges)
_FIELD_NAMES = {f.name: f.encode_name for f in msgspec.structs.fields(SettingsChanges)}


class SavedSettings(msgspec.Struct, frozen=True):
    """What a Save changed, for whoever must react after the commit (token caches, connection checks)."""

    company: CompanyRef
    owner: CompanyRef
    members: tuple[CompanyRef, ...]
    regions_authorized: tuple[Region, ...]
    account_scope_changed: bool


SaveListener = Callable[[SavedSettings], Awaitable[None]]


def parse_if_match(header: str | None) -> int:
    """The version named by an If-Match header: `"3"`, `W/"3"` or `3`."""
    if header is None or not header.strip():
        raise PreconditionRequired(
            "Save needs an If-Match header with the settings version the draft started from.",
            fields={"If-Match": "required"},
        )
    value = header.strip().removeprefix("W/").strip('"')
    if not value.isdigit() or len(value) > 9:
        raise BadInput(
            f'If-Match must be a settings version such as "3", not {header[:40]!r}.',
            fields={"If-Match": "not a version"},
        )
    return int(value)


class EditService:
    def __init__(
        self,
        clock: Clock,
        hierarchy: HierarchyService,
        settings: SettingsService,
        connections: ConnectionService,
        presence: DraftPresence,
        audit: AuditService,
        idle_timeout: timedelta,
    ) -> None:
        self.clock = clock
        self.hierarchy = hierarchy
        self.settings = settings
        self.connections = connections
        self.presence = presence
        self.audit = audit
        self.rules = DraftRules(hierarchy, settings, connections)
        self.idle_timeout = idle_timeout
        self.listeners: list[SaveListener] = []

    # -- begin / read -----------------------------------------------------------------------------------------

    async def begin(self, company_id: int, actor: Actor) -> tuple[Draft, bool]:
        """The user's open draft of this company, or a new one; True when it was created now."""
        async with write_transaction(EditSession._meta.db):
            existing = await self._open_draft_of(company_id, actor)
            if existing is not None:
                return await self._view(existing, actor), False
            rows = await SettingsTable.select(SettingsTable.version).where(SettingsTable.company == company_id)
            if not rows:
                raise NotFound(f"Company {company_id} does not exist.")
            now = self.clock.now()
            draft = EditSession(
                id=uuid.uuid4(),
                company=company_id,
                user=actor.user_id,
                base_version=rows[0]["version"],
                changes="{}",
                status="open",
                created_at=now,
                last_activity_at=now,
                expires_at=now + self.idle_timeout,
            )
            await draft.save()
            row = (await EditSession.select().where(EditSession.id == draft.id))[0]
        return await self._view(row, actor), True

    async def get(self, edit_id: uuid.UUID, actor: Actor) -> Draft:
        row = await self._load(edit_id, actor)
        return await self._view(row, actor)

    # -- change / cancel --------------------------------------------------------------------------------------

    async def change(self, edit_id: uuid.UUID, changes: SettingsChanges, actor: Actor) -> Draft:
        """Merge changes into the draft after checking every rule; a refused change leaves the draft as it was."""
        async with write_transaction(EditSession._meta.db):
            row = await self._load_open(edit_id, actor)
            merged = _merge(_CHANGES.decode(row["changes"]), changes)
            evaluation = await self.rules.evaluate(row["company"], merged, await self._grant_regions(edit_id))
            merged = _without_unchanged(merged, evaluation)
            now = self.clock.now()
            await EditSession.update(
                {
                    EditSession.changes: msgspec.json.encode(merged).decode(),
                    EditSession.last_activity_at: now,
                    EditSession.expires_at: now + self.idle_timeout,
                }
            ).where(EditSession.id == edit_id)
            row = (await EditSession.select().where(EditSession.id == edit_id))[0]
        return await self._view(row, actor)

    async def cancel(self, edit_id: uuid.UUID, actor: Actor) -> None:
        """Discard the draft and any token waiting in it (each discarded token is audited)."""
        async with write_transaction(EditSession._meta.db):
            row = await self._load_open(edit_id, actor)
            await self._close(row, "cancelled", actor, reason="cancelled")

    async def expire_idle(self) -> int:
        """Close drafts idle past their expiry, discarding their tokens with an audit event; returns how many."""
        now = self.clock.now()
        rows = await EditSession.select().where((EditSession.status == "open") & (EditSession.expires_at <= now))
        for row in rows:
            async with write_transaction(EditSession._meta.db):
                await self._close(row, "expired", Actor(user_id=None, name="system"), reason="expired")
        return len(rows)

    async def attach_grant(
        self,
        edit_id: uuid.UUID,
        region: Region,
        *,
        selling_partner_id: str,
        refresh_token: str,
        access_token: str | None,
        access_token_expires_at: datetime | None,
        obtained_at: datetime,
    ) -> PendingGrant:
        """Put a token obtained from Amazon into an open draft (replacing an earlier one for the region).

        The grant is flagged `seller_changed` when the stored connection belongs to another selling partner.
        """
        async with write_transaction(EditSession._meta.db):
            rows = await EditSession.select().where((EditSession.id == edit_id) & (EditSession.status == "open"))
            if not rows or rows[0]["expires_at"] <= self.clock.now():
                raise Gone(
                    "The draft this token was meant for is no longer open; get the token again.", code="draft_closed"
                )
            company_id = rows[0]["company"]
            stored = (await self.connections.rows_for_owners([company_id]))[company_id].get(region)
            seller_changed = bool(
                stored and stored.get("refresh_token") and stored["selling_partner_id"] != selling_partner_id
            )
            await GrantTable.delete().where((GrantTable.edit == edit_id) & (GrantTable.region == region.value))
            await GrantTable.insert(
                GrantTable(
                    id=uuid.uuid4(),
                    edit=edit_id,
                    region=region.value,
                    selling_partner_id=selling_partner_id,
                    refresh_token=refresh_token,
                    access_token=access_token,
                    access_token_expires_at=access_token_expires_at,
                    obtained_at=obtained_at,
                    seller_changed=seller_changed,
                )
            )
            await EditSession.update(
                {
                    EditSession.last_activity_at: self.clock.now(),
                    EditSession.expires_at: self.clock.now() + self.idle_timeout,
                }
            ).where(EditSession.id == edit_id)
        return PendingGrant(
            region=region,
            selling_partner_id=selling_partner_id,
            token_fingerprint=fingerprint(refresh_token),
            obtained_at=obtained_at,
            seller_changed=seller_changed,
        )

    # -- save ---------------------------------------------------------------------------------------------------

    async def save(
        self, edit_id: uuid.UUID, if_match: str | None, request: SaveRequest, actor: Actor
    ) -> AmazonSettings:
        """Apply the draft in one transaction: version check, fields, grants, audit, close the draft."""
        expected = parse_if_match(if_match)
        async with write_transaction(EditSession._meta.db):
            row = await self._load_open(edit_id, actor)
            company_id = row["company"]
            current = (await self.settings.rows([company_id]))[company_id]
            if expected != current["version"] or row["base_version"] != current["version"]:
                who = current["updated_by_name"] or "someone"
                raise Conflict(
                    f"{who} saved these settings at {current['updated_at']:%Y-%m-%d %H:%M:%S} UTC (version "
                    f"{current['version']}) after your draft started from version {row['base_version']}. "
                    "Reload to see their changes, then edit again.",
                    code="stale_version",
                    fields={"If-Match": f"current version is {current['version']}"},
                )
            changes = _CHANGES.decode(row["changes"])
            grants = await GrantTable.select().where(GrantTable.edit == edit_id).order_by(GrantTable.region)
            evaluation = await self.rules.evaluate(company_id, changes, {Region(g["region"]) for g in grants})
            unconfirmed = [
                g["region"] for g in grants if g["seller_changed"] and g["region"] not in request.confirm_seller_change
            ]
            if unconfirmed:
                raise RuleViolation(
                    f"The new token for {', '.join(unconfirmed)} belongs to a different seller than the stored one. "
                    "Confirm the seller change to save it.",
                    code="seller_change_unconfirmed",
                    fields={"confirmSellerChange": f"confirm {', '.join(unconfirmed)}"},
                )
            saved = await self._apply(row, changes, grants, evaluation, actor)
            await self._close(row, "saved", actor, reason=None)
        for listener in self.listeners:
            await listener(saved)
        return await self.settings.effective(company_id, actor.user_id)

    async def _apply(
        self,
        row: dict[str, Any],
        changes: SettingsChanges,
        grants: list[dict[str, Any]],
        evaluation: Evaluation,
        actor: Actor,
    ) -> SavedSettings:
        company_id = row["company"]
        current = evaluation.current
        values = evaluation.values
        company = CompanyRef(id=company_id, code=current["company_code"])
        now = self.clock.now()
        bumped = (
            await SettingsTable.update(
                {
                    SettingsTable.enabled: values.enabled,
                    SettingsTable.account_type: values.account_type
                    if evaluation.owner.id == company_id
                    else current["account_type"],
                    SettingsTable.marketplace_ids: msgspec.json.encode(values.marketplace_ids).decode(),
                    SettingsTable.order_import_enabled: values.order_import_enabled,
                    SettingsTable.inventory_sync_enabled: values.inventory_sync_enabled,
                    SettingsTable.price_sync_enabled: values.price_sync_enabled,
                    SettingsTable.notification_email: values.notification_email,
                    SettingsTable.version: SettingsTable.version + 1,
                    SettingsTable.updated_at: now,
                    SettingsTable.updated_by: actor.user_id,
                }
            )
            .where((SettingsTable.company == company_id) & (SettingsTable.version == row["base_version"]))
            .returning(SettingsTable.version)
        )
        if not bumped:
            raise Conflict(
                "These settings were saved by someone else meanwhile; reload and edit again.", code="stale_version"
            )
        if changes.parent_id is not UNSET or changes.unified is not UNSET:
            await Company.update(
                {
                    Company.parent: values.parent_id,
                    Company.unified: values.unified,
                    Company.updated_at: now,
                }
            ).where(Company.id == company_id)
        details: dict[str, Any] = {"changes": _diff(changes, current), "version": bumped[0]["version"]}
        if evaluation.becomes_unified:
            discarded = await self.connections.discard(company_id)
            if discarded:
                details["discardedConnections"] = [str(r) for r in discarded]
        authorized: list[Region] = []
        for grant in grants:
            region = Region(grant["region"])
            await self.connections.store_authorization(
                company_id,
                region,
                selling_partner_id=grant["selling_partner_id"],
                refresh_token=grant["refresh_token"],
                authorized_at=grant["obtained_at"],
                access_token=grant["access_token"],
                access_token_expires_at=grant["access_token_expires_at"],
            )
            authorized.append(region)
        if authorized:
            details["authorized"] = [
                {
                    "region": g["region"],
                    "sellingPartnerId": g["selling_partner_id"],
                    "tokenFingerprint": fingerprint(g["refresh_token"]),
                }
                for g in grants
            ]
        await self.audit.record(actor, company_id, "settings.saved", _summary(company, details), details)
        account_scope_changed = bool(authorized) or "accountType" in details["changes"]
        members: tuple[CompanyRef, ...] = ()
        if account_scope_changed and evaluation.owner.id == company_id:
            members = tuple(await self.hierarchy.unified_members(company_id))
            if members:
                member_details = {k: v for k, v in details.items() if k in ("authorized",)}
                if "accountType" in details["changes"]:
                    member_details["changes"] = {"accountType": details["changes"]["accountType"]}
                await self.audit.record_for_members(
                    actor,
                    company,
                    "settings.updated_via_owner",
                    f"Amazon account settings updated via {company.code}",
                    member_details,
                )
        return SavedSettings(
            company=company,
            owner=evaluation.owner,
            members=members,
            regions_authorized=tuple(authorized),
            account_scope_changed=account_scope_changed,
        )

    # -- helpers ------------------------------------------------------------------------------------------------

    async def _open_draft_of(self, company_id: int, actor: Actor) -> dict[str, Any] | None:
        rows = await EditSession.select().where(
            (EditSession.company == company_id) & (EditSession.user == actor.user_id) & (EditSession.status == "open")
        )
        for row in rows:
            if row["expires_at"] > self.clock.now():
                return row
            await self._close(row, "expired", actor, reason="expired")
        return None

    async def _load(self, edit_id: uuid.UUID, actor: Actor) -> dict[str, Any]:
        rows = await EditSession.select().where((EditSession.id == edit_id) & (EditSession.user == actor.user_id))
        if not rows:
            raise NotFound(f"Draft {edit_id} does not exist.")
        return rows[0]

    async def _load_open(self, edit_id: uuid.UUID, actor: Actor) -> dict[str, Any]:
        row = await self._load(edit_id, actor)
        if row["status"] == "open" and row["expires_at"] <= self.clock.now():
            await self._close(row, "expired", actor, reason="expired")
            row = await self._load(edit_id, actor)
        if row["status"] != "open":
            closed: datetime = row["closed_at"] or row["expires_at"]
            raise Gone(
                f"This draft was {row['status']} at {closed:%Y-%m-%d %H:%M:%S} UTC; begin a new edit.",
                code=f"draft_{row['status']}",
            )
        return row

    async def _grant_regions(self, edit_id: uuid.UUID) -> set[Region]:
        rows = await GrantTable.select(GrantTable.region).where(GrantTable.edit == edit_id)
        return {Region(r["region"]) for r in rows}

    async def _close(self, row: dict[str, Any], status: str, actor: Actor, reason: str | None) -> None:
        now = self.clock.now()
        await EditSession.update({EditSession.status: status, EditSession.closed_at: now}).where(
            EditSession.id == row["id"]
        )
        grants = (
            await GrantTable.delete()
            .where(GrantTable.edit == row["id"])
            .returning(GrantTable.region, GrantTable.selling_partner_id)
        )
        if reason is None:
            return
        for grant in grants:
            await self.audit.record(
                actor,
                row["company"],
                "token.discarded",
                f"New {grant['region']} token for seller {grant['selling_partner_id']} discarded: draft {reason}",
                {"region": grant["region"], "sellingPartnerId": grant["selling_partner_id"], "reason": reason},
            )
        await self.audit.record(actor, row["company"], f"edit.{status}", f"Draft {status}", {"editId": str(row["id"])})

    async def _view(self, row: dict[str, Any], actor: Actor) -> Draft:
        changes = _CHANGES.decode(row["changes"])
        grants = await GrantTable.select().where(GrantTable.edit == row["id"]).order_by(GrantTable.region)
        evaluation = await self.rules.evaluate(row["company"], changes, {Region(g["region"]) for g in grants})
        editors = [e for e in await self.presence.open_editors(row["company"], actor.user_id) if not e.mine]
        return Draft(
            id=row["id"],
            company=CompanyRef(id=row["company"], code=evaluation.current["company_code"]),
            editor=actor.name,
            status=row["status"],
            base_version=row["base_version"],
            created_at=row["created_at"],
            expires_at=row["expires_at"],
            changes=changes,
            values=evaluation.values,
            pending_grants=[
                PendingGrant(
                    region=Region(g["region"]),
                    selling_partner_id=g["selling_partner_id"],
                    token_fingerprint=fingerprint(g["refresh_token"]),
                    obtained_at=g["obtained_at"],
                    seller_changed=bool(g["seller_changed"]),
                )
                for g in grants
            ],
            warnings=evaluation.warnings,
            other_editors=editors,
        )


def _merge(stored: SettingsChanges, incoming: SettingsChanges) -> SettingsChanges:
    updates = {name: value for name in _FIELD_NAMES if (value := getattr(incoming, name)) is not UNSET}
    return msgspec.structs.replace(stored, **updates)


def _stored_value(name: str, current: dict[str, Any]) -> Any:
    if name == "parent_id":
        return current["company_parent"]
    if name == "unified":
        return bool(current["company_unified"]) and current["company_parent"] is not None
    if name == "marketplace_ids":
        return msgspec.json.decode(current["marketplace_ids"] or "[]")
    value = current[name]
    return bool(value) if isinstance(value, int) and name.endswith("enabled") else value


def _without_unchanged(changes: SettingsChanges, evaluation: Evaluation) -> SettingsChanges:
    """Drop changes that set a field back to its stored value, so the draft lists only real changes."""
    same = {
        name: UNSET
        for name in _FIELD_NAMES
        if (value := getattr(changes, name)) is not UNSET and value == _stored_value(name, evaluation.current)
    }
    return msgspec.structs.replace(changes, **same)


def _diff(changes: SettingsChanges, current: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        _FIELD_NAMES[name]: {"from": _stored_value(name, current), "to": value}
        for name in _FIELD_NAMES
        if (value := getattr(changes, name)) is not UNSET
    }


def _summary(company: CompanyRef, details: dict[str, Any]) -> str:
    parts = list(details["changes"])
    parts += [f"{a['region']} token" for a in details.get("authorized", [])]
    if details.get("discardedConnections"):
        parts.append("own connections discarded")
    return f"Settings of {company.code} saved" + (f": {', '.join(parts)}" if parts else " (no changes)")
