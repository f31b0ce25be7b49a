"""The denials a licence check reads, and the protocol any holder of denials implements (an exchange node, a
file of national denials): ``DenialSource.active_denials(today)`` returns typed ``Denial`` records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from kizuna.controls import ControlEntry
from kizuna.core.party import Party


@dataclass(frozen=True, slots=True)
class Denial:
    """A licence denial that still counts: its control entries, its end user, when and by whom it was issued.

    ``visible`` is whether the person running the check may see what a match would quote of it (its control
    entries and end user); a match with a denial they may not see is shown only as a block. ``own``: issued by the
    authority running the check, so there is no one to consult.
    """

    id: str
    end_user: Party
    controls: tuple[ControlEntry, ...]
    denial_date: str
    originator: str  # the denying authority's id
    originator_name: str
    visible: bool = True
    own: bool = False


class DenialSource(Protocol):
    """Whatever holds denials: the licence check asks it only for the ones active on a day."""

    def active_denials(self, today: date) -> list[Denial]:
        """Every denial not revoked and not past its review date on ``today``."""
        ...
