"""Filing triggers: FEFTA prior notification (Japan) and CFIUS mandatory declarations (United States).

Each answer lists the findings that led to it, every finding with its rule citation from
data/ownership/triggers/, and the exemption or exception questions the data cannot answer.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kizuna.core.entity import PartyKind
from kizuna.core.errors import InputError
from kizuna.core.evidence import Citation, Finding, Outcome
from kizuna.ownership.integrated import integrated_column
from kizuna.ownership.model import Graph, Share, Tri
from kizuna.ownership.regimes import aggregate, attribute, is_foreign, regime_weights, seeds_for
from kizuna.ownership.rules import Exemption, cfius_rules, fefta_rules, fefta_sectors, regime

CFIUS_TID = ("critical-technologies", "critical-infrastructure", "sensitive-personal-data")
CFIUS_RIGHTS = ("control", "board", "access", "involvement")


def _note(text: str, citation: Citation | None = None, outcome: Outcome = Outcome.NOTE) -> Finding:
    """A finding stated in words (no rule value in it), with its rule's citation where it has one."""
    return Finding(outcome, text, citation.id if citation else "", (citation,) if citation else ())


def _question(text: str, citation: Citation | None = None) -> Finding:
    """A question the data cannot answer: the outcome stays undetermined until the analyst answers it."""
    return _note(text, citation, Outcome.UNDETERMINED)


def _rule(outcome: Outcome, template: str, citation: Citation, **values: Any) -> Finding:
    return Finding.from_rule(outcome, " ".join(template.split()), values, rule=citation.id, citations=(citation,))


@dataclass(slots=True)
class TriggerResult:
    """Whether a filing is needed, why, and which questions remain."""

    regime: str
    investor: str
    target: str
    stake: float
    required: Tri
    filing: str
    as_of: str = ""  # the ISO date the rules were read at
    findings: list[Finding] = field(default_factory=list)
    questions: list[Finding] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"regime": self.regime, "investor": self.investor, "target": self.target,
                "stake_percent": round(self.stake * 100, 6), "required": self.required.value, "filing": self.filing,
                "as_of": self.as_of,
                "findings": [f.to_dict() for f in self.findings], "questions": [q.to_dict() for q in self.questions],
                "facts": self.facts}


def _day(as_of: str | None) -> str:
    """The ISO date a check reads the rules at (today when not given)."""
    return as_of or date.today().isoformat()


