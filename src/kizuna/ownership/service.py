"""The ownership service: the only module the CLI (``kizuna ownership``, ``kizuna invest``) and the web
(``/v1/ownership``, ``/v1/invest``, the console page) call. Every result is assembled here once — chain, share,
beneficial owners, check, FEFTA/CFIUS filing triggers, the investor note and the reports — so the two front ends
only parse the request, call one function and format what it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kizuna.core.errors import InputError
from kizuna.ownership import store
from kizuna.ownership.load import load_file
from kizuna.ownership.model import Edge, Graph, Share
from kizuna.ownership.rules import Regime, Sector, fefta_sectors, regime, regimes
from kizuna.ownership.screen import PartyScreen, listed_map, screen_parties

if TYPE_CHECKING:
    from kizuna.core.report import Report
    from kizuna.ownership.regimes import RegimeAnswer
    from kizuna.ownership.report import Assessment
    from kizuna.ownership.triggers import TriggerResult

# The share arithmetic (numpy/scipy), the reports (Jinja) and the trigger tables are imported by the functions
# that use them: `kizuna ownership chain` screens a chain and needs none of them.

INVEST_REGIMES = ("jp-fefta", "us-cfius")


def open_source(source: str) -> Graph:
    """A graph from a file path, or else a stored graph of that name (the CLI's FILE|GRAPH argument)."""
    return store.resolve_source(source)


def open_stored(name: str) -> Graph:
    """A stored graph by name (the API takes names only: it never reads a server path a request names)."""
    return store.open_graph(name)


def list_regimes() -> list[Regime]:
    return list(regimes().values())


def list_graphs() -> list[store.StoredGraph]:
    return store.list_graphs()


def sectors() -> dict[str, Sector]:
    """The FEFTA business sectors by code (the invest form's choices)."""
    return fefta_sectors()


def load(path: Path, name: str | None = None, fmt: str = "auto") -> store.StoredGraph:
    """Validate an ownership file and store it under ``name`` (default: the file's name)."""
    return store.load_and_save(path, name, fmt)


def load_upload(path: Path, filename: str, name: str | None = None, fmt: str = "auto") -> store.StoredGraph:
    """Store an uploaded file that was saved at ``path``: the graph's sources name ``filename`` (the file the user
    sent), never the temporary copy, and the default graph name comes from ``filename`` too."""
    graph = load_file(path, fmt)
    sent = Path(filename or "upload").name
    _rename_source(graph, str(path), sent)
    # The upload is saved under the sender's file name, so the store's default name is the sender's too.
    chosen = store.check_name(name) if name else store._default_name(path)
    return store.save(chosen, graph, path.read_bytes())


def _rename_source(graph: Graph, temporary: str, sent: str) -> None:
    """Replace the temporary path at the start of every source field (graph, parties, interests, claims)."""
    def renamed(text: str) -> str:
        return sent + text[len(temporary):] if text.startswith(temporary) else text

    graph.source = renamed(graph.source)
    for party in graph.parties.values():
        party.source = renamed(party.source)
    for edge in graph.edges:
        edge.source = renamed(edge.source)
    for claim in graph.claims:
        claim.source = renamed(claim.source)


@dataclass(slots=True)
class ShareResult:
    """``owner``'s share in ``owned`` as one regime counts it."""

    graph: Graph
    owner: str
    owned: str
    share: Share
    regime: Regime

    def to_dict(self) -> dict[str, Any]:
        return {"owner": self.owner, "owned": self.owned, "share": self.share.percent(),
                "share_label": self.share.label(), "regime": self.regime.code, "rule": self.regime.describe(),
                "citations": [c.to_dict() for c in self.regime.citations]}


def share(graph: Graph, owner: str, owned: str, regime_code: str = "none") -> ShareResult:
    from kizuna.ownership.regimes import attribute

    rule = regime(regime_code)
    owner_id, owned_id = graph.resolve(owner), graph.resolve(owned)
    return ShareResult(graph, owner_id, owned_id, attribute(graph, owner_id, owned_id, rule), rule)


@dataclass(slots=True)
class ChainResult:
    """Everyone with a chain of interests to ``target``, each screened, and the interests between them."""

    graph: Graph
    target: str
    members: list[str]
    screens: dict[str, PartyScreen]
    edges: list[Edge] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        parties = self.graph.parties
        return {"target": self.target, "parties": [
            {"id": p, "name": parties[p].name, "kind": parties[p].kind.value, "country": parties[p].country,
             "screening": self.screens[p].to_dict()} for p in self.members],
            "edges": [{"owner": e.owner, "owned": e.owned, "share": None if e.share is None else e.share.percent(),
                       "label": e.label(), "kind": e.kind.value, "interests": e.interest_types}
                      for e in self.edges]}


def chain(graph: Graph, target: str) -> ChainResult:
    target_id = graph.resolve(target)
    members = graph.ancestors(target_id)
    inside = set(members)
    edges = [e for e in graph.edges if e.owner in inside and e.owned in inside]
    return ChainResult(graph, target_id, members, screen_parties(graph, members), edges)


def ubo(graph: Graph, target: str, regime_code: str = "eu-amlr", as_of: str | None = None) -> RegimeAnswer:
    """Beneficial owners and controllers under one regime (the chain is screened only for list-based rules)."""
    from kizuna.ownership.regimes import answer

    target_id = graph.resolve(target)
    rule = regime(regime_code)
    listed = listed_map(screen_parties(graph, graph.ancestors(target_id))) if rule.method == "aggregate-50" else {}
    return answer(graph, target_id, rule, listed, as_of)


def check(graph: Graph, target: str, as_of: str | None = None) -> Assessment:
    from kizuna.ownership.report import assess

    return assess(graph, graph.resolve(target), as_of)


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


@dataclass(slots=True)
class InvestOptions:
    """The facts about a deal the graph does not hold (each front end fills them from its own options)."""

    listed: bool | None = None
    sectors: list[str] = field(default_factory=list)
    financial_institution: bool = False
    sanctioned: bool = False
    tid: list[str] = field(default_factory=list)
    rights: list[str] = field(default_factory=list)
    export_licence: bool | None = None
    excepted_investor: bool = False


@dataclass(slots=True)
class InvestResult:
    graph: Graph
    trigger: TriggerResult
    note: dict[str, Any] | None = None  # the investor note for the exchange, when asked for

    def to_dict(self) -> dict[str, Any]:
        payload = self.trigger.to_dict()
        if self.note is not None:
            payload["note"] = self.note
        return payload


def invest(graph: Graph, target: str, investor: str, stake: float, regime_code: str, options: InvestOptions,
           *, as_of: str | None = None, note: bool = False) -> InvestResult:
    """Whether acquiring ``stake`` (a fraction) of ``target`` needs FEFTA notification or a CFIUS declaration,
    read at ``as_of``; with ``note``, the investor note built from the investor's check on the same date."""
    from kizuna.ownership.report import assess, investor_note
    from kizuna.ownership.triggers import cfius_check, fefta_check

    regime(regime_code)  # an unknown code gets the list of codes
    target_id, investor_id = graph.resolve(target), graph.resolve(investor)
    if regime_code == "jp-fefta":
        result = fefta_check(graph, target_id, investor_id, stake, listed=options.listed, sectors=options.sectors,
                             financial_institution=options.financial_institution, sanctioned=options.sanctioned,
                             as_of=as_of)
    elif regime_code == "us-cfius":
        result = cfius_check(graph, target_id, investor_id, stake, tid=options.tid,
                             export_licence=options.export_licence, rights=options.rights,
                             excepted_investor=options.excepted_investor, as_of=as_of)
    else:
        raise InputError(f"invest check takes --regime {' or '.join(INVEST_REGIMES)}, not {regime_code!r}",
                         field="--regime")
    return InvestResult(graph, result,
                        investor_note(assess(graph, investor_id, result.as_of), result) if note else None)


def check_report(assessment: Assessment) -> Report:
    """The ownership check as the one report type (JSON, CSV, HTML, PDF by ``core.report``)."""
    from kizuna.ownership.report import assessment_report

    return assessment_report(assessment)


def invest_report(result: InvestResult) -> Report:
    """The filing check as the one report type."""
    from kizuna.ownership.report import trigger_report

    return trigger_report(result.graph, result.trigger)


def write_report(report: Report, path: Path) -> Path:
    """Write a report atomically in the format its suffix names (json, csv, xlsx, html, pdf)."""
    from kizuna.core.report import write

    return write(report, path)
