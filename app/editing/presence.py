"""Who has an open draft of a company's settings ("being edited by …"); drafts never lock."""

from __future__ import annotations

from app.amazon.schemas import Editor
from app.editing.tables import EditSession
from app.lib.clock import Clock


class DraftPresence:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    async def open_editors(self, company_id: int, viewer_id: int | None) -> list[Editor]:
        rows = (
            await EditSession.select(
                EditSession.user, EditSession.user.display_name.as_alias("user_name"), EditSession.created_at
            )
            .where(
                (EditSession.company == company_id)
                & (EditSession.status == "open")
                & (EditSession.expires_at > self.clock.now())
            )
            .order_by(EditSession.created_at)
        )
        return [
            Editor(user=row["user_name"], started_at=row["created_at"], mine=row["user"] == viewer_id) for row in rows
        ]
