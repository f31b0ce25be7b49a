"""Refusing what research due diligence must never do: take nationality, ethnicity, or a person's name alone as a
risk factor (``data/research/refusal.yaml``, cited there)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from kizuna.core.errors import InputError
from kizuna.core.rules import RuleModel, bundled_rules

REFUSAL_FILE = "research/refusal.yaml"


class RefusalRules(RuleModel):
    message: str
    terms: list[str]
    columns: list[str]
    name_only: str


class Refused(InputError):
    """A query asking for a person-profiling check; ``term`` is what asked for it (an input error: exit code 2
    on the command line, HTTP 422 from the API)."""

    def __init__(self, message: str, term: str, field: str, path: Path | None = None, line: int | None = None) -> None:
        self.term = term
        super().__init__(f"{message} (asked for: {term!r})", path=path, line=line, field=field)


def refusal_rules() -> RefusalRules:
    return bundled_rules(REFUSAL_FILE, RefusalRules)


def check_query(text: str, field: str = "query", path: Path | None = None, line: int | None = None) -> None:
    """Raise ``Refused`` when ``text`` asks about a person's origin (a refused term in it); ``path``, ``line``
    and ``field``: where the text was read."""
    term = refused_term(text, refusal_rules().terms)
    if term is not None:
        raise Refused(refusal_rules().message, term, field, path, line)


def check_columns(columns: Iterable[str], path: Path) -> None:
    """Raise ``Refused`` when a team file carries a refused column (nationality, ethnicity …), naming it."""
    refused = {c.casefold() for c in refusal_rules().columns}
    for column in columns:
        key = re.sub(r"[\s\-]+", "_", column.strip().casefold())
        if key in refused:
            raise Refused(refusal_rules().message, column, column, path, 1)


def refused_term(text: str, terms: list[str]) -> str | None:
    """The first refused term ``text`` contains: whole words in Latin script, substrings in CJK."""
    folded = " ".join(text.casefold().split())
    for term in terms:
        if term.isascii():
            if re.search(rf"(?<!\w){re.escape(term)}(?!\w)", folded):
                return term
        elif term in folded:
            return term
    return None
