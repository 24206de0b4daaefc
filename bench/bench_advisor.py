"""The advisor's suggested pipeline against a plain baseline, on the same split, in one run.

    uv run python bench/bench_advisor.py

Datasets: scikit-learn's bundled breast cancer, wine and diabetes (no download), the repo's
churn sample (tests/data/churn_300.csv) and a generated messy dataset (fixed seed) with missing
values, skew, heavy outliers, a high-cardinality category, an id column, a leaky column, dates
stored as text, numbers stored as text, yes/no spelled six ways, impossible ages and an
imbalanced target.

Each dataset is profiled as ingestion profiles it (no target); the advisor then gets the
target and the rows, as the advisor service does. The suggested pipeline is trained as
returned. The baseline is the plain pipeline: the same split, mean/most-frequent imputation,
one-hot of every non-numeric column, standard scaling of every numeric one, and the same model
node (type and parameters). Both are scored on the suggested metric on the same test split, and,
where the model cross-validates (fewer than 1000 rows), by the 5-fold mean on the train split.
The baseline is not given the messy dataset's planted leaky column: with it, its score would
measure the leak, not the pipeline.
"""

from __future__ import annotations

import itertools
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
from sklearn import datasets as skd

from skyulf_core.advisor import SuggestedPipeline, suggest_pipeline
from skyulf_core.graph import train_pipeline
from skyulf_core.profiling import profile_frame

ROOT = Path(__file__).resolve().parents[1]
CHURN = ROOT / "tests" / "data" / "churn_300.csv"
LEAKY = "refund_amount"


@dataclass
class Case:
    name: str
    frame: pl.DataFrame
    target: str
    # Columns the advisor must catch: (rule id, column).
    expect: tuple[tuple[str, str], ...] = ()
    # Columns the baseline is not given (a planted leak).
    hidden_from_baseline: tuple[str, ...] = ()


def _bundled(loader: Any, target: str) -> pl.DataFrame:
    bunch = loader(as_frame=True)
    frame = bunch.frame.rename(columns={"target": target})
    return pl.from_pandas(frame)


