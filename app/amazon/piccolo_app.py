"""Piccolo app of the amazon domain."""

import os

from piccolo.conf.apps import AppConfig

from app.amazon.tables import (
    AmazonConnection,
    AmazonSettings,
    BulkTest,
    BulkTestItem,
    ConsentLink,
    IntegrationCredentials,
    OAuthFlow,
    OrderSync,
)

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="amazon",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[
        AmazonSettings,
        AmazonConnection,
        IntegrationCredentials,
        OAuthFlow,
        OrderSync,
        BulkTest,
        BulkTestItem,
        ConsentLink,
    ],
    migration_dependencies=["app.companies.piccolo_app", "app.accounts.piccolo_app", "app.editing.piccolo_app"],
    commands=[],
)
