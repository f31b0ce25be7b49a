"""Filing triggers: FEFTA prior notification (Japan) and CFIUS mandatory declarations (United States).

Each answer lists the findings that led to it, every finding with its rule citation from
data/ownership/triggers/, and the exemption or exception questions the data cannot answer.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from kizuna.core.entity import PartyKind
from kizuna.core.errors import InputError
from kizuna.ownership.integrated import integrated_column
from kizuna.ownership.model import Graph, Share, Tri
from kizuna.ownership.regimes import aggregate, attribute, is_foreign, regime_weights, seeds_for
from kizuna.ownership.rules import Citation, fefta_sectors, regime, trigger_citation, trigger_table

CFIUS_TID = ("critical-technologies", "critical-infrastructure", "sensitive-personal-data")
CFIUS_RIGHTS = ("control", "board", "access", "involvement")


@dataclass(slots=True)
class Finding:
    text: str
    citation: Citation | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "citation": None if self.citation is None else self.citation.to_dict()}


@dataclass(slots=True)
class TriggerResult:
    """Whether a filing is needed, why, and which questions remain."""

    regime: str
    investor: str
    target: str
    stake: float
    required: Tri
    filing: str
    findings: list[Finding] = field(default_factory=list)
    questions: list[Finding] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"regime": self.regime, "investor": self.investor, "target": self.target,
                "stake_percent": round(self.stake * 100, 6), "required": self.required.value, "filing": self.filing,
                "findings": [f.to_dict() for f in self.findings], "questions": [q.to_dict() for q in self.questions],
                "facts": self.facts}


def parse_stake(text: str) -> float:
    """``5%``, ``5`` or ``0.5 %`` → a fraction; InputError otherwise."""
    value = text.strip().rstrip("%").strip()
    try:
        number = float(value)
    except ValueError:
        raise InputError(f"stake {text!r} is not a percent", field="--stake") from None
    if not 0 < number <= 100:
        raise InputError(f"stake {text!r} must be above 0 and at most 100 %", field="--stake")
    return number / 100.0


def fefta_check(graph: Graph, target: str, investor: str, stake: float, *, listed: bool | None = None,
                sectors: list[str] | None = None, financial_institution: bool = False, soe: bool | None = None,
                sanctioned: bool = False) -> TriggerResult:
    """Does acquiring ``stake`` of ``target`` by ``investor`` need prior notification under FEFTA?"""
    table = trigger_table("jp-fefta")["rules"]
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
    listed_flag = target_party.listed_company if listed is None else listed
    result = TriggerResult("jp-fefta", investor, target, stake, Tri.NO, "", facts={
        "foreign_investor": foreign.value, "foreign_ratio_of_investor": flags.shares[investor].percent(),
        "existing_holding": existing.percent(), "holding_after": post.percent(), "listed": listed_flag,
        "sectors": chosen})
    definition = next(c for c in rule.rules if c.id == "fefta-26-1")
    investor_name = graph.parties[investor].name
    if foreign == Tri.NO:
        result.findings.append(Finding(f"{investor_name} is not a foreign investor: it is Japanese and foreign "
                                       f"investors hold {flags.shares[investor].label()} of it (below 50 %)",
                                       definition))
        result.filing = "no FEFTA filing: the investor is not a foreign investor"
        return result
    why = ("established or resident abroad" if investor in definite else
           f"held {flags.shares[investor].label()} by foreign investors")
    result.findings.append(Finding(f"{investor_name} is {'' if foreign == Tri.YES else 'possibly '}a foreign "
                                   f"investor ({why})", definition))
    if target_party.country not in (None, "JP"):
        result.findings.append(Finding(f"{target_party.name} is not a Japanese company ({target_party.country}): "
                                       "FEFTA inward direct investment rules do not apply"))
        result.filing = "no FEFTA filing: the target is not Japanese"
        return result
    if target_party.country is None:
        result.findings.append(Finding(f"{target_party.name} has no country in the data: assumed Japanese"))
    designated = [c for c in chosen if c in known]
    core = [c for c in designated if known[c]["core"]]
    report = table["post_investment_report"]
    if not designated:
        result.findings.append(Finding("the target's business is in no designated sector (as given): no prior "
                                       "notification; a post-investment report may be due (listed from "
                                       f"{report['listed_threshold']:.0%}, unlisted on any acquisition)",
                                       trigger_citation(report, "post_investment_report")))
        result.filing = "no prior notification (non-designated sector); check the post-investment report"
        if not chosen:
            result.questions.append(Finding("Which FEFTA business sectors does the target operate in? "
                                            "Pass --sector (see data/ownership/fefta_sectors.yaml)."))
            result.required = Tri.UNDETERMINED
        return result
    sector_names = ", ".join(known[c]["name"] for c in designated)
    if listed_flag is None:
        result.questions.append(Finding("Is the target listed on a stock exchange? (--listed / --unlisted)"))
    if listed_flag is False:
        rule_item = table["unlisted_any"]
        result.required = foreign if foreign != Tri.NO else Tri.NO
        result.findings.append(Finding(f"unlisted company in designated sectors ({sector_names}): any acquisition "
                                       "needs prior notification", trigger_citation(rule_item, "unlisted_any")))
    else:
        rule_item = table["listed_threshold"]
        over = post.at_least(rule_item["value"])
        result.required = over if foreign == Tri.YES else (Tri.UNDETERMINED if over != Tri.NO else Tri.NO)
        if listed_flag is None and over == Tri.NO:
            result.required = Tri.UNDETERMINED  # unlisted would need notification at any size
        result.findings.append(Finding(f"listed company in designated sectors ({sector_names}): holding after the "
                                       f"acquisition {post.label()} against the {rule_item['value']:.0%} threshold",
                                       trigger_citation(rule_item, "listed_threshold")))
    if result.required == Tri.NO:
        result.filing = "no prior notification"
        return result
    result.filing = ("prior notification required" if result.required == Tri.YES
                     else "prior notification possibly required")
    _fefta_exemption(graph, investor, post, core, financial_institution, soe, sanctioned, table["exemption"], result)
    return result


def _fefta_exemption(graph: Graph, investor: str, post: Share, core: list[str], financial_institution: bool,
                     soe: bool | None, sanctioned: bool, exemption: dict[str, Any], result: TriggerResult) -> None:
    citation = trigger_citation({**exemption, "text": "prior-notification exemption"}, "exemption")
    state = state_share(graph, investor)
    is_soe = soe if soe is not None else state.at_least(0.5) == Tri.YES
    result.facts["state_share_of_investor"] = state.percent()
    ineligible = {item["id"]: item["text"] for item in exemption["ineligible"]}
    if sanctioned:
        result.findings.append(Finding("exemption unavailable: " + ineligible["sanctioned"], citation))
        return
    if is_soe:
        result.findings.append(Finding(f"exemption only if accredited: the investor is state-owned (state share "
                                       f"{state.label()}). " + ineligible["soe"], citation))
    if core and not financial_institution and post.at_least(exemption["core_cap"]) != Tri.NO:
        result.findings.append(Finding("exemption unavailable at this size: " + exemption["core_cap_text"],
                                       citation))
        return
    scope = "a blanket exemption (financial institution)" if financial_institution else "the exemption"
    result.findings.append(Finding(f"{scope} may apply if the investor commits to every condition below", citation))
    conditions = list(exemption["basic_conditions"]) + (list(exemption["core_conditions"]) if core else [])
    for condition in conditions:
        result.questions.append(Finding(f"Exemption condition ({condition['id']}): {condition['text']}", citation))
    result.questions.append(Finding(" ".join(exemption["reporting"].split()), citation))


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
                excepted_investor: bool | None = None) -> TriggerResult:
    """Does the acquisition need a CFIUS mandatory declaration (31 CFR 800.401)?"""
    table = trigger_table("us-cfius")["rules"]
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
    result = TriggerResult("us-cfius", investor, target, stake, Tri.NO, "", facts={
        "existing_voting_interest": existing.percent(), "voting_interest_after": post.percent(),
        "tid": tid or [], "rights": rights or []})
    foreign_person = trigger_citation(table["foreign_person"], "foreign_person")
    foreign = _cfius_foreign(graph, investor, w)
    result.facts["foreign_person"] = foreign.value
    if foreign == Tri.NO:
        result.findings.append(Finding(f"{investor_party.name} is not a foreign person (U.S. entity not controlled "
                                       "by foreign persons in the data)", foreign_person))
        result.filing = "no CFIUS declaration: the investor is not a foreign person"
        return result
    result.findings.append(Finding(f"{investor_party.name} is {'' if foreign == Tri.YES else 'possibly '}a "
                                   "foreign person", foreign_person))
    if target_party.country not in (None, "US"):
        result.findings.append(Finding(f"{target_party.name} is organised in {target_party.country}: it is a "
                                       "U.S. business only for its U.S. activities (analyst to confirm)"))
    if not tid:
        result.findings.append(Finding("the target is not a TID U.S. business (as given): no mandatory "
                                       "declaration; a voluntary notice remains possible"))
        result.filing = "no mandatory declaration (not a TID U.S. business)"
        result.questions.append(Finding("Does the target produce or develop critical technologies, run covered "
                                        "critical infrastructure or hold sensitive personal data? (--tid)"))
        result.required = Tri.UNDETERMINED if foreign == Tri.UNDETERMINED else Tri.NO
        return result
    control = "control" in (rights or []) or post.more_than(rule.parent_threshold) == Tri.YES
    access = set(rights or []) & {"board", "access", "involvement"}
    covered = trigger_citation(table["covered_investment"], "covered_investment")
    if control:
        result.findings.append(Finding(f"covered control transaction: voting interest after {post.label()}"
                                       + (" with control rights" if "control" in (rights or []) else "")))
    elif access:
        result.findings.append(Finding(f"covered investment: rights {', '.join(sorted(access))} in a TID U.S. "
                                       "business", covered))
    else:
        result.findings.append(Finding("no control and no board, access or involvement rights: not a covered "
                                       "investment (passive)", covered))
        result.filing = "no mandatory declaration (not a covered transaction)"
        return result
    answers: list[Tri] = []
    government = trigger_citation(table["foreign_government"], "foreign_government")
    gov_share, gov_country = _government_interest(graph, investor, w)
    result.facts["foreign_government_interest_in_investor"] = gov_share.percent()
    substantial = post.at_least(table["foreign_government"]["investor_threshold"])
    gov = gov_share.at_least(table["foreign_government"]["government_threshold"])
    gov_answer = Tri.YES if substantial == Tri.YES and gov == Tri.YES else (
        Tri.NO if Tri.NO in (substantial, gov) else Tri.UNDETERMINED)
    answers.append(gov_answer)
    of_country = f" of {gov_country}" if gov_country else ""
    result.findings.append(Finding(f"foreign-government substantial interest: {gov_answer.value} (investor's voting "
                                   f"interest after {post.label()} vs 25 %; government{of_country} "
                                   f"interest in the investor {gov_share.label()} vs 49 %)", government))
    if "critical-technologies" in tid:
        critical = trigger_citation(table["critical_technology"], "critical_technology")
        licence_answer = Tri.UNDETERMINED if export_licence is None else Tri.YES if export_licence else Tri.NO
        answers.append(licence_answer)
        result.findings.append(Finding(f"critical technologies needing a U.S. export authorization to the investor: "
                                       f"{licence_answer.value}", critical))
        if export_licence is None:
            result.questions.append(Finding("Would a U.S. regulatory authorization be required to export the "
                                            "target's critical technologies to the investor or to any person "
                                            "holding 25 % or more of it? (--export-licence / --no-export-licence)",
                                            critical))
    result.required = Tri.YES if Tri.YES in answers else Tri.UNDETERMINED if Tri.UNDETERMINED in answers else Tri.NO
    exceptions = table["exceptions"]
    if result.required != Tri.NO:
        citation = trigger_citation({**exceptions, "text": "exceptions to mandatory declarations"}, "exceptions")
        if excepted_investor:
            result.findings.append(Finding("the investor is stated to be an excepted investor: the mandatory "
                                           "declaration does not apply (800.401(e))", citation))
            result.required = Tri.NO
        else:
            for question in exceptions["questions"]:
                result.questions.append(Finding(question["text"], citation))
    result.filing = {Tri.YES: "mandatory declaration required", Tri.NO: "no mandatory declaration",
                     Tri.UNDETERMINED: "mandatory declaration possibly required"}[result.required]
    return result


def _cfius_foreign(graph: Graph, investor: str, w: Any) -> Tri:
    party = graph.parties[investor]
    own = is_foreign(party.country, "US")
    if own == Tri.YES:
        return Tri.YES
    column = integrated_column(w, investor)
    foreign_lo = sum(s.lo for p, s in column.items() if is_foreign(graph.parties[p].country, "US") == Tri.YES
                     and not graph.owners_of(p))
    foreign_hi = sum(s.hi for p, s in column.items() if is_foreign(graph.parties[p].country, "US") != Tri.NO
                     and not graph.owners_of(p))
    controlled = Share(min(foreign_lo, 1.0), min(max(foreign_hi, foreign_lo), 1.0)).more_than(0.5)
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