def messy_frame(n: int = 3000, seed: int = 0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    age = rng.normal(42, 12, n).round()
    income = np.exp(rng.normal(10.5, 0.6, n)).round(-1)
    balance = rng.standard_t(2, n) * 800 + 2000
    city_effect = rng.normal(0, 1.2, 250)
    city = rng.integers(0, 250, n)
    plan = rng.choice(["basic", "standard", "premium"], n, p=[0.5, 0.3, 0.2])
    satisfaction = rng.choice(["low", "medium", "high"], n, p=[0.25, 0.45, 0.3])
    promo = rng.integers(0, 2, n)
    days = rng.integers(0, 3 * 365, n)
    charges = rng.gamma(4, 15, n).round(2)
    score = (
        -3.1
        + 0.9 * city_effect[city]
        - 0.03 * (age - 42)
        + 0.8 * (np.log(income) - 10.5)
        + 0.0004 * (balance - 2000).clip(-4000, 4000)
        + np.select([satisfaction == "low", satisfaction == "high"], [1.2, -1.0], 0.0)
        + 0.6 * promo
        + 0.015 * (charges - 60)
    )
    churn = (rng.random(n) < 1 / (1 + np.exp(-score))).astype(int)
    frame = pd.DataFrame(
        {
            "customer_id": [f"C{100000 + i}" for i in range(n)],
            "age": age,
            "income": income,
            "balance": balance.round(2),
            "city": [f"city_{c:03d}" for c in city],
            "plan": plan,
            "satisfaction": satisfaction,
            "has_promo": [
                rng.choice(["yes", "Y", "TRUE"]) if p else rng.choice(["no", "N", "false"])
                for p in promo
            ],
            "signup_date": (pd.Timestamp("2021-01-01") + pd.to_timedelta(days, "D")).strftime(
                "%Y-%m-%d"
            ),
            "monthly_charges": charges.astype(str),
            "channel": np.where(rng.random(n) < 0.996, "web", "phone"),
            LEAKY: np.where(churn == 1, rng.uniform(90, 100, n), 0.0).round(2),
            "churned": churn,
        }
    )
    # Impossible ages, missing values (income more often missing for churners), text gaps.
    frame.loc[rng.random(n) < 0.01, "age"] = -1
    frame.loc[rng.random(n) < 0.08, "age"] = np.nan
    missing_income = rng.random(n) < np.where(churn == 1, 0.35, 0.08)
    frame.loc[missing_income, "income"] = np.nan
    frame.loc[rng.random(n) < 0.05, "plan"] = None
    frame.loc[rng.random(n) < 0.02, "monthly_charges"] = "n/a"
    # Exact duplicate rows, as an export run twice would leave them.
    frame = pd.concat([frame, frame.sample(40, random_state=seed)], ignore_index=True)
    return pl.from_pandas(frame)


def cases() -> list[Case]:
    return [
        Case("breast cancer", _bundled(skd.load_breast_cancer, "malignant"), "malignant"),
        Case("wine", _bundled(skd.load_wine, "cultivar"), "cultivar"),
        Case("diabetes", _bundled(skd.load_diabetes, "progression"), "progression"),
        Case(
            "churn sample",
            pl.read_csv(CHURN),
            "churned",
            expect=(("drop_id_columns", "customer_id"),),
        ),
        Case(
            "messy (generated)",
            messy_frame(),
            "churned",
            expect=(("drop_id_columns", "customer_id"), ("target_leakage", LEAKY)),
            hidden_from_baseline=(LEAKY,),
        ),
    ]


def baseline_graph(frame: pl.DataFrame, target: str, suggested: SuggestedPipeline) -> dict:
    split = suggested.graph.node("split")
    model = suggested.graph.nodes[-1]
    features = [c for c in frame.columns if c != target]
    numeric = [c for c in features if frame.schema[c].is_numeric()]
    other = [c for c in features if c not in numeric]
    nodes: list[dict[str, Any]] = [{"id": "split", "type": split.type, "params": split.params}]
    if numeric:
        nodes.append(
            {
                "id": "impute_n",
                "type": "SimpleImputer",
                "params": {"strategy": "mean", "columns": numeric},
            }
        )
    if other:
        nodes.append(
            {
                "id": "impute_c",
                "type": "SimpleImputer",
                "params": {"strategy": "most_frequent", "columns": other},
            }
        )
        nodes.append({"id": "one_hot", "type": "OneHotEncoder", "params": {"columns": other}})
    if numeric:
        nodes.append({"id": "scale", "type": "StandardScaler", "params": {"columns": numeric}})
    nodes.append({"id": "model", "type": model.type, "params": model.params})
    edges = [{"source": a["id"], "target": b["id"]} for a, b in itertools.pairwise(nodes)]
    return {"nodes": nodes, "edges": edges}


@dataclass
class Outcome:
    case: Case
    suggested: SuggestedPipeline
    metric: str
    suggested_score: float
    baseline_score: float
    # 5-fold cross-validation on the train split, when the model cross-validates (small data).
    suggested_cv: float | None = None
    baseline_cv: float | None = None

    @property
    def fired(self) -> list[str]:
        return sorted({r.rule for r in self.suggested.recommendations} - {"split", "model"})

    def caught(self, rule: str, column: str) -> bool:
        return any(r.rule == rule and column in r.columns for r in self.suggested.recommendations)


def run(case: Case) -> Outcome:
    profile = profile_frame(case.frame)  # as ingestion profiles it: no target
    suggested = suggest_pipeline(profile, case.target, sample=case.frame)
    data = case.frame.to_pandas()
    ours = train_pipeline(suggested.graph, data)
    plain_frame = case.frame.drop(list(case.hidden_from_baseline))
    plain = train_pipeline(
        baseline_graph(plain_frame, case.target, suggested), plain_frame.to_pandas()
    )
    key, cv = f"test_{suggested.metric}", f"cv_{suggested.metric}_mean"
    return Outcome(
        case,
        suggested,
        suggested.metric,
        ours.metrics[key],
        plain.metrics[key],
        ours.metrics.get(cv),
        plain.metrics.get(cv),
    )


def _cv(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def table(outcomes: list[Outcome]) -> str:
    lines = [
        "| dataset | rows | model | metric | suggested (test) | baseline (test) "
        "| suggested (5-fold CV) | baseline (5-fold CV) | rules that fired |",
        "|---|---:|---|---|---:|---:|---:|---:|---|",
    ]
    for o in outcomes:
        lines.append(
            f"| {o.case.name} | {o.case.frame.height} | {o.suggested.model} | {o.metric} | "
            f"{o.suggested_score:.3f} | {o.baseline_score:.3f} | {_cv(o.suggested_cv)} | "
            f"{_cv(o.baseline_cv)} | {', '.join(o.fired)} |"
        )
    return "\n".join(lines)


def main() -> int:
    outcomes = [run(case) for case in cases()]
    print(table(outcomes))
    missed = [
        f"{o.case.name}: {rule} did not catch '{col}'"
        for o in outcomes
        for rule, col in o.case.expect
        if not o.caught(rule, col)
    ]
    for line in missed:
        print(line, file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
