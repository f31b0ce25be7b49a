"""OpenAlex-format works: who wrote what with which institutions. Reads the bundled quantum-information sample
(``{"doi": {…}, "title": {…}}``), an OpenAlex API page (``{"results": […]}``), a JSON array of works, or JSON
Lines (a user's own snapshot), through ``kizuna.core.datafiles`` (bounded, errors name the JSON path)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import combinations
from pathlib import Path
from typing import Any

from kizuna.core.datafiles import parse_json, read_json_records
from kizuna.core.errors import InputError
from kizuna.core.paths import bundled
from kizuna.core.text import read_text
from kizuna.research.orgs import short_id

SAMPLE = "openalex_quantum_theory_works_cache.json.gz"


@dataclass(frozen=True, slots=True)
class Institution:
    openalex_id: str  # short (I27837315)
    name: str
    country: str | None
    ror_id: str | None  # short, when the work gives it


@dataclass(frozen=True, slots=True)
class Authorship:
    author_id: str  # short OpenAlex author id (A5070300902)
    author: str  # the name printed on the paper: a label, never screened
    institutions: tuple[Institution, ...]
    raw_affiliations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Work:
    id: str
    title: str
    year: int | None
    authorships: tuple[Authorship, ...]
    subjects: tuple[str, ...] = ()  # OpenAlex topic, subfield, field, concept and keyword names, where given

    def institutions(self) -> set[Institution]:
        return {i for a in self.authorships for i in a.institutions}


def read_works(path: Path) -> list[Work]:
    """Every work of an OpenAlex-format file (see the module docstring), each once by id."""
    if path.name.casefold().endswith((".jsonl", ".jsonl.gz")):
        records = [record for _, record in read_json_records(path, read_text(path))]
    else:
        data = parse_json(read_text(path), path)
        if isinstance(data, dict) and "results" in data:
            records = data["results"]
        elif isinstance(data, dict):
            records = [work for group in data.values() if isinstance(group, dict) for work in group.values()]
        else:
            records = data
    if not isinstance(records, list):
        raise InputError("expected a list of OpenAlex works", path=path, field="results")
    works: dict[str, Work] = {}
    for number, record in enumerate(records):
        work = _work(record, path, number)
        works.setdefault(work.id, work)
    return list(works.values())


@cache
def sample_works() -> tuple[Work, ...]:
    """The bundled sample: quantum-information theory works (OpenAlex, cached Dec 2025)."""
    return tuple(read_works(bundled("research", SAMPLE)))


def _work(record: Any, path: Path, number: int) -> Work:
    if not isinstance(record, dict) or not record.get("id"):
        raise InputError("a work needs an id", path=path, field=f"works[{number}].id")
    authorships = []
    for a_number, authorship in enumerate(record.get("authorships") or []):
        author = authorship.get("author") or {}
        if not isinstance(author, dict):
            raise InputError("expected an object", path=path, field=f"works[{number}].authorships[{a_number}]")
        institutions = tuple(Institution(short_id(i.get("id") or ""), i.get("display_name") or "",
                                         i.get("country_code") or None,
                                         short_id(i["ror"]) if i.get("ror") else None)
                             for i in authorship.get("institutions") or [] if isinstance(i, dict) and i.get("id"))
        raw = tuple(str(s) for s in authorship.get("raw_affiliation_strings") or [])
        authorships.append(Authorship(short_id(author.get("id") or ""), author.get("display_name") or "",
                                      institutions, raw))
    year = record.get("publication_year")
    return Work(short_id(record["id"]), record.get("display_name") or record.get("title") or "",
                year if isinstance(year, int) else None, tuple(authorships), _subjects(record))


def _subjects(record: dict[str, Any]) -> tuple[str, ...]:
    """The names of what a work is about, as OpenAlex gives them: its topics with their subfield and field, its
    primary topic, concepts and keywords (a cut-down record has none)."""
    found: list[str] = []
    topics = [record.get("primary_topic"), *(record.get("topics") or [])]
    for topic in topics:
        if isinstance(topic, dict):
            found += [str(part["display_name"]) for part in (topic, topic.get("subfield"), topic.get("field"))
                      if isinstance(part, dict) and part.get("display_name")]
    for key in ("concepts", "keywords"):
        found += [str(item["display_name"]) for item in record.get(key) or []
                  if isinstance(item, dict) and item.get("display_name")]
    return tuple(dict.fromkeys(found))


def author_works(works: Iterable[Work], author_id: str) -> list[tuple[Work, Authorship]]:
    """The works ``author_id`` is an author of, with that authorship."""
    wanted = short_id(author_id)
    return [(work, a) for work in works for a in work.authorships if a.author_id == wanted]


def coauthor_institutions(works: Iterable[Work], author_id: str) -> Counter[Institution]:
    """The institutions of the author's co-authors on their works, by number of shared works."""
    counts: Counter[Institution] = Counter()
    for work, own in author_works(works, author_id):
        others = {i for a in work.authorships if a is not own for i in a.institutions}
        counts.update(others - set(own.institutions))
    return counts


def country_pairs(works: Iterable[Work]) -> Counter[tuple[str, str]]:
    """Works co-authored between each pair of countries (a < b), counted once per work."""
    counts: Counter[tuple[str, str]] = Counter()
    for work in works:
        countries = sorted({i.country for i in work.institutions() if i.country})
        counts.update(combinations(countries, 2))
    return counts


def institution_pairs(works: Iterable[Work]) -> Counter[tuple[Institution, Institution]]:
    """Works co-authored between each pair of institutions, counted once per work."""
    counts: Counter[tuple[Institution, Institution]] = Counter()
    for work in works:
        counts.update(combinations(sorted(work.institutions(), key=lambda i: i.openalex_id), 2))
    return counts


def institution_works(works: Iterable[Work]) -> Counter[Institution]:
    counts: Counter[Institution] = Counter()
    for work in works:
        counts.update(work.institutions())
    return counts


def country_works(works: Iterable[Work]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for work in works:
        counts.update({i.country for i in work.institutions() if i.country})
    return counts
