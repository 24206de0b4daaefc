"""Geo nodes (stateless): GeoDistance.

The distance between two latitude/longitude points (decimal degrees) per row:

- ``haversine``: great-circle distance on a sphere of radius 6371.0088 km (the IUGG mean Earth
  radius); equals ``sklearn.metrics.pairwise.haversine_distances`` times that radius;
- ``euclidean``: the straight line in the latitude/longitude plane, in degrees, converted at
  ``radius * pi / 180`` km per degree: a quick approximation only sensible over short
  distances away from the poles.

``unit`` is ``km`` or ``mi`` (1 mi = 1.609344 km). The second point is either a column pair
(``lat2``/``lon2``) or, an addition to NODES.md, a fixed reference point (``ref_lat``/
``ref_lon``: distance to a depot or a city centre). The output column defaults to
``geo_distance_<unit>``.

A missing coordinate, a non-finite one, a latitude outside [-90, 90] or a longitude outside
[-180, 180] gives NaN: a wrong coordinate is not a distance.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from pydantic import model_validator

from skyulf_core.nodes._frames import arrays_with, column_arrays, float_array, frame_with
from skyulf_core.nodes.base import (
    Columns,
    ColumnSet,
    FittedRecord,
    NodeContext,
    NodeDefinition,
    NodeParams,
)
from skyulf_core.nodes.columns import resolve_columns
from skyulf_errors import NodeError

EARTH_RADIUS_KM = 6371.0088
KM_PER_MILE = 1.609344


class GeoDistanceParams(NodeParams):
    lat1: str | None = None
    lon1: str | None = None
    lat2: str | None = None
    lon2: str | None = None
    ref_lat: float | None = None
    ref_lon: float | None = None
    method: Literal["haversine", "euclidean"] = "haversine"
    unit: Literal["km", "mi"] = "km"
    output_column: str | None = None

    @model_validator(mode="after")
    def _check_reference(self) -> GeoDistanceParams:
        if (self.ref_lat is None) != (self.ref_lon is None):
            raise ValueError("give both ref_lat and ref_lon, or neither")
        if self.ref_lat is not None and not -90 <= self.ref_lat <= 90:
            raise ValueError("ref_lat must be within [-90, 90]")
        if self.ref_lon is not None and not -180 <= self.ref_lon <= 180:
            raise ValueError("ref_lon must be within [-180, 180]")
        return self

    def output_name(self) -> str:
        return self.output_column or f"geo_distance_{self.unit}"


class GeoDistanceRecord(FittedRecord):
    node_type: str = "GeoDistance"
    # columns = [lat1, lon1] or [lat1, lon1, lat2, lon2], in that order.
    reference: tuple[float, float] | None
    method: Literal["haversine", "euclidean"]
    unit: Literal["km", "mi"]
    output_column: str

    def created_columns(self) -> list[str]:
        return [self.output_column]


def _fit(
    X: pd.DataFrame, y: pd.Series | None, params: GeoDistanceParams, ctx: NodeContext
) -> GeoDistanceRecord:
    fields = ["lat1", "lon1"] if params.ref_lat is not None else ["lat1", "lon1", "lat2", "lon2"]
    for name in fields:
        if getattr(params, name) is None:
            raise NodeError(
                f"node '{ctx.node_id}' (GeoDistance): parameter '{name}' names no column"
                + (" (or give ref_lat and ref_lon)" if name in ("lat2", "lon2") else ""),
                node_id=ctx.node_id,
                node_type="GeoDistance",
                field=name,
            )
    columns = [str(getattr(params, name)) for name in fields]
    resolve_columns(X, list(dict.fromkeys(columns)), ctx, "GeoDistance", "numeric")
    output = params.output_name()
    if output in X.columns and output not in columns:
        raise NodeError(
            f"node '{ctx.node_id}' (GeoDistance): output column '{output}' already exists",
            node_id=ctx.node_id,
            node_type="GeoDistance",
            column=output,
            field="output_column",
        )
    reference = None
    if params.ref_lat is not None and params.ref_lon is not None:
        reference = (params.ref_lat, params.ref_lon)
    return GeoDistanceRecord(
        node_id=ctx.node_id,
        columns=columns,
        reference=reference,
        method=params.method,
        unit=params.unit,
        output_column=output,
    )


def _valid(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return (np.abs(lat) <= 90.0) & (np.abs(lon) <= 180.0)


def distance(
    lat1: np.ndarray,
    lon1: np.ndarray,
    lat2: np.ndarray,
    lon2: np.ndarray,
    method: str = "haversine",
    unit: str = "km",
) -> np.ndarray:
    """Row-wise distance between two coordinate arrays (degrees); NaN where one is invalid."""
    ok = _valid(lat1, lon1) & _valid(lat2, lon2)
    p1, l1, p2, l2 = (np.radians(np.where(ok, a, 0.0)) for a in (lat1, lon1, lat2, lon2))
    if method == "haversine":
        h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2) ** 2
        angle = 2 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    else:
        angle = np.hypot(p2 - p1, l2 - l1)
    km = angle * EARTH_RADIUS_KM
    out = km / KM_PER_MILE if unit == "mi" else km
    return np.where(ok, out, np.nan)


def _distance_of(cols: Columns, record: GeoDistanceRecord) -> dict[str, np.ndarray]:
    values = [float_array(cols[c]) for c in record.columns]
    if record.reference is not None:
        n = len(values[0])
        values += [np.full(n, record.reference[0]), np.full(n, record.reference[1])]
    lat1, lon1, lat2, lon2 = values
    return {record.output_column: distance(lat1, lon1, lat2, lon2, record.method, record.unit)}


def _apply(
    X: pd.DataFrame, y: pd.Series | None, record: GeoDistanceRecord, ctx: NodeContext
) -> tuple[pd.DataFrame, pd.Series | None]:
    return frame_with(X, _distance_of(column_arrays(X, record.columns), record)), y


def _apply_arrays(cols: Columns, record: GeoDistanceRecord) -> Columns:
    return arrays_with(cols, _distance_of(cols, record))


def _flow(columns: ColumnSet, params: GeoDistanceParams) -> ColumnSet:
    name = params.output_name()
    names = columns.names if name in columns.names else (*columns.names, name)
    return ColumnSet(names, columns.open, columns.removed - {name})


GEO_DISTANCE: NodeDefinition[GeoDistanceParams, GeoDistanceRecord] = NodeDefinition(
    id="GeoDistance",
    group="geo",
    description="Adds the haversine or euclidean distance between two latitude/longitude points.",
    params_model=GeoDistanceParams,
    record_model=GeoDistanceRecord,
    learns=False,
    train_only=False,
    calculator=_fit,
    applier=_apply,
    column_flow=_flow,
    array_applier=_apply_arrays,
)

NODES: list[NodeDefinition] = [GEO_DISTANCE]
