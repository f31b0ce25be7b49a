"""The foreign-direct product rules (§ 734.9), as far as the stated facts allow: an export from the United States
is of a US item, not a foreign-produced one; a foreign-produced item is a question when a fact points to one of
the rules (an Entity List party, Russia or Belarus, Macau or D:5), and not reached otherwise."""

from __future__ import annotations

from kizuna.licensing.assessment import Determination, Shipment
from kizuna.licensing.ear.parties import Hits
from kizuna.licensing.ear.rules import citation, governed_as, in_groups, rules

US = "US"


def fdp_determination(shipment: Shipment, hits: Hits) -> Determination:
    rule = rules().fdp
    cited = citation(rule.id, "734.9", rule.paragraph, "foreign-direct product rules")
    if shipment.exporter == US:
        return Determination(US, rule.id, cited, False, rule.us_origin, applies=False)
    listed = [p.party.name for p, h in hits if h.list_code in rule.trigger_lists and h.score >= rules().identified]
    destination = governed_as(shipment.destination)
    if listed:
        trigger = rule.trigger_listed.format(party=listed[0])
    elif destination in rule.trigger_countries or in_groups(destination, rule.trigger_groups):
        trigger = rule.trigger_destination.format(destination=destination)
    else:
        return Determination(US, rule.id, cited, False, rule.no_trigger.format(exporter=shipment.exporter),
                             applies=False)
    return Determination(US, rule.id, cited, "unknown",
                         rule.triggered.format(exporter=shipment.exporter, trigger=trigger), question=rule.question)
