"""The texts the account holder reads, in the company's language: the authorization link's e-mail and pages."""

from __future__ import annotations

from datetime import datetime

from app.amazon.regions import AccountType, Region
from app.lib.i18n import Translator


def central_of(account_type: AccountType | str) -> str:
    """Amazon's name of the site the holder logs in to; Amazon writes it so in every language."""
    return "Vendor Central" if account_type == "vendor" else "Seller Central"


def region_name(t: Translator, region: Region) -> str:
    names = {Region.NA: t.gettext("North America"), Region.EU: t.gettext("Europe"), Region.FE: t.gettext("Far East")}
    return names[region]


def authorization_mail(
    t: Translator,
    *,
    company: str,
    region: Region,
    account_type: AccountType,
    admin: str,
    url: str,
    expires_at: datetime,
) -> tuple[str, str]:
    """Subject and body of the mail that asks the holder of the Amazon account to authorize it for `company`."""
    names = {"company": company, "region": region.value, "region_name": region_name(t, region)}
    central = central_of(account_type)
    subject = t.gettext("Please authorize Amazon access for {company} ({region_name})", **names)
    paragraphs = [
        t.gettext("Hello,"),
        t.gettext(
            "{admin} asks you to authorize {company} to use the Selling Partner API with your {central} account in "
            "{region_name} ({region}).",
            admin=admin,
            central=central,
            **names,
        ),
        t.gettext("Open this link, log in to {central} and confirm:", central=central) + f"\n{url}",
        t.gettext("The link works once and expires on {expiry}.", expiry=t.datetime(expires_at)),
        t.gettext("If you did not expect this e-mail, ignore it: nothing happens without your confirmation at Amazon."),
    ]
    return subject, "\n\n".join(paragraphs) + "\n"


class HolderTexts:
    """The holder's pages: the link's page, "done", and the plain pages of a link that cannot be used."""

    def __init__(self, t: Translator) -> None:
        self.t = t

    def ask(self, company: str, region: Region, account_type: AccountType, expires_at: datetime) -> tuple[str, str]:
        t, central = self.t, central_of(account_type)
        names = {"company": company, "region": region.value, "region_name": region_name(t, region)}
        title = t.gettext("Authorize Amazon access for {company}", **names)
        intro = t.gettext(
            "{company} asks you to authorize access to your {central} account in {region_name} ({region}) through "
            "the Selling Partner API.",
            central=central,
            **names,
        )
        steps = t.gettext(
            "Continue to log in to {central} and confirm there. Your Amazon password is never shown to {company}.",
            central=central,
            **names,
        )
        valid = t.gettext("This link works once, until {expiry}.", expiry=t.datetime(expires_at))
        return title, f"{intro}\n{steps}\n{valid}"

    def button(self, account_type: AccountType) -> str:
        return self.t.gettext("Continue to {central}", central=central_of(account_type))

    def login_step(self, company: str, region: Region, account_type: AccountType, seller: str) -> tuple[str, str]:
        """Amazon called the app's Log-in URI inside the holder's consent: continue?"""
        t = self.t
        return (
            t.gettext(
                "Continue the authorization for {company} in {region_name}?",
                company=company,
                region_name=region_name(t, region),
            ),
            t.gettext(
                "Amazon confirmed your consent for the {central} account {seller}.",
                central=central_of(account_type),
                seller=seller,
            ),
        )

    def continue_at_amazon(self) -> str:
        return self.t.gettext("Continue at Amazon")

    def done(self, company: str) -> tuple[str, str]:
        t = self.t
        return (
            t.gettext("Done: the authorization reached {company}", company=company),
            t.gettext("You may close this page."),
        )

    def wrong_region(self, region: Region) -> str:
        return self.t.gettext(
            "Amazon refused the new authorization in {region_name}: the account you logged in to is probably in "
            "another region. You may be sent a new link.",
            region_name=region_name(self.t, region),
        )

    def no_longer_valid(self) -> tuple[str, str]:
        t = self.t
        return (
            t.gettext("This authorization link is no longer valid"),
            t.gettext(
                "It has expired, was used already or was withdrawn. Ask the person who sent it to you for a new link."
            ),
        )

    def unknown(self) -> tuple[str, str]:
        t = self.t
        return (
            t.gettext("Unknown authorization link"),
            t.gettext(
                "Check that you opened the whole link from the e-mail, or ask the person who sent it to you for a "
                "new one."
            ),
        )

    def refused(self) -> tuple[str, str]:
        t = self.t
        return (
            t.gettext("Request refused"),
            t.gettext("This confirmation did not come from this site's own page. Nothing was done."),
        )

    def failed(self) -> tuple[str, str]:
        t = self.t
        return (
            t.gettext("The authorization could not be completed"),
            t.gettext("Nothing was stored. Ask the person who sent you the link for a new one."),
        )
