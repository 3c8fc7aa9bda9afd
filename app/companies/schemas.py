"""Wire types of companies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from app.amazon.schemas import RegionStatus
from app.companies.hierarchy import CompanyRef
from app.lib.i18n import Language
from app.lib.wire import Id, InputStruct, Page, Struct

CompanyCode = Annotated[
    str, msgspec.Meta(pattern=r"^[A-Z0-9_-]{1,32}$", description="Unique code: A-Z, 0-9, _ and -, up to 32")
]
CompanyName = Annotated[
    str,
    msgspec.Meta(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]*[^\x00-\x20\x7f][^\x00-\x1f\x7f]*$"),
]


class CompanyCreate(InputStruct):
    code: CompanyCode
    name: CompanyName
    parent_id: Id | None = None
    unified: bool = False
    # The language of the company's e-mails: en, de or fr.
    language: Language = "en"


class Company(Struct):
    """A company with its place in the hierarchy and its Amazon connection status per region."""

    id: int
    code: str
    name: str
    parent: CompanyRef | None
    unified: bool
    children_count: int
    account_owner: CompanyRef
    regions: list[RegionStatus]
    created_at: datetime
    updated_at: datetime
    # The unified companies that use this company's Amazon account (empty for a unified company).
    members: list[CompanyRef] = []
    # The language of the company's e-mails (the account holder's authorization link): en, de or fr.
    language: Language = "en"


class CompanyList(Page):
    items: list[Company]
    # Connections per status in the user's scope (and the region asked for), with "needs_action" their sum of what
    # a person must act on; only when asked for (a status or region filter, or withCounts).
    counts: dict[str, int] | None = None
