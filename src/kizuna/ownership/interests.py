"""Which interest types feed the share arithmetic and which are control only (data/ownership/interests.yaml)."""

from __future__ import annotations

from kizuna.ownership.model import InterestKind
from kizuna.ownership.rules import interests


def kind_of(interest_type: str) -> InterestKind | None:
    """Ownership, control, or None for interests that neither own nor control (e.g. a nominee's role)."""
    table = interests()
    if interest_type in table.ownership:
        return InterestKind.OWNERSHIP
    if interest_type in table.control:
        return InterestKind.CONTROL
    return None


def is_voting(interest_type: str) -> bool:
    """True for interests that measure votes rather than economic ownership."""
    return interest_type in interests().voting
