"""The typed description of a dataset's source, as stored (encrypted) on the dataset."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, RootModel


class UploadSource(BaseModel):
    kind: Literal["upload"] = "upload"
    # Excel only: the sheet (the first when empty) and the 0-based header row.
    sheet: str = ""
    header_row: int = Field(default=0, ge=0)


class SqlSource(BaseModel):
    kind: Literal["sql"] = "sql"
    # Carries the credentials: never logged, returned, or put in a task payload.
    url: str = Field(repr=False)
    table: str = ""
    query: str = ""


class HttpSource(BaseModel):
    kind: Literal["http"] = "http"
    url: str
    records_path: str = ""
    pagination: Literal["none", "page", "cursor"] = "none"
    page_param: str = "page"
    cursor_path: str = ""
    max_pages: int = Field(default=100, ge=1, le=10_000)
    auth_header_name: str = ""
    auth_header_value: str = Field(default="", repr=False)


class S3Source(BaseModel):
    kind: Literal["s3"] = "s3"
    uri: str
    sheet: str = ""
    header_row: int = Field(default=0, ge=0)


Source = Annotated[UploadSource | SqlSource | HttpSource | S3Source, Field(discriminator="kind")]


class SourceRecord(RootModel[Source]):
    """What the dataset row keeps, encrypted: the whole source, secrets included."""
