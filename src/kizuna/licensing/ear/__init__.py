"""The US EAR determination: the CCL and the Commerce Country Chart with part 742's special requirements, part
744's end-use and end-user rules, the parties' list status (and the affiliates rule), part 746's embargoes, the
foreign-direct product rules as far as the facts go, and the part 740 exceptions that could apply (named, never
granted). Every determination cites its paragraph and the edition of the text it was read from."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kizuna.licensing.assessment import Determination, Shipment
from kizuna.licensing.ear.chart import chart_determinations
from kizuna.licensing.ear.embargo import embargo_determinations
from kizuna.licensing.ear.enduse import check_end_uses, end_use_determinations
from kizuna.licensing.ear.exceptions import exception_determinations
from kizuna.licensing.ear.fdp import fdp_determination
from kizuna.licensing.ear.item import EarItem, item_of
from kizuna.licensing.ear.parties import Hits, party_determinations

if TYPE_CHECKING:
    from kizuna.ownership.model import Graph

__all__ = ["EarItem", "assess_us", "fdp_determination", "item_of"]


def assess_us(shipment: Shipment, item: EarItem, hits: Hits, graph: Graph | None = None,
              as_of: str | None = None) -> list[Determination]:
    """Every US rule checked for ``shipment`` (its item read as ``item``), those that do not apply included."""
    check_end_uses(shipment)
    found = [*chart_determinations(item, shipment.destination), *embargo_determinations(shipment, item),
             *end_use_determinations(shipment, item), *party_determinations(shipment, item, hits, graph, as_of),
             fdp_determination(shipment, hits)]
    found.extend(exception_determinations(shipment, item, found))
    return found
