"""The research organisations: ROR records (the bundled union of recent releases, or a full dump fetched with
``kizuna research fetch-ror``) completed by OpenAlex's ROR crosswalk for the large institutions the union lacks,
with their parent/child links, and the screener over them (``kizuna.screening.for_entries``).

Reading and parsing the 60k records takes seconds, and a check needs a few hundred of them: the parsed records
are kept as plain rows in ``$KIZUNA_HOME/cache/research/organisations-<fingerprint>.pickle`` (the fingerprint of
the data files, the rule file and this module), each turned into an ``Organisation`` on first use, and the
screener's index is read from its own cache without building the 60k entries again."""

from __future__ import annotations

import hashlib
import pickle
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from kizuna.core.atomic import atomic_writer
from kizuna.core.entity import Entry, Name, NameKind, PartyKind, Provenance, dedupe_names
from kizuna.core.errors import InputError
from kizuna.core.party import Party
from kizuna.core.paths import bundled, home
from kizuna.core.tables import read_table
from kizuna.research.rules import EvidenceSource, rules, rules_version
from kizuna.screening import for_entries
from kizuna.screening.cachefile import load as load_pickle
from kizuna.screening.index import ScreeningIndex, cache_file
from kizuna.screening.screener import Screener

ROR_COLUMNS = ["ror_id", "name", "status", "types", "country", "city", "acronyms", "aliases", "name_ja", "name_zh",
               "name_ko", "labels", "parents", "release"]
ROR_URL = "https://ror.org/"
FROM_ROR = "ror"
FROM_OPENALEX = "openalex-ror"


@dataclass(slots=True)
class Organisation:
    """A research organisation: its ``Party`` (names in every script, country, where the record was read) and
    the ROR facts research screening needs."""

    party: Party
    ror_id: str  # the short id (``057zh3y96``)
    types: tuple[str, ...] = ()
    status: str = "active"
    city: str = ""
    parents: tuple[str, ...] = ()
    release: str = ""  # the ROR release (or crosswalk) the record was read from
    origin: str = FROM_ROR
    acronyms: tuple[str, ...] = ()
    children: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.party.name

    @property
    def url(self) -> str:
        return ROR_URL + self.ror_id

    def screened_party(self) -> Party:
        """The party whose names are screened against the lists: every name but the acronyms (USC, CAS and
        BUAA name many organisations; the lists' acronyms are matched by the full names)."""
        names = [a for a in self.party.aliases if a.text not in self.acronyms]
        return Party(self.party.name, self.party.kind, self.party.id, names, self.party.country,
                     source=self.party.source, source_url=self.party.source_url)

    def to_dict(self) -> dict[str, object]:
        return {"ror_id": self.url, "name": self.name, "country": self.party.country, "types": list(self.types),
                "status": self.status, "city": self.city, "release": self.release, "origin": self.origin}

    def entry(self, data_date: str) -> Entry:
        return Entry(self.origin, self.ror_id, self.name, PartyKind.ORGANIZATION,
                     Provenance(self.origin, self.release, data_date, self.url), aliases=list(self.party.aliases),
                     countries=[self.party.country] if self.party.country else [])


@dataclass(slots=True)
class OrgRegistry:
    """Every organisation by short ROR id, where they were read from, and the screener over them."""

    by_id: Mapping[str, Organisation]
    release: str  # the ROR release the answers use
    data_date: str
    sources: list[EvidenceSource]
    cache: Path | None = None  # where the rows are kept (None: not kept)
    index_id: str = ""  # the snapshot id of the screener's index over these organisations, once built
    _screener: Screener | None = None

    def get(self, ror_id: str) -> Organisation | None:
        return self.by_id.get(short_id(ror_id))

    def ancestors(self, org: Organisation) -> list[tuple[Organisation, Organisation]]:
        """Every (ancestor, its child on the path) up the ROR parent links, nearest first, each once."""
        found: list[tuple[Organisation, Organisation]] = []
        seen = {org.ror_id}
        frontier = [org]
        while frontier:
            child = frontier.pop(0)
            for parent_id in child.parents:
                parent = self.by_id.get(parent_id)
                if parent is not None and parent.ror_id not in seen:
                    seen.add(parent.ror_id)
                    found.append((parent, child))
                    frontier.append(parent)
        return found

    def parent(self, org: Organisation) -> Organisation | None:
        return next((self.by_id[p] for p in org.parents if p in self.by_id), None)

    def screener(self) -> Screener:
        """The screener over every organisation, its index kept on disk under ``$KIZUNA_HOME/cache/research/``.
        The index of these organisations (``index_id``, remembered with the rows) is read as it is; building
        the entries to look it up again would cost more than reading it."""
        if self._screener is None:
            path = cache_file(_cache_dir())
            index = ScreeningIndex.load(path) if self.index_id else None
            if index is not None and index.snapshot_id == self.index_id:
                self._screener = Screener(index)
            else:
                entries = [org.entry(self.data_date) for org in self.by_id.values()]
                self._screener = for_entries(entries, cache=path)
                self.index_id = self._screener.snapshot_id
                if self.cache is not None:
                    _save(self, self.cache)
        return self._screener


