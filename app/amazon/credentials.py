"""The app's own SP-API credentials (one record per account type and environment), read for flows and for admins."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from app.amazon.connections import fingerprint
from app.amazon.lwa import ClientCredentials
from app.amazon.regions import AccountType
from app.amazon.schemas import AppCredentials
from app.amazon.status import days_left
from app.amazon.tables import IntegrationCredentials
from app.lib.clock import Clock
from app.lib.crypto import Keyring
from app.lib.errors import RuleViolation
from app.secrets import credentials_context

Environment = Literal["production", "sandbox"]
ACCOUNT_TYPES: tuple[AccountType, ...] = ("seller", "vendor")
ENVIRONMENTS: tuple[Environment, ...] = ("production", "sandbox")
CLIENT_SECRET_LIFETIME = timedelta(days=180)


class AppCredentialsService:
    def __init__(self, clock: Clock, keyring: Keyring) -> None:
        self.clock = clock
        self.keyring = keyring

    async def row(self, account_type: str, environment: str) -> dict[str, Any] | None:
        rows = await IntegrationCredentials.select(
            *IntegrationCredentials.all_columns(),
            IntegrationCredentials.updated_by.display_name.as_alias("updated_by_name"),
        ).where(
            (IntegrationCredentials.account_type == account_type) & (IntegrationCredentials.environment == environment)
        )
        return rows[0] if rows else None

    async def required(self, account_type: str, environment: str) -> dict[str, Any]:
        """The record a flow needs; a clear 422 when an admin has not set it up yet."""
        row = await self.row(account_type, environment)
        if row is None or not row["lwa_client_secret"]:
            raise RuleViolation(
                f"No app credentials for {account_type} accounts ({environment}) yet: an admin must enter the "
                "application ID, LWA client ID and secret first.",
                code="app_credentials_missing",
            )
        return row

    def client(self, row: dict[str, Any]) -> ClientCredentials:
        return ClientCredentials(client_id=row["lwa_client_id"], client_secret=self.secret(row) or "")

    def secret(self, row: dict[str, Any]) -> str | None:
        value = row.get("lwa_client_secret")
        if not value:
            return None
        return self.keyring.decrypt(value, credentials_context(row["account_type"], row["environment"]))

    def seal(self, account_type: str, environment: str, secret: str) -> str:
        return self.keyring.encrypt(secret, credentials_context(account_type, environment))

    async def install(
        self,
        account_type: str,
        environment: str,
        *,
        application_id: str,
        client_id: str,
        client_secret: str,
        redirect_uri: str,
        draft_app: bool = False,
    ) -> None:
        """First set-up of a record (demo seeding, tests); every later change goes through a draft and Save."""
        if await self.row(account_type, environment) is not None:
            return
        now = self.clock.now()
        await IntegrationCredentials.insert(
            IntegrationCredentials(
                account_type=account_type,
                environment=environment,
                application_id=application_id,
                lwa_client_id=client_id,
                lwa_client_secret=self.seal(account_type, environment, client_secret),
                client_secret_expires_at=now + CLIENT_SECRET_LIFETIME,
                redirect_uri=redirect_uri,
                draft_app=draft_app,
                version=1,
                updated_at=now,
            )
        )

    async def all(self) -> list[AppCredentials]:
        rows = {(r["account_type"], r["environment"]): r for r in await self._rows()}
        return [self.view(t, e, rows.get((t, e))) for t in ACCOUNT_TYPES for e in ENVIRONMENTS]

    async def _rows(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await IntegrationCredentials.select(
            *IntegrationCredentials.all_columns(),
            IntegrationCredentials.updated_by.display_name.as_alias("updated_by_name"),
        )
        return result

    def view(self, account_type: AccountType, environment: Environment, row: dict[str, Any] | None) -> AppCredentials:
        if row is None:
            return AppCredentials(account_type=account_type, environment=environment, configured=False, version=0)
        expires = row["client_secret_expires_at"]
        return AppCredentials(
            account_type=account_type,
            environment=environment,
            configured=bool(row["lwa_client_secret"]),
            version=row["version"],
            application_id=row["application_id"],
            lwa_client_id=row["lwa_client_id"],
            client_secret_fingerprint=fingerprint(self.secret(row)),
            client_secret_expires_at=expires,
            days_until_secret_expires=days_left(expires, self.clock.now()),
            redirect_uri=row["redirect_uri"],
            draft_app=bool(row["draft_app"]),
            updated_at=row["updated_at"],
            updated_by=row["updated_by_name"],
        )
