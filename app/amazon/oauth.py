"""Get Selling Partner API token: consent URLs with single-use states, the callback, renewal from Seller Central."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any

import msgspec

from app.accounts.schemas import ActiveSession
from app.amazon.connections import fingerprint
from app.amazon.credentials import AppCredentialsService
from app.amazon.endpoints import AmazonEndpoints
from app.amazon.grant_check import GrantTester
from app.amazon.link_grants import LINK_ORIGIN, HolderGrant, LinkGrants
from app.amazon.lwa import LwaClient
from app.amazon.regions import AccountType, Region, check_marketplace
from app.amazon.settings import SettingsService
from app.amazon.spapi import Partner, SpApiClient
from app.amazon.tables import OAuthFlow
from app.audit.service import Actor, AuditService
from app.companies.hierarchy import CompanyRef, HierarchyService
from app.editing.schemas import MarketplaceId, PendingGrant
from app.editing.service import EditService
from app.lib.clock import Clock
from app.lib.database import write_transaction
from app.lib.errors import BadInput, Conflict, Gone, RuleViolation
from app.lib.ratelimit import TOKEN_ACTIONS_PER_USER, RateLimiter
from app.lib.wire import InputStruct, Struct

FLOW_LIFETIME = timedelta(minutes=10)


class AuthorizeRequest(InputStruct):
    """Optional body of Get Selling Partner API token: the marketplace (country) whose Seller or Vendor Central the
    partner logs in to. Left out: the company's configured marketplace in the region, else the region's main site."""

    marketplace_id: MarketplaceId | None = None


class AuthorizationStarted(Struct):
    """Where to send the browser for Amazon's consent; the state inside the URL works once, for 10 minutes."""

    region: Region
    consent_url: str
    expires_at: datetime