def fefta_check(graph: Graph, target: str, investor: str, stake: float, *, listed: bool | None = None,
                sectors: list[str] | None = None, financial_institution: bool = False, soe: bool | None = None,
                sanctioned: bool = False, as_of: str | None = None) -> TriggerResult:
    """Does acquiring ``stake`` of ``target`` by ``investor`` need prior notification under FEFTA?"""
    table = fefta_rules()
    known = fefta_sectors()
    chosen = sectors or []
    for code in chosen:
        if code not in known:
            raise InputError(f"unknown FEFTA sector {code!r} (one of: {', '.join(sorted(known))})", field="--sector")
    rule = regime("jp-fefta")
    definite, possible = seeds_for(graph, rule, {})
    flags = aggregate(regime_weights(graph, rule), definite, possible, rule.threshold)
    foreign = flags.status(investor)
    existing = attribute(graph, investor, target, rule)
    post = Share(min(existing.lo + stake, 1.0), min(existing.hi + stake, 1.0))
    target_party = graph.parties[target]
    listed_flag = graph.listed_company(target) if listed is None else listed
    result = TriggerResult("jp-fefta", investor, target, stake, Tri.NO, "", _day(as_of), facts={
        "foreign_investor": foreign.value, "foreign_ratio_of_investor": flags.shares[investor].percent(),
        "existing_holding": existing.percent(), "holding_after": post.percent(), "listed": listed_flag,
        "sectors": chosen})
    definition = rule.citation("fefta-26-1")
    investor_name = graph.parties[investor].name
    if foreign == Tri.NO:
        result.findings.append(_rule(Outcome.NOT_MET, table.not_foreign_finding, definition, investor=investor_name,
                                     foreign_share=flags.shares[investor].label(), threshold=rule.threshold))
        result.filing = "no FEFTA filing: the investor is not a foreign investor"
        return result
    why = ("established or resident abroad" if investor in definite else
           f"held {flags.shares[investor].label()} by foreign investors")
    result.findings.append(_note(f"{investor_name} is {'' if foreign == Tri.YES else 'possibly '}a foreign "
                                 f"investor ({why})", definition, foreign.outcome))
    if target_party.country not in (None, "JP"):
        result.findings.append(_note(f"{target_party.name} is not a Japanese company ({target_party.country}): "
                                     "FEFTA inward direct investment rules do not apply",
                                     outcome=Outcome.NOT_APPLICABLE))
        result.filing = "no FEFTA filing: the target is not Japanese"
        return result
    if target_party.country is None:
        result.findings.append(_note(f"{target_party.name} has no country in the data: assumed Japanese"))
    designated = [c for c in chosen if c in known]
    core = [c for c in designated if known[c].core]
    report = table.post_investment_report
    if not designated:
        result.findings.append(_rule(Outcome.NOT_MET, report.finding, report.cite("post_investment_report"),
                                     listed_threshold=report.listed_threshold))
        result.filing = "no prior notification (non-designated sector); check the post-investment report"
        if not chosen:
            result.questions.append(_question("Which FEFTA business sectors does the target operate in? "
                                              "Pass --sector (see data/ownership/fefta_sectors.yaml)."))
            result.required = Tri.UNDETERMINED
        return result
    sector_names = ", ".join(known[c].name for c in designated)
    if listed_flag is None:
        result.questions.append(_question("Is the target listed on a stock exchange? (--listed / --unlisted)"))
    if listed_flag is False:
        result.required = foreign if foreign != Tri.NO else Tri.NO
        result.findings.append(_note(f"unlisted company in designated sectors ({sector_names}): any acquisition "
                                     "needs prior notification", table.unlisted_any.cite("unlisted_any"),
                                     Outcome.MET))
    else:
        rule_item = table.listed_threshold
        over = post.at_least(rule_item.value)
        result.required = over if foreign == Tri.YES else (Tri.UNDETERMINED if over != Tri.NO else Tri.NO)
        if listed_flag is None and over == Tri.NO:
            result.required = Tri.UNDETERMINED  # unlisted would need notification at any size
        result.findings.append(_rule(over.outcome, rule_item.finding, rule_item.cite("listed_threshold"),
                                     sectors=sector_names, after=post.label(), value=rule_item.value))
    if result.required == Tri.NO:
        result.filing = "no prior notification"
        return result
    result.filing = ("prior notification required" if result.required == Tri.YES
                     else "prior notification possibly required")
    _fefta_exemption(graph, investor, post, core, financial_institution, soe, sanctioned, table.exemption, result)
    return result


def _fefta_exemption(graph: Graph, investor: str, post: Share, core: list[str], financial_institution: bool,
                     soe: bool | None, sanctioned: bool, exemption: Exemption, result: TriggerResult) -> None:
    citation = exemption.cite("exemption", "prior-notification exemption")
    state = state_share(graph, investor)
    is_soe = soe if soe is not None else state.at_least(exemption.soe_threshold) == Tri.YES
    result.facts["state_share_of_investor"] = state.percent()
    ineligible = {item.id: " ".join(item.text.split()) for item in exemption.ineligible}
    if sanctioned:
        result.findings.append(_note("exemption unavailable: " + ineligible["sanctioned"], citation, Outcome.NOT_MET))
        return
    if is_soe:
        result.findings.append(_rule(Outcome.UNDETERMINED, exemption.soe_finding, citation,
                                     state_share=state.label(), soe_threshold=exemption.soe_threshold,
                                     ineligible=ineligible["soe"]))
    if core and not financial_institution and post.at_least(exemption.core_cap) != Tri.NO:
        result.findings.append(_note("exemption unavailable at this size: " + " ".join(exemption.core_cap_text.split()),
                                     citation, Outcome.NOT_MET))
        return
    scope = "a blanket exemption (financial institution)" if financial_institution else "the exemption"
    result.findings.append(_note(f"{scope} may apply if the investor commits to every condition below", citation,
                                 Outcome.UNDETERMINED))
    conditions = list(exemption.basic_conditions) + (list(exemption.core_conditions) if core else [])
    for condition in conditions:
        result.questions.append(_question(f"Exemption condition ({condition.id}): {' '.join(condition.text.split())}",
                                          citation))
    result.questions.append(_question(" ".join(exemption.reporting.split()), citation))


