"""Edit → Save for the app's SP-API credentials: drafts per admin, a new secret waiting encrypted, one transaction."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import msgspec
from msgspec import UNSET

from app.amazon.connections import fingerprint
from app.amazon.credentials import CLIENT_SECRET_LIFETIME, AppCredentialsService
from app.amazon.schemas import AppCredentials
from app.amazon.tables import IntegrationCredentials
from app.audit.service import Actor, AuditService
from app.editing.save import parse_if_match
from app.editing.schemas import CredentialsChanges, CredentialsDraft
from app.editing.tables import CredentialsEdit
from app.lib.clock import Clock
from app.lib.crypto import Keyring
from app.lib.database import write_transaction
from app.lib.errors import Conflict, Gone, NotFound, RuleViolation
from app.secrets import credentials_edit_context

_CHANGES = msgspec.json.Decoder(CredentialsChanges)
_REQUIRED = {"application_id": "applicationId", "lwa_client_id": "lwaClientId", "redirect_uri": "redirectUri"}


class CredentialsEditService:
    def __init__(
        self,
        clock: Clock,
        keyring: Keyring,
        credentials: AppCredentialsService,
        audit: AuditService,
        idle_timeout: timedelta,
    ) -> None:
        self.clock = clock
        self.keyring = keyring
        self.credentials = credentials
        self.audit = audit
        self.idle_timeout = idle_timeout

    async def begin(self, account_type: str, environment: str, actor: Actor) -> tuple[CredentialsDraft, bool]:
        async with write_transaction(CredentialsEdit._meta.db):
            rows = await CredentialsEdit.select().where(
                (CredentialsEdit.account_type == account_type)
                & (CredentialsEdit.environment == environment)
                & (CredentialsEdit.user == actor.user_id)
                & (CredentialsEdit.status == "open")
                & (CredentialsEdit.expires_at > self.clock.now())
            )
            if rows:
                return await self._view(rows[0]), False
            current = await self.credentials.row(account_type, environment)
            now = self.clock.now()
            edit = CredentialsEdit(
                id=uuid.uuid4(),
                account_type=account_type,
                environment=environment,
                user=actor.user_id,
                base_version=current["version"] if current else 0,
                changes="{}",
                status="open",
                created_at=now,
                expires_at=now + self.idle_timeout,
            )
            await edit.save()
            row = (await CredentialsEdit.select().where(CredentialsEdit.id == edit.id))[0]
        return await self._view(row), True

    async def get(self, edit_id: uuid.UUID, actor: Actor) -> CredentialsDraft:
        return await self._view(await self._load(edit_id, actor, open_only=False))

    async def change(self, edit_id: uuid.UUID, changes: CredentialsChanges, actor: Actor) -> CredentialsDraft:
        async with write_transaction(CredentialsEdit._meta.db):
            row = await self._load(edit_id, actor)
            if changes.lwa_client_id is not UNSET and changes.lwa_client_id.startswith("amzn1.sp.solution."):
                raise RuleViolation(
                    "That is an application ID, not an LWA client ID (amzn1.application-oa2-client.…).",
                    fields={"lwaClientId": "looks like the application ID"},
                )
            stored = _CHANGES.decode(row["changes"])
            secret = changes.lwa_client_secret
            updates = {f: v for f in CredentialsChanges.__struct_fields__ if (v := getattr(changes, f)) is not UNSET}
            updates["lwa_client_secret"] = UNSET  # the secret never joins the plain-text changes
            merged = msgspec.structs.replace(stored, **updates)
            values: dict[Any, Any] = {
                CredentialsEdit.changes: msgspec.json.encode(merged).decode(),
                CredentialsEdit.expires_at: self.clock.now() + self.idle_timeout,
            }
            if secret is not UNSET:
                values[CredentialsEdit.client_secret] = self.keyring.encrypt(secret, credentials_edit_context(edit_id))
            await CredentialsEdit.update(values).where(CredentialsEdit.id == edit_id)
            row = (await CredentialsEdit.select().where(CredentialsEdit.id == edit_id))[0]
        return await self._view(row)

    async def cancel(self, edit_id: uuid.UUID, actor: Actor) -> None:
        async with write_transaction(CredentialsEdit._meta.db):
            await self._load(edit_id, actor)
            await self._close(edit_id, "cancelled")

    async def save(self, edit_id: uuid.UUID, if_match: str | None, actor: Actor) -> AppCredentials:
        expected = parse_if_match(if_match)
        async with write_transaction(CredentialsEdit._meta.db):
            row = await self._load(edit_id, actor)
            current = await self.credentials.row(row["account_type"], row["environment"])
            version = current["version"] if current else 0
            if expected != version or row["base_version"] != version:
                who = (current or {}).get("updated_by_name") or "someone"
                raise Conflict(
                    f"{who} saved these credentials meanwhile (version {version}); reload and edit again.",
                    code="stale_version",
                    fields={"If-Match": f"current version is {version}"},
                )
            values, summary = self._values(row, current)
            now = self.clock.now()
            if current is None:
                await IntegrationCredentials.insert(
                    IntegrationCredentials(
                        account_type=row["account_type"],
                        environment=row["environment"],
                        version=1,
                        updated_at=now,
                        updated_by=actor.user_id,
                        **values,
                    )
                )
            else:
                await IntegrationCredentials.update(
                    {
                        **{IntegrationCredentials._meta.get_column_by_name(k): v for k, v in values.items()},
                        IntegrationCredentials.version: version + 1,
                        IntegrationCredentials.updated_at: now,
                        IntegrationCredentials.updated_by: actor.user_id,
                    }
                ).where(IntegrationCredentials.id == current["id"])
            await self._close(edit_id, "saved")
            await self.audit.record(
                actor,
                None,
                "credentials.saved",
                f"App credentials ({row['account_type']}, {row['environment']}) saved",
                summary,
            )
        saved = await self.credentials.row(row["account_type"], row["environment"])
        return self.credentials.view(row["account_type"], row["environment"], saved)

    def _values(self, row: dict[str, Any], current: dict[str, Any] | None) -> tuple[dict[str, Any], dict[str, Any]]:
        """Column values to store and an audit summary (the secret only as a fingerprint)."""
        changes = _CHANGES.decode(row["changes"])
        values = {f: v for f in CredentialsChanges.__struct_fields__ if (v := getattr(changes, f)) is not UNSET}
        values.pop("lwa_client_secret", None)
        summary: dict[str, Any] = {"changed": sorted(_wire(f) for f in values)}
        if row["client_secret"]:
            secret = self.keyring.decrypt(row["client_secret"], credentials_edit_context(row["id"]))
            values["lwa_client_secret"] = self.credentials.seal(row["account_type"], row["environment"], secret)
            values.setdefault("client_secret_expires_at", self.clock.now() + CLIENT_SECRET_LIFETIME)
            summary["clientSecret"] = f"replaced ({fingerprint(secret)})"
        missing = [wire for f, wire in _REQUIRED.items() if f not in values and not (current and current[f])]
        if not (values.get("lwa_client_secret") or (current and current["lwa_client_secret"])):
            missing.append("lwaClientSecret")
        if missing:
            raise RuleViolation(
                f"Enter {', '.join(missing)} before saving.",
                code="credentials_incomplete",
                fields=dict.fromkeys(missing, "required"),
            )
        return values, summary

    async def _load(self, edit_id: uuid.UUID, actor: Actor, open_only: bool = True) -> dict[str, Any]:
        rows = await CredentialsEdit.select().where(
            (CredentialsEdit.id == edit_id) & (CredentialsEdit.user == actor.user_id)
        )
        if not rows:
            raise NotFound(f"Draft {edit_id} does not exist.")
        row: dict[str, Any] = rows[0]
        if open_only and (row["status"] != "open" or row["expires_at"] <= self.clock.now()):
            raise Gone("This draft of the app credentials is closed; begin a new edit.", code="draft_closed")
        return row

    async def _close(self, edit_id: uuid.UUID, status: str) -> None:
        await CredentialsEdit.update(
            {
                CredentialsEdit.status: status,
                CredentialsEdit.closed_at: self.clock.now(),
                CredentialsEdit.client_secret: None,
            }
        ).where(CredentialsEdit.id == edit_id)

    async def _view(self, row: dict[str, Any]) -> CredentialsDraft:
        current = await self.credentials.row(row["account_type"], row["environment"])
        secret = (
            self.keyring.decrypt(row["client_secret"], credentials_edit_context(row["id"]))
            if row["client_secret"]
            else None
        )
        return CredentialsDraft(
            id=row["id"],
            account_type=row["account_type"],
            environment=row["environment"],
            status=row["status"],
            base_version=row["base_version"],
            expires_at=row["expires_at"],
            changes=_CHANGES.decode(row["changes"]),
            new_secret_fingerprint=fingerprint(secret),
            current=self.credentials.view(row["account_type"], row["environment"], current),
        )


def _wire(field: str) -> str:
    head, *rest = field.split("_")
    return head + "".join(part.title() for part in rest)
