"""Piccolo app of the editing domain."""

import os

from piccolo.conf.apps import AppConfig

from app.editing.tables import CredentialsEdit, EditSession, PendingGrant, SaveFollowUp

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="editing",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[EditSession, PendingGrant, CredentialsEdit, SaveFollowUp],
    migration_dependencies=["app.companies.piccolo_app", "app.accounts.piccolo_app"],
    commands=[],
)
