import pytest

from skyulf_errors import InvalidArgument
from skyulf_platform.names import check_name, is_valid_name


@pytest.mark.parametrize(
    "name", ["churn\n", "churn\r\n", "\nchurn", "churn ", "", "-churn", "a/b", "../x", "x" * 129]
)
def test_bad_names_are_refused_whole(name: str) -> None:
    assert not is_valid_name(name)
    with pytest.raises(InvalidArgument, match="model_name") as err:
        check_name(name, "model_name")
    assert err.value.details == {"field": "model_name"}


@pytest.mark.parametrize("name", ["churn", "churn-v2.1_a", "A", "x" * 128])
def test_good_names(name: str) -> None:
    assert check_name(name) == name
