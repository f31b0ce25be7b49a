"""What no ownership source can mean, refused when a file is loaded: a company whose direct holders of one kind
of interest add up to more than 100 %, the same interest stated twice, a file with no parties at all."""

from __future__ import annotations

import re
from collections import defaultdict

from kizuna.core.errors import InputError
from kizuna.ownership.interests import is_voting, kind_of
from kizuna.ownership.model import Edge, Graph, InterestKind, Share

# Rounding in a source's percentages (33.33 + 33.33 + 33.34) must not read as over 100 %.
_TOLERANCE = 1e-6
_LINE = re.compile(r"^(?P<path>.*?):(?P<line>\d+)(?:#.*)?$")


def check_graph(graph: Graph) -> None:
    """InputError naming the file, line and field of the first inconsistency."""
    if not graph.parties:
        raise InputError("no parties or interests in the file(s)", path=graph.source)
    _check_duplicates(graph)
    _check_totals(graph)


def _check_duplicates(graph: Graph) -> None:
    first: dict[tuple[str, str, tuple[str, ...]], Edge] = {}
    for edge in graph.edges:
        key = (edge.owner, edge.owned, tuple(sorted(edge.interest_types)))
        if key in first:
            raise _error(edge, f"{edge.owner!r} → {edge.owned!r} ({', '.join(key[2]) or 'interest'}) is stated "
                               f"twice: here and at {first[key].source}", "owned")
        first[key] = edge


def _check_totals(graph: Graph) -> None:
    totals: dict[tuple[str, str], list[tuple[Share, Edge]]] = defaultdict(list)
    for edge in graph.edges:
        if edge.kind != InterestKind.OWNERSHIP:
            continue
        if edge.share is not None:
            totals[(edge.owned, _measure(edge))].append((edge.share, edge))
        if edge.voting is not None:
            totals[(edge.owned, "votingRights")].append((edge.voting, edge))
    for (owned, measure), held in totals.items():
        running = 0.0
        for share, edge in held:
            running += share.lo
            if running > 1.0 + _TOLERANCE:
                holders = ", ".join(f"{e.owner} {s.label()}" for s, e in held)
                raise _error(edge, f"the direct {measure} interests in {owned!r} add up to at least "
                                   f"{running * 100:.4g} %, more than 100 % ({holders})", "share")


def _measure(edge: Edge) -> str:
    """The interest type the edge's share measures: its first economic ownership type, else its first type."""
    economic = [t for t in edge.interest_types if kind_of(t) == InterestKind.OWNERSHIP and not is_voting(t)]
    return (economic or edge.interest_types or ["shareholding"])[0]


def _error(edge: Edge, message: str, field: str) -> InputError:
    match = _LINE.match(edge.source)
    if match:
        return InputError(message, path=match["path"], line=int(match["line"]), field=field)
    return InputError(f"{message} ({edge.source})", path=edge.source.split("#", 1)[0] or None, field=field)