def state_share(graph: Graph, party: str) -> Share:
    """Integrated share held in ``party`` by states and state bodies at the top of the chain."""
    column = integrated_column(regime_weights(graph, regime("none")), party)
    states = [p for p in column if graph.parties[p].kind == PartyKind.STATE
              and not any(graph.parties[e.owner].kind == PartyKind.STATE for e in graph.owners_of(p))]
    low = sum(column[p].lo for p in states)
    high = sum(column[p].hi for p in states)
    return Share(min(low, 1.0), min(high, 1.0))


def cfius_check(graph: Graph, target: str, investor: str, stake: float, *, tid: list[str] | None = None,
                export_licence: bool | None = None, rights: list[str] | None = None,
                excepted_investor: bool | None = None, as_of: str | None = None) -> TriggerResult:
    """Does the acquisition need a CFIUS mandatory declaration (31 CFR 800.401)?"""
    table = cfius_rules()
    for value in tid or []:
        if value not in CFIUS_TID:
            raise InputError(f"unknown TID category {value!r} (one of: {', '.join(CFIUS_TID)})", field="--tid")
    for value in rights or []:
        if value not in CFIUS_RIGHTS:
            raise InputError(f"unknown right {value!r} (one of: {', '.join(CFIUS_RIGHTS)})", field="--right")
    rule = regime("us-cfius")
    w = regime_weights(graph, rule)
    existing = integrated_column(w, target).get(investor, Share.exact(0.0))
    post = Share(min(existing.lo + stake, 1.0), min(existing.hi + stake, 1.0))
    investor_party, target_party = graph.parties[investor], graph.parties[target]
    result = TriggerResult("us-cfius", investor, target, stake, Tri.NO, "", _day(as_of), facts={
        "existing_voting_interest": existing.percent(), "voting_interest_after": post.percent(),
        "tid": tid or [], "rights": rights or []})
    foreign_person = table.foreign_person.cite("foreign_person")
    foreign = _cfius_foreign(graph, investor, w, table.foreign_person.control_threshold)
    result.facts["foreign_person"] = foreign.value
    if foreign == Tri.NO:
        result.findings.append(_note(f"{investor_party.name} is not a foreign person (U.S. entity not controlled "
                                     "by foreign persons in the data)", foreign_person, Outcome.NOT_MET))
        result.filing = "no CFIUS declaration: the investor is not a foreign person"
        return result
    result.findings.append(_note(f"{investor_party.name} is {'' if foreign == Tri.YES else 'possibly '}a "
                                 "foreign person", foreign_person, foreign.outcome))
    if target_party.country not in (None, "US"):
        result.findings.append(_note(f"{target_party.name} is organised in {target_party.country}: it is a "
                                     "U.S. business only for its U.S. activities (analyst to confirm)"))
    if not tid:
        result.findings.append(_note("the target is not a TID U.S. business (as given): no mandatory "
                                     "declaration; a voluntary notice remains possible", outcome=Outcome.NOT_MET))
        result.filing = "no mandatory declaration (not a TID U.S. business)"
        result.questions.append(_question("Does the target produce or develop critical technologies, run covered "
                                          "critical infrastructure or hold sensitive personal data? (--tid)"))
        result.required = Tri.UNDETERMINED if foreign == Tri.UNDETERMINED else Tri.NO
        return result
    control = "control" in (rights or []) or post.more_than(rule.parent_threshold) == Tri.YES
    access = set(rights or []) & {"board", "access", "involvement"}
    covered = table.covered_investment.cite("covered_investment")
    if control:
        result.findings.append(_note(f"covered control transaction: voting interest after {post.label()}"
                                     + (" with control rights" if "control" in (rights or []) else ""),
                                     regime("us-cfius").citation("cfius-800-208"), Outcome.MET))
    elif access:
        result.findings.append(_note(f"covered investment: rights {', '.join(sorted(access))} in a TID U.S. "
                                     "business", covered, Outcome.MET))
    else:
        result.findings.append(_note("no control and no board, access or involvement rights: not a covered "
                                     "investment (passive)", covered, Outcome.NOT_MET))
        result.filing = "no mandatory declaration (not a covered transaction)"
        return result
    answers: list[Tri] = []
    government = table.foreign_government
    gov_share, gov_country = _government_interest(graph, investor, w)
    result.facts["foreign_government_interest_in_investor"] = gov_share.percent()
    substantial = post.at_least(government.investor_threshold)
    gov = gov_share.at_least(government.government_threshold)
    gov_answer = Tri.YES if substantial == Tri.YES and gov == Tri.YES else (
        Tri.NO if Tri.NO in (substantial, gov) else Tri.UNDETERMINED)
    answers.append(gov_answer)
    result.findings.append(_rule(gov_answer.outcome, government.finding, government.cite("foreign_government"),
                                 answer=gov_answer.value, after=post.label(),
                                 investor_threshold=government.investor_threshold,
                                 of_country=f" of {gov_country}" if gov_country else "",
                                 government=gov_share.label(), government_threshold=government.government_threshold))
    if "critical-technologies" in tid:
        answers.append(_critical_technology(graph, investor, w, export_licence, result))
    result.required = Tri.YES if Tri.YES in answers else Tri.UNDETERMINED if Tri.UNDETERMINED in answers else Tri.NO
    exceptions = table.exceptions
    if result.required != Tri.NO:
        citation = exceptions.cite("exceptions", "exceptions to mandatory declarations")
        if excepted_investor:
            result.findings.append(_note("the investor is stated to be an excepted investor: the mandatory "
                                         "declaration does not apply (800.401(e))", citation, Outcome.NOT_MET))
            result.required = Tri.NO
        else:
            for question in exceptions.questions:
                result.questions.append(_question(question.text, citation))
    result.filing = {Tri.YES: "mandatory declaration required", Tri.NO: "no mandatory declaration",
                     Tri.UNDETERMINED: "mandatory declaration possibly required"}[result.required]
    return result


