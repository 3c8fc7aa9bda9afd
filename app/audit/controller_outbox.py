"""HTTP surface of the mail outbox: what reminders were mailed (or wait, without SMTP), for app-wide admins."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from app.accounts.auth import SIGNED_IN, requires_role, unscoped_only
from app.audit.schemas import OutboxPage
from app.lib.http import error_responses
from app.services import Services


class OutboxController(Controller):
    path = "/api/outbox"
    tags = ["notifications"]
    security = SIGNED_IN
    # Mail goes to every company's address: only admins who manage every company read it.
    guards = [requires_role("admin"), unscoped_only]

    @get("/", operation_id="listOutbox", responses=error_responses())
    async def list_outbox(
        self,
        services: NamedDependency[Services],
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        offset: Annotated[int, QueryParameter(ge=0, le=10_000_000)] = 0,
    ) -> OutboxPage:
        """Mail written by the system, newest first, and whether SMTP is configured."""
        return await services.notifications.mailer.outbox(limit, offset)
