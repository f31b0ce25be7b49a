"""BIS "know your customer" red flags (15 CFR part 732, Supplement No. 3) raised from a shipment's stated facts, each
naming the fact that raised it; parties screened on the real bundled BIS Denied Persons List (2026-07).

How each case is worked out: the flag's words (data/licensing/kyc_red_flags.csv, BIS page "Red Flag Indicators"
items 1-13 verbatim) against the fact given, as the docstrings say.
"""

from __future__ import annotations

import pytest

from kizuna.core.errors import InputError
from kizuna.core.evidence import EvidenceKind, Outcome
from kizuna.core.party import Party
from kizuna.licensing.assessment import Shipment, ShipmentParty, ShipmentRole
from kizuna.licensing.redflags import flags, red_flags, rules
from tests.licensing.bundled_lists import screened


def _flags(shipment: Shipment) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for finding in red_flags(shipment, screened(shipment, "us-bis-dpl")):
        found.setdefault(finding.rule, []).append(finding.text)
    return found


def _party(name: str, country: str, role: ShipmentRole = ShipmentRole.END_USER) -> ShipmentParty:
    return ShipmentParty(role, Party(name, country=country))


def test_every_detector_names_a_flag_of_the_file() -> None:
    """All 13 BIS-page flags have a detector; the Supplement No. 3 flags without one are the ones docs name."""
    detected = {d.flag for d in rules().detectors}
    assert detected <= set(flags()) and len(flags()) == 30
    assert set(flags()) - detected == {f"SUPP3-{n}" for n in (*range(13, 22), 23, *range(25, 29))}


def test_a_clean_shipment_raises_nothing() -> None:
    """A stated end use, an end user in the destination with an ordinary name, no adverse fact: no flag."""
    shipment = Shipment("US", "DE", item="EAR99", parties=(_party("Siemens Healthineers AG", "DE"),),
                        end_use="MRI scanner maintenance at a hospital", facts={"cash_payment": "no"})
    assert _flags(shipment) == {}


def test_a_denied_person_as_consignee() -> None:
    """BIS item 1: "The customer or its address is similar to one of the parties found on the Commerce Department's
    BIS list of denied persons." DIETER ENDERLEIN (Kreuzlingen, CH) is on the bundled Denied Persons List."""
    shipment = Shipment("US", "CH", item="EAR99", end_use="laboratory instruments",
                        parties=(_party("Zurich Instruments AG", "CH"),
                                 _party("Dieter Enderlein", "CH", ShipmentRole.CONSIGNEE)))
    findings = red_flags(shipment, screened(shipment, "us-bis-dpl"))
    (finding,) = [f for f in findings if f.rule == "BISWEB-01"]
    assert finding.outcome is Outcome.MET
    assert "Consignee Dieter Enderlein is similar to DIETER ENDERLEIN" in finding.text
    (evidence,) = finding.evidence
    assert evidence.kind is EvidenceKind.LIST_HIT and evidence.data["list"] == "us-bis-dpl"
    citation = finding.citation
    assert citation is not None and citation.verified and "Supplement No. 3" in citation.citation


def test_a_freight_forwarder_as_end_user_abroad_paid_in_cash() -> None:
    """Items 10 (a freight forwarding firm listed as the final destination: "Gulf Freight Forwarding LLC" is the end
    user), 11 (the end user is in Iran while the goods go to the UAE: the route is to be checked) and 5 (the fact
    cash_payment = yes)."""
    shipment = Shipment("US", "AE", item="EAR99", end_use="resale",
                        parties=(_party("Gulf Freight Forwarding LLC", "IR"),), facts={"cash_payment": "yes"})
    found = _flags(shipment)
    assert set(found) == {"BISWEB-05", "BISWEB-10", "BISWEB-11"}
    assert "(freight, forwarding)" in found["BISWEB-10"][0]
    assert "is in IR but the goods are shipped to AE" in found["BISWEB-11"][0]
    assert "fact cash_payment = yes" in found["BISWEB-05"][0]


def test_a_forwarder_named_in_chinese() -> None:
    """Item 10 in another script: 深圳华通货运代理有限公司 (a Shenzhen freight-forwarding company) as end user."""
    found = _flags(Shipment("US", "CN", item="EAR99", end_use="distribution",
                            parties=(_party("深圳华通货运代理有限公司", "CN"),)))
    assert set(found) == {"BISWEB-10"} and "货运" in found["BISWEB-10"][0]


def test_the_end_use_withheld_or_missing() -> None:
    """Item 2 (reluctant to offer information about the end use): "用途は秘密です" (the end use is confidential)
    raises it; no end use at all is a question (outcome undetermined), not a finding of reluctance."""
    withheld = red_flags(Shipment("JP", "CN", end_use="用途は秘密です", parties=(_party("Acme", "CN"),)), [])
    assert [(f.rule, f.outcome) for f in withheld] == [("BISWEB-02", Outcome.MET)]
    assert "秘密" in withheld[0].evidence[0].data["words"]
    missing = red_flags(Shipment("JP", "CN", parties=(_party("Acme", "CN"),)), [])
    assert [(f.rule, f.outcome) for f in missing] == [("BISWEB-02", Outcome.UNDETERMINED)]


def test_facts_of_the_later_flags_are_unconfirmed_paraphrases() -> None:
    """Supp. No. 3 flag 29 (ownership by an Entity List or MEU party) from the fact owned_by_listed_party = yes: its
    text is a paraphrase, so its citation is marked unconfirmed."""
    (finding,) = [f for f in red_flags(Shipment("US", "CN", end_use="servers", facts={"owned_by_listed_party": "yes"},
                                                parties=(_party("Acme", "CN"),)), []) if f.rule == "SUPP3-29"]
    assert finding.citation is not None and finding.citation.label().endswith("(unconfirmed)")
    assert finding.evidence[0].data == {"fact": "owned_by_listed_party", "value": "yes"}


def test_a_fact_that_is_not_yes_or_no_names_itself() -> None:
    with pytest.raises(InputError) as caught:
        red_flags(Shipment("US", "CN", end_use="x", facts={"cash_payment": "perhaps"}), [])
    assert caught.value.field == "cash_payment"
