"""The Amazon simulator: Seller/Vendor Central consent, Login with Amazon and SP-API, strictly as Amazon behaves."""

from app.amazon_sim.app import MOUNT_PATH, create_simulator_app, mount_simulator
from app.amazon_sim.seed import (
    CALLBACK_PATH,
    DEFAULT_APPS,
    DEFAULT_SELLERS,
    LOGIN_PATH,
    SELLER_APP,
    VENDOR_APP,
    DefaultApp,
)
from app.amazon_sim.state import SimulatorState

__all__ = [
    "CALLBACK_PATH",
    "DEFAULT_APPS",
    "DEFAULT_SELLERS",
    "LOGIN_PATH",
    "MOUNT_PATH",
    "SELLER_APP",
    "VENDOR_APP",
    "DefaultApp",
    "SimulatorState",
    "create_simulator_app",
    "mount_simulator",
]
