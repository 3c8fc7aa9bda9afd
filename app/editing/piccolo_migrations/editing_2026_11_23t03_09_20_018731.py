from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from app.editing.tables import PendingGrant

ID = "2026-11-23T03:09:20:018731"
VERSION = "1.38.0"
DESCRIPTION = "one grant per draft and region"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="editing", description=DESCRIPTION)

    async def run():
        await PendingGrant.raw(
            "CREATE UNIQUE INDEX IF NOT EXISTS pending_grant_edit_region ON pending_grant (edit, region)"
        )

    async def run_backwards():
        await PendingGrant.raw("DROP INDEX IF EXISTS pending_grant_edit_region")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
