"""Part 746 embargoes and special controls (Cuba, Iran, North Korea, Syria, Russia and Belarus), from the kept
text of part 746 of about January 2025 — every answer says so through its citation."""

from __future__ import annotations

from kizuna.licensing.assessment import Determination, Shipment
from kizuna.licensing.ear.item import EarItem
from kizuna.licensing.ear.rules import Embargo, citation, rules

US = "US"


def embargo_determinations(shipment: Shipment, item: EarItem) -> list[Determination]:
    destination = shipment.destination
    found = [_embargo(e, item) for e in rules().embargoes if e.covers(destination)]
    if found:
        return found
    text = rules().embargo_texts.not_embargoed.format(destination=destination)
    return [Determination(US, "ear-746", citation("ear-746", "746", "15 CFR part 746", text), False, text,
                          applies=False)]


def _embargo(embargo: Embargo, item: EarItem) -> Determination:
    cited = citation(embargo.id, "746", embargo.paragraph, embargo.text)
    if item.eccn is not None:
        return Determination(US, embargo.id, cited, True, embargo.text)
    if not item.known:
        return Determination(US, embargo.id, cited, True if embargo.ear99 is True else "unknown", embargo.text,
                             question=None if embargo.ear99 is True else embargo.ear99_question or None)
    if embargo.ear99 == "unknown":
        return Determination(US, embargo.id, cited, "unknown", embargo.ear99_text, question=embargo.ear99_question)
    exempt = rules().embargo_texts.ear99_exempt.format(note=embargo.ear99_exempt_note)
    return Determination(US, embargo.id, cited, True, embargo.text + (exempt if embargo.ear99_exempt_note else ""))
