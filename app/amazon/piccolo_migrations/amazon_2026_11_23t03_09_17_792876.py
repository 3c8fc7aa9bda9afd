from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from app.amazon.tables import AmazonConnection

ID = "2026-11-23T03:09:17:792876"
VERSION = "1.38.0"
DESCRIPTION = "unique connection per company and region"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="amazon", description=DESCRIPTION)

    async def run():
        # A composite unique index: SQLite cannot add table constraints after creation, an index works on both.
        await AmazonConnection.raw(
            "CREATE UNIQUE INDEX IF NOT EXISTS amazon_connection_company_region "
            "ON amazon_connection (company, region)"
        )

    async def run_backwards():
        await AmazonConnection.raw("DROP INDEX IF EXISTS amazon_connection_company_region")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
