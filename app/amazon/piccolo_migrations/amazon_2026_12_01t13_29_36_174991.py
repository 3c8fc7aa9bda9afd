from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from app.amazon.tables import AmazonConnection

ID = "2026-12-01T13:29:36:174991"
VERSION = "1.38.0"
DESCRIPTION = "connections whose last check failed, indexed for the needs-action filter"

# Partial: the few connections whose last check found a problem. A query uses it when its WHERE holds this very
# condition (SQLite and PostgreSQL both match it literally): the needs-action filter's narrowing term, beside the
# index on authorization_expires_at (expired, expiring). A plain index on last_check_result is never chosen: nearly
# every row holds "ok", and the planners assume the values are spread evenly.
CHECK_FAILED = "last_check_result IN ('reauthorization_required', 'wrong_region_or_role', 'error')"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="amazon", description=DESCRIPTION)

    async def run():
        await AmazonConnection.raw(
            "CREATE INDEX IF NOT EXISTS amazon_connection_check_failed "
            f"ON amazon_connection (last_check_result) WHERE {CHECK_FAILED}"
        )

    async def run_backwards():
        await AmazonConnection.raw("DROP INDEX IF EXISTS amazon_connection_check_failed")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
