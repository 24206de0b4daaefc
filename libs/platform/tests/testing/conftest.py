"""Make the service fixtures available to these tests.

The root ``conftest.py`` normally enables the plugin with ``pytest_plugins``.  A
``pytest_plugins`` line here would make pytest abort whenever this directory is
collected from the repository root ("non-top-level conftest"), so the plugin is
registered from a hook instead, and only if nothing registered it already.
"""

from __future__ import annotations

import pytest

PLUGIN = "skyulf_platform.testing.pytest_plugin"


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin(PLUGIN):
        config.pluginmanager.import_plugin(PLUGIN)