def _critical_technology(graph: Graph, investor: str, w: Any, export_licence: bool | None,
                         result: TriggerResult) -> Tri:
    """The critical-technology prong: an export authorization needed to the investor or to any person holding the
    rule's voting share of it (``voting_threshold``, parent rule); the holders in the graph are named."""
    rule = cfius_rules().critical_technology
    critical = rule.cite("critical_technology")
    holders = [(p, s) for p, s in integrated_column(w, investor).items()
               if p != investor and s.at_least(rule.voting_threshold) != Tri.NO]
    result.facts["export_recipients"] = [investor, *(p for p, _ in holders)]
    answer = Tri.UNDETERMINED if export_licence is None else Tri.YES if export_licence else Tri.NO
    result.findings.append(_note(f"critical technologies needing a U.S. export authorization to the investor: "
                                 f"{answer.value}", critical, answer.outcome))
    if export_licence is None:
        named = "; ".join(f"{graph.parties[p].name} {s.label()}" for p, s in holders)
        result.questions.append(_rule(Outcome.UNDETERMINED, rule.question, critical,
                                      voting_threshold=rule.voting_threshold,
                                      holders=f" (in the data: {named})" if named else ""))
    return answer


def _cfius_foreign(graph: Graph, investor: str, w: Any, control_threshold: float) -> Tri:
    party = graph.parties[investor]
    own = is_foreign(party.country, "US")
    if own == Tri.YES:
        return Tri.YES
    column = integrated_column(w, investor)
    foreign_lo = sum(s.lo for p, s in column.items() if is_foreign(graph.parties[p].country, "US") == Tri.YES
                     and not graph.owners_of(p))
    foreign_hi = sum(s.hi for p, s in column.items() if is_foreign(graph.parties[p].country, "US") != Tri.NO
                     and not graph.owners_of(p))
    controlled = Share(min(foreign_lo, 1.0), min(max(foreign_hi, foreign_lo), 1.0)).more_than(control_threshold)
    if controlled == Tri.YES:
        return Tri.YES
    if own == Tri.UNDETERMINED or controlled == Tri.UNDETERMINED:
        return Tri.UNDETERMINED
    return Tri.NO


def _government_interest(graph: Graph, investor: str, w: Any) -> tuple[Share, str]:
    """The largest voting interest (parent rule) that one foreign state's bodies hold together in the investor."""
    party = graph.parties[investor]
    column = integrated_column(w, investor)
    by_country: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    if party.kind == PartyKind.STATE and party.country != "US":
        return Share.exact(1.0), party.country or ""
    for p, share in column.items():
        owner = graph.parties[p]
        if owner.kind == PartyKind.STATE and owner.country != "US" and not any(
                graph.parties[e.owner].kind == PartyKind.STATE for e in graph.owners_of(p)):
            by_country[owner.country or "?"][0] += share.lo
            by_country[owner.country or "?"][1] += share.hi
    if not by_country:
        return Share.exact(0.0), ""
    country, (low, high) = max(by_country.items(), key=lambda item: item[1][1])
    return Share(min(low, 1.0), min(high, 1.0)), country
