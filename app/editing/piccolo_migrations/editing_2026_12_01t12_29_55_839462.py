from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Text
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-01T12:29:55:839462"
VERSION = "1.38.0"
DESCRIPTION = "what the one SP-API call with a new token found, kept with the token waiting in the draft"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="editing", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="PendingGrant",
        tablename="pending_grant",
        column_name="marketplaces_seen",
        db_column_name="marketplaces_seen",
        column_class_name="Text",
        column_class=Text,
        params={
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

    manager.add_column(
        table_class_name="PendingGrant",
        tablename="pending_grant",
        column_name="test_result",
        db_column_name="test_result",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 16,
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

    manager.add_column(
        table_class_name="PendingGrant",
        tablename="pending_grant",
        column_name="tested_at",
        db_column_name="tested_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
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
