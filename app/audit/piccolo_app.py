"""Piccolo app of the audit domain."""

import os

from piccolo.conf.apps import AppConfig

from app.audit.tables import AuditEvent, Notification, NotificationRead, OutboxMessage

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="audit",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=[AuditEvent, Notification, NotificationRead, OutboxMessage],
    migration_dependencies=["app.companies.piccolo_app", "app.accounts.piccolo_app"],
    commands=[],
)
