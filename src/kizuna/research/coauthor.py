"""Who is strong in what, and who already works together: publication counts and co-authorship by country and
institution for a memo priority, from the bundled OpenAlex-format data or a user's own works file."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from kizuna.core.errors import InputError
from kizuna.core.paths import bundled
from kizuna.core.tables import read_table
from kizuna.research import works as works_mod
from kizuna.research.area import area
from kizuna.research.orgs import crosswalk_ids, registry
from kizuna.research.priorities import canonical
from kizuna.research.rules import rules


@dataclass(slots=True)
class Strength:
    """The figures for one priority (and optionally one country), each list best first, with their sources."""

    priority: str
    country: str | None
    countries: list[dict[str, Any]] = field(default_factory=list)  # country, works (latest year of the data)
    institutions: list[dict[str, Any]] = field(default_factory=list)  # name, ror_id, country, works
    institution_pairs: list[dict[str, Any]] = field(default_factory=list)
    country_pairs: list[dict[str, Any]] = field(default_factory=list)  # of this priority's works
    partners: list[dict[str, Any]] = field(default_factory=list)  # the country's co-authoring countries, all fields
    sources: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"priority": self.priority, "country": self.country, "countries": self.countries,
                "institutions": self.institutions, "institution_pairs": self.institution_pairs,
                "country_pairs": self.country_pairs, "partners": self.partners, "sources": self.sources,
                "notes": self.notes}


def strength(priority: str, country: str | None = None, works_file: Path | None = None, top: int = 15,
             year: int | None = None) -> Strength:
    """Strength and co-authorship for ``priority``; ``works_file``: the user's own OpenAlex works instead of the
    bundled sample; ``country``: restrict institutions and pairs to those with this country, and list its
    partners; ``year``: the year of the country-level figures (default: the latest in the data)."""
    name = canonical(priority)
    result = Strength(name, country.upper() if country else None)
    data = rules().priority_data.get(name)
    if works_file is not None or (data is not None and data.works):
        path = works_file or bundled("research", data.works if data and data.works else "")
        works = works_mod.read_works(path) if works_file else list(works_mod.sample_works())
        source = str(works_file) if works_file else f"data/research/{path.name}"
        kept, account = area(name).select(works, source, None if works_file else path.name)
        _from_works(result, kept, top)
        result.sources.append(source)
        result.notes.append(account.text(kept=False))
    if data is not None and data.country_counts is not None and works_file is None:
        _from_country_counts(result, data.country_counts.file, data.country_counts.concept, top, year)
    if not result.sources:
        result.notes.append(f"no bundled publication data for {name}: give an OpenAlex works file (--works)")
    if result.country:
        _partners(result, top, year)
    return result


def _from_works(result: Strength, works: list[works_mod.Work], top: int) -> None:
    ids = crosswalk_ids()
    orgs = registry()
    wanted = result.country

    def describe(inst: works_mod.Institution) -> dict[str, Any]:
        ror = inst.ror_id or ids.get(inst.openalex_id)
        org = orgs.get(ror) if ror else None
        return {"name": inst.name, "openalex_id": inst.openalex_id, "country": inst.country,
                "ror_id": org.url if org else None}

    per_inst = works_mod.institution_works(works)
    result.institutions = [{**describe(i), "works": n} for i, n in per_inst.most_common()
                           if not wanted or i.country == wanted][:top]
    pairs = works_mod.institution_pairs(works)
    result.institution_pairs = [{"a": describe(a), "b": describe(b), "works": n} for (a, b), n in pairs.most_common()
                                if not wanted or wanted in (a.country, b.country)][:top]
    result.country_pairs = [{"a": a, "b": b, "works": n} for (a, b), n in works_mod.country_pairs(works).most_common()
                            if not wanted or wanted in (a, b)][:top]
    if not result.countries:
        result.countries = [{"country": c, "works": n} for c, n in works_mod.country_works(works).most_common(top)]


def _from_country_counts(result: Strength, file: str, concept: str, top: int, year: int | None) -> None:
    rows = _country_counts(file, concept)
    latest = year or max((y for y, _ in rows), default=None)
    if latest is None or not any(y == latest for y, _ in rows):
        raise InputError(f"no {concept} counts for {year}", field="--year")
    counts = Counter({c: n for (y, c), n in rows.items() if y == latest})
    result.countries = [{"country": c, "works": n, "year": latest} for c, n in counts.most_common(top)]
    result.sources.append(f"data/research/{file} ({concept}, {latest})")


@cache
def _country_counts(file: str, concept: str) -> dict[tuple[int, str], int]:
    path = bundled("research", file)
    table = read_table(path)
    table.require("openalex_concept", "year", "country_code", "works")
    return {(int(row["year"]), row["country_code"]): int(row["works"]) for _, row in table.records()
            if row["openalex_concept"] == concept}


def _partners(result: Strength, top: int, year: int | None) -> None:
    pairs = _coauthorship()
    latest = year if year is not None and any(y == year for y, _, _ in pairs) else max(y for y, _, _ in pairs)
    counts = Counter({b if a == result.country else a: n for (y, a, b), n in pairs.items()
                      if y == latest and result.country in (a, b)})
    result.partners = [{"country": c, "works": n, "year": latest} for c, n in counts.most_common(top)]
    result.sources.append(f"data/research/{rules().coauthorship_file} (all fields, {latest})")


@cache
def _coauthorship() -> dict[tuple[int, str, str], int]:
    path = bundled("research", rules().coauthorship_file)
    table = read_table(path)
    table.require("year", "country_a", "country_b", "coauthored_works")
    return {(int(row["year"]), row["country_a"], row["country_b"]): int(row["coauthored_works"])
            for _, row in table.records()}
