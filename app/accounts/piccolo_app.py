"""Piccolo app of the accounts domain."""

import os

from piccolo.conf.apps import AppConfig

from app.accounts.tables import User, UserSession

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="accounts",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[User, UserSession],
    migration_dependencies=[],
    commands=[],
)
