"""Edit → Save: begin a draft, change it, put tokens into it, cancel it, or save it."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import msgspec

from app.amazon.connections import ConnectionService, fingerprint
from app.amazon.grant_check import GrantTest
from app.amazon.regions import Region
from app.amazon.schemas import AmazonSettings
from app.amazon.settings import SettingsService
from app.amazon.tables import AmazonSettings as SettingsTable
from app.audit.service import SYSTEM, Actor, AuditService
from app.companies.hierarchy import CompanyRef, HierarchyService
from app.editing.drafts import CHANGES, DraftStore, merge, without_unchanged
from app.editing.followups import SaveFollowUps
from app.editing.presence import DraftPresence
from app.editing.rules import DraftRules
from app.editing.save import SaveTransaction
from app.editing.schemas import AuthorizationInProgress, Draft, PendingGrant, SaveRequest, SettingsChanges
from app.editing.tables import EditSession
from app.editing.tables import PendingGrant as GrantTable
from app.lib.clock import Clock
from app.lib.database import write_transaction
from app.lib.errors import Gone, NotFound


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
        followups: SaveFollowUps,
    ) -> None:
        self.clock = clock
        self.connections = connections
        self.presence = presence
        self.rules = DraftRules(hierarchy, settings, connections)
        self.drafts = DraftStore(clock, audit, connections.keyring, idle_timeout)
        self.idle_timeout = idle_timeout
        self.saving = SaveTransaction(
            clock, hierarchy, settings, connections, audit, self.rules, self.drafts, followups
        )

    # -- begin / read -----------------------------------------------------------------------------------------

    async def begin(self, company_id: int, actor: Actor) -> tuple[Draft, bool]:
        """The user's open draft of this company, or a new one; True when it was created now."""
        async with write_transaction(EditSession._meta.db):
            existing = await self.drafts.open_draft_of(company_id, actor)
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

    @staticmethod
    def changes_of(draft_row: dict[str, Any]) -> SettingsChanges:
        return CHANGES.decode(draft_row["changes"])

    async def company_of(self, edit_id: uuid.UUID | str, user_id: int) -> int | None:
        """The company a user's draft edits (None when there is no such draft of theirs)."""
        rows = await EditSession.select(EditSession.company).where(
            (EditSession.id == uuid.UUID(str(edit_id))) & (EditSession.user == user_id)
        )
        return int(rows[0]["company"]) if rows else None

    async def get(self, edit_id: uuid.UUID, actor: Actor) -> Draft:
        row = await self.drafts.load(edit_id, actor)
        return await self._view(row, actor)

    # -- change / cancel --------------------------------------------------------------------------------------

    async def change(
        self,
        edit_id: uuid.UUID,
        changes: SettingsChanges,
        actor: Actor,
        scope: list[int] | None = None,
        revision: int | None = None,
    ) -> Draft:
        """Merge changes into the draft after checking every rule; a refused change leaves the draft as it was.

        `scope`: the companies the user is limited to (None: all); a placement must stay inside it. `revision`: the
        draft revision the change was made on (None: not checked); a stale one is a 409 and changes nothing.
        """
        async with write_transaction(EditSession._meta.db):
            row = await self.drafts.load_open(edit_id, actor)
            self.drafts.check_revision(row, revision)
            merged = merge(CHANGES.decode(row["changes"]), changes)
            evaluation = await self.rules.evaluate(
                row["company"], merged, await self.drafts.grant_regions(edit_id), scope=scope
            )
            encoded = msgspec.json.encode(without_unchanged(merged, evaluation)).decode()
            if encoded == row["changes"]:
                # Nothing Save would store differs: the other tabs' revision stays good.
                await self.drafts.touch(edit_id)
                row = await self.drafts.load_open(edit_id, actor)
            else:
                row = await self.drafts.advance(row, actor, {EditSession.changes: encoded})
        return await self._view(row, actor)

    async def cancel(self, edit_id: uuid.UUID, actor: Actor) -> None:
        """Discard the draft and any token waiting in it (each discarded token is audited)."""
        async with write_transaction(EditSession._meta.db):
            row = await self.drafts.load_open(edit_id, actor)
            await self.drafts.close(row, "cancelled", actor, reason="cancelled")

    async def expire_idle(self) -> int:
        """Close drafts idle past their expiry, discarding their tokens with an audit event; returns how many."""
        now = self.clock.now()
        rows = await EditSession.select().where((EditSession.status == "open") & (EditSession.expires_at <= now))
        for row in rows:
            async with write_transaction(EditSession._meta.db):
                await self.drafts.close(row, "expired", SYSTEM, reason="expired")
        return len(rows)

    async def grants_about_to_expire(self, within: timedelta) -> list[dict[str, Any]]:
        """Tokens waiting in open drafts that close (idle) within `within`: someone must Save them or lose them."""
        now = self.clock.now()
        drafts = await EditSession.select(
            EditSession.id.as_alias("edit_id"),
            EditSession.expires_at,
            EditSession.company.id.as_alias("company_id"),
            EditSession.company.code.as_alias("company_code"),
            EditSession.user.display_name.as_alias("editor"),
        ).where(
            (EditSession.status == "open")
            & (EditSession.expires_at > now)
            & (EditSession.expires_at <= now + within)
            & EditSession.id.is_in(GrantTable.select(GrantTable.edit))
        )
        by_id = {draft["edit_id"]: draft for draft in drafts}
        if not by_id:
            return []
        grants = await GrantTable.select(GrantTable.edit, GrantTable.region).where(GrantTable.edit.is_in(list(by_id)))
        return [{**by_id[grant["edit"]], "region": grant["region"]} for grant in grants]

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
        expected_selling_partner_id: str | None = None,
        tested: GrantTest | None = None,
    ) -> PendingGrant:
        """Put a token obtained from Amazon into an open draft (replacing an earlier one for the region).

        The grant is flagged `seller_changed` when the stored connection belongs to another selling partner, or when
        the flow expected another one (a renewal Amazon started for a named seller). The draft's revision goes up:
        a tab that has not read the draft since must reload it before it changes or saves it.
        """
        edit_id = uuid.UUID(str(edit_id))
        async with write_transaction(EditSession._meta.db):
            now = self.clock.now()
            # First, so that a Save or Cancel of the draft running now either finishes before (and this finds the
            # draft closed) or waits for this token.
            opened = (
                await EditSession.update(
                    {
                        EditSession.revision: EditSession.revision + 1,
                        EditSession.last_activity_at: now,
                        EditSession.expires_at: now + self.idle_timeout,
                    }
                )
                .where((EditSession.id == edit_id) & (EditSession.status == "open") & (EditSession.expires_at > now))
                .returning(EditSession.company)
            )
            if not opened:
                raise Gone(
                    "The draft this token was meant for is no longer open; get the token again.", code="draft_closed"
                )
            company_id = opened[0]["company"]
            stored = (await self.connections.rows_for_owners([company_id]))[company_id].get(region)
            seller_changed = bool(
                stored and stored.get("refresh_token") and stored["selling_partner_id"] != selling_partner_id
            ) or (expected_selling_partner_id is not None and expected_selling_partner_id != selling_partner_id)
            await GrantTable.delete().where((GrantTable.edit == edit_id) & (GrantTable.region == region.value))
            await GrantTable.insert(
                GrantTable(
                    id=uuid.uuid4(),
                    edit=edit_id,
                    region=region.value,
                    selling_partner_id=selling_partner_id,
                    refresh_token=self.drafts.seal("refresh_token", edit_id, region, refresh_token),
                    access_token=self.drafts.seal("access_token", edit_id, region, access_token),
                    access_token_expires_at=access_token_expires_at,
                    obtained_at=obtained_at,
                    seller_changed=seller_changed,
                    **_test_columns(tested),
                )
            )
        return PendingGrant(
            region=region,
            selling_partner_id=selling_partner_id,
            token_fingerprint=fingerprint(refresh_token),
            obtained_at=obtained_at,
            seller_changed=seller_changed,
        )

    async def save(
        self,
        edit_id: uuid.UUID,
        if_match: str | None,
        request: SaveRequest,
        actor: Actor,
        scope: list[int] | None = None,
    ) -> AmazonSettings:
        """Apply the draft in one transaction (see SaveTransaction); the placement is checked against `scope` again."""
        return await self.saving.run(edit_id, if_match, request, actor, scope)

    async def _view(self, row: dict[str, Any], actor: Actor) -> Draft:
        changes = CHANGES.decode(row["changes"])
        grants = await self.drafts.grants(row["id"])
        evaluation = await self.rules.evaluate(row["company"], changes, {Region(g["region"]) for g in grants})
        editors = [e for e in await self.presence.open_editors(row["company"], actor.user_id) if not e.mine]
        return Draft(
            id=row["id"],
            company=CompanyRef(id=row["company"], code=evaluation.current["company_code"]),
            editor=actor.name,
            status=row["status"],
            base_version=row["base_version"],
            revision=row["revision"],
            created_at=row["created_at"],
            expires_at=row["expires_at"],
            changes=changes,
            values=evaluation.values,
            pending_grants=[
                PendingGrant(
                    region=Region(g["region"]),
                    selling_partner_id=g["selling_partner_id"],
                    token_fingerprint=fingerprint(self.drafts.secret(g, "refresh_token")),
                    obtained_at=g["obtained_at"],
                    seller_changed=bool(g["seller_changed"]),
                    verdict=self.rules.grant_verdict(g, evaluation),
                )
                for g in grants
            ],
            authorizations_in_progress=[
                AuthorizationInProgress(
                    region=Region(f["region"]), started_at=f["created_at"], expires_at=f["expires_at"]
                )
                for f in await self.drafts.authorizations_in_progress(row["id"])
            ],
            warnings=evaluation.warnings,
            other_editors=editors,
            consent_links=await self.drafts.consent_links(row["company"], actor.user_id),
        )


def _test_columns(tested: GrantTest | None) -> dict[str, Any]:
    """The grant's columns for what the test of its access token found (app/amazon/grant_check.py)."""
    if tested is None:
        return {}
    return {
        "test_result": tested.result,
        "marketplaces_seen": msgspec.json.encode(list(tested.marketplaces_seen)).decode(),
        "tested_at": tested.tested_at,
    }
