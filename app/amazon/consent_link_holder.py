"""The account holder's side of an e-mailed authorization link: its page, its button (Amazon's consent in the admin's
draft, bound to the holder's browser), Amazon's Log-in URI step on the way, and the token arriving (DESIGN §13)."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from typing import Any

import msgspec

from app.accounts.tables import User
from app.amazon.consent_link_mail import central_of
from app.amazon.consent_links import hashed
from app.amazon.link_grants import LINK_ORIGIN, HolderGrant
from app.amazon.login_uri import LoginUriService, with_query
from app.amazon.oauth import OAuthService, TokenReceived
from app.amazon.regions import MARKETPLACES, AccountType, Region
from app.amazon.settings import SettingsService
from app.amazon.tables import ConsentLink, OAuthFlow
from app.audit.notifications import NotificationService
from app.audit.service import Actor
from app.companies.hierarchy import HierarchyService
from app.editing.service import EditService
from app.lib.clock import Clock
from app.lib.database import write_transaction
from app.lib.errors import Gone, NotFound
from app.lib.i18n import Language, as_language, phrase


class HolderPage(msgspec.Struct, frozen=True):
    """What the link's page names: the company and the region, nothing else."""

    company_name: str
    region: Region
    account_type: AccountType
    language: Language
    expires_at: datetime
    central_sites: tuple[str, ...]


class HolderLoginStep(msgspec.Struct, frozen=True):
    """Amazon called the Log-in URI inside the holder's consent (FACTS §1): the flow it continues, as the holder is
    asked to confirm it."""

    flow_id: int
    company_name: str
    region: Region
    account_type: AccountType
    language: Language
    selling_partner_id: str
    callback: str
    amazon_state: str
    beta: bool


