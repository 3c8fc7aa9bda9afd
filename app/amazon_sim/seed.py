"""The default apps and selling partners the simulator starts with (and returns to on reset): demos rely on them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.amazon_sim.catalog import Region
from app.amazon_sim.records import CLIENT_SECRET_LIFETIME, App, SellerAccount

CALLBACK_PATH = "/oauth/amazon/callback"
LOGIN_PATH = "/oauth/amazon/login"


@dataclass(frozen=True, slots=True)
class DefaultApp:
    """A default app's identity and credentials; its URIs are made from the ERP's public URL."""

    application_id: str
    client_id: str
    client_secret: str
    name: str

    def registered(self, public_url: str, now: datetime) -> App:
        """The app as registered at `now`: published, secret valid for 180 days."""
        base = public_url.rstrip("/")
        return App(
            application_id=self.application_id,
            client_id=self.client_id,
            client_secret=self.client_secret,
            name=self.name,
            redirect_uris=(base + CALLBACK_PATH,),
            login_uri=base + LOGIN_PATH,
            draft=False,
            client_secret_expires_at=now + CLIENT_SECRET_LIFETIME,
        )


SELLER_APP = DefaultApp(
    application_id="amzn1.sp.solution.sim-seller-app",
    client_id="amzn1.application-oa2-client.sim-seller",
    client_secret="amzn1.oa2-cs.v1.sim-seller-secret",  # noqa: S106 (a published test credential)
    name="Acme ERP (simulated)",
)
VENDOR_APP = DefaultApp(
    application_id="amzn1.sp.solution.sim-vendor-app",
    client_id="amzn1.application-oa2-client.sim-vendor",
    client_secret="amzn1.oa2-cs.v1.sim-vendor-secret",  # noqa: S106 (a published test credential)
    name="Acme ERP Vendor (simulated)",
)
DEFAULT_APPS: tuple[DefaultApp, ...] = (SELLER_APP, VENDOR_APP)

US, CA, MX = "ATVPDKIKX0DER", "A2EUQ1WTGCTBG2", "A1AM78C64UM0Y8"
UK, DE, FR, IT, ES = "A1F83G8C2ARO7P", "A1PA6795UKMFR9", "A13V1IB3VIYZZH", "APJ6JRA9NG5V4", "A1RKKUPIHCS9HS"
JP, AU = "A1VC38T7YXB528", "A39IBJ37TRP1C6"

DEFAULT_SELLERS: tuple[SellerAccount, ...] = (
    SellerAccount("A1SIMNASELLER1", "Acme North America", "seller", Region.NA, (US, CA, MX)),
    SellerAccount("A2SIMNASELLER2", "Other NA Seller", "seller", Region.NA, (US,)),
    SellerAccount("A1SIMEUSELLER1", "Acme Europe", "seller", Region.EU, (UK, DE, FR, IT, ES)),
    SellerAccount("A1SIMJPSELLER1", "Acme Japan", "seller", Region.FE, (JP,)),
    SellerAccount("A1SIMAUSELLER1", "Acme Australia", "seller", Region.FE, (AU,)),
    SellerAccount("V1SIMNAVENDOR1", "Acme Vendor North America", "vendor", Region.NA, (US, CA)),
    SellerAccount("V1SIMEUVENDOR1", "Acme Vendor Europe", "vendor", Region.EU, (UK, DE)),
    SellerAccount("V1SIMFEVENDOR1", "Acme Vendor Japan", "vendor", Region.FE, (JP,)),
)