class TokenReceived(msgspec.Struct, frozen=True):
    edit_id: uuid.UUID
    company: CompanyRef
    grant: PendingGrant
    # Set when the account holder authorized through an e-mailed link (no ERP session): a page of its own.
    holder: HolderGrant | None = None


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
        spapi: SpApiClient,
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
        self.tester = GrantTester(clock, spapi)
        # Set by the composition root (the links build on this service).
        self.link_grants: LinkGrants | None = None

    async def start(
        self,
        edit_id: uuid.UUID,
        region: Region,
        session: ActiveSession,
        actor: Actor,
        origin: str = "consent",
        expected_selling_partner_id: str | None = None,
        account_type: AccountType | None = None,
        marketplace_id: str | None = None,
    ) -> tuple[AuthorizationStarted, str]:
        """Begin the consent flow for `region` in an open draft of an account owner; returns the URL and state.

        `expected_selling_partner_id`: the seller Amazon named when the flow began at the Log-in URI; a token for
        another one is flagged as a seller change. `account_type`: the kind of account Amazon's page is for, which
        the company's settings must have. `marketplace_id`: the country whose Central site the partner logs in to (one
        of the region's); None: the company's configured marketplace in the region, else the region's main site.
        """
        if marketplace_id is not None:
            check_marketplace(marketplace_id, region)
        await self.limiter.hit(TOKEN_ACTIONS_PER_USER, str(session.user.id))
        return await self.begin_flow(
            edit_id,
            region,
            actor,
            scope=session.user.company_scope,
            session_id=session.session_id,
            origin=origin,
            expected_selling_partner_id=expected_selling_partner_id,
            account_type=account_type,
            marketplace_id=marketplace_id,
        )

    async def begin_flow(
        self,
        edit_id: uuid.UUID,
        region: Region,
        actor: Actor,
        *,
        scope: list[int] | None,
        session_id: int | None,
        origin: str,
        expected_selling_partner_id: str | None = None,
        account_type: AccountType | None = None,
        marketplace_id: str | None = None,
        browser_hash: str | None = None,
        audit_actor: Actor | None = None,
    ) -> tuple[AuthorizationStarted, str]:
        """`start` without the session: the flow of `actor`'s open draft, bound to `session_id`, else (the account
        holder's flow from an e-mailed link, `origin` "consent_link") to the browser whose cookie hashes to
        `browser_hash`. `audit_actor`: who is recorded as starting it (default: `actor`)."""
        async with write_transaction(OAuthFlow._meta.db):
            draft = await self.edits.drafts.load_open(edit_id, actor)
            company_id = draft["company"]
            evaluation = await self.edits.rules.evaluate(
                company_id,
                self.edits.changes_of(draft),
                await self.edits.drafts.grant_regions(edit_id),
                scope=scope,
            )
            company = CompanyRef(id=company_id, code=evaluation.current["company_code"])
            if evaluation.owner.id != company_id:
                raise Conflict(
                    f"{company.code} is unified with {evaluation.owner.code}: "
                    f"get the token on {evaluation.owner.code}.",
                    code="unified_member",
                )
            if account_type is not None and account_type != evaluation.values.account_type:
                raise RuleViolation(
                    f"{company.code} is set up for a {evaluation.values.account_type} account, but Amazon's page is "
                    f"for a {account_type} account: change the account type in a draft first.",
                    code="account_type_mismatch",
                    fields={"accountType": f"Amazon's authorization is for a {account_type} account"},
                )
            account_type = evaluation.values.account_type
            creds = await self.credentials.required(account_type, self.environment)
            state = secrets.token_urlsafe(32)  # 256 random bits; only its hash is stored
            now = self.clock.now()
            await OAuthFlow.insert(
                OAuthFlow(
                    state_hash=_hash(state),
                    edit=edit_id,
                    session=session_id,
                    user=actor.user_id,
                    company=company_id,
                    region=region.value,
                    account_type=account_type,
                    environment=self.environment,
                    redirect_uri=creds["redirect_uri"],
                    origin=origin,
                    expected_selling_partner_id=expected_selling_partner_id,
                    browser_hash=browser_hash,
                    created_at=now,
                    expires_at=now + FLOW_LIFETIME,
                )
            )
            await self.edits.drafts.touch(edit_id)
        marketplaces = [marketplace_id] if marketplace_id is not None else evaluation.values.marketplace_ids
        central = self.endpoints.central(region, account_type, marketplaces)
        url = self.endpoints.consent_url(
            central,
            application_id=creds["application_id"],
            state=state,
            redirect_uri=creds["redirect_uri"],
            draft_app=bool(creds["draft_app"]),
        )
        await self.audit.record(
            audit_actor or actor,
            company_id,
            "token.authorization_started",
            f"Get Selling Partner API token for {region} started",
            {"region": region.value},
        )
        return AuthorizationStarted(region=region, consent_url=url, expires_at=now + FLOW_LIFETIME), state

    async def complete(
        self,
        state: str,
        selling_partner_id: str,
        code: str,
        session: ActiveSession | None,
        actor: Actor,
        browser: str | None = None,
    ) -> TokenReceived:
        """Amazon's redirect: check and consume the state, exchange the code, put the grant into the draft.

        `browser`: the cookie an account holder's browser got when it started the flow from an e-mailed link (such a
        flow has no session); its token goes into the draft of the admin who sent the link, or a new draft of theirs
        when that one closed meanwhile.
        """
        flow = await self._consume(state, session, browser)
        links = self.link_grants if flow["origin"] == LINK_ORIGIN else None
        # The draft belongs to the admin who started the flow (themselves, or by sending the link).
        owner = await links.admin_of(flow) if links else actor
        creds = await self.credentials.required(flow["account_type"], flow["environment"])
        grant = await self.lwa.exchange_code(self.credentials.client(creds), code, flow["redirect_uri"])
        now = self.clock.now()
        region = Region(flow["region"])
        # One SP-API call with the new access token: a login to the wrong region or account shows before Save.
        partner = Partner(app_id=creds["application_id"], selling_partner_id=selling_partner_id)
        tested = await self.tester.test(region, flow["account_type"], grant.access_token, partner)
        edit_id: uuid.UUID = flow["edit"]

        async def attach() -> PendingGrant:
            return await self.edits.attach_grant(
                edit_id,
                region,
                selling_partner_id=selling_partner_id,
                refresh_token=grant.refresh_token or "",
                access_token=grant.access_token,
                access_token_expires_at=now + timedelta(seconds=grant.expires_in),
                obtained_at=now,
                expected_selling_partner_id=flow["expected_selling_partner_id"],
                tested=tested,
            )

        try:
            attached = await attach()
        except Gone:
            if not links:
                raise
            edit_id = await links.draft_for(flow, owner)
            attached = await attach()
        # The grant as the draft shows it, with the verdict judged against the draft's marketplaces (unless a Save
        # took it away this very moment).
        draft = await self.edits.get(edit_id, owner)
        pending = next((g for g in draft.pending_grants if g.region == region), attached)
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
                "verdict": pending.verdict.kind if pending.verdict else None,
                **({"byLink": True} if links else {}),
            },
        )
        received = TokenReceived(edit_id=edit_id, company=company, grant=pending)
        if links:
            holder = await links.granted(flow, received, owner)
            received = TokenReceived(edit_id=edit_id, company=company, grant=pending, holder=holder)
        return received

    async def _consume(self, state: str, session: ActiveSession | None, browser: str | None) -> dict[str, Any]:
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
        if flow["origin"] == LINK_ORIGIN:
            if (
                browser is None
                or flow["browser_hash"] is None
                or not hmac.compare_digest(_hash(browser), flow["browser_hash"])
            ):
                raise BadInput(
                    "This authorization was started in another browser: open the authorization link again there.",
                    code="state_foreign",
                )
        elif session is None or session.session_id != flow["session"]:
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

    async def _company(self, company_id: int) -> CompanyRef:
        owner = await self.hierarchy.account_owner(company_id)
        assert owner is not None
        return owner
