from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Text
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-01T10:02:50:268524"
VERSION = "1.38.0"
DESCRIPTION = "order_sync.regions: per-region import progress (window, next page) and outcome"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="amazon", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="OrderSync",
        tablename="order_sync",
        column_name="regions",
        db_column_name="regions",
        column_class_name="Text",
        column_class=Text,
        params={
            "default": "{}",
            "null": False,
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
