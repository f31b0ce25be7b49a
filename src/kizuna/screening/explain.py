"""Explanations a screening officer can read and defend: which names met, on which words, with what weight."""

from __future__ import annotations

from kizuna.screening.match import NameMatch
from kizuna.screening.normalize import Form


def _pairs(match: NameMatch) -> str:
    parts = []
    for query_token, listed_token, similarity in match.pairs:
        if query_token == listed_token:
            parts.append(query_token)
        else:
            parts.append(f"{query_token}≈{listed_token} ({similarity:.2f})")
    return ", ".join(parts) or "none"


def describe(query_text: str, form: Form, listed_name: str, listed_via: str, listed_kind: str,
             listed_form: str, match: NameMatch, evidence: list[str], score: float) -> str:
    """One paragraph: the path from query to listed name, the shared and missing words, the score parts."""
    source = f"'{query_text}'"
    if form.via != "name":
        source += f" → {form.via} '{form.text}'"
    target = f"'{listed_name}' ({listed_kind})"
    if listed_via not in ("name",):
        target += f" via {listed_via} '{listed_form}'"
    text = (f"{source} ↔ {target}: shared words {_pairs(match)}")
    if match.query_unmatched:
        text += f"; not in listed name: {', '.join(match.query_unmatched)}"
    if match.name_unmatched:
        text += f"; not in query: {', '.join(match.name_unmatched)}"
    text += (f"; query coverage {match.query_coverage:.2f}, listed-name coverage {match.name_coverage:.2f}"
             f" → name score {match.score:.2f}")
    if evidence:
        text += "; " + "; ".join(evidence)
    return text + f" → {score:.2f}"
