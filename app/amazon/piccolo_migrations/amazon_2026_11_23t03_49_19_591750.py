from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from app.amazon.tables import IntegrationCredentials

ID = "2026-11-23T03:49:19:591750"
VERSION = "1.38.0"
DESCRIPTION = "one credentials record per account type and environment"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="amazon", description=DESCRIPTION)

    async def run():
        await IntegrationCredentials.raw(
            "CREATE UNIQUE INDEX IF NOT EXISTS integration_credentials_type_environment "
            "ON integration_credentials (account_type, environment)"
        )

    async def run_backwards():
        await IntegrationCredentials.raw("DROP INDEX IF EXISTS integration_credentials_type_environment")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