class ConsentLinkHolders:
    """What the account holder does with a link, and what happens when Amazon's redirect brings their token
    (app.amazon.link_grants.LinkGrants)."""

    def __init__(
        self,
        clock: Clock,
        edits: EditService,
        oauth: OAuthService,
        login_uri: LoginUriService,
        settings: SettingsService,
        hierarchy: HierarchyService,
        notifications: NotificationService,
    ) -> None:
        self.clock = clock
        self.edits = edits
        self.oauth = oauth
        self.login_uri = login_uri
        self.settings = settings
        self.hierarchy = hierarchy
        self.notifications = notifications

    async def page(self, token: str) -> HolderPage:
        """What the link's page shows; NotFound for an unknown link, Gone for one that no longer works. Reads only."""
        link = await self._usable(token)
        rows = await self.settings.rows([link["company"]])
        company = rows[link["company"]]
        region, account_type = Region(link["region"]), link["account_type"]
        # The page's form answers with a redirect to Amazon: every Central site of the region may be its target.
        centrals = {
            self.oauth.endpoints.central(region, account_type, [m.id])
            for m in MARKETPLACES.values()
            if m.region == region
        }
        return HolderPage(
            company_name=company["company_name"],
            region=region,
            account_type=account_type,
            language=as_language(company["company_language"]),
            expires_at=link["expires_at"],
            central_sites=tuple(sorted(centrals)),
        )

    async def start(self, token: str, browser: str, holder: Actor) -> str:
        """The holder's button: spend the link and start Amazon's consent, exactly as the admin's flow does, in the
        admin's draft (a new one of theirs when it has closed), bound to this browser; returns Amazon's consent URL.

        Anything that stops the flow (the admin lost the right, the company became unified, another account type)
        leaves the link as it was and answers Gone or the rule's error.
        """
        async with write_transaction(ConsentLink._meta.db):
            now = self.clock.now()
            opened = (
                await ConsentLink.update({ConsentLink.opened_at: now})
                .where(
                    (ConsentLink.token_hash == hashed(token))
                    & ConsentLink.opened_at.is_null()
                    & ConsentLink.closed_at.is_null()
                    & (ConsentLink.expires_at > now)
                )
                .returning(*ConsentLink.all_columns())
            )
            if not opened:
                await self._usable(token)  # says which: unknown (404) or no longer valid (410)
                raise _no_longer_valid()
            link = opened[0]
            admin, scope = await self._admin(link["user"], link["company"])
            edit_id = await self._draft(link, admin)
            region = Region(link["region"])
            started, state = await self.oauth.begin_flow(
                edit_id,
                region,
                admin,
                scope=scope,
                session_id=None,
                origin=LINK_ORIGIN,
                account_type=link["account_type"],
                marketplace_id=link["marketplace_id"],
                browser_hash=hashed(browser),
                audit_actor=_holder(holder, link["email"]),
            )
            flow = await OAuthFlow.select(OAuthFlow.id).where(OAuthFlow.state_hash == hashed(state))
            await ConsentLink.update({ConsentLink.flow: flow[0]["id"]}).where(ConsentLink.id == link["id"])
        return started.consent_url

    async def _usable(self, token: str) -> dict[str, Any]:
        rows = await ConsentLink.select().where(ConsentLink.token_hash == hashed(token))
        if not rows:
            raise NotFound("This authorization link is unknown.", code="unknown_link")
        link: dict[str, Any] = rows[0]
        if link["opened_at"] is not None or link["closed_at"] is not None or link["expires_at"] <= self.clock.now():
            raise _no_longer_valid()
        return link

    async def _admin(self, user_id: int, company_id: int) -> tuple[Actor, list[int] | None]:
        """The admin who sent the link, while they may still authorize this company (active, admin, in scope)."""
        rows = await User.select(User.display_name, User.role, User.is_active, User.company_scope).where(
            User.id == user_id
        )
        if not rows or not rows[0]["is_active"] or rows[0]["role"] != "admin":
            raise _no_longer_valid()
        raw = rows[0]["company_scope"]
        scope = None if raw is None else msgspec.json.decode(raw, type=list[int])
        if scope is not None and not await self.hierarchy.within(company_id, scope):
            raise _no_longer_valid()
        return Actor(user_id=user_id, name=rows[0]["display_name"]), scope

    async def _draft(self, link: dict[str, Any], admin: Actor) -> uuid.UUID:
        """The link's draft while it is open, else the admin's open draft of the company (a new one if none)."""
        try:
            draft = await self.edits.drafts.load_open(link["edit"], admin)
            return uuid.UUID(str(draft["id"]))
        except Gone:
            begun, _ = await self.edits.begin(link["company"], admin)
            return begun.id

    # -- when Amazon's redirect brings the token (app.amazon.oauth.LinkGrants) ---------------------------------

    async def admin_of(self, flow: dict[str, Any]) -> Actor:
        admin, _ = await self._admin(flow["user"], flow["company"])
        return admin

    async def draft_for(self, flow: dict[str, Any], admin: Actor) -> uuid.UUID:
        begun, _ = await self.edits.begin(flow["company"], admin)
        return begun.id

    async def granted(self, flow: dict[str, Any], received: TokenReceived, admin: Actor) -> HolderGrant:
        """Close the link and tell the admin that the token waits in their draft (Save stores it)."""
        now = self.clock.now()
        closed = (
            await ConsentLink.update(
                {ConsentLink.closed_at: now, ConsentLink.closed_reason: "completed", ConsentLink.current_key: None}
            )
            .where(ConsentLink.flow == flow["id"])
            .returning(ConsentLink.id, ConsentLink.email)
        )
        rows = await self.settings.rows([received.company.id])
        company = rows[received.company.id]
        region, code = received.grant.region, received.company.code
        names = {
            "region": region.value,
            "code": code,
            "central": central_of(company["account_type"]),
            "seller": received.grant.selling_partner_id,
        }
        await self.notifications.notify(
            dedupe_key=f"consent-link-authorized:{closed[0]['id'] if closed else flow['id']}",
            kind="consent_link_authorized",
            severity="info",
            company_id=received.company.id,
            title=[phrase("The account holder authorized {region} for {code} — Save to store it", **names)],
            body=[
                phrase(
                    "{email} authorized the {central} account {seller} for {code} in {region}.",
                    email=closed[0]["email"],
                    **names,
                )
                if closed
                else phrase(
                    "The account holder authorized the {central} account {seller} for {code} in {region}.", **names
                ),
                phrase(
                    "The new token waits in the draft of the admin who sent the link: Edit shows it there, and Save "
                    "stores it."
                ),
            ],
        )
        return HolderGrant(company_name=company["company_name"], language=as_language(company["company_language"]))

    async def language_of_browser(self, browser: str | None) -> Language | None:
        """The language of the company whose link this browser followed last (for the holder's failure page)."""
        if not browser or len(browser) > 128:
            return None
        rows = await OAuthFlow.select(OAuthFlow.company.language.as_alias("language")).where(
            OAuthFlow.browser_hash == hashed(browser)
        )
        return as_language(rows[0]["language"]) if rows else None

    # -- Amazon's Log-in URI inside the holder's consent ------------------------------------------------------

    async def login_step(
        self, browser: str | None, amazon_callback_uri: str, amazon_state: str, selling_partner_id: str, beta: bool
    ) -> HolderLoginStep | None:
        """The holder's open flow that a call of the Log-in URI continues (None: this browser has none). Reads only;
        BadInput when the callback is not Amazon's for the flow's region and account type."""
        if not browser or len(browser) > 128:
            return None
        rows = await OAuthFlow.select(
            OAuthFlow.id,
            OAuthFlow.company,
            OAuthFlow.region,
            OAuthFlow.account_type,
            OAuthFlow.company.name.as_alias("company_name"),
            OAuthFlow.company.language.as_alias("language"),
        ).where(
            (OAuthFlow.browser_hash == hashed(browser))
            & (OAuthFlow.origin == LINK_ORIGIN)
            & OAuthFlow.consumed_at.is_null()
            & (OAuthFlow.expires_at > self.clock.now())
        )
        if not rows:
            return None
        flow = rows[0]
        region = Region(flow["region"])
        callback = await self.login_uri.callback_for(amazon_callback_uri, flow["company"], region)
        return HolderLoginStep(
            flow_id=flow["id"],
            company_name=flow["company_name"],
            region=region,
            account_type=flow["account_type"],
            language=as_language(flow["language"]),
            selling_partner_id=selling_partner_id,
            callback=callback,
            amazon_state=amazon_state,
            beta=beta,
        )

    async def continue_login_step(self, browser: str, step: HolderLoginStep) -> str:
        """The holder confirmed: a new state for their flow (expecting the seller Amazon named), and where Amazon
        continues."""
        state = secrets.token_urlsafe(32)
        rows = (
            await OAuthFlow.update(
                {OAuthFlow.state_hash: hashed(state), OAuthFlow.expected_selling_partner_id: step.selling_partner_id}
            )
            .where(
                (OAuthFlow.id == step.flow_id)
                & (OAuthFlow.browser_hash == hashed(browser))
                & OAuthFlow.consumed_at.is_null()
                & (OAuthFlow.expires_at > self.clock.now())
            )
            .returning(OAuthFlow.redirect_uri, OAuthFlow.account_type, OAuthFlow.environment)
        )
        if not rows:
            raise _no_longer_valid()
        creds = await self.oauth.credentials.required(rows[0]["account_type"], rows[0]["environment"])
        query = {"redirect_uri": rows[0]["redirect_uri"], "amazon_state": step.amazon_state, "state": state}
        if step.beta or creds["draft_app"]:
            query["version"] = "beta"
        return with_query(step.callback, query)


def _holder(holder: Actor, email: str) -> Actor:
    return Actor(user_id=None, name=f"Account holder ({email})"[:200], ip=holder.ip, user_agent=holder.user_agent)


def _no_longer_valid() -> Gone:
    return Gone(
        "This authorization link is no longer valid: it has expired, was used already or was withdrawn.",
        code="link_no_longer_valid",
    )
