"""The part 740 licence exceptions that could apply, named with the condition to check — never granted. Named only
where a CCL-based requirement was found and no rule of the case bars every exception."""

from __future__ import annotations

from kizuna.controls.requirements import Kind, requirements_for
from kizuna.licensing.assessment import Determination
from kizuna.licensing.ear.item import Item
from kizuna.licensing.ear.rules import citation, rules

US = "US"


def exception_determinations(item: Item, found: list[Determination]) -> list[Determination]:
    rule = rules().exceptions
    required = [d for d in found if d.licence_required is True]
    barred = [rule.barring[d.rule] for d in required if d.rule in rule.barring]
    if barred:
        text = rule.barred.format(why="; ".join(dict.fromkeys(barred)))
        return [Determination(US, rule.id, citation(rule.id, "740", rule.paragraph, text), False, text)]
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
