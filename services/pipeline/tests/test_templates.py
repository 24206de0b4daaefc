"""The starter templates: each is a valid pipeline without a dataset (structure and the leakage
guard), uses real node ids and parameters, and trains on a small frame shaped like its task."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from skyulf.pipeline.v1 import pipeline_pb2
from skyulf_core.graph import train_pipeline, validate_graph
from skyulf_core.nodes.splitting import SPLITTER_ID
from skyulf_pipeline.models import PipelineTemplate
from skyulf_pipeline.templates import load_templates

N = 240


def _tabular(task: str, *, rare: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    x1, x2 = rng.normal(size=N), rng.normal(size=N)
    frame = pd.DataFrame({"x1": x1, "x2": x2, "city": rng.choice(["a", "b", "c"], size=N)})
    frame.loc[::10, "x1"] = np.nan
    frame.loc[5::17, "city"] = None
    signal = x2 + 0.3 * x1
    if task == "regression":
        frame["target"] = 3 * signal + rng.normal(scale=0.1, size=N)
    else:
        frame["target"] = np.where(signal > (1.2 if rare else 0.0), "yes", "no")
    return frame


def _text() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    words = {"yes": ["great", "love", "excellent"], "no": ["bad", "awful", "boring"]}
    labels = rng.choice(["yes", "no"], size=N)
    text = [" ".join(rng.choice(words[v], size=3)) + " film" for v in labels]
    return pd.DataFrame({"text": text, "target": labels})


def _dated() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    dates = pd.date_range("2024-01-01", periods=N, freq="D")
    frame = pd.DataFrame({"date": dates, "x1": rng.normal(size=N)})
    frame["target"] = 2.0 * dates.day_of_week.to_numpy() + frame["x1"]
    return frame


FRAMES: dict[str, Callable[[], pd.DataFrame]] = {
    "binary_classification": lambda: _tabular("classification"),
    "regression": lambda: _tabular("regression"),
    "imbalanced_classification": lambda: _tabular("classification", rare=True),
    "text_classification": _text,
    "date_features": _dated,
}
# What a template must reach on its frame: the signal is strong, so these are loose bounds.
GOOD_ENOUGH = {"classification": ("test_balanced_accuracy", 0.8), "regression": ("test_r2", 0.8)}
TEMPLATES = load_templates()


def test_the_five_starters_are_there() -> None:
    assert {t.id for t in TEMPLATES} >= set(FRAMES)
    assert len({t.id for t in TEMPLATES}) == len(TEMPLATES)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.id)
def test_template_is_valid_without_a_dataset(template: PipelineTemplate) -> None:
    report = validate_graph(template.graph)
    assert report.valid, [e.message for e in report.errors]
    splitter = next(n for n in template.graph["nodes"] if n["type"] == SPLITTER_ID)
    assert splitter["params"]["target_column"] == "target"
    assert set(template.layout) == {n["id"] for n in template.graph["nodes"]}


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.id)
def test_template_trains_on_a_frame_of_its_kind(template: PipelineTemplate) -> None:
    result = train_pipeline(template.graph, FRAMES[template.id]())
    assert result.task == template.task
    metric, floor = GOOD_ENOUGH[template.task]
    assert result.metrics[metric] >= floor, result.metrics


def test_imbalanced_template_resamples_after_the_split() -> None:
    [template] = [t for t in TEMPLATES if t.id == "imbalanced_classification"]
    order = [n["type"] for n in template.graph["nodes"]]
    assert order.index("Oversampling") > order.index(SPLITTER_ID)


async def test_list_templates_over_grpc(harness: Any) -> None:
    resp = await harness.stub.ListTemplates(pipeline_pb2.ListTemplatesRequest())
    by_id = {t.id: t for t in resp.templates}
    assert set(by_id) == {t.id for t in TEMPLATES}
    text = by_id["text_classification"]
    assert text.task == "classification" and text.name
    assert [n.type for n in text.graph.nodes] == [
        "TrainTestSplitter",
        "tfidf_vectorizer",
        "logistic_regression",
    ]
    assert set(json.loads(text.layout_json)) == {"split", "tfidf", "model"}
