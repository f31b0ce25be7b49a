"""The end-use rules of part 744 that matter here: § 744.23 (supercomputer, advanced-node IC and SME end uses;
advanced computing items for parties headquartered in Macau or D:5), § 744.21 (military end use and end user) and
§ 744.6 (U.S.-person support). Each is knowledge-based: the stated end uses decide; where none is stated and the
item and destination are in scope, the answer is "unknown" with the question to ask."""

from __future__ import annotations

import re
from functools import cache

from kizuna.core.errors import InputError
from kizuna.core.evidence import Confidence
from kizuna.licensing.assessment import Determination, Shipment, ShipmentRole
from kizuna.licensing.ear.item import EarItem
from kizuna.licensing.ear.rules import EndUseRule, citation, governed_as, in_groups, rules

US = "US"
_FOR_ENTITY = (ShipmentRole.END_USER, ShipmentRole.CONSIGNEE, ShipmentRole.PURCHASER)


def check_end_uses(shipment: Shipment) -> None:
    """InputError for a stated end use that is not one of the rule data's choices."""
    choices = rules().end_use.choices
    for chosen in shipment.end_uses:
        if chosen not in choices:
            raise InputError(f"unknown end use {chosen!r} (one of: {', '.join(choices)})", field="end_use")
    if "none" in shipment.end_uses and len(set(shipment.end_uses)) > 1:
        raise InputError("'none' states that no regulated end use applies: it cannot go with others",
                         field="end_use")


def stated(shipment: Shipment, choice: str) -> tuple[bool | None, str]:
    """Whether the exporter states ``choice`` as an end use: from the chosen end uses when given; else from the
    free text (a cue word makes it a question, text without one a no); None and "" when nothing is stated."""
    if shipment.end_uses:
        return choice in shipment.end_uses, ""
    text = shipment.end_use.strip()
    if not text:
        return None, ""
    for cue in rules().end_use.cues.get(choice, []):
        if _cue(cue).search(text.casefold()):
            return None, rules().end_use.cue_text.format(end_use=text, cue=cue,
                                                         choice=rules().end_use.choices[choice])
    return False, ""


@cache
def _cue(cue: str) -> re.Pattern[str]:
    # ASCII cues match whole words ("pla" must not match "plant"); CJK cues match anywhere.
    return re.compile(rf"(?<![a-z0-9]){re.escape(cue)}(?![a-z0-9])" if cue.isascii() else re.escape(cue))


def end_use_determinations(shipment: Shipment, item: EarItem) -> list[Determination]:
    found = [_744_23(rule, shipment, item) for rule in rules().rules_744_23]
    found.append(_744_23_a_3(shipment, item))
    found.append(_744_21(shipment, item))
    found.append(_744_6(shipment))
    return found


def _question(choice: str) -> str:
    return rules().end_use.question.format(choice=rules().end_use.choices[choice])


def _744_23(rule: EndUseRule, shipment: Shipment, item: EarItem) -> Determination:
    texts = rules().texts_744_23
    cited = citation(rule.id, "744.23", rule.paragraph, rule.text)
    values = {"rule_text": rule.text, "item": item.label, "destination": shipment.destination,
              "paragraph": rule.paragraph, "choice": rules().end_use.choices[rule.end_use]}
    if not rule.covers(shipment.destination):
        return Determination(US, rule.id, cited, False, texts.out_of_scope_destination.format(**values), False)
    in_scope = _item_scope(rule, item)
    if in_scope is False:
        return Determination(US, rule.id, cited, False, texts.out_of_scope_item.format(**values), False)
    known, cue = stated(shipment, rule.end_use)
    if known is False:
        return Determination(US, rule.id, cited, False, texts.not_stated.format(**values), False)
    if known and in_scope:
        return Determination(US, rule.id, cited, True, texts.required.format(**values))
    reason = cue or texts.no_end_use.format(**values)
    return Determination(US, rule.id, cited, "unknown", reason, question=_question(rule.end_use))


def _item_scope(rule: EndUseRule, item: EarItem) -> bool | None:
    if rule.any_item:
        return True
    if not item.known:
        return None
    if rule.ccl_item:
        return item.eccn is not None
    if rule.categories:
        return item.category_group() in rule.categories
    return item.within(rule.eccns)


