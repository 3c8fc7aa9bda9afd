"""The account holder's pages of an e-mailed authorization link: no ERP account, no session, one company and region.

GET shows the page (it never writes: mail scanners open links too); its button, a same-site form POST with the
link's token, spends the link, starts Amazon's consent in the admin's draft and binds the flow to this browser by a
cookie. Amazon's redirect comes back to the usual callback, which answers with `done_page` (or `failure_page`).
"""

from __future__ import annotations

import html
import re
import secrets
from typing import Annotated, Any

import msgspec
from litestar import Controller, MediaType, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Body, FromPath
from litestar.response import Redirect

from app.amazon.consent_link_mail import HolderTexts
from app.amazon.consent_links import LINK_PATH
from app.amazon.html_pages import SELLING_PARTNER_ID, html_page, same_site
from app.amazon.oauth import TokenReceived
from app.audit.service import Actor
from app.lib.errors import DomainError, Gone, NotFound
from app.lib.http import status_of
from app.lib.i18n import Language, Translator, negotiate
from app.lib.safety import origin_of
from app.services import Services

# The holder's browser: set by the button, sent back on Amazon's redirect (a top-level GET: SameSite=Lax is sent).
BROWSER_COOKIE = "erp_consent_browser"
BROWSER_COOKIE_SECONDS = 30 * 60
# secrets.token_urlsafe(32): 43 characters of the URL-safe alphabet.
_LINK_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


class LinkConfirmation(msgspec.Struct):
    """The link page's form: the link's token."""

    token: str = ""


def _responses(*statuses: int) -> dict[int, ResponseSpec]:
    descriptions = {
        303: "To Amazon's consent page (Seller or Vendor Central of the region)",
        403: "The form did not come from this site's own page",
        404: "An unknown link",
        409: "The company is now a unified member: its account owner's admin must ask",
        410: "A link that expired, was used already or was withdrawn",
        422: "A rule of the company's settings or the app credentials prevents it now",
    }
    return {
        status: ResponseSpec(
            data_container=None if status == 303 else str,
            media_type=MediaType.HTML,
            description=descriptions[status],
            generate_examples=False,  # Litestar would make up a random string, a new one at every start
        )
        for status in statuses
    }


def _plain(texts: tuple[str, str], status: int, language: Language) -> Response[str]:
    title, text = texts
    return html_page(title, f"<p>{html.escape(text)}</p>", status, lang=language)


def _holder(request: Request[Any, Any, Any]) -> Actor:
    client = request.client.host if request.client else None
    return Actor(
        user_id=None,
        name="account holder",
        ip=client,
        user_agent=(request.headers.get("user-agent") or "")[:300] or None,
    )


