"""Amazon's Log-in URI: continue the user's open consent, renew a known seller, or connect a new one from the Appstore.

Amazon opens the app's Log-in URI in three situations (FACTS §1): inside the website workflow after the partner's
consent (as integrators report for draft apps), when a partner re-authorizes in Seller Central, and when a new
partner starts in Amazon's Appstore. Each is planned read-only first (`plan`), shown to the user, and carried out
only by the confirmation's POST (`carry_out`).
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import msgspec

from app.accounts.schemas import ActiveSession
from app.amazon.credentials import AppCredentialsService
from app.amazon.endpoints import AmazonEndpoints
from app.amazon.oauth import OAuthService
from app.amazon.regions import AccountType, Region
from app.amazon.settings import SettingsService, decode_marketplaces
from app.amazon.tables import AmazonConnection, OAuthFlow
from app.audit.service import Actor
from app.companies.hierarchy import CompanyRef, HierarchyService
from app.companies.tables import Company
from app.editing.service import EditService
from app.lib.clock import Clock
from app.lib.errors import BadInput, Conflict, NotFound, PermissionDenied

LoginKind = Literal["continue", "renewal", "appstore"]


class LoginPlan(msgspec.Struct, frozen=True):
    """What a call of the Log-in URI would do, as the user is asked to confirm it.

    `continue`: the consent the user started with Get Selling Partner API token (`flow_id`), whoever the seller;
    `renewal`: a seller already connected to `company`; `appstore`: a seller unknown here, for a company the admin
    names on the confirmation page (`company` is None until then).
    """

    kind: LoginKind
    region: Region
    account_type: AccountType
    selling_partner_id: str
    callback: str
    amazon_state: str
    beta: bool
    company: CompanyRef | None = None
    flow_id: int | None = None


class LoginUriService:
    def __init__(
        self,
        clock: Clock,
        endpoints: AmazonEndpoints,
        credentials: AppCredentialsService,
        oauth: OAuthService,
        edits: EditService,
        hierarchy: HierarchyService,
        settings: SettingsService,
        environment: str,
    ) -> None:
        self.clock = clock
        self.endpoints = endpoints
        self.credentials = credentials
        self.oauth = oauth
        self.edits = edits
        self.hierarchy = hierarchy
        self.settings = settings
        self.environment = environment

    async def plan(
        self,
        amazon_callback_uri: str,
        amazon_state: str,
        selling_partner_id: str,
        session: ActiveSession,
        beta: bool = False,
    ) -> LoginPlan:
        """Which of the three situations this call is, read only; BadInput when the callback is not Amazon's.

        The user's own open consent comes first (for any seller, in its region); then a seller connected to a
        company of the user's scope, in the region Amazon's callback host names (an unknown seller and one outside
        the scope answer alike: both become an Appstore authorization); "several companies use …" only after that.
        """
        if session.user.role != "admin":
            raise PermissionDenied("Only admins can authorize an Amazon account.")

        def planned(
            kind: LoginKind, region: Region, account_type: AccountType, callback: str, **known: Any
        ) -> LoginPlan:
            return LoginPlan(
                kind=kind,
                region=region,
                account_type=account_type,
                selling_partner_id=selling_partner_id,
                callback=callback,
                amazon_state=amazon_state,
                beta=beta,
                **known,
            )

        refusal: BadInput | None = None
        for flow in await self._open_flows(session):
            try:
                callback = await self.callback_for(amazon_callback_uri, flow["company"], Region(flow["region"]))
            except BadInput as refused:
                refusal = refused
                continue
            company = CompanyRef(id=flow["company"], code=flow["company_code"])
            return planned(
                "continue", Region(flow["region"]), flow["account_type"], callback, company=company, flow_id=flow["id"]
            )
        renewals: list[LoginPlan] = []
        for company_id, region in await self._connected(selling_partner_id, session.user.company_scope):
            try:
                callback = await self.callback_for(amazon_callback_uri, company_id, region)
            except BadInput as refused:
                refusal = refused
                continue
            rows = await self.settings.rows([company_id])
            company = CompanyRef(id=company_id, code=rows[company_id]["company_code"])
            account_type = rows[company_id]["account_type"]
            renewals.append(planned("renewal", region, account_type, callback, company=company))
        if len(renewals) > 1:
            raise Conflict(
                f"Several companies use selling partner {selling_partner_id}: renew from the company's "
                "settings page instead.",
                code="ambiguous_seller",
            )
        if renewals:
            return renewals[0]
        site = self.endpoints.callback_site(amazon_callback_uri)
        if site is None:
            raise refusal or self.endpoints.foreign_callback()
        region, account_type = site
        callback = self.endpoints.amazon_callback(amazon_callback_uri, region, account_type, "")
        return planned("appstore", region, account_type, callback)

    async def carry_out(
        self, plan: LoginPlan, session: ActiveSession, actor: Actor, company_code: str | None = None
    ) -> str:
        """The user confirmed: continue, renew or start the authorization, and return where Amazon continues.

        The flow remembers the seller Amazon named; a token of another one is a seller change Save must confirm.
        """
        if plan.kind == "continue":
            assert plan.flow_id is not None
            state, redirect_uri, draft_app = await self._restate(plan.flow_id, plan.selling_partner_id, session)
        else:
            company = plan.company or await self._chosen_company(company_code, session.user.company_scope)
            draft, _ = await self.edits.begin(company.id, actor)
            _, state = await self.oauth.start(
                draft.id,
                plan.region,
                session,
                actor,
                origin="seller_central" if plan.kind == "renewal" else "appstore",
                expected_selling_partner_id=plan.selling_partner_id,
                account_type=plan.account_type,
            )
            creds = await self.credentials.required(plan.account_type, self.environment)
            redirect_uri, draft_app = creds["redirect_uri"], bool(creds["draft_app"])
        query = {"redirect_uri": redirect_uri, "amazon_state": plan.amazon_state, "state": state}
        if plan.beta or draft_app:
            # A draft app's authorization needs it here too, or Amazon authorizes the published app (FACTS §1).
            query["version"] = "beta"
        return with_query(plan.callback, query)

    async def _open_flows(self, session: ActiveSession) -> list[dict[str, Any]]:
        """The consents this sign-in session started with Get Selling Partner API token and has not finished."""
        rows: list[dict[str, Any]] = (
            await OAuthFlow.select(
                OAuthFlow.id,
                OAuthFlow.company,
                OAuthFlow.company.code.as_alias("company_code"),
                OAuthFlow.region,
                OAuthFlow.account_type,
            )
            .where(
                (OAuthFlow.session == session.session_id)
                & (OAuthFlow.origin == "consent")
                & OAuthFlow.consumed_at.is_null()
                & (OAuthFlow.expires_at > self.clock.now())
            )
            .order_by(OAuthFlow.created_at, ascending=False)
        )
        return rows

    async def _connected(self, selling_partner_id: str, scope: list[int] | None) -> list[tuple[int, Region]]:
        """The (company, region) connections of this seller that the user may see."""
        rows = await AmazonConnection.select(AmazonConnection.company, AmazonConnection.region).where(
            (AmazonConnection.selling_partner_id == selling_partner_id) & AmazonConnection.refresh_token.is_not_null()
        )
        visible = await self.hierarchy.companies_within(scope) if scope is not None else None
        return [(r["company"], Region(r["region"])) for r in rows if visible is None or r["company"] in visible]

    async def callback_for(self, amazon_callback_uri: str, company_id: int, region: Region) -> str:
        """The callback checked for this company's account type and region (relative: against its Central site)."""
        row = (await self.settings.rows([company_id]))[company_id]
        account_type = row["account_type"]
        central = self.endpoints.central(region, account_type, decode_marketplaces(row["marketplace_ids"]))
        return self.endpoints.amazon_callback(amazon_callback_uri, region, account_type, central)

    async def _restate(self, flow_id: int, selling_partner_id: str, session: ActiveSession) -> tuple[str, str, bool]:
        """A new state for the open flow (only the hash of the first was kept), now expecting Amazon's seller."""
        state = secrets.token_urlsafe(32)
        rows = (
            await OAuthFlow.update(
                {
                    OAuthFlow.state_hash: hashlib.sha256(state.encode()).hexdigest(),
                    OAuthFlow.expected_selling_partner_id: selling_partner_id,
                }
            )
            .where(
                (OAuthFlow.id == flow_id)
                & (OAuthFlow.session == session.session_id)
                & OAuthFlow.consumed_at.is_null()
                & (OAuthFlow.expires_at > self.clock.now())
            )
            .returning(OAuthFlow.redirect_uri, OAuthFlow.account_type, OAuthFlow.environment)
        )
        if not rows:
            raise BadInput(
                "This authorization was already used or has expired: start Get Selling Partner API token again.",
                code="state_used",
            )
        creds = await self.credentials.required(rows[0]["account_type"], rows[0]["environment"])
        return state, rows[0]["redirect_uri"], bool(creds["draft_app"])

    async def _chosen_company(self, code: str | None, scope: list[int] | None) -> CompanyRef:
        """The company the admin named for an Appstore authorization; unknown and out-of-scope answer alike."""
        code = (code or "").strip().upper()
        rows = await Company.select(Company.id, Company.code).where(Company.code == code) if code else []
        if not rows or (scope is not None and not await self.hierarchy.within(rows[0]["id"], scope)):
            raise NotFound(
                f"No company {code[:32] or '(none given)'} among yours: enter the code of the company this Amazon "
                "account is for.",
                code="unknown_company",
                fields={"companyCode": "no such company"},
            )
        return CompanyRef(id=rows[0]["id"], code=rows[0]["code"])


def with_query(url: str, extra: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query, keep_blank_values=True), *extra.items()]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))
