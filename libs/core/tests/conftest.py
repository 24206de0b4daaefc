"""Shared fixtures: the sample datasets (copied into tests/data) and a graph builder."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl
import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def churn_path() -> Path:
    return DATA / "churn_300.csv"


@pytest.fixture
def churn(churn_path: Path) -> pd.DataFrame:
    return pd.read_csv(churn_path)


@pytest.fixture
def churn_pl(churn_path: Path) -> pl.DataFrame:
    return pl.read_csv(churn_path)


@pytest.fixture
def customers() -> pd.DataFrame:
    return pd.read_csv(DATA / "customers_15.csv")


def _chain(*nodes: tuple[str, str, dict[str, Any]]) -> dict[str, Any]:
    """A single-chain graph from ``(id, type, params)`` triples, in order."""
    node_list = [{"id": i, "type": t, "params": p} for i, t, p in nodes]
    edges = [{"source": a["id"], "target": b["id"]} for a, b in itertools.pairwise(node_list)]
    return {"nodes": node_list, "edges": edges}


def _churn_graph(model: str = "logistic_regression", **split: Any) -> dict[str, Any]:
    """The canonical churn pipeline: drop ids/dates, split, impute, encode, scale, model."""
    return _chain(
        ("drop", "DropMissingColumns", {"columns": ["customer_id", "signup_date"]}),
        ("split", "TrainTestSplitter", {"target_column": "churned", **split}),
        ("impute_num", "SimpleImputer", {"strategy": "median"}),
        ("impute_cat", "SimpleImputer", {"strategy": "most_frequent", "columns": ["city"]}),
        ("encode", "OneHotEncoder", {"columns": ["city", "plan_type"]}),
        (
            "scale",
            "StandardScaler",
            {"columns": ["age", "income", "tenure_months", "monthly_spend", "lat", "lon"]},
        ),
        ("model", model, {}),
    )


@pytest.fixture
def chain() -> Callable[..., dict[str, Any]]:
    return _chain


@pytest.fixture
def churn_graph() -> Callable[..., dict[str, Any]]:
    return _churn_graph
