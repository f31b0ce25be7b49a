"""Allied denials for a shipment: the one licence check (``kizuna.licensing.check``) against a real exchange node's
active denials (a METI denial synced to a BIS node), and against an in-memory ``DenialSource``.

How each case is worked out: "essentially identical" is the same control entry (``kizuna.controls.compare``: equal
keys, or one a sub-paragraph of the other) and the same end user (screened across spellings and scripts); a denial
by another authority then means consulting it before approval (data/licensing/no_undercut.yaml).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from kizuna.controls import parse
from kizuna.core.party import Party
from kizuna.licensing import Denial
from kizuna.licensing.allies import allied_denials, control_code
from kizuna.licensing.assessment import Shipment, ShipmentParty, ShipmentRole
from tests.exchange.conftest import AgencyNode, add_denial, link, make_node, sync_in_process

TODAY = date(2026, 12, 1)


@dataclass
class MemoryDenials:
    denials: list[Denial]

    def active_denials(self, today: date) -> list[Denial]:
        return list(self.denials)


def _shipment(item: str, end_user: str, exporter: str = "US", tpp: float | None = None,
              die_area_mm2: float | None = None) -> Shipment:
    end = ShipmentParty(ShipmentRole.END_USER, Party(end_user, country="CN"))
    return Shipment(exporter, "CN", item=item, parties=(end,), tpp=tpp, die_area_mm2=die_area_mm2)


@pytest.fixture()
def us_with_metis_denial(tmp_path: Path) -> Iterator[AgencyNode]:
    """A BIS node holding METI's denial of 3B001.f.1.b to Shenzhen Precision Optics, received by sync."""
    jp, us = make_node(tmp_path, "JP"), make_node(tmp_path, "US")
    try:
        link([jp, us])
        add_denial(jp)
        sync_in_process(us, jp)
        yield us
    finally:
        for agency in (jp, us):
            agency.node.close()


def test_an_allied_denial_on_the_node_is_essentially_identical(us_with_metis_denial: AgencyNode) -> None:
    """US exports 3B001.f to "SHENZHEN PRECISION OPTICS CO LTD": 3B001.f contains METI's 3B001.f.1.b (the same
    entry, one a sub-paragraph of the other), and the end user is the denial's — essentially identical, METI to be
    consulted."""
    from kizuna.exchange.licensing import NodeDenials

    source = NodeDenials(us_with_metis_denial.node)
    (match,) = allied_denials(_shipment("3B001.f", "SHENZHEN PRECISION OPTICS CO LTD"), source, TODAY)
    assert match.relation == "same" and not match.denial.own
    assert match.denial.originator_name == "Ministry of Economy, Trade and Industry"
    assert "Consult Ministry of Economy, Trade and Industry" in match.finding().text
    # The same end user for another item is no undercut.
    assert allied_denials(_shipment("5A002.a", "Shenzhen Precision Optics Co., Ltd."), source, TODAY) == []


def test_a_chip_is_matched_by_its_classified_paragraph() -> None:
    """A chip with TPP 15,832 and a die of 814 mm² (H100 SXM) is 3A090.a (a.1: TPP >= 4800); an ally's denial of
    3A090.a to the same end user is essentially identical."""
    source = MemoryDenials([Denial("denial--chip", Party("Sugon Information Industry", country="CN"),
                                   (parse("3A090.a"),), "2026-09-01", "identity--kr", "MOTIE")])
    shipment = _shipment("chip", "Sugon Information Industry Co., Ltd.", tpp=15832, die_area_mm2=814)
    assert control_code(shipment) == "3A090.a"
    (match,) = allied_denials(shipment, source, TODAY)
    assert match.relation == "same"


def test_a_japanese_exporters_item_number_and_a_related_us_denial() -> None:
    """Japan exports 7の項(1) to a party BIS denied 3B001.f for: a Japanese item has no 号-level crosswalk, so the
    two are only related (both Wassenaar category 3), for the officer to judge — not essentially identical."""
    source = MemoryDenials([Denial("denial--us", Party("Shenzhen Precision Optics", country="CN"),
                                   (parse("3B001.f"),), "2026-09-01", "identity--us", "BIS")])
    (match,) = allied_denials(_shipment("7(1)", "Shenzhen Precision Optics", exporter="JP"), source, TODAY)
    assert match.relation == "related" and match.control.ours.code == "7(1)"


def test_nothing_to_match() -> None:
    """No source configured, an item on no list (EAR99), or no end user named: no denial can be identical."""
    source = MemoryDenials([Denial("denial--x", Party("Acme"), (parse("3A001"),), "2026-01-01", "i", "BIS")])
    assert allied_denials(_shipment("3A001", "Acme"), None, TODAY) == []
    assert allied_denials(_shipment("EAR99", "Acme"), source, TODAY) == []
    assert allied_denials(Shipment("US", "CN", item="3A001"), source, TODAY) == []
    assert len(allied_denials(_shipment("3A001", "Acme"), source, TODAY)) == 1


def test_an_assessment_recorded_as_an_application_opens_the_consultation(us_with_metis_denial: AgencyNode) -> None:
    """The assessed shipment (3B001.f to METI's denied end user) recorded on the BIS node: the application is
    checked against the allied denial there and a consultation with METI is opened before approval."""
    from kizuna.licensing.assess import assess
    from kizuna.licensing.service import record_application

    shipment = _shipment("3B001.f", "SHENZHEN PRECISION OPTICS CO LTD")
    application, check = record_application(assess(shipment), us_with_metis_denial.node, "officer-1")
    assert application.status == "consulting" and len(application.consultations) == 1
    assert [m.denial.originator_name for m in check.matches] == ["Ministry of Economy, Trade and Industry"]
    assert application.destination == "CN"


def test_an_item_on_no_list_is_no_application(us_with_metis_denial: AgencyNode) -> None:
    from kizuna.core.errors import InputError
    from kizuna.licensing.assess import assess
    from kizuna.licensing.service import record_application

    with pytest.raises(InputError, match="an application names the item's control entry"):
        record_application(assess(_shipment("EAR99", "Acme Trading")), us_with_metis_denial.node, "officer-1")
