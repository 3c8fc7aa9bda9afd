"""Drafts as stored rows: loading them for their editor, closing them, and the change arithmetic."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import msgspec
from msgspec import UNSET

from app.amazon.regions import Region
from app.audit.service import Actor, AuditService
from app.editing.rules import Evaluation
from app.editing.schemas import ConsentLinkSent, ConsentLinkStatus, SettingsChanges
from app.editing.tables import EditSession
from app.editing.tables import PendingGrant as GrantTable
from app.lib.clock import Clock
from app.lib.crypto import Keyring
from app.lib.errors import Conflict, Gone, NotFound
from app.secrets import grant_context

CHANGES = msgspec.json.Decoder(SettingsChanges)
FIELD_NAMES = {f.name: f.encode_name for f in msgspec.structs.fields(SettingsChanges)}


def changed_elsewhere(revision: int) -> Conflict:
    """The answer to a change or Save made on a revision of the draft that is no longer the latest."""
    return Conflict(
        "This draft was changed in another tab or window: reload to see the changes.",
        code="draft_changed_elsewhere",
        fields={"revision": f"the draft is at revision {revision}"},
    )


class DraftStore:
    """Reads and closes EditSession rows; a draft is only ever visible to the user who opened it."""

    def __init__(self, clock: Clock, audit: AuditService, keyring: Keyring, idle_timeout: timedelta) -> None:
        self.clock = clock
        self.audit = audit
        self.keyring = keyring
        self.idle_timeout = idle_timeout

    def seal(self, column: str, edit_id: uuid.UUID, region: Region, value: str | None) -> str | None:
        """Encrypt a token bound to its draft and region."""
        return None if value is None else self.keyring.encrypt(value, grant_context(column, edit_id, region.value))

    def secret(self, grant: dict[str, Any], column: str) -> str | None:
        """A waiting token in clear (for Save, which re-binds it to the connection's row)."""
        value = grant.get(column)
        return None if not value else self.keyring.decrypt(value, grant_context(column, grant["edit"], grant["region"]))

    async def open_draft_of(self, company_id: int, actor: Actor) -> dict[str, Any] | None:
        rows = await EditSession.select().where(
            (EditSession.company == company_id) & (EditSession.user == actor.user_id) & (EditSession.status == "open")
        )
        for row in rows:
            if row["expires_at"] > self.clock.now():
                return row
            await self.close(row, "expired", actor, reason="expired")
        return None

    async def load(self, edit_id: uuid.UUID, actor: Actor) -> dict[str, Any]:
        rows = await EditSession.select().where((EditSession.id == edit_id) & (EditSession.user == actor.user_id))
        if not rows:
            raise NotFound(f"Draft {edit_id} does not exist.")
        return rows[0]

    async def load_open(self, edit_id: uuid.UUID, actor: Actor) -> dict[str, Any]:
        """The draft if it is still open; an idle one is closed as expired first (410)."""
        row = await self.load(edit_id, actor)
        if row["status"] == "open" and row["expires_at"] <= self.clock.now():
            await self.close(row, "expired", actor, reason="expired")
            row = await self.load(edit_id, actor)
        if row["status"] != "open":
            closed: datetime = row["closed_at"] or row["expires_at"]
            raise Gone(
                f"This draft was {row['status']} at {closed:%Y-%m-%d %H:%M:%S} UTC; begin a new edit.",
                code=f"draft_{row['status']}",
            )
        return row

    async def grants(self, edit_id: uuid.UUID) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = (
            await GrantTable.select().where(GrantTable.edit == edit_id).order_by(GrantTable.region)
        )
        return rows

    async def authorizations_in_progress(self, edit_id: uuid.UUID) -> list[dict[str, Any]]:
        # Imported here: OAuth flows belong to the amazon domain, which builds on this one.
        from app.amazon.tables import OAuthFlow

        rows: list[dict[str, Any]] = (
            await OAuthFlow.select(OAuthFlow.region, OAuthFlow.created_at, OAuthFlow.expires_at)
            .where(
                (OAuthFlow.edit == edit_id)
                & OAuthFlow.consumed_at.is_null()
                & (OAuthFlow.expires_at > self.clock.now())
            )
            .order_by(OAuthFlow.created_at)
        )
        return rows

    async def consent_links(self, company_id: int, user_id: int | None) -> list[ConsentLinkSent]:
        """The user's authorization links for the company's regions, e-mailed and not completed, withdrawn or
        replaced (whichever draft of theirs sent them)."""
        # Imported here: the links belong to the amazon domain, which builds on this one.
        from app.amazon.tables import ConsentLink

        rows = (
            await ConsentLink.select(
                ConsentLink.id,
                ConsentLink.region,
                ConsentLink.email,
                ConsentLink.created_at,
                ConsentLink.expires_at,
                ConsentLink.opened_at,
                ConsentLink.user.display_name.as_alias("requested_by"),
                ConsentLink.flow.expires_at.as_alias("flow_expires_at"),
                ConsentLink.flow.consumed_at.as_alias("flow_consumed_at"),
            )
            .where(
                (ConsentLink.company == company_id) & (ConsentLink.user == user_id) & ConsentLink.closed_at.is_null()
            )
            .order_by(ConsentLink.region)
        )
        now = self.clock.now()
        return [
            ConsentLinkSent(
                id=row["id"],
                region=Region(row["region"]),
                email=row["email"],
                requested_by=row["requested_by"],
                sent_at=row["created_at"],
                expires_at=row["expires_at"],
                status=_link_status(row, now),
                opened_at=row["opened_at"],
            )
            for row in rows
        ]

    async def grant_regions(self, edit_id: uuid.UUID) -> set[Region]:
        rows = await GrantTable.select(GrantTable.region).where(GrantTable.edit == edit_id)
        return {Region(r["region"]) for r in rows}

    @staticmethod
    def check_revision(row: dict[str, Any], revision: int | None) -> None:
        """A change sent with the revision its tab last saw must be made on the latest one (None: not checked)."""
        if revision is not None and revision != row["revision"]:
            raise changed_elsewhere(row["revision"])

    async def advance(self, row: dict[str, Any], actor: Actor, extra: dict[Any, Any] | None = None) -> dict[str, Any]:
        """Store a change computed from `row` as the draft's next revision (and record activity).

        Only while the draft is still at `row`'s revision and open: a change that landed meanwhile (another tab, on
        PostgreSQL even inside these transactions) is a 409, a draft closed meanwhile a 410; nothing is stored then.
        """
        now = self.clock.now()
        values = {
            EditSession.revision: EditSession.revision + 1,
            EditSession.last_activity_at: now,
            EditSession.expires_at: now + self.idle_timeout,
            **(extra or {}),
        }
        updated = (
            await EditSession.update(values)
            .where(
                (EditSession.id == row["id"])
                & (EditSession.revision == row["revision"])
                & (EditSession.status == "open")
            )
            .returning(EditSession.id)
        )
        current = await self.load_open(row["id"], actor)
        if not updated:
            raise changed_elsewhere(current["revision"])
        return current

    async def touch(self, edit_id: uuid.UUID, extra: dict[Any, Any] | None = None) -> None:
        """Record activity: the idle expiry starts again."""
        now = self.clock.now()
        values = {EditSession.last_activity_at: now, EditSession.expires_at: now + self.idle_timeout, **(extra or {})}
        await EditSession.update(values).where(EditSession.id == edit_id)

    async def close(self, row: dict[str, Any], status: str, actor: Actor, reason: str | None) -> None:
        """Close a draft; its waiting tokens are deleted, and (unless it was saved) each is audited as discarded."""
        await EditSession.update({EditSession.status: status, EditSession.closed_at: self.clock.now()}).where(
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


def _link_status(row: dict[str, Any], now: datetime) -> ConsentLinkStatus:
    if row["opened_at"] is None:
        return "waiting" if row["expires_at"] > now else "expired"
    flow_open = row["flow_consumed_at"] is None and (row["flow_expires_at"] or now) > now
    return "opened" if flow_open else "unfinished"


def merge(stored: SettingsChanges, incoming: SettingsChanges) -> SettingsChanges:
    updates = {name: value for name in FIELD_NAMES if (value := getattr(incoming, name)) is not UNSET}
    return msgspec.structs.replace(stored, **updates)


def stored_value(name: str, current: dict[str, Any]) -> Any:
    if name == "parent_id":
        return current["company_parent"]
    if name == "unified":
        return bool(current["company_unified"]) and current["company_parent"] is not None
    if name == "language":
        return current["company_language"]
    if name == "marketplace_ids":
        return msgspec.json.decode(current["marketplace_ids"] or "[]")
    value = current[name]
    return bool(value) if isinstance(value, int) and name.endswith("enabled") else value


def without_unchanged(changes: SettingsChanges, evaluation: Evaluation) -> SettingsChanges:
    """Drop changes that set a field back to its stored value, so the draft lists only real changes."""
    same = {
        name: UNSET
        for name in FIELD_NAMES
        if (value := getattr(changes, name)) is not UNSET and value == stored_value(name, evaluation.current)
    }
    return msgspec.structs.replace(changes, **same)


def diff(changes: SettingsChanges, current: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        FIELD_NAMES[name]: {"from": stored_value(name, current), "to": value}
        for name in FIELD_NAMES
        if (value := getattr(changes, name)) is not UNSET
    }