def _744_23_a_3(shipment: Shipment, item: EarItem) -> Determination:
    rule = rules().rule_744_23_a_3
    cited = citation(rule.id, "744.23", rule.paragraph,
                     "advanced computing items for an entity headquartered in Macau or D:5, outside D:1, D:4, D:5")
    destination = shipment.destination
    values = {"item": item.label, "destination": destination}
    if not item.within(rule.eccns):
        return Determination(US, rule.id, cited, False, rule.out_of_scope_item.format(**values), applies=False)
    if in_groups(destination, rule.outside_groups) and not in_groups(destination, rule.unless_groups):
        return Determination(US, rule.id, cited, False, rule.inside.format(**values), applies=False)
    parties = [p for p in shipment.parties if p.role in _FOR_ENTITY]
    flagged = [p for p in parties if p.headquarters and _hq_covered(p.headquarters)]
    if flagged:
        first = flagged[0]
        text = rule.required.format(**values, party=first.party.name, headquarters=first.headquarters)
        return Determination(US, rule.id, cited, True, text)
    unstated = [p.party.name for p in parties if not p.headquarters]
    if unstated or not parties:
        names = ", ".join(unstated) or "the end user"
        return Determination(US, rule.id, cited, "unknown", rule.unknown.format(**values, parties=names),
                             question=rule.question.format(parties=names))
    stated_hq = ", ".join(f"{p.party.name}: {p.headquarters}" for p in parties)
    return Determination(US, rule.id, cited, False, rule.not_required.format(**values, headquarters=stated_hq),
                         applies=False)


def _hq_covered(country: str) -> bool:
    rule = rules().rule_744_23_a_3
    return governed_as(country) in rule.headquarters or in_groups(country, rule.headquarters_groups)


def supp2(item: EarItem) -> bool | None:
    """Whether the item is in Supp. No. 2 to part 744 (recalled ECCN list): EAR99 is not; an ECCN not named is
    a question."""
    if item.ear99:
        return False
    if item.eccn is None:
        return None
    return True if item.eccn in rules().rule_744_21.supp2_eccns else None


def _744_21(shipment: Shipment, item: EarItem) -> Determination:
    rule = rules().rule_744_21
    destination = governed_as(shipment.destination)
    recalled = destination in rule.recalled_countries
    cited = citation(rule.id, "744.21", rule.paragraph, "military end use or military end user",
                     confidence=Confidence.RECALLED if recalled else None, note=rule.recalled_note if recalled else "")
    values = {"item": item.label, "destination": destination}
    if destination not in rule.countries and not recalled:
        return Determination(US, rule.id, cited, False, rule.not_required.format(**values), applies=False)
    military, cue = stated(shipment, "military")
    if military is False:
        return Determination(US, rule.id, cited, False, rule.not_stated.format(**values), applies=False)
    listed = supp2(item)
    if listed is False:
        return Determination(US, rule.id, cited, False, rule.not_supp2.format(**values), applies=False)
    if military and listed:
        return Determination(US, rule.id, cited, True, rule.required.format(**values))
    question = rule.supp2_question.format(**values) if listed is None else _question("military")
    return Determination(US, rule.id, cited, "unknown", cue or rule.not_stated.format(**values), question=question)


def _744_6(shipment: Shipment) -> Determination:
    rule = rules().rule_744_6
    cited = citation(rule.id, "744.6", rule.paragraph, "U.S.-person support of listed end uses")
    support, cue = stated(shipment, "us-person-support")
    if not support:
        question = _question("us-person-support") if cue else None
        return Determination(US, rule.id, cited, "unknown" if cue else False, cue or rule.not_stated,
                             applies=bool(cue), question=question)
    chosen = [c for c in rule.end_uses if stated(shipment, c)[0]]
    if not chosen:
        return Determination(US, rule.id, cited, False, rule.not_stated, applies=False)
    reached = [c for c in chosen if rule.scopes[c].covers(shipment.destination)]
    values = {"choice": rules().end_use.choices[(reached or chosen)[0]], "destination": shipment.destination}
    if not reached:
        return Determination(US, rule.id, cited, False, rule.outside.format(**values), applies=False)
    return Determination(US, rule.id, cited, True, rule.required.format(**values))
