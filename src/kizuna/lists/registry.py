"""The lists Kizuna knows, read from ``data/lists/registry.yaml``."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from kizuna.core.datafiles import read_yaml
from kizuna.core.paths import bundled


@dataclass(frozen=True, slots=True)
class ListInfo:
    code: str
    name: str
    authority: str
    legal_basis: str
    official_url: str
    # how `kizuna lists fetch` downloads the list: {format, files: {role: URL or {page, link}}}; empty when the
    # publisher offers no stable machine-readable file
    download: dict[str, Any] = field(default_factory=dict)


@cache
def known_lists() -> dict[str, ListInfo]:
    """Every registered list by code, in registry order."""
    data = read_yaml(bundled("lists", "registry.yaml"))
    return {code: ListInfo(code=code, **fields) for code, fields in data["lists"].items()}


def list_info(code: str) -> ListInfo:
    """The registered list, or a minimal description for a list the registry does not know."""
    return known_lists().get(code) or ListInfo(code, code, "unknown", "", "")


def official_url(code: str) -> str:
    return list_info(code).official_url
