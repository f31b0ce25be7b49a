"""The foreign-direct product rules (§ 734.9), as far as the stated facts allow: an export from the United States
is of a US item, not a foreign-produced one; a foreign-produced item is a question."""

from __future__ import annotations

from kizuna.licensing.assessment import Determination, Shipment
from kizuna.licensing.ear.rules import citation, rules

US = "US"


def fdp_determination(shipment: Shipment) -> Determination:
    rule = rules().fdp
    cited = citation(rule.id, "734.9", rule.paragraph, "foreign-direct product rules")
    if shipment.exporter == US and shipment.facts.get("foreign_produced", "").casefold() not in ("yes", "true"):
        return Determination(US, rule.id, cited, False, rule.us_origin, applies=False)
    text = rule.foreign.format(**{"from": shipment.exporter})
    return Determination(US, rule.id, cited, "unknown", text, question=rule.question)
