"""Get Selling Partner API token: consent URLs with single-use states, the callback, renewal from Seller Central."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import msgspec

from app.accounts.schemas import ActiveSession
from app.amazon.connections import fingerprint
from app.amazon.credentials import AppCredentialsService
from app.amazon.endpoints import AmazonEndpoints
from app.amazon.lwa import LwaClient
from app.amazon.regions import Region
from app.amazon.settings import SettingsService, decode_marketplaces
from app.amazon.tables import AmazonConnection, OAuthFlow
from app.audit.service import Actor, AuditService
from app.companies.hierarchy import CompanyRef, HierarchyService
from app.editing.schemas import PendingGrant
from app.editing.service import EditService
from app.lib.clock import Clock
from app.lib.database import write_transaction
from app.lib.errors import BadInput, Conflict, NotFound, PermissionDenied
from app.lib.ratelimit import TOKEN_ACTIONS_PER_USER, RateLimiter
from app.lib.wire import Struct

FLOW_LIFETIME = timedelta(minutes=10)


class AuthorizationStarted(Struct):
    """Where to send the browser for Amazon's consent; the state inside the URL works once, for 10 minutes."""

    region: Region
    consent_url: str
    expires_at: datetime


class RenewalPlan(msgspec.Struct, frozen=True):
    """A renewal that Amazon's Log-in URI asked for, as the user is asked to confirm it."""

    company: CompanyRef
    region: Region
    selling_partner_id: str
    callback: str
    amazon_state: str


class TokenReceived(msgspec.Struct, frozen=True):
    edit_id: uuid.UUID
    company: CompanyRef
    grant: PendingGrant


def _hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


