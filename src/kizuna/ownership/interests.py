"""Which interest types feed the share arithmetic and which are control only (data/ownership/interests.yaml)."""

from __future__ import annotations

from functools import cache
from typing import Any

from kizuna.core.datafiles import read_yaml
from kizuna.core.paths import bundled
from kizuna.ownership.model import InterestKind


@cache
def interest_table() -> dict[str, Any]:
    """The interest-type table with its sources."""
    return read_yaml(bundled("ownership", "interests.yaml"))


def kind_of(interest_type: str) -> InterestKind | None:
    """Ownership, control, or None for interests that neither own nor control (e.g. a nominee's role)."""
    table = interest_table()
    if interest_type in table["ownership"]:
        return InterestKind.OWNERSHIP
    if interest_type in table["control"]:
        return InterestKind.CONTROL
    return None


def is_voting(interest_type: str) -> bool:
    """True for interests that measure votes rather than economic ownership."""
    return interest_type in interest_table()["voting"]
