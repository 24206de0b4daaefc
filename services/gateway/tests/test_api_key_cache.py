"""A valid API key is checked against the database at most once per API_KEY_TTL_SECONDS; a
revocation, a role change or a disabled user made through the gateway takes effect at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from skyulf_gateway.accounts import API_KEY_TTL_SECONDS, Accounts
from skyulf_gateway.settings import GatewaySettings
from skyulf_gateway.testing import TEST_API_KEY, accounts_with_admin_key


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def accounts(tmp_path: Path) -> tuple[Accounts, Clock]:
    accounts = accounts_with_admin_key(GatewaySettings(data_dir=tmp_path))
    clock = Clock()
    accounts.clock = clock
    return accounts, clock


def _key_of(accounts: Accounts, role: str) -> tuple[str, str, str]:
    user = accounts.create_user("pat", "correct horse battery", role)
    key, value = accounts.create_api_key(user.id, "predictions", ["predict"])
    return user.id, key.id, value


def _revoke_behind_its_back(accounts: Accounts) -> None:
    """As another gateway replica would: straight in the database."""
    with accounts.uow.engine.begin() as conn:
        conn.execute(text("UPDATE api_keys SET revoked_at = CURRENT_TIMESTAMP"))


def test_a_checked_key_is_answered_from_memory_until_its_time_is_up(
    accounts: tuple[Accounts, Clock],
) -> None:
    acc, clock = accounts
    assert acc.cached_api_key_principal(TEST_API_KEY) is None  # never checked yet
    principal = acc.api_key_principal(TEST_API_KEY)
    assert principal is not None and principal.can("admin")
    _revoke_behind_its_back(acc)
    clock.now += API_KEY_TTL_SECONDS - 0.1
    assert acc.cached_api_key_principal(TEST_API_KEY) == principal
    clock.now += 0.2
    assert acc.cached_api_key_principal(TEST_API_KEY) is None
    assert acc.api_key_principal(TEST_API_KEY) is None  # the database says revoked


def test_an_unknown_key_is_never_remembered(accounts: tuple[Accounts, Clock]) -> None:
    acc, _ = accounts
    assert acc.api_key_principal("sky_not-a-key-of-anyone") is None
    assert acc.cached_api_key_principal("sky_not-a-key-of-anyone") is None


def test_revoking_a_key_takes_effect_at_once(accounts: tuple[Accounts, Clock]) -> None:
    acc, _ = accounts
    _, key_id, value = _key_of(acc, "editor")
    assert acc.api_key_principal(value) is not None
    acc.revoke_api_key(key_id, None)
    assert acc.cached_api_key_principal(value) is None
    assert acc.api_key_principal(value) is None


def test_disabling_the_owner_or_demoting_them_takes_effect_at_once(
    accounts: tuple[Accounts, Clock],
) -> None:
    acc, _ = accounts
    user_id, _, value = _key_of(acc, "editor")
    before = acc.api_key_principal(value)
    assert before is not None and before.role == "editor"
    acc.update_user(user_id, role="viewer")
    assert acc.cached_api_key_principal(value) is None
    after = acc.api_key_principal(value)
    assert after is not None and after.role == "viewer"
    acc.update_user(user_id, disabled=True)
    assert acc.cached_api_key_principal(value) is None
    assert acc.api_key_principal(value) is None
