"""Column types of a CSV: Polars' own inference with dates, at a fraction of its cost."""

from __future__ import annotations

import polars as pl
import pytest

from skyulf_ingestion.formats import delimited_schema

CASES = {
    "iso date": "a,d\n1,2020-01-01\n2,2021-12-31\n",
    "datetime": "a,d\n1,2020-01-01 10:00:00\n2,2021-12-31 11:12:13\n",
    "datetime with T": "a,d\n1,2020-01-01T10:00:00\n2,2021-12-31T11:12:13.123\n",
    "offsets": "a,d\n1,2020-01-01T10:00:00+02:00\n2,2021-12-31T11:12:13Z\n",
    "utc": "a,d\n1,2020-01-01T10:00:00Z\n2,2021-12-31T11:12:13Z\n",
    "day first": "a,d\n1,31/01/2020\n2,28/02/2021\n",
    "dotted": "a,d\n1,31.01.2020\n2,28.02.2021\n",
    "slashes": "a,d\n1,2020/01/31\n2,2021/02/28\n",
    "a word among dates": "a,d\n1,2020-01-01\n2,hello\n",
    "a missing date": "a,d\n1,\n2,2021-01-01\n",
    "all missing": "a,d\n1,\n2,\n",
    "quoted": 'a,d\n1,"x,y"\n2,"2020-01-01"\n',
    "leading zeros": "a,d\n1,007\n2,0x1\n",
    "times": "a,d\n1,12:30:00\n2,13:45:10\n",
    "digits only": "a,d\n1,20200101\n2,20211231\n",
    "blank before a date": "a,d\n1, 2020-01-01\n2, 2021-01-01\n",
    "fractional seconds": "a,d\n1,2020-01-01 10:00:00.123456\n2,2020-01-01 10:00\n",
    "booleans": "a,d\n1,true\n2,false\n",
    "dates and datetimes": "a,d\n1,2020-01-01\n2,2020-01-01 10:00:00\n",
    "words": "a,d,e\n1,north,2020-01-01\n2,south,2020-02-01\n",
}


@pytest.mark.parametrize("text", CASES.values(), ids=list(CASES))
def test_the_types_are_those_polars_infers_with_dates(text: str) -> None:
    source = text.encode()
    expected = pl.read_csv(source, try_parse_dates=True, infer_schema_length=10_000)
    schema = delimited_schema(source, ",", 10_000)
    assert schema == expected.schema
    assert pl.read_csv(source, schema=schema).equals(expected)


def test_two_date_formats_in_one_column_are_refused_as_by_polars() -> None:
    source = b"a,d\n1,2020-01-01\n2,31/01/2020\n"
    with pytest.raises(pl.exceptions.ComputeError):
        pl.read_csv(source, try_parse_dates=True, infer_schema_length=10_000)
    with pytest.raises(pl.exceptions.ComputeError):
        delimited_schema(source, ",", 10_000)


def test_a_tab_separated_file_is_read_the_same_way() -> None:
    source = b"a\td\tw\n1\t2020-01-01\tx y\n2\t2021-01-01\tz\n"
    expected = pl.read_csv(source, separator="\t", try_parse_dates=True)
    assert delimited_schema(source, "\t", 10_000) == expected.schema
