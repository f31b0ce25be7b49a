"""Explanations a screening officer can read and defend: the path from the query to the listed name,
the words that met (and how), the words that did not, and every score part."""

from __future__ import annotations

from kizuna.screening.forms import Form
from kizuna.screening.match import NameMatch


def _path(form: Form, match: NameMatch) -> str:
    """How the query became comparable: the slots that needed a table or a reading, once each."""
    steps: list[str] = []
    for pair in match.pairs:
        how = pair.slot.how
        if how and how not in steps:
            steps.append(how)
    if form.via == "name" or not steps:
        return "" if form.via == "name" else f" → {form.via} '{form.text}'"
    return f" → {form.via} ({'; '.join(steps)})"


def _shared(match: NameMatch) -> str:
    parts = []
    for pair in match.pairs:
        if pair.how == "exact":
            parts.append(pair.listed)
        elif pair.how == "joined":
            parts.append(f"{pair.query}={pair.listed} (joined)")
        elif pair.how in ("same country", "entry country"):
            parts.append(f"{pair.query}={pair.listed} ({pair.how})")
        else:
            parts.append(f"{pair.query}≈{pair.listed} ({pair.how} {pair.similarity:.2f})")
    return ", ".join(dict.fromkeys(parts)) or "none"


def describe(query_text: str, form: Form, listed_name: str, listed_kind: str, listed_via: str, listed_form: str,
             match: NameMatch, notes: list[str], score: float) -> str:
    """One paragraph from query to score."""
    target = f"'{listed_name}' ({listed_kind})"
    if listed_via not in ("name", "cjk characters") and listed_form != listed_name:
        target += f" as {listed_via} '{listed_form}'"
    text = f"'{query_text}'{_path(form, match)} ↔ {target}: shared {_shared(match)}"
    if match.query_unmatched:
        text += f"; not in listed name: {', '.join(match.query_unmatched)}"
    if match.name_unmatched:
        text += f"; not in query: {', '.join(match.name_unmatched)}"
    if match.conflicts:
        text += f"; names differ in {' and '.join(match.conflicts)}"
    if match.qualifiers:
        text += "; " + "; ".join(match.qualifiers)
    if match.generic_only:
        text += "; only places and generic words shared, so the lower coverage counts"
    text += (f"; query coverage {match.query_coverage:.2f}, listed-name coverage {match.name_coverage:.2f}"
             f" → name score {match.score:.2f}")
    if notes:
        text += "; " + "; ".join(notes)
    return text + f" → {score:.2f}"
