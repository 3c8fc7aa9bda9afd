"""Ask the account holder by e-mail: the admin sends, resends or withdraws a single-use authorization link that leads
to Amazon's consent without an ERP account (the holder's side: app/amazon/consent_link_holder.py); its token waits in
the admin's draft until Save (DESIGN §13)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import timedelta
from typing import Any

from app.accounts.schemas import ActiveSession
from app.amazon.consent_link_mail import authorization_mail
from app.amazon.oauth import OAuthService
from app.amazon.regions import Region, check_marketplace
from app.amazon.tables import ConsentLink, OAuthFlow
from app.audit.notifications import Mailer
from app.audit.service import Actor, AuditService
from app.editing.schemas import ConsentLinkSent, Email, MarketplaceId
from app.editing.service import EditService
from app.lib.clock import Clock
from app.lib.database import write_transaction
from app.lib.errors import Conflict, NotFound
from app.lib.i18n import Translator
from app.lib.ratelimit import CONSENT_LINKS_PER_ACCOUNT, CONSENT_LINKS_PER_USER, RateLimiter
from app.lib.wire import InputStruct

LINK_LIFETIME = timedelta(days=7)
LINK_PATH = "/oauth/amazon/consent"


class ConsentLinkRequest(InputStruct):
    """Send the authorization link for a region to the holder of the Seller or Vendor Central account.

    `marketplaceId`: the country whose Central site the holder logs in to, as for Get Selling Partner API token."""

    email: Email
    marketplace_id: MarketplaceId | None = None


def hashed(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ConsentLinkService:
    def __init__(
        self,
        clock: Clock,
        public_url: str,
        edits: EditService,
        oauth: OAuthService,
        limiter: RateLimiter,
        audit: AuditService,
        mailer: Mailer,
    ) -> None:
        self.clock = clock
        self.public_url = public_url.rstrip("/")
        self.edits = edits
        self.oauth = oauth
        self.limiter = limiter
        self.audit = audit
        self.mailer = mailer

    # -- the admin's side ---------------------------------------------------------------------------------------

    async def send(
        self, edit_id: uuid.UUID, region: Region, request: ConsentLinkRequest, session: ActiveSession, actor: Actor
    ) -> ConsentLinkSent:
        """E-mail a new link for `region` of the draft's company; the admin's earlier link there stops working."""
        if request.marketplace_id is not None:
            check_marketplace(request.marketplace_id, region)
        token = secrets.token_urlsafe(32)  # 256 random bits; only the hash is stored
        async with write_transaction(ConsentLink._meta.db):
            draft = await self.edits.drafts.load_open(edit_id, actor)
            company_id = draft["company"]
            evaluation = await self.edits.rules.evaluate(
                company_id,
                self.edits.changes_of(draft),
                await self.edits.drafts.grant_regions(edit_id),
                scope=session.user.company_scope,
            )
            code = evaluation.current["company_code"]
            if evaluation.owner.id != company_id:
                raise Conflict(
                    f"{code} is unified with {evaluation.owner.code}: ask for the authorization on "
                    f"{evaluation.owner.code}.",
                    code="unified_member",
                )
            account_type = evaluation.values.account_type
            await self.oauth.credentials.required(account_type, self.oauth.environment)
            # Counted only for a link that is really sent: each is a mail to an address outside the ERP.
            await self.limiter.hit(CONSENT_LINKS_PER_USER, str(session.user.id))
            await self.limiter.hit(CONSENT_LINKS_PER_ACCOUNT, f"{company_id}:{region}")
            now = self.clock.now()
            await self._close_current(_current_key(actor.user_id, company_id, region), "replaced")
            inserted = await ConsentLink.insert(
                ConsentLink(
                    token_hash=hashed(token),
                    edit=edit_id,
                    user=actor.user_id,
                    company=company_id,
                    region=region.value,
                    account_type=account_type,
                    email=request.email,
                    marketplace_id=request.marketplace_id,
                    created_at=now,
                    expires_at=now + LINK_LIFETIME,
                    current_key=_current_key(actor.user_id, company_id, region),
                )
            ).returning(ConsentLink.id)
            await self.edits.drafts.touch(edit_id)
        t = Translator(evaluation.current["company_language"])
        subject, body = authorization_mail(
            t,
            company=evaluation.current["company_name"],
            region=region,
            account_type=account_type,
            admin=actor.name,
            url=f"{self.public_url}{LINK_PATH}/{token}",
            expires_at=now + LINK_LIFETIME,
        )
        await self.mailer.send(request.email, subject, body)
        await self.audit.record(
            actor,
            company_id,
            "consent_link.sent",
            f"Authorization link for {region} sent to {request.email}",
            {"region": region.value, "email": request.email, "expiresAt": (now + LINK_LIFETIME).isoformat()},
        )
        return await self._sent(company_id, actor, inserted[0]["id"])

    async def resend(self, edit_id: uuid.UUID, link_id: int, session: ActiveSession, actor: Actor) -> ConsentLinkSent:
        """A new link to the same address (for the same country): the old one stops working."""
        link = await self._mine(edit_id, link_id, actor)
        request = ConsentLinkRequest(email=link["email"], marketplace_id=link["marketplace_id"])
        return await self.send(edit_id, Region(link["region"]), request, session, actor)

    async def withdraw(self, edit_id: uuid.UUID, link_id: int, actor: Actor) -> None:
        """The link stops working at once, and so does a consent at Amazon it has started."""
        async with write_transaction(ConsentLink._meta.db):
            link = await self._mine(edit_id, link_id, actor)
            await self._close_current(link["current_key"], "withdrawn")
        await self.audit.record(
            actor,
            link["company"],
            "consent_link.withdrawn",
            f"Authorization link for {link['region']} sent to {link['email']} withdrawn",
            {"region": link["region"], "email": link["email"]},
        )

    async def _mine(self, edit_id: uuid.UUID, link_id: int, actor: Actor) -> dict[str, Any]:
        """One of the admin's current links for the company of their open draft (anything else: 404)."""
        draft = await self.edits.drafts.load_open(edit_id, actor)
        rows = await ConsentLink.select().where(
            (ConsentLink.id == link_id)
            & (ConsentLink.user == actor.user_id)
            & (ConsentLink.company == draft["company"])
            & ConsentLink.closed_at.is_null()
        )
        if not rows:
            raise NotFound(f"Authorization link {link_id} does not exist or was replaced.", code="unknown_link")
        link: dict[str, Any] = rows[0]
        return link

    async def _close_current(self, key: str | None, reason: str) -> None:
        """End the link with this key, and any consent at Amazon it started (its state no longer works)."""
        if key is None:
            return
        now = self.clock.now()
        closed = (
            await ConsentLink.update(
                {ConsentLink.closed_at: now, ConsentLink.closed_reason: reason, ConsentLink.current_key: None}
            )
            .where(ConsentLink.current_key == key)
            .returning(ConsentLink.flow)
        )
        flows = [row["flow"] for row in closed if row["flow"] is not None]
        if flows:
            await OAuthFlow.update({OAuthFlow.expires_at: now}).where(
                OAuthFlow.id.is_in(flows) & OAuthFlow.consumed_at.is_null()
            )

    async def _sent(self, company_id: int, actor: Actor, link_id: int) -> ConsentLinkSent:
        links = await self.edits.drafts.consent_links(company_id, actor.user_id)
        return next(link for link in links if link.id == link_id)


def _current_key(user_id: int | None, company_id: int, region: Region) -> str:
    return f"{user_id}:{company_id}:{region.value}"