class ConsentLinkPagesController(Controller):
    path = LINK_PATH
    tags = ["oauth"]

    @get(
        "/{token:str}",
        operation_id="consentLinkPage",
        exclude_from_auth=True,
        media_type=MediaType.HTML,
        responses=_responses(404, 410),
    )
    async def consent_link_page(
        self, services: NamedDependency[Services], request: Request[Any, Any, Any], token: FromPath[str]
    ) -> Response[str]:
        """The account holder's page of an e-mailed authorization link: the company and region, and one button."""
        asked = negotiate(request.headers.get("accept-language"))
        try:
            if not _LINK_TOKEN.fullmatch(token):
                raise NotFound("unknown link")
            page = await services.consent_link_holders.page(token)
        except NotFound:
            return _plain(HolderTexts(Translator(asked)).unknown(), 404, asked)
        except Gone:
            return _plain(HolderTexts(Translator(asked)).no_longer_valid(), 410, asked)
        texts = HolderTexts(Translator(page.language))
        title, intro = texts.ask(page.company_name, page.region, page.account_type, page.expires_at)
        paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in intro.split("\n"))
        body = (
            f'{paragraphs}<form method="post" action="{LINK_PATH}">'
            f'<input type="hidden" name="token" value="{html.escape(token)}">'
            f"<button type=submit>{html.escape(texts.button(page.account_type))}</button></form>"
        )
        # The button's answer redirects to Amazon: the browser checks that redirect against form-action too.
        targets = " ".join(sorted({origin_of(url) for url in page.central_sites}))
        return html_page(title, body, 200, form_action=f"'self' {targets}", lang=page.language)

    @post(
        "/",
        operation_id="continueConsentLink",
        exclude_from_auth=True,
        status_code=303,
        media_type=MediaType.HTML,
        responses=_responses(303, 403, 404, 409, 410, 422),
    )
    async def continue_consent_link(
        self,
        services: NamedDependency[Services],
        request: Request[Any, Any, Any],
        data: Annotated[LinkConfirmation, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[Any]:
        """The holder's button (a same-site form with the link's token): spend the link, continue at Amazon."""
        asked = negotiate(request.headers.get("accept-language"))
        texts = HolderTexts(Translator(asked))
        if not same_site(request):
            return _plain(texts.refused(), 403, asked)
        if not _LINK_TOKEN.fullmatch(data.token):
            return _plain(texts.unknown(), 404, asked)
        browser = secrets.token_urlsafe(32)
        try:
            consent_url = await services.consent_link_holders.start(data.token, browser, _holder(request))
        except NotFound:
            return _plain(texts.unknown(), 404, asked)
        except Gone:
            return _plain(texts.no_longer_valid(), 410, asked)
        except DomainError as error:
            return _plain(texts.failed(), status_of(error), asked)
        cookie = Cookie(
            key=BROWSER_COOKIE,
            value=browser,
            path="/oauth/amazon",
            max_age=BROWSER_COOKIE_SECONDS,
            httponly=True,
            samesite="lax",
            secure=services.config.secure_cookies,
        )
        return Redirect(
            consent_url,
            status_code=303,
            headers={"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"},
            cookies=[cookie],
        )


async def holder_login_page(
    services: Services,
    request: Request[Any, Any, Any],
    amazon_callback_uri: str,
    amazon_state: str,
    selling_partner_id: str,
    beta: bool,
) -> Response[str] | None:
    """Amazon's Log-in URI called inside the holder's consent (FACTS §1): "Continue …?" in the company's language.
    None when this browser follows no link, so the caller asks for a sign-in as usual. A GET: it writes nothing."""
    try:
        step = await services.consent_link_holders.login_step(
            request.cookies.get(BROWSER_COOKIE), amazon_callback_uri, amazon_state, selling_partner_id, beta
        )
    except DomainError as error:
        language = await services.consent_link_holders.language_of_browser(request.cookies.get(BROWSER_COOKIE))
        return failure_page(error, language) if language else None
    if step is None:
        return None
    texts = HolderTexts(Translator(step.language))
    title, text = texts.login_step(step.company_name, step.region, step.account_type, step.selling_partner_id)
    fields = {
        "amazon_callback_uri": amazon_callback_uri,
        "amazon_state": amazon_state,
        "selling_partner_id": selling_partner_id,
        **({"version": "beta"} if beta else {}),
    }
    hidden = "".join(f'<input type="hidden" name="{k}" value="{html.escape(v)}">' for k, v in fields.items())
    body = (
        f'<p>{html.escape(text)}</p><form method="post" action="/oauth/amazon/login">{hidden}'
        f"<button type=submit>{html.escape(texts.continue_at_amazon())}</button></form>"
    )
    return html_page(title, body, 200, form_action=f"'self' {origin_of(step.callback)}", lang=step.language)


async def holder_login_continue(
    services: Services,
    request: Request[Any, Any, Any],
    amazon_callback_uri: str,
    amazon_state: str,
    selling_partner_id: str,
    version: str,
) -> Response[Any] | None:
    """The holder confirmed the Log-in URI step (a same-site form, from the browser the link's button bound): back
    to Amazon with a new state. None when this browser follows no link (the caller answers as for the signed-out)."""
    browser = request.cookies.get(BROWSER_COOKIE)
    holders = services.consent_link_holders
    language = await holders.language_of_browser(browser)
    if browser is None or language is None:
        return None
    texts = HolderTexts(Translator(language))
    if not same_site(request):
        return _plain(texts.refused(), 403, language)
    if (
        not amazon_callback_uri
        or not amazon_state
        or len(amazon_callback_uri) > 2048
        or len(amazon_state) > 2048
        or not SELLING_PARTNER_ID.fullmatch(selling_partner_id)
    ):
        return _plain(texts.failed(), 400, language)
    try:
        step = await holders.login_step(
            browser, amazon_callback_uri, amazon_state, selling_partner_id, beta=version == "beta"
        )
        if step is None:
            return _plain(texts.no_longer_valid(), 410, language)
        target = await holders.continue_login_step(browser, step)
    except DomainError as error:
        return failure_page(error, language)
    return Redirect(target, status_code=303, headers={"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"})


def done_page(received: TokenReceived) -> Response[str]:
    """ "Done: the authorization reached <company>; you may close this page", in the company's language."""
    assert received.holder is not None
    language = received.holder.language
    texts = HolderTexts(Translator(language))
    title, close = texts.done(received.holder.company_name)
    verdict = received.grant.verdict
    warning = (
        f"<p>{html.escape(texts.wrong_region(received.grant.region))}</p>"
        if verdict is not None and verdict.kind == "wrong_region_or_role"
        else ""
    )
    page = html_page(title, f"{warning}<p>{html.escape(close)}</p>", 200, lang=language)
    page.delete_cookie(BROWSER_COOKIE, path="/oauth/amazon")
    return page


def failure_page(error: DomainError, language: Language) -> Response[str]:
    """Amazon's redirect could not be used for the holder's flow: plain words, nothing of the ERP's."""
    return _plain(HolderTexts(Translator(language)).failed(), status_of(error), language)
