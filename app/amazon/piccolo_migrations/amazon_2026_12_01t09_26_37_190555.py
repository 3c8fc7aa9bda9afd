from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-01T09:26:37:190555"
VERSION = "1.38.0"
DESCRIPTION = "the selling partner a Log-in URI flow expects"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="amazon", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="OAuthFlow",
        tablename="oauth_flow",
        column_name="expected_selling_partner_id",
        db_column_name="expected_selling_partner_id",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 64,
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
