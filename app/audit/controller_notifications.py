"""HTTP surface of notifications: the bell's list, and marking one read."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter

from app.accounts.auth import SIGNED_IN
from app.accounts.schemas import CurrentUser
from app.audit.schemas import NotificationPage, NotificationView
from app.lib.deps import known_id
from app.lib.http import error_responses
from app.lib.i18n import reader_language
from app.services import Services


class NotificationController(Controller):
    path = "/api/notifications"
    tags = ["notifications"]
    security = SIGNED_IN

    @get("/", operation_id="listNotifications", responses=error_responses())
    async def list_notifications(
        self,
        services: NamedDependency[Services],
        request: Request[CurrentUser, Any, Any],
        unread_only: Annotated[bool, QueryParameter(name="unreadOnly")] = False,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        offset: Annotated[int, QueryParameter(ge=0, le=10_000_000)] = 0,
    ) -> NotificationPage:
        """Expiry reminders and other notices about the companies you can see, newest first."""
        return await services.notifications.page(
            request.user.company_scope,
            request.user.id,
            unread_only=unread_only,
            limit=limit,
            offset=offset,
            language=reader_language(request.user.language, request.headers.get("accept-language")),
        )

    @post(
        "/{notification_id:int}/read",
        operation_id="markNotificationRead",
        status_code=200,
        responses=error_responses(404, 415),
    )
    async def mark_read(
        self,
        services: NamedDependency[Services],
        request: Request[CurrentUser, Any, Any],
        notification_id: FromPath[int],
    ) -> NotificationView:
        """Mark a notification as read (for you only)."""
        return await services.notifications.mark_read(
            known_id(notification_id, "Notification"),
            request.user.company_scope,
            request.user.id,
            reader_language(request.user.language, request.headers.get("accept-language")),
        )
