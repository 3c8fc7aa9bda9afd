"""The small HTML pages of the OAuth flows (Amazon's redirect, the Log-in URI, the account holder's link): no
referrer, no caching, only a script of their own; and the same-site check of their form POSTs."""

from __future__ import annotations

import html
import re
import secrets
from typing import Any

from litestar import Request, Response

# Amazon's selling partner and vendor IDs: letters and digits (the column holds 64); checked before anything else.
SELLING_PARTNER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def html_page(
    title: str,
    body: str,
    status: int,
    script: str | None = None,
    form_action: str = "'none'",
    lang: str = "en",
) -> Response[str]:
    """An HTML page with the callback's headers: no referrer, no caching, only our own nonce'd script."""
    nonce = secrets.token_urlsafe(16)
    tag = f'<script nonce="{nonce}">{script}</script>' if script else ""
    document = (
        f"<!doctype html><html lang={html.escape(lang)}><head><meta charset=utf-8><title>{html.escape(title)}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;"
        "line-height:1.5}h1{font-size:1.4rem}</style></head>"
        f"<body><main><h1>{html.escape(title)}</h1>{body}</main>{tag}</body></html>"
    )
    return Response(
        document,
        status_code=status,
        media_type="text/html",
        headers={
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-store",
            "Content-Security-Policy": f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'unsafe-inline'; "
            f"frame-ancestors 'none'; base-uri 'none'; form-action {form_action}",
        },
    )


def same_site(request: Request[Any, Any, Any]) -> bool:
    """Whether a form POST came from this site's own page (Sec-Fetch-Site, else Origin)."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("origin")
    return origin is None or origin.lower() in request.app.state.allowed_origins
