"""The frame-to-matrix step in front of every model, with errors a user can act on.

scikit-learn would fail on text or NaN deep inside ``fit``/``predict`` with a message about
arrays; here the failure names the model node and the columns, and says which node is missing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from skyulf_errors import InvalidArgument, NodeError


def feature_matrix(
    X: pd.DataFrame,
    feature_columns: list[str],
    *,
    allows_nan: bool,
    node_id: str,
    model_type: str,
    at_inference: bool = False,
) -> np.ndarray:
    """``X[feature_columns]`` as float64; rejects text, and NaN/±inf unless ``allows_nan``."""
    missing = [c for c in feature_columns if c not in X.columns]
    if missing:
        raise InvalidArgument(
            f"model '{node_id}' ({model_type}) expects column '{missing[0]}' which the "
            "preprocessing did not produce",
            details={"node": node_id, "column": missing[0], "columns": missing},
        )
    if not feature_columns:
        raise NodeError(
            f"node '{node_id}' ({model_type}) receives no feature columns",
            node_id=node_id,
            node_type=model_type,
        )
    frame = X[feature_columns]
    text = [
        c
        for c in feature_columns
        if not (ptypes.is_numeric_dtype(frame[c].dtype) or ptypes.is_bool_dtype(frame[c].dtype))
    ]
    if text:
        converted = {c: pd.to_numeric(frame[c], errors="coerce") for c in text}
        bad = [c for c in text if bool((converted[c].isna() & frame[c].notna()).any())]
        if bad:
            raise _error(
                f"model '{node_id}' ({model_type}): column(s) {bad} are not numeric; add an "
                "encoder (e.g. OneHotEncoder) or drop them",
                node_id,
                model_type,
                bad,
                at_inference,
            )
        frame = frame.assign(**converted)
    matrix = frame.to_numpy(dtype="float64", na_value=np.nan)
    if not allows_nan:
        bad_mask = ~np.isfinite(matrix)
        if bad_mask.any():
            bad = [feature_columns[i] for i in np.flatnonzero(bad_mask.any(axis=0))]
            raise _error(
                f"model '{node_id}' ({model_type}): column(s) {bad} have missing or infinite "
                "values; add an imputer (e.g. SimpleImputer) before the model",
                node_id,
                model_type,
                bad,
                at_inference,
            )
    return matrix


def _error(
    message: str, node_id: str, model_type: str, columns: list[str], at_inference: bool
) -> InvalidArgument:
    if at_inference:
        return InvalidArgument(
            message, details={"node": node_id, "column": columns[0], "columns": columns}
        )
    return NodeError(
        message,
        node_id=node_id,
        node_type=model_type,
        column=columns[0],
        details={"columns": columns},
    )
