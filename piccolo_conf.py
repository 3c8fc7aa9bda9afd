"""Piccolo's configuration for the `piccolo` command run in this folder (migrations): the package's own one.

Everything else (erp-settings, the web app, workers, tests) finds `app.piccolo_conf` wherever it runs from.
"""

from app.piccolo_conf import APP_REGISTRY, DB

__all__ = ["APP_REGISTRY", "DB"]
