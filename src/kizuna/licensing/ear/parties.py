"""Licence requirements that follow from who the parties are: the Entity List (§ 744.11), the Military End-User
List (§ 744.21(b)), the Denied Persons, SDN and Unverified lists, and — where an ownership graph is given — the
affiliates (50 %) rule through ``kizuna.ownership``."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

from kizuna.core.errors import InputError, KizunaError
from kizuna.core.evidence import Evidence, EvidenceKind, Reason
from kizuna.licensing.assessment import Determination, Shipment, ShipmentParty
from kizuna.licensing.ear.enduse import supp2
from kizuna.licensing.ear.item import EarItem
from kizuna.licensing.ear.rules import citation, rules

if TYPE_CHECKING:
    from kizuna.ownership.model import Graph
    from kizuna.screening import Hit

US = "US"
Hits = Sequence[tuple[ShipmentParty, "Hit"]]


def party_determinations(shipment: Shipment, item: EarItem, hits: Hits, graph: Graph | None = None,
                         as_of: str | None = None) -> list[Determination]:
    found = [*_entity_list(shipment, hits), *_meu(item, hits), *_other_lists(hits)]
    found.extend(_affiliates(shipment, graph, as_of))
    return found


def _evidence(party: ShipmentParty, hit: Hit) -> Evidence:
    return Evidence(EvidenceKind.LIST_HIT, f"{party.party.name} ~ {hit.name} ({hit.list_code})",
                    subject=party.party.ref(), score=hit.score,
                    reasons=(Reason("list-hit", hit.explanation, {"list": hit.list_code, "entry": hit.entry_id}),),
                    data=hit.summary())


def _best(hits: Hits, lists: list[str]) -> list[tuple[ShipmentParty, Hit, int]]:
    """Each party's best hit on each of ``lists`` and how many further hits it has there (hits come best first)."""
    best: dict[tuple[int, str], tuple[ShipmentParty, Hit, int]] = {}
    for party, hit in hits:
        if hit.list_code not in lists:
            continue
        key = (id(party), hit.list_code)
        if key not in best:
            best[key] = (party, hit, 0)
        else:
            kept = best[key]
            best[key] = (kept[0], kept[1], kept[2] + 1)
    return list(best.values())


def _entity_list(shipment: Shipment, hits: Hits) -> list[Determination]:
    rule = rules().rule_744_11
    cited = citation(rule.id, "744.11", rule.paragraph, "Entity List party to the transaction")
    found = []
    for party, hit, more in _best(hits, rule.lists):
        values = {"party": party.party.name, "role": party.role.value, "listed": hit.name,
                  "score": f"{hit.score:.2f}", "identified": rules().identified, "source": hit.source_url,
                  "remarks": _remarks(hit.list_code, hit.entry_id) or "see the entry"}
        extra = rule.more.format(n=more) if more else ""
        if hit.score >= rules().identified:
            found.append(Determination(US, rule.id, cited, True, rule.required.format(**values) + extra,
                                       evidence=(_evidence(party, hit),)))
        else:
            found.append(Determination(US, rule.id, cited, "unknown", rule.possible.format(**values) + extra,
                                       question=rule.question.format(**values), evidence=(_evidence(party, hit),)))
    if not found:
        names = ", ".join(p.party.name for p in shipment.parties) or "no parties given"
        found.append(Determination(US, rule.id, cited, False, rule.none.format(parties=names), applies=False))
    return found


def _meu(item: EarItem, hits: Hits) -> list[Determination]:
    rule = rules().rule_744_21
    paragraph = "15 CFR 744.21(b)(1)(ii)"
    cited = citation(f"{rule.id}-meu", "744.21", paragraph, "Military End-User List party to the transaction")
    found = []
    for party, hit, _more in _best(hits, ["us-bis-meu"]):
        values = {"party": party.party.name, "listed": hit.name, "score": f"{hit.score:.2f}", "item": item.label,
                  "identified": rules().identified, "role": party.role.value, "source": hit.source_url}
        listed = supp2(item)
        evidence = (_evidence(party, hit),)
        if listed is False:
            text = rule.not_supp2.format(**values)
            found.append(Determination(US, f"{rule.id}-meu", cited, False, text, applies=False, evidence=evidence))
        elif hit.score < rules().identified or listed is None:
            question = (rules().rule_744_11.question.format(**values) if hit.score < rules().identified
                        else rule.supp2_question.format(**values))
            found.append(Determination(US, f"{rule.id}-meu", cited, "unknown", rule.meu_required.format(**values),
                                       question=question, evidence=evidence))
        else:
            found.append(Determination(US, f"{rule.id}-meu", cited, True, rule.meu_required.format(**values),
                                       evidence=evidence))
    return found


def _other_lists(hits: Hits) -> list[Determination]:
    rule = rules().other_lists
    found = []
    for party, hit, _more in _best(hits, rule.lists):
        if hit.score < rules().identified:
            continue
        values = {"party": party.party.name, "role": party.role.value, "listed": hit.name, "list": hit.list_code,
                  "score": f"{hit.score:.2f}", "effect": rule.effects[hit.list_code]}
        cited = citation(f"{rule.id}-{hit.list_code}", "744.11", rule.paragraph, rule.effects[hit.list_code],
                         confidence=rule.confidence)
        required = rule.licence[hit.list_code]
        found.append(Determination(US, f"{rule.id}-{hit.list_code}", cited, required, rule.required.format(**values),
                                   evidence=(_evidence(party, hit),)))
    return found


@cache
def _remarks(list_code: str, entry_id: str) -> str:
    """The listed entry's own remarks (the Entity List's licence requirement column), from the list snapshot."""
    from kizuna.lists.store import SnapshotStore  # read only for a hit on the Entity List

    try:
        snapshot = SnapshotStore().open()
        try:
            return snapshot.entry(list_code, entry_id).remarks or ""
        finally:
            snapshot.close()
    except KizunaError:
        return ""


def _affiliates(shipment: Shipment, graph: Graph | None, as_of: str | None) -> list[Determination]:
    rule = rules().rule_affiliates
    cited = citation(rule.id, "744.11", rule.paragraph, "affiliates (50 %) rule")
    if graph is None:
        return [Determination(US, rule.id, cited, False, rule.no_graph, applies=False)]
    from kizuna.ownership.model import Tri
    from kizuna.ownership.service import ubo

    found = []
    for party in shipment.parties:
        try:
            target = graph.resolve(party.party.id or party.party.name)
        except InputError:
            continue
        answer = ubo(graph, target, rule.regime, as_of)
        values = {"party": party.party.name, "role": party.role.value, "headline": answer.headline,
                  "status": answer.status, "as_of": as_of or "today"}
        evidence = (Evidence(EvidenceKind.OWNERSHIP_PATH, answer.headline, subject=party.party.ref(),
                             data=answer.to_dict()),)
        if answer.status != "in force":
            found.append(Determination(US, rule.id, cited, False, rule.suspended.format(**values), applies=False,
                                       evidence=evidence))
        elif answer.answer == Tri.YES:
            found.append(Determination(US, rule.id, cited, True, rule.required.format(**values), evidence=evidence))
        elif answer.answer == Tri.UNDETERMINED:
            found.append(Determination(US, rule.id, cited, "unknown", rule.possible.format(**values),
                                       question=rule.question.format(**values), evidence=evidence))
        else:
            found.append(Determination(US, rule.id, cited, False, rule.not_required.format(**values), applies=False,
                                       evidence=evidence))
    return found
