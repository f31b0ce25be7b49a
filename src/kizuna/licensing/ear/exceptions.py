"""The part 740 licence exceptions that could apply, named with the condition to check — never granted. Named only
where a CCL-based requirement was found and no rule of the case bars every exception."""

from __future__ import annotations

from kizuna.controls.requirements import Kind, requirements_for
from kizuna.licensing.assessment import Determination, Shipment
from kizuna.licensing.ear.item import EarItem
from kizuna.licensing.ear.rules import citation, governed_as, in_groups, rules

US = "US"


def exception_determinations(shipment: Shipment, item: EarItem, found: list[Determination]) -> list[Determination]:
    """The exceptions that could overcome the requirements found; each determination still answers "licence
    required" (an exception is a condition to check, never granted here)."""
    required = [d for d in found if d.licence_required is True]
    if not required:
        return []
    return [*_nac_aca(shipment, item, required), *_listed(item, required)]


def _nac_aca(shipment: Shipment, item: EarItem, required: list[Determination]) -> list[Determination]:
    rule = rules().nac_aca
    if not item.within(rule.eccns):
        return []
    cited = citation(rule.id, "740.8", rule.paragraph, "License Exceptions NAC and ACA")
    blocking = [d.rule for d in required if d.rule.startswith(tuple(rule.restricted_prefixes))
                and d.rule not in rule.restriction_exempt]
    if blocking:
        return [Determination(US, rule.id, cited, True, rule.restricted.format(rule=blocking[0]))]
    destination = governed_as(shipment.destination)
    headquarters = [p.headquarters for p in shipment.parties if p.headquarters]
    if destination in rule.nac_countries or in_groups(destination, rule.nac_groups):
        why = rule.why_destination.format(destination=destination)
    elif any(governed_as(h) in rule.nac_countries or in_groups(h, rule.nac_groups) for h in headquarters):
        why = rule.why_headquarters.format(headquarters=", ".join(headquarters))
    elif in_groups(destination, rule.aca_groups):
        return [Determination(US, rule.id, cited, True, rule.aca.format(destination=destination))]
    else:
        return []
    return [Determination(US, rule.id, cited, True, rule.nac.format(why=why))]


def _listed(item: EarItem, required: list[Determination]) -> list[Determination]:
    rule = rules().exceptions
    barred = [rule.barring[d.rule] for d in required if d.rule in rule.barring]
    if barred:
        text = rule.barred.format(why="; ".join(dict.fromkeys(barred)))
        return [Determination(US, rule.id, citation(rule.id, "740", rule.paragraph, text), True, text)]
    # The CCL's exception lines answer only CCL-based requirements (chart and special rows: ids with the row).
    if item.eccn is None or not any(":" in d.rule for d in required):
        return []
    lines: dict[str, str] = {}
    for req in requirements_for(item.eccn):
        if req.kind is Kind.ROW:
            lines.update({code: line for code, line in req.exceptions if not line.upper().startswith("N/A")})
    if not lines:
        text = rule.none.format(eccn=item.eccn)
        return [Determination(US, rule.id, citation(rule.id, "740", rule.paragraph, text), True, text)]
    named = []
    for code, line in lines.items():
        condition = rule.conditions.get(code, "the conditions of part 740 for it are met")
        text = rule.named.format(code=code, line=line, condition=condition)
        named.append(Determination(US, f"{rule.id}-{code.lower()}", citation(f"{rule.id}-{code.lower()}", "740",
                                                                            rule.paragraph, condition), True, text))
    return named
