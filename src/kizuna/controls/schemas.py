"""Response models of ``/v1/controls/…`` (what each answer holds; the values are as ``kizuna.controls.service``
returns them, the same as ``kizuna controls … --json``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class EntryOut(BaseModel):
    reference: str
    eccn: str
    heading: str
    as_of: str
    read_as: str
    text: str
    paragraph: dict[str, Any] | None
    paragraphs: list[dict[str, Any]]
    notes: list[dict[str, Any]]
    entry_notes: list[dict[str, Any]]
    preamble: str
    related_controls: str
    related_definitions: str
    heading_only: bool
    licence_requirements: list[dict[str, Any]]
    wassenaar: dict[str, Any] | None
    crosswalk: list[dict[str, Any]]
    sources: list[dict[str, Any]]


class SearchOut(BaseModel):
    query: str
    category: str
    as_of: str
    count: int
    hits: list[dict[str, Any]]
    sources: list[dict[str, Any]]


class GapsOut(BaseModel):
    category: str
    as_of: str
    jurisdictions: list[str]
    summary: dict[str, int]
    rows: list[dict[str, Any]]
    sources: list[dict[str, Any]]


class DiffOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from")
    to: str
    category: str
    changes: list[dict[str, Any]]
    measures: list[dict[str, Any]]
    summary: dict[str, Any]
    sources: list[dict[str, Any]]


class ControlListsOut(BaseModel):
    lists: list[dict[str, Any]]


class JpItemOut(BaseModel):
    item: str
    as_of: str
    destinations: str
    wassenaar_category: str | None
    catch_all: bool
    sentences: list[dict[str, str]]
    sme_items_2023: list[dict[str, Any]]
    sources: list[dict[str, Any]]
