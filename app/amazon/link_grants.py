"""What Amazon's callback needs from the e-mailed authorization links (app/amazon/consent_link_holder.py), without
the OAuth flows depending on them: the links build on the flows."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, Protocol

import msgspec

from app.audit.service import Actor
from app.lib.i18n import Language

if TYPE_CHECKING:
    from app.amazon.oauth import TokenReceived

LINK_ORIGIN = "consent_link"


class HolderGrant(msgspec.Struct, frozen=True):
    """A token the account holder gave through an e-mailed link: what the holder's "done" page names."""

    company_name: str
    language: Language


class LinkGrants(Protocol):
    """What the e-mailed links (app/amazon/consent_link_holder.py) do around a token that came through one of them."""

    async def admin_of(self, flow: dict[str, Any]) -> Actor:
        """The admin who sent the link (whose draft gets the token); Gone when they may no longer have it."""
        ...

    async def draft_for(self, flow: dict[str, Any], admin: Actor) -> uuid.UUID:
        """A draft of that admin for the token when the link's draft has closed meanwhile."""
        ...

    async def granted(self, flow: dict[str, Any], received: TokenReceived, admin: Actor) -> HolderGrant:
        """The token waits in the admin's draft: close the link and tell the admin."""
        ...
