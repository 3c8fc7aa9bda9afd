"""The HTML a selling partner sees: the consent form and Seller Central's error page, plain and accessible."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from app.amazon_sim.authorization import ConsentRequest
from app.amazon_sim.catalog import MARKETPLACES, REGION_NAMES, Region
from app.amazon_sim.records import SellerAccount

_STYLE = """
body{margin:0;font-family:Arial,Helvetica,sans-serif;background:#f3f3f3;color:#0f1111}
header{background:#232f3e;color:#fff;padding:.8rem 1.5rem;font-size:.95rem}
header strong{color:#ff9900}
main{max-width:34rem;margin:2rem auto;background:#fff;border:1px solid #d5d9d9;border-radius:8px;padding:1.5rem 2rem}
h1{font-size:1.5rem;margin:0 0 .5rem}
.host{color:#565959;font-size:.9rem;margin:0 0 1rem}
label,legend{font-weight:bold}
fieldset{border:0;padding:0;margin:0 0 1rem}
select{width:100%;padding:.4rem;margin:.3rem 0 1rem;font-size:1rem}
.consent{display:flex;gap:.6rem;align-items:flex-start;margin:1rem 0}
.consent input{width:1.2rem;height:1.2rem;margin:0}
button{background:#ffd814;border:1px solid #fcd200;border-radius:8px;padding:.6rem 2rem;font-size:1rem;cursor:pointer}
button:focus{outline:3px solid #007185;outline-offset:2px}
.error{border:1px solid #cc0c39;background:#fff5f7;color:#cc0c39;border-radius:6px;padding:.7rem 1rem;margin:0 0 1rem}
.note{color:#565959;font-size:.8rem;margin-top:1.5rem}
"""


def consent_page(
    *,
    action: str,
    request: ConsentRequest,
    accounts: Sequence[SellerAccount],
    renewing: SellerAccount | None,
    hidden: dict[str, str],
    error: str | None = None,
) -> str:
    """The consent form: choose the account (unless renewing one), tick "I authorize …", Confirm."""
    app_name = escape(request.app.name)
    fields = "".join(
        f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">' for name, value in hidden.items()
    )
    if renewing is not None:
        who = (
            "<fieldset><legend>Signed in as</legend>"
            f'<input type="radio" id="selling_partner_id" name="selling_partner_id" '
            f'value="{escape(renewing.selling_partner_id)}" checked> '
            f'<label for="selling_partner_id">{_account_label(renewing)}</label></fieldset>'
        )
    else:
        regions: dict[Region, list[SellerAccount]] = {}
        for account in accounts:
            regions.setdefault(account.region, []).append(account)
        options = "".join(
            f'<optgroup label="{escape(REGION_NAMES[region])}">'
            + "".join(f'<option value="{escape(a.selling_partner_id)}">{_account_label(a)}</option>' for a in group)
            + "</optgroup>"
            for region, group in regions.items()
        )
        who = (
            '<label for="selling_partner_id">Sign in as</label>'
            f'<select id="selling_partner_id" name="selling_partner_id" required>{options}</select>'
        )
    form = (
        f'<form method="post" action="{escape(action)}">{fields}{who}'
        '<div class="consent"><input type="checkbox" id="authorize" name="authorize" value="yes">'
        f'<label for="authorize">I authorize {app_name} to access my Amazon selling account</label></div>'
        '<button type="submit">Confirm</button></form>'
    )
    if renewing is None and not accounts:
        form = f'<p class="error" role="alert">There is no {request.central.account_type} account to sign in with.</p>'
    body = (
        f"<h1>Authorize {app_name}</h1>"
        f'<p class="host">{_where(request)}</p>'
        + (f'<p class="error" role="alert">{escape(error)}</p>' if error else "")
        + f"<p>{app_name} asks for access to your Amazon selling account through the Selling Partner API.</p>"
        + form
    )
    return _document(f"Authorize {request.app.name}", request.host, body)


def error_page(*, host: str, message: str, code: str | None) -> str:
    """Seller Central's error page, with the error code when Amazon gives one."""
    code_line = f"<p>Error code: <strong>{escape(code)}</strong></p>" if code else ""
    body = (
        "<h1>We could not complete your authorization</h1>"
        f'<p class="host">{escape(host)}</p>'
        f'<p class="error" role="alert">{escape(message)}</p>{code_line}'
    )
    return _document("Authorization error", host, body)


def _where(request: ConsentRequest) -> str:
    central = "Vendor Central" if request.central.account_type == "vendor" else "Seller Central"
    return f"{central} · {escape(REGION_NAMES[request.central.region])} · {escape(request.host)}"


def _account_label(account: SellerAccount) -> str:
    countries = ", ".join(MARKETPLACES[mid].country_code for mid in account.marketplace_ids if mid in MARKETPLACES)
    return escape(f"{account.name} ({account.selling_partner_id}) — {countries}")


def _document(title: str, host: str, body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} — Amazon (simulated)</title><style>{_STYLE}</style></head><body>"
        f"<header><strong>amazon</strong> {escape(host)} — simulated for tests and demos</header>"
        f"<main>{body}"
        '<p class="note">This page is served by the Amazon simulator; no real Amazon account is involved.</p>'
        "</main></body></html>"
    )
