"""Piccolo app of the companies domain."""

import os

from piccolo.conf.apps import AppConfig

from app.companies.tables import Company

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="companies",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[Company],
    migration_dependencies=[],
    commands=[],
)
