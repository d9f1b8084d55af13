"""Reads the content data files in this folder and validates them.

The files are the source of the seed catalogue (`backpain seed`) and of the bibliography that
content items and the ruleset cite by key.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

CONTENT_DIR = Path(__file__).resolve().parent
M = TypeVar("M", bound=BaseModel)


class ContentFileError(Exception):
    """A content file is missing, is not TOML, or holds an invalid item."""


class SourceRef(BaseModel):
    """A cited work: the key used in data files, a citation, and a stable link when there is one."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(examples=["nice-ng59"])
    title: str = Field(examples=["NICE guideline NG59: Low back pain and sciatica in over 16s"])
    url: str | None = Field(default=None, examples=["https://www.nice.org.uk/guidance/ng59"])


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ContentFileError(f"{path.name}: file not found") from None
    except tomllib.TOMLDecodeError as error:
        raise ContentFileError(f"{path.name}: not valid TOML: {error}") from None


def read_table_array(
    filename: str, table: str, *, directory: Path = CONTENT_DIR
) -> list[dict[str, Any]]:
    data = read_toml(directory / filename)
    items = data.get(table)
    if not isinstance(items, list) or not items:
        raise ContentFileError(f"{filename}: expected one or more [[{table}]] tables")
    return items


def validate_items(model: type[M], items: list[dict[str, Any]], filename: str) -> list[M]:
    out: list[M] = []
    for index, raw in enumerate(items):
        try:
            out.append(model.model_validate(raw))
        except ValidationError as error:
            where = raw.get("slug") or raw.get("key") or f"item {index + 1}"
            first = error.errors(include_url=False)[0]
            loc = ".".join(str(p) for p in first["loc"])
            raise ContentFileError(f"{filename}: {where}: {loc}: {first['msg']}") from None
    return out


@cache
def bibliography() -> dict[str, SourceRef]:
    refs = validate_items(SourceRef, read_table_array("sources.toml", "source"), "sources.toml")
    by_key = {ref.key: ref for ref in refs}
    if len(by_key) != len(refs):
        raise ContentFileError("sources.toml: a key is defined twice")
    return by_key