class OAuthService:
    def __init__(
        self,
        clock: Clock,
        endpoints: AmazonEndpoints,
        credentials: AppCredentialsService,
        lwa: LwaClient,
        edits: EditService,
        hierarchy: HierarchyService,
        settings: SettingsService,
        limiter: RateLimiter,
        audit: AuditService,
        environment: str,
    ) -> None:
        self.clock = clock
        self.endpoints = endpoints
        self.credentials = credentials
        self.lwa = lwa
        self.edits = edits
        self.hierarchy = hierarchy
        self.settings = settings
        self.limiter = limiter
        self.audit = audit
        self.environment = environment

    async def start(
        self,
        edit_id: uuid.UUID,
        region: Region,
        session: ActiveSession,
        actor: Actor,
        origin: str = "consent",
        expected_selling_partner_id: str | None = None,
    ) -> tuple[AuthorizationStarted, str]:
        """Begin the consent flow for `region` in an open draft of an account owner; returns the URL and state.

        `expected_selling_partner_id`: the seller Amazon named when the flow began at the Log-in URI; a token for
        another one is flagged as a seller change.
        """
        await self.limiter.hit(TOKEN_ACTIONS_PER_USER, str(session.user.id))
        async with write_transaction(OAuthFlow._meta.db):
            draft = await self.edits.drafts.load_open(edit_id, actor)
            company_id = draft["company"]
            evaluation = await self.edits.rules.evaluate(
                company_id,
                self.edits.changes_of(draft),
                await self.edits.drafts.grant_regions(edit_id),
                scope=session.user.company_scope,
            )
            company = CompanyRef(id=company_id, code=evaluation.current["company_code"])
            if evaluation.owner.id != company_id:
                raise Conflict(
                    f"{company.code} is unified with {evaluation.owner.code}: "
                    f"get the token on {evaluation.owner.code}.",
                    code="unified_member",
                )
            account_type = evaluation.values.account_type
            creds = await self.credentials.required(account_type, self.environment)
            state = secrets.token_urlsafe(32)  # 256 random bits; only its hash is stored
            now = self.clock.now()
            await OAuthFlow.insert(
                OAuthFlow(
                    state_hash=_hash(state),
                    edit=edit_id,
                    session=session.session_id,
                    user=session.user.id,
                    company=company_id,
                    region=region.value,
                    account_type=account_type,
                    environment=self.environment,
                    redirect_uri=creds["redirect_uri"],
                    origin=origin,
                    expected_selling_partner_id=expected_selling_partner_id,
                    created_at=now,
                    expires_at=now + FLOW_LIFETIME,
                )
            )
            await self.edits.drafts.touch(edit_id)
        central = self.endpoints.central(region, account_type, evaluation.values.marketplace_ids)
        url = self.endpoints.consent_url(
            central,
            application_id=creds["application_id"],
            state=state,
            redirect_uri=creds["redirect_uri"],
            draft_app=bool(creds["draft_app"]),
        )
        await self.audit.record(
            actor,
            company_id,
            "token.authorization_started",
            f"Get Selling Partner API token for {region} started",
            {"region": region.value},
        )
        return AuthorizationStarted(region=region, consent_url=url, expires_at=now + FLOW_LIFETIME), state

    async def complete(
        self, state: str, selling_partner_id: str, code: str, session: ActiveSession | None, actor: Actor
    ) -> TokenReceived:
        """Amazon's redirect: check and consume the state, exchange the code, put the grant into the draft."""
        flow = await self._consume(state, session)
        creds = await self.credentials.required(flow["account_type"], flow["environment"])
        grant = await self.lwa.exchange_code(self.credentials.client(creds), code, flow["redirect_uri"])
        now = self.clock.now()
        pending = await self.edits.attach_grant(
            flow["edit"],
            Region(flow["region"]),
            selling_partner_id=selling_partner_id,
            refresh_token=grant.refresh_token or "",
            access_token=grant.access_token,
            access_token_expires_at=now + timedelta(seconds=grant.expires_in),
            obtained_at=now,
            expected_selling_partner_id=flow["expected_selling_partner_id"],
        )
        company = await self._company(flow["company"])
        await self.audit.record(
            actor,
            company.id,
            "token.obtained",
            f"New {flow['region']} token for seller {selling_partner_id} waits in the draft (Save to store it)",
            {
                "region": flow["region"],
                "sellingPartnerId": selling_partner_id,
                "tokenFingerprint": fingerprint(grant.refresh_token),
                "sellerChanged": pending.seller_changed,
            },
        )
        return TokenReceived(edit_id=flow["edit"], company=company, grant=pending)

    async def _consume(self, state: str, session: ActiveSession | None) -> dict[str, Any]:
        rows = await OAuthFlow.select().where(OAuthFlow.state_hash == _hash(state))
        if not rows:
            raise BadInput(
                "This authorization link is unknown: start Get Selling Partner API token again.", code="unknown_state"
            )
        flow: dict[str, Any] = rows[0]
        if flow["consumed_at"] is not None:
            raise BadInput(
                "This authorization was already used: start Get Selling Partner API token again.", code="state_used"
            )
        if flow["expires_at"] <= self.clock.now():
            raise BadInput(
                "This authorization took longer than 10 minutes: start Get Selling Partner API token again.",
                code="state_expired",
            )
        if session is None or session.session_id != flow["session"]:
            raise BadInput(
                "This authorization was started in another sign-in session: start it again here.", code="state_foreign"
            )
        consumed = (
            await OAuthFlow.update({OAuthFlow.consumed_at: self.clock.now()})
            .where((OAuthFlow.id == flow["id"]) & OAuthFlow.consumed_at.is_null())
            .returning(OAuthFlow.id)
        )
        if not consumed:
            raise BadInput(
                "This authorization was already used: start Get Selling Partner API token again.", code="state_used"
            )
        return flow

    async def plan_renewal(
        self, amazon_callback_uri: str, amazon_state: str, selling_partner_id: str, session: ActiveSession
    ) -> RenewalPlan:
        """Amazon's Log-in URI, read only: which company and region the renewal is for, and where it continues.

        Only connections inside the user's scope are considered, before anything else is said about them, so an
        unknown seller and a seller of a company outside the scope answer alike. The region is the one whose
        Central site `amazon_callback_uri` names, checked with a URL parser (no open redirect, no way back into this
        app). Nothing is written: the user confirms on a page whose button POSTs (see `continue_renewal`).
        """
        if session.user.role != "admin":
            raise PermissionDenied("Only admins can renew an Amazon authorization.")
        rows = await AmazonConnection.select(AmazonConnection.company, AmazonConnection.region).where(
            (AmazonConnection.selling_partner_id == selling_partner_id) & AmazonConnection.refresh_token.is_not_null()
        )
        scope = session.user.company_scope
        if scope is not None:
            visible = await self.hierarchy.companies_within(scope)
            rows = [r for r in rows if r["company"] in visible]
        if not rows:
            raise NotFound(
                f"No company here is connected to selling partner {selling_partner_id}; nothing was stored.",
                code="unknown_seller",
            )
        settings = await self.settings.rows(sorted({r["company"] for r in rows}))
        candidates: list[RenewalPlan] = []
        refusal: BadInput | None = None
        for row in rows:
            region, account_type = Region(row["region"]), settings[row["company"]]["account_type"]
            central = self.endpoints.central(
                region, account_type, decode_marketplaces(settings[row["company"]]["marketplace_ids"])
            )
            try:
                callback = self.endpoints.amazon_callback(amazon_callback_uri, region, account_type, central)
            except BadInput as refused:
                refusal = refused
                continue
            company = CompanyRef(id=row["company"], code=settings[row["company"]]["company_code"])
            candidates.append(
                RenewalPlan(
                    company=company,
                    region=region,
                    selling_partner_id=selling_partner_id,
                    callback=callback,
                    amazon_state=amazon_state,
                )
            )
        if not candidates:
            assert refusal is not None
            raise refusal
        if len(candidates) > 1:
            raise Conflict(
                f"Several companies use selling partner {selling_partner_id}: renew from the company's "
                "settings page instead.",
                code="ambiguous_seller",
            )
        return candidates[0]

    async def continue_renewal(self, plan: RenewalPlan, session: ActiveSession, actor: Actor) -> str:
        """The user confirmed the renewal: open (or reuse) their draft, start a flow that expects the seller Amazon
        named, and return Amazon's callback URL to send the browser to."""
        draft, _ = await self.edits.begin(plan.company.id, actor)
        _, state = await self.start(
            draft.id,
            plan.region,
            session,
            actor,
            origin="seller_central",
            expected_selling_partner_id=plan.selling_partner_id,
        )
        creds = await self.credentials.required(draft.values.account_type, self.environment)
        return _with_query(
            plan.callback, {"redirect_uri": creds["redirect_uri"], "amazon_state": plan.amazon_state, "state": state}
        )

    async def _company(self, company_id: int) -> CompanyRef:
        owner = await self.hierarchy.account_owner(company_id)
        assert owner is not None
        return owner


def _with_query(url: str, extra: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query, keep_blank_values=True), *extra.items()]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))
