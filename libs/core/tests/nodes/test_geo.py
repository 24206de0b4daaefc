"""GeoDistance: haversine equals scikit-learn's, invalid coordinates give NaN."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics.pairwise import haversine_distances

from skyulf_core.nodes import NodeContext, get_node
from skyulf_core.nodes.geo import EARTH_RADIUS_KM, KM_PER_MILE
from skyulf_errors import NodeError

CTX = NodeContext(node_id="g")
PAIR = {"lat1": "lat", "lon1": "lon", "lat2": "lat_b", "lon2": "lon_b"}


@pytest.fixture
def points() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 40
    return pd.DataFrame(
        {
            "lat": rng.uniform(-89, 89, n),
            "lon": rng.uniform(-179, 179, n),
            "lat_b": rng.uniform(-89, 89, n),
            "lon_b": rng.uniform(-179, 179, n),
        }
    )


def _distance(X: pd.DataFrame, **params: object) -> pd.Series:
    node = get_node("GeoDistance")
    record = node.fit(X, None, params, CTX)
    out, _ = node.apply(X, None, record, CTX)
    return out[record.created_columns()[0]]


def test_haversine_matches_sklearn(points: pd.DataFrame) -> None:
    got = _distance(points, **PAIR)
    a = np.radians(points[["lat", "lon"]].to_numpy())
    b = np.radians(points[["lat_b", "lon_b"]].to_numpy())
    expected = np.diag(haversine_distances(a, b)) * EARTH_RADIUS_KM
    np.testing.assert_allclose(got.to_numpy(), expected, atol=1e-9, rtol=0)
    assert got.name == "geo_distance_km"


def test_known_distance_in_miles() -> None:
    # Paris - London, about 343.9 km great-circle.
    X = pd.DataFrame({"lat": [48.8566], "lon": [2.3522], "lat_b": [51.5074], "lon_b": [-0.1278]})
    km = _distance(X, **PAIR).iloc[0]
    mi = _distance(X, **PAIR, unit="mi")
    assert km == pytest.approx(343.9, abs=0.5)
    assert mi.name == "geo_distance_mi"
    assert mi.iloc[0] == pytest.approx(km / KM_PER_MILE)


def test_reference_point_equals_a_constant_column(points: pd.DataFrame) -> None:
    with_ref = _distance(points, lat1="lat", lon1="lon", ref_lat=10.0, ref_lon=20.0)
    columns = points.assign(lat_b=10.0, lon_b=20.0)
    np.testing.assert_allclose(with_ref, _distance(columns, **PAIR), atol=1e-12)


def test_euclidean_is_degrees_times_km_per_degree() -> None:
    X = pd.DataFrame({"lat": [0.0], "lon": [0.0], "lat_b": [3.0], "lon_b": [4.0]})
    got = _distance(X, **PAIR, method="euclidean").iloc[0]
    assert got == pytest.approx(5.0 * np.pi / 180 * EARTH_RADIUS_KM)


def test_invalid_and_missing_coordinates_give_nan() -> None:
    X = pd.DataFrame(
        {
            "lat": [91.0, 10.0, np.nan, np.inf, 10.0, 90.0],
            "lon": [0.0, -181.0, 0.0, 0.0, 10.0, 180.0],
            "lat_b": [0.0, 0.0, 0.0, 0.0, 10.0, -90.0],
            "lon_b": [0.0, 0.0, 0.0, 0.0, 10.0, -180.0],
        }
    )
    got = _distance(X, **PAIR).to_numpy()
    assert np.isnan(got[:4]).all()
    assert got[4] == 0.0
    assert got[5] == pytest.approx(np.pi * EARTH_RADIUS_KM)


def test_missing_second_point_names_the_field(points: pd.DataFrame) -> None:
    with pytest.raises(NodeError, match="lat2") as info:
        get_node("GeoDistance").fit(points, None, {"lat1": "lat", "lon1": "lon"}, CTX)
    assert info.value.details["field"] == "lat2"


def test_text_coordinate_column_is_refused(points: pd.DataFrame) -> None:
    X = points.assign(lat=points["lat"].astype(str))
    with pytest.raises(NodeError, match="'lat'"):
        get_node("GeoDistance").fit(X, None, PAIR, CTX)


def test_half_a_reference_point_is_rejected() -> None:
    with pytest.raises(NodeError, match="ref_lat"):
        get_node("GeoDistance").parse_params({"ref_lat": 1.0}, "g")