class Organisations(Mapping[str, Organisation]):
    """Organisations by short ROR id, each made from its plain row on first use and kept."""

    def __init__(self, rows: dict[str, tuple[Any, ...]]) -> None:
        self.rows = rows
        self._made: dict[str, Organisation] = {}

    def __getitem__(self, ror_id: str) -> Organisation:
        org = self._made.get(ror_id)
        if org is None:
            org = self._made[ror_id] = _from_row(ror_id, self.rows[ror_id])
        return org

    def __contains__(self, ror_id: object) -> bool:
        return ror_id in self.rows

    def __iter__(self) -> Iterator[str]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def _row(org: Organisation) -> tuple[Any, ...]:
    p = org.party
    return (p.name, tuple((a.text, a.kind.value) for a in p.aliases), p.country, p.source, org.types, org.status,
            org.city, org.parents, org.release, org.origin, org.acronyms, tuple(org.children))


def _from_row(ror_id: str, row: tuple[Any, ...]) -> Organisation:
    name, aliases, country, source, types, status, city, parents, release, origin, acronyms, children = row
    party = Party(name, PartyKind.ORGANIZATION, id=ROR_URL + ror_id,
                  aliases=[Name(text, NameKind(kind)) for text, kind in aliases], country=country, source=source,
                  source_url=ROR_URL + ror_id)
    return Organisation(party, ror_id, types, status, city, parents, release, origin, acronyms, list(children))


def short_id(ror_id: str) -> str:
    """``https://ror.org/057zh3y96`` or ``ror.org/057zh3y96`` → ``057zh3y96``."""
    return ror_id.strip().rstrip("/").rsplit("/", 1)[-1]


def fetched_dir() -> Path:
    """Where ``fetch-ror`` keeps the full ROR dump it loaded."""
    return home() / "research" / "ror"


_lock = threading.Lock()
_registry: dict[str, OrgRegistry] = {}


def registry() -> OrgRegistry:
    """The organisations for this process: the fetched full dump if there is one, else the bundled union; both
    completed by the OpenAlex crosswalk. Read from the row cache when it was made from the same files."""
    fetched = fetched_dir() / "ror_organisations.csv"
    key = f"{home()}:{fetched.stat().st_mtime_ns}" if fetched.is_file() else f"{home()}:bundled"
    with _lock:
        if key not in _registry:
            _registry.clear()
            _registry[key] = _cached(fetched if fetched.is_file() else None)
        return _registry[key]


_CACHE_FORMAT = 1


def _cache_dir() -> Path:
    return home() / "cache" / "research"


def _cached(fetched: Path | None) -> OrgRegistry:
    """The registry from its row cache, or read from the files (and the cache written) when the data files, the
    rule file or this module changed since."""
    digest = hashlib.sha256(f"{_CACHE_FORMAT}:{rules_version()}".encode())
    digest.update(Path(__file__).read_bytes())
    if fetched is not None:
        for path in (fetched, fetched.parent / "release.txt"):
            digest.update(path.read_bytes())
    path = _cache_dir() / f"organisations-{digest.hexdigest()[:16]}.pickle"
    try:
        with path.open("rb") as handle:
            rows, release, data_date, sources, index_id = load_pickle(handle)
        return OrgRegistry(Organisations(rows), release, data_date, sources, path, index_id)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
        pass
    loaded = _load(fetched)
    loaded.by_id = Organisations({ror_id: _row(org) for ror_id, org in loaded.by_id.items()})
    loaded.cache = path
    _save(loaded, path)
    return loaded


