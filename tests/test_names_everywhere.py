"""Model, deployment and pipeline model names go through the one full-match helper."""

from __future__ import annotations

import pytest

from skyulf_deployment.service import _check_name as deployment_check
from skyulf_errors import InvalidArgument
from skyulf_pipeline.submission import default_model_name
from skyulf_registry.service import check_name as registry_check


@pytest.mark.parametrize("check", [registry_check, deployment_check])
def test_a_trailing_newline_is_refused(check: object) -> None:
    with pytest.raises(InvalidArgument, match="name"):
        check("churn\n", "name")  # type: ignore[operator]


def test_a_default_name_never_ends_in_a_newline() -> None:
    assert default_model_name("churn\n.csv", "logistic_regression").isprintable()
