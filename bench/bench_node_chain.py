"""Skyulf's node chain against the equivalent scikit-learn Pipeline, on the same data, in one run.

    uv run python bench/bench_node_chain.py [--rows 1000000] [--repeats 3] [--single 2000]

Synthetic data (fixed seed): five numeric columns with about 5% missing values, a constant
column and two text categoricals. Six steps: SimpleImputer (median) -> OneHotEncoder ->
StandardScaler -> PowerTransformer (yeo-johnson, three columns) -> KBinsDiscretizer (quantile,
one column) -> VarianceThreshold (drops the constant). The scikit-learn baseline is the
ColumnTransformer + Pipeline a scikit-learn user would write for the same transform; the script
checks both give the same matrix before timing anything.

(a) fit+apply on all rows: Skyulf fits and applies each node in turn (as the executor does) and
    ends with the model matrix; scikit-learn runs ``fit_transform``. Alternated, median of
    ``--repeats`` runs each. Goal: Skyulf / scikit-learn <= 1.2.
(b) one row through the fitted chain: Skyulf's fast path (``FittedChain.matrix_rows`` on a row
    dict, as the prediction server calls it) against ``Pipeline.transform`` on a one-row frame.
    Median over ``--single`` calls each, cycling through 100 different rows. Goal: >= 5x faster.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.feature_selection import VarianceThreshold
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import (
    KBinsDiscretizer,
    OneHotEncoder,
    PowerTransformer,
    StandardScaler,
)

from skyulf_core.bundle.chain import FittedChain
from skyulf_core.bundle.signature import OutputSpec, Signature, describe_inputs
from skyulf_core.nodes import FittedRecord, NodeContext, get_node

NUMERIC = ["num_0", "num_1", "num_2", "num_3", "num_4"]
POWERED = NUMERIC[:3]
BINNED = NUMERIC[3]
CATEGORICAL = ["cat_a", "cat_b"]
STEPS: list[tuple[str, str, dict[str, Any]]] = [
    ("impute", "SimpleImputer", {"strategy": "median", "columns": NUMERIC}),
    ("onehot", "OneHotEncoder", {"columns": CATEGORICAL}),
    ("scale", "StandardScaler", {"columns": NUMERIC}),
    ("power", "PowerTransformer", {"columns": POWERED, "method": "yeo-johnson"}),
    ("bin", "KBinsDiscretizer", {"columns": [BINNED], "n_bins": 5, "strategy": "quantile"}),
    ("select", "VarianceThreshold", {}),
]


def make_data(rows: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    cols: dict[str, Any] = {
        "num_0": rng.normal(50, 10, rows),
        "num_1": rng.lognormal(3, 1, rows),
        "num_2": rng.exponential(2, rows),
        "num_3": rng.uniform(-5, 5, rows),
        "num_4": rng.gamma(2, 3, rows),
    }
    for col in NUMERIC:
        cols[col][rng.random(rows) < 0.05] = np.nan
    cols["constant"] = np.full(rows, 7.0)
    cols["cat_a"] = rng.choice(np.array(["red", "green", "blue", "black", "white", "grey"]), rows)
    cols["cat_b"] = rng.choice(np.array([f"city_{i:02d}" for i in range(12)]), rows)
    return pd.DataFrame(cols).astype({"cat_a": "str", "cat_b": "str"})


def sklearn_pipeline() -> Pipeline:
    def numeric(*tail: Any) -> Pipeline:
        return make_pipeline(SimpleImputer(strategy="median"), StandardScaler(), *tail)

    columns = ColumnTransformer(
        [
            ("power", numeric(PowerTransformer(method="yeo-johnson")), POWERED),
            (
                "bin",
                numeric(
                    KBinsDiscretizer(
                        n_bins=5,
                        encode="ordinal",
                        strategy="quantile",
                        quantile_method="averaged_inverted_cdf",
                        subsample=None,  # Skyulf uses every train row, not 200,000 of them
                    )
                ),
                [BINNED],
            ),
            ("scale", numeric(), [NUMERIC[4]]),
            ("constant", "passthrough", ["constant"]),
            (
                "onehot",
                OneHotEncoder(sparse_output=False, handle_unknown="ignore", max_categories=20),
                CATEGORICAL,
            ),
        ],
        verbose_feature_names_out=False,
    )
    return Pipeline([("columns", columns), ("select", VarianceThreshold())])


def skyulf_fit(df: pd.DataFrame) -> tuple[list[FittedRecord], np.ndarray, list[str], list[float]]:
    """Fit and apply each node in turn; the fitted records, the model matrix, per-step seconds."""
    X, records, seconds = df, [], []
    for node_id, type_id, params in STEPS:
        start = time.perf_counter()
        definition, ctx = get_node(type_id), NodeContext(node_id=node_id)
        record = definition.fit(X, None, params, ctx)
        X, _ = definition.apply(X, None, record, ctx)
        records.append(record)
        seconds.append(time.perf_counter() - start)
    start = time.perf_counter()
    matrix = X.to_numpy(dtype="float64")
    seconds.append(time.perf_counter() - start)
    return records, matrix, [str(c) for c in X.columns], seconds


def check_equal(ours: np.ndarray, names: list[str], theirs: np.ndarray, pipe: Pipeline) -> float:
    their_names = list(pipe.get_feature_names_out())
    if sorted(names) != sorted(their_names):
        sys.exit(f"different output columns: {names} vs {their_names}")
    order = [their_names.index(n) for n in names]
    diff = float(np.max(np.abs(ours - theirs[:, order])))
    if diff > 1e-9:
        sys.exit(f"outputs differ by {diff}")
    return diff


def median_time(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def fmt(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.0f} µs"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3, help="fit+apply runs per side")
    parser.add_argument("--single", type=int, default=2000, help="one-row calls per side")
    ns = parser.parse_args()

    df = make_data(ns.rows)
    fit_times: dict[str, list[float]] = {"skyulf": [], "sklearn": []}
    step_times: list[list[float]] = []
    for _ in range(ns.repeats):  # alternate so machine noise hits both sides alike
        start = time.perf_counter()
        records, ours, names, steps = skyulf_fit(df)
        fit_times["skyulf"].append(time.perf_counter() - start)
        step_times.append(steps)
        pipe = sklearn_pipeline()
        start = time.perf_counter()
        theirs = pipe.fit_transform(df)
        fit_times["sklearn"].append(time.perf_counter() - start)
    diff = check_equal(ours, names, theirs, pipe)
    fit_sky, fit_sk = (statistics.median(fit_times[k]) for k in ("skyulf", "sklearn"))

    inputs = [*NUMERIC, "constant", *CATEGORICAL]
    chain = FittedChain(
        records=records,
        target=None,
        signature=Signature(
            inputs=describe_inputs(df, inputs),
            output=OutputSpec(name="none", task="regression"),
        ),
        feature_columns=names,
        allows_nan=False,
        model_node_id="bench",
        model_type="none",
    )
    sample = df.sample(100, random_state=1)
    frames = [sample.iloc[[i]] for i in range(len(sample))]
    rows = [
        {k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()}
        for r in sample.astype(object).to_dict(orient="records")
    ]
    for i in range(len(sample)):  # both sides give the same one-row output
        one = chain.matrix_rows([rows[i]])
        if np.max(np.abs(one - theirs_row(pipe, frames[i], names))) > 1e-9:
            sys.exit(f"one-row outputs differ on row {i}")

    def cycle(fn: Callable[[int], object]) -> Callable[[], object]:
        counter = iter(range(10**12))
        return lambda: fn(next(counter) % len(rows))

    single = {
        "fast_rows": median_time(cycle(lambda i: chain.matrix_rows([rows[i]])), ns.single),
        "fast_frame": median_time(cycle(lambda i: chain.matrix(frames[i])), ns.single),
        "sklearn": median_time(cycle(lambda i: pipe.transform(frames[i])), ns.single),
    }
    chain.fast_path_max_rows = 0
    single["pandas"] = median_time(
        cycle(lambda i: chain.matrix(frames[i])), max(50, ns.single // 10)
    )

    print(report(ns, fit_sky, fit_sk, single, step_times, diff))
    return 0


def theirs_row(pipe: Pipeline, frame: pd.DataFrame, names: list[str]) -> np.ndarray:
    out = pipe.transform(frame)
    their_names = list(pipe.get_feature_names_out())
    return out[:, [their_names.index(n) for n in names]]


def report(
    ns: argparse.Namespace,
    fit_sky: float,
    fit_sk: float,
    single: dict[str, float],
    step_times: list[list[float]],
    diff: float,
) -> str:
    ratio = fit_sky / fit_sk
    speedup = single["sklearn"] / single["fast_rows"]
    n = f"{ns.rows:,}"
    lines = [
        f"Command: `uv run python bench/bench_node_chain.py --rows {ns.rows} "
        f"--repeats {ns.repeats} --single {ns.single}`",
        "",
        f"Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
        f"scikit-learn {sklearn.__version__}, {os.cpu_count()} CPUs; outputs equal "
        f"(max abs difference {diff:.1e}).",
        "",
        "| Measurement | Skyulf | scikit-learn | Ratio | Goal | Met |",
        "|---|---:|---:|---:|---|---|",
        f"| fit+apply, 6 steps, {n} rows (median of {ns.repeats}) | {fmt(fit_sky)} | "
        f"{fmt(fit_sk)} | {ratio:.2f} (Skyulf / sklearn) | <= 1.2 | "
        f"{'yes' if ratio <= 1.2 else 'no'} |",
        f"| one row, fast path, row dict in (median of {ns.single}) | "
        f"{fmt(single['fast_rows'])} | {fmt(single['sklearn'])} | {speedup:.1f}x faster | "
        f">= 5x | {'yes' if speedup >= 5 else 'no'} |",
        f"| one row, fast path, 1-row DataFrame in | {fmt(single['fast_frame'])} | "
        f"{fmt(single['sklearn'])} | {single['sklearn'] / single['fast_frame']:.1f}x faster | "
        "| |",
        f"| one row, pandas path (fast path off) | {fmt(single['pandas'])} | "
        f"{fmt(single['sklearn'])} | {single['sklearn'] / single['pandas']:.2f}x | | |",
        "",
        f"Skyulf fit+apply per step, {n} rows (median of {ns.repeats}):",
        "",
        "| Step | Node | Time |",
        "|---|---|---:|",
    ]
    names = [(s[0], s[1]) for s in STEPS] + [("matrix", "to float64 matrix")]
    for i, (step, node) in enumerate(names):
        lines.append(f"| {step} | {node} | {fmt(statistics.median(t[i] for t in step_times))} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
