"""For tests that run the gateway app in-process: a migrated accounts store with an admin key."""

from __future__ import annotations

from skyulf_gateway.__main__ import MIGRATIONS_DIR
from skyulf_gateway.accounts import Accounts
from skyulf_gateway.app import open_accounts
from skyulf_gateway.settings import GatewaySettings
from skyulf_platform.runtime import migrate

TEST_API_KEY = "sky_test-admin-key-for-in-process-gateway-tests"
AUTH_HEADERS = {"Authorization": f"Bearer {TEST_API_KEY}"}


def accounts_with_admin_key(settings: GatewaySettings) -> Accounts:
    """Migrates the settings' gateway database and creates the admin key :data:`TEST_API_KEY`;
    pass the result to ``create_app(..., accounts=...)`` and send :data:`AUTH_HEADERS`."""
    migrate(settings, MIGRATIONS_DIR)
    accounts = open_accounts(settings)
    accounts.bootstrap(api_key=TEST_API_KEY, data_dir=settings.data_dir, first_admin=False)
    return accounts