def _save(orgs: OrgRegistry, path: Path) -> None:
    """Write the rows atomically and remove the row caches of other data beside them."""
    assert isinstance(orgs.by_id, Organisations)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_writer(path, "wb", encoding=None) as handle:
        pickle.dump((orgs.by_id.rows, orgs.release, orgs.data_date, orgs.sources, orgs.index_id), handle,
                    protocol=pickle.HIGHEST_PROTOCOL)
    for stale in path.parent.glob("organisations-*.pickle"):
        if stale != path:
            stale.unlink(missing_ok=True)


def _load(fetched: Path | None) -> OrgRegistry:
    sources = rules().sources
    union = sources.ror_union
    if fetched is not None:
        release = (fetched.parent / "release.txt").read_text(encoding="utf-8").strip()
        union = EvidenceSource(file=str(fetched), release=release, data_date=release.rpartition(" ")[2] or "",
                       url=sources.fetch_ror.url)
        path = fetched
    else:
        path = bundled("research", union.file)
    by_id = {org.ror_id: org for org in read_ror_file(path)}
    crosswalk = sources.openalex_crosswalk
    for org in read_crosswalk(bundled("research", crosswalk.file), crosswalk.release):
        by_id.setdefault(org.ror_id, org)
    for org in by_id.values():
        for parent in org.parents:
            if parent in by_id:
                by_id[parent].children.append(org.ror_id)
    return OrgRegistry(by_id, union.release, union.data_date, [union, crosswalk])


def read_ror_file(path: Path) -> Iterator[Organisation]:
    """Organisations from a compact ROR file (``ROR_COLUMNS``; CSV or CSV.gz), through the core table reader."""
    table = read_table(path)
    table.require(*ROR_COLUMNS)
    for line, row in table.records():
        if not row["ror_id"].strip() or not row["name"].strip():
            raise InputError("a ROR record needs an id and a name", path=path, line=line, field="ror_id")
        yield _organisation(row, f"{path.name}:{line}")


def _organisation(row: dict[str, str], where: str) -> Organisation:
    aliases = [Name(text, NameKind.ORIGINAL) for column in ("name_ja", "name_zh", "name_ko")
               for text in _split(row[column])]
    aliases += [Name(text, NameKind.ALIAS) for column in ("aliases", "labels", "acronyms")
                for text in _split(row[column])]
    party = Party(row["name"].strip(), PartyKind.ORGANIZATION, id=ROR_URL + row["ror_id"].strip(),
                  aliases=dedupe_names(row["name"], aliases), country=row["country"].strip() or None, source=where,
                  source_url=ROR_URL + row["ror_id"].strip())
    return Organisation(party, row["ror_id"].strip(), tuple(_split(row["types"])), row["status"].strip() or "active",
                        row["city"].strip(), tuple(_split(row["parents"])), row["release"].strip(),
                        acronyms=tuple(_split(row["acronyms"])))


def read_crosswalk(path: Path, release: str) -> Iterator[Organisation]:
    """Organisations of OpenAlex's institution → ROR crosswalk (name, country and type only)."""
    table = read_table(path)
    table.require("openalex_id", "ror_id", "display_name", "country_code", "type")
    for line, row in table.records():
        if not row["ror_id"].strip():
            continue
        ror_id = short_id(row["ror_id"])
        party = Party(row["display_name"].strip(), PartyKind.ORGANIZATION, id=ROR_URL + ror_id,
                      country=row["country_code"].strip() or None, source=f"{path.name}:{line}",
                      source_url=ROR_URL + ror_id)
        yield Organisation(party, ror_id, (row["type"].strip(),), release=release, origin=FROM_OPENALEX)


@cache
def crosswalk_ids() -> dict[str, str]:
    """OpenAlex institution id (``I27837315``) → short ROR id, from the bundled crosswalk."""
    source = rules().sources.openalex_crosswalk
    table = read_table(bundled("research", source.file))
    return {short_id(row["openalex_id"]): short_id(row["ror_id"]) for _, row in table.records() if row["ror_id"]}


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]

