"""Drift tests per column: PSI, Kolmogorov-Smirnov and Wasserstein for numbers, PSI and
chi-square for categories, graded against thresholds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from skyulf_core.drift import DriftThresholds, compare, reference_statistics
from skyulf_errors import InvalidArgument


def _frame(n: int, shift: float, probs: list[float], seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {"amount": rng.normal(shift, 1.0, n), "plan": rng.choice(["a", "b", "c"], n, p=probs)}
    )


REFERENCE = reference_statistics(_frame(2000, 0.0, [0.5, 0.3, 0.2], seed=1))


def test_the_same_distribution_does_not_drift() -> None:
    result = compare(REFERENCE, _frame(800, 0.0, [0.5, 0.3, 0.2], seed=2))
    assert result.severity == "none", result
    assert [c.name for c in result.columns] == ["amount", "plan"]
    assert [t.test for t in result.columns[0].tests] == ["psi", "ks", "wasserstein"]
    assert [t.test for t in result.columns[1].tests] == ["psi", "chi2"]


def test_a_shifted_number_and_a_changed_mix_of_categories_drift_high() -> None:
    result = compare(REFERENCE, _frame(800, 1.5, [0.1, 0.2, 0.7], seed=3))
    by_name = {c.name: c for c in result.columns}
    assert by_name["amount"].severity == "high" and by_name["plan"].severity == "high"
    ks = next(t for t in by_name["amount"].tests if t.test == "ks")
    assert ks.p_value is not None and ks.p_value < 1e-6
    wasserstein = next(t for t in by_name["amount"].tests if t.test == "wasserstein")
    assert wasserstein.value == pytest.approx(1.5, abs=0.2)  # in reference standard deviations
    assert sum(by_name["plan"].current_shares) == pytest.approx(1.0)
    assert result.drifted == ["amount", "plan"]


def test_thresholds_decide_the_severity() -> None:
    current = _frame(800, 0.3, [0.5, 0.3, 0.2], seed=4)
    strict = compare(REFERENCE, current, DriftThresholds(psi=(0.01, 0.02, 0.03)))
    lenient = compare(
        REFERENCE, current, DriftThresholds(psi=(5, 6, 7), ks=(5, 6, 7), wasserstein=(5, 6, 7))
    )
    assert strict.columns[0].severity == "high" and lenient.columns[0].severity == "none"


def test_unseen_categories_and_missing_columns_are_reported() -> None:
    current = pd.DataFrame({"plan": ["zzz"] * 50})
    result = compare(REFERENCE, current)
    assert result.missing_columns == ["amount"]
    [plan] = result.columns
    assert plan.bins[-1] == "__other__" and plan.current_shares[-1] == 1.0
    assert plan.severity == "high"


def test_no_current_rows_is_an_error() -> None:
    with pytest.raises(InvalidArgument, match="no rows"):
        compare(REFERENCE, pd.DataFrame({"amount": []}))
