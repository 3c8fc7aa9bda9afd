"""Piccolo's configuration: the database engine chosen from config, and every domain's Piccolo app (PICCOLO_CONF)."""

from piccolo.conf.apps import AppRegistry

from app.config import get_settings
from app.lib.database import build_engine

DB = build_engine(get_settings())

APP_REGISTRY = AppRegistry(
    apps=[
        "app.companies.piccolo_app",
        "app.accounts.piccolo_app",
        "app.amazon.piccolo_app",
        "app.editing.piccolo_app",
        "app.audit.piccolo_app",
    ]
)
