"""Real bundled lists for the licensing tests, read through the lists' own importers (``data/lists/bundle.yaml``),
and the shipment's parties screened against them with ``kizuna.screening.screen_many`` — without building the whole
snapshot: the rule modules only need the hits, whatever screened them."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from kizuna.core.entity import Entry
from kizuna.licensing.assessment import Shipment, ShipmentParty
from kizuna.lists.model import ListData
from kizuna.lists.sources import bundled_specs
from kizuna.screening import Hit, screen_many


@cache
def entries(*lists: str) -> tuple[Entry, ...]:
    """Every entry of the bundled lists with these codes (``jp-meti-eul``, ``us-bis-dpl`` …)."""
    found = [entry for data in _bundled() if data.code in lists for entry in data.entries]
    assert {e.list_code for e in found} == set(lists), f"not all of {lists} are bundled"
    return tuple(found)


_FORMATS = ("meti-xlsx", "us-restricted-json")  # the formats of the lists these tests use


@cache
def _bundled() -> tuple[ListData, ...]:
    base, specs = bundled_specs()
    return tuple(data for spec in specs if spec.format in _FORMATS for data in spec.read(base))


def screened(shipment: Shipment, *lists: str) -> list[tuple[ShipmentParty, Hit]]:
    """Each party's hits on the given bundled lists, as the rule modules take them."""
    parties: Sequence[ShipmentParty] = shipment.parties
    results = screen_many([p.party for p in parties], entries=entries(*lists))
    return [(party, hit) for party, hits in zip(parties, results, strict=True) for hit in hits]
