"""The Save transaction: version check, fields, grants, audit and closing the draft, all or nothing."""

from __future__ import annotations

import uuid
from datetime import datetime
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
from app.editing.drafts import CHANGES, DraftStore, diff
from app.editing.followups import SavedSettings, SaveFollowUps
from app.editing.rules import DraftRules, Evaluation
from app.editing.schemas import SaveRequest, SettingsChanges
from app.editing.tables import EditSession
from app.lib.clock import Clock
from app.lib.database import write_transaction
from app.lib.errors import BadInput, Conflict, PreconditionRequired, RuleViolation


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


class SaveTransaction:
    """Applies one draft; its follow-up work (cache invalidation, connection checks) is recorded with it."""

    def __init__(
        self,
        clock: Clock,
        hierarchy: HierarchyService,
        settings: SettingsService,
        connections: ConnectionService,
        audit: AuditService,
        rules: DraftRules,
        drafts: DraftStore,
        followups: SaveFollowUps,
    ) -> None:
        self.clock = clock
        self.hierarchy = hierarchy
        self.settings = settings
        self.connections = connections
        self.audit = audit
        self.rules = rules
        self.drafts = drafts
        self.followups = followups

    async def run(
        self,
        edit_id: uuid.UUID,
        if_match: str | None,
        request: SaveRequest,
        actor: Actor,
        scope: list[int] | None = None,
    ) -> AmazonSettings:
        """Apply the draft in one transaction: revision and version checks, fields, grants, audit, close the draft.

        Every rule is checked again, with the user's scope as it is now (it may have shrunk since the draft began).
        """
        expected = parse_if_match(if_match)
        async with write_transaction(EditSession._meta.db):
            row = await self.drafts.load_open(edit_id, actor)
            # The page saves what it shows: a draft changed in another tab since is a 409. Taking the next revision
            # first also holds the draft: a change or a token arriving meanwhile waits, then finds it saved.
            self.drafts.check_revision(row, request.revision)
            row = await self.drafts.advance(row, actor)
            company_id = row["company"]
            current = (await self.settings.rows([company_id]))[company_id]
            if expected != current["version"] or row["base_version"] != current["version"]:
                who = current["updated_by_name"] or "someone"
                if row["base_version"] != current["version"]:
                    behind = f" after your draft started from version {row['base_version']}"
                else:  # the draft is current, the version the caller named is not
                    behind = f", not version {expected} as this Save's If-Match says"
                raise Conflict(
                    f"{who} saved these settings at {current['updated_at']:%Y-%m-%d %H:%M:%S} UTC (version "
                    f"{current['version']}){behind}. Reload to see their changes, then edit again.",
                    code="stale_version",
                    fields={"If-Match": f"current version is {current['version']}"},
                )
            changes = CHANGES.decode(row["changes"])
            grants = await self.drafts.grants(edit_id)
            evaluation = await self.rules.evaluate(
                company_id, changes, {Region(g["region"]) for g in grants}, current=current, scope=scope
            )
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
            self.rules.check_grant_verdicts(grants, evaluation, request.confirm_grant_verdict)
            saved = await self._apply(row, changes, grants, evaluation, actor)
            await self.drafts.close(row, "saved", actor, reason=None)
            follow_up = await self.followups.record(saved)
        # Committed: the answer is 200 whatever happens next. Delivered now if Redis answers, else by any process
        # as soon as it does (SaveFollowUps).
        await self.followups.deliver(follow_up)
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
        if changes.parent_id is not UNSET or changes.unified is not UNSET or changes.language is not UNSET:
            await Company.update(
                {
                    Company.parent: values.parent_id,
                    Company.unified: values.unified,
                    Company.language: values.language,
                    Company.updated_at: now,
                }
            ).where(Company.id == company_id)
        details: dict[str, Any] = {"changes": diff(changes, current), "version": bumped[0]["version"]}
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
                refresh_token=self.drafts.secret(grant, "refresh_token") or "",
                authorized_at=grant["obtained_at"],
                access_token=self.drafts.secret(grant, "access_token"),
                access_token_expires_at=grant["access_token_expires_at"],
                tested=_tested(grant),
            )
            authorized.append(region)
        if authorized:
            details["authorized"] = [
                {
                    "region": g["region"],
                    "sellingPartnerId": g["selling_partner_id"],
                    "tokenFingerprint": fingerprint(self.drafts.secret(g, "refresh_token")),
                }
                for g in grants
            ]
        await self.audit.record(actor, company_id, "settings.saved", _summary(company, details), details)
        account_scope_changed = bool(authorized) or "accountType" in details["changes"]
        if account_scope_changed and evaluation.owner.id == company_id:
            # One INSERT … SELECT over the owner's unified members; inserts nothing when it has none.
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
            regions_authorized=tuple(authorized),
            account_scope_changed=account_scope_changed,
        )


def _summary(company: CompanyRef, details: dict[str, Any]) -> str:
    parts = list(details["changes"])
    parts += [f"{a['region']} token" for a in details.get("authorized", [])]
    if details.get("discardedConnections"):
        parts.append("own connections discarded")
    return f"Settings of {company.code} saved" + (f": {', '.join(parts)}" if parts else " (no changes)")


def _tested(grant: dict[str, Any]) -> tuple[datetime, str, list[str]] | None:
    """What the try of the token right after Amazon's redirect found, for the connection's first last check."""
    if grant.get("tested_at") is None or grant.get("test_result") is None:
        return None
    seen = msgspec.json.decode(grant.get("marketplaces_seen") or "[]", type=list[str])
    return grant["tested_at"], grant["test_result"], seen
