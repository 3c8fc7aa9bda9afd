"""What the order import tells people: configured marketplaces that the region's authorization does not cover."""

from __future__ import annotations

from typing import Any

from app.amazon.regions import MARKETPLACES, Region
from app.amazon.status import CheckResult
from app.amazon.tables import AmazonConnection
from app.lib.i18n import ENGLISH, as_language, phrase
from app.services import Services

NOT_AUTHORIZED = "marketplace_not_authorized"


async def report_not_authorized(
    services: Services, company_id: int, owner_id: int, region: Region, marketplace_ids: list[str]
) -> None:
    """On the owner's connection (status and last error) and in one notification per company, region and set."""
    rows = await services.amazon_settings.rows(sorted({company_id, owner_id}))
    company, owner = rows[company_id], rows[owner_id]
    connection = (await services.connections.rows_for_owners([owner_id]))[owner_id].get(region) or {}
    seller = connection.get("selling_partner_id") or "unknown"
    names = ", ".join(f"{MARKETPLACES[m].name} ({m})" for m in marketplace_ids)
    values_named = {"code": company["company_code"], "names": names, "region": region.value, "seller": seller}
    said = phrase(
        "{code} sells on {names}, which the {region} authorization (selling partner {seller}) does not cover: those "
        "orders are not imported, the other marketplaces' are.",
        **values_named,
    )
    values: dict[Any, Any] = {
        AmazonConnection.last_check_result: CheckResult.ERROR.value,
        AmazonConnection.last_error_code: NOT_AUTHORIZED,
        AmazonConnection.last_error_message: ENGLISH.text([said]),
        AmazonConnection.last_checked_at: services.clock.now(),
    }
    await AmazonConnection.update(values).where(
        (AmazonConnection.company == owner_id) & (AmazonConnection.region == region.value)
    )
    # In FE an authorization may serve one marketplace only (FACTS §1): one token per region cannot serve both.
    action = phrase(
        "Remove {names} from {code}'s marketplaces, or get the {region} token on {owner} again logging in to the "
        "account that sells there.",
        owner=owner["company_code"],
        **values_named,
    )
    await services.notifications.notify(
        dedupe_key=f"{NOT_AUTHORIZED}:{company_id}:{region}:{seller}:{','.join(sorted(marketplace_ids))}",
        kind=NOT_AUTHORIZED,
        severity="warning",
        company_id=company_id,
        title=[phrase("Amazon's {region} authorization does not cover {names} for {code}", **values_named)],
        body=[said, action],
        email=company.get("notification_email"),
        language=as_language(company.get("company_language")),
    )


async def clear_not_authorized(owner_id: int, region: Region, company_code: str) -> None:
    """The company's marketplaces are all served now: drop its not-authorized error from the connection.

    Only that error, and only when it names this company: another company sharing the owner's connection may
    still be missing a marketplace, and every other error is the connection check's to clear.
    """
    rows = await AmazonConnection.select(AmazonConnection.id, AmazonConnection.last_error_message).where(
        (AmazonConnection.company == owner_id)
        & (AmazonConnection.region == region.value)
        & (AmazonConnection.last_error_code == NOT_AUTHORIZED)
    )
    for row in rows:
        if (row["last_error_message"] or "").startswith(f"{company_code} sells on "):
            await AmazonConnection.update(
                {
                    AmazonConnection.last_check_result: CheckResult.OK.value,
                    AmazonConnection.last_error_code: None,
                    AmazonConnection.last_error_message: None,
                }
            ).where(AmazonConnection.id == row["id"])
