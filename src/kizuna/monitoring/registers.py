"""Register files: one party a row, read through the shared table reader and checked field by field.

Columns (only ``name`` is required): ``id`` (your reference; the name when blank), ``name``, ``kind`` (person,
organization, vessel, aircraft, any), ``country`` (ISO code or name), ``aliases`` (names in any script, ``;``
between them), ``identifiers`` (``TYPE:VALUE``, ``;`` between them), ``birth_date``, ``owner`` (the analyst
responsible) and ``tags`` (``;`` between them). A bad cell is an error naming file, line and column; nothing of a
file with an error is stored.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kizuna.core.entity import Identifier, Name, NameKind
from kizuna.core.errors import InputError
from kizuna.core.party import Party
from kizuna.core.tables import read_table
from kizuna.screening.options import check_name, check_party, check_text

COLUMNS = ("id", "name", "kind", "country", "aliases", "identifiers", "birth_date", "owner", "tags")
_MAX_TAGS = 50


@dataclass(slots=True)
class PartyInput:
    """A party as a user gives it (a file row, an API body, a console form), before it is checked."""

    name: str
    id: str = ""
    kind: str = "any"
    country: str = ""
    aliases: list[str] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)
    birth_date: str = ""
    owner: str = ""
    tags: list[str] = field(default_factory=list)


def check(given: PartyInput, source: str = "", fields: Mapping[str, str] | None = None,
          path: Path | None = None, line: int | None = None) -> tuple[Party, str, list[str]]:
    """The checked (party, owner, tags); an error names ``path``/``line`` and the field as ``fields`` calls it."""
    label = {name: (fields or {}).get(name, name) for name in COLUMNS}
    try:
        party = check_party(given.name, id=given.id, country=given.country, entity_type=given.kind or "any",
                            birth_date=given.birth_date, fields={**label, "type": label["kind"]})
        party.aliases = [Name(check_name(alias, label["aliases"]), NameKind.ALIAS)
                         for alias in dict.fromkeys(a.strip() for a in given.aliases) if alias and alias != party.name]
        party.identifiers = [_identifier(text, label["identifiers"]) for text in given.identifiers if text.strip()]
        party.source = source
        owner = check_text(given.owner, label["owner"]).strip()
        tags = list(dict.fromkeys(check_text(t, label["tags"]).strip() for t in given.tags if t.strip()))
        if len(tags) > _MAX_TAGS:
            raise InputError(f"{len(tags)} tags; at most {_MAX_TAGS}", field=label["tags"])
    except InputError as exc:
        if path is None:
            raise
        raise InputError(exc.message, path=path, line=line, field=exc.field) from exc
    return party, owner, tags


def _identifier(text: str, label: str) -> Identifier:
    kind, colon, value = check_text(text, label).partition(":")
    if not colon or not kind.strip() or not value.strip():
        raise InputError(f"identifier {text!r}: write TYPE:VALUE (passport:M1234567)", field=label)
    return Identifier(kind.strip(), value.strip())


def read_file(path: Path) -> Iterator[tuple[Party, str, list[str]]]:
    """Every row of a CSV or xlsx register file, checked; the first bad cell is an InputError."""
    table = read_table(path)
    table.require("name")
    unknown = [c for c in table.header if c not in COLUMNS]
    if unknown:
        raise InputError(f"unknown column(s) {', '.join(unknown)} (known: {', '.join(COLUMNS)})", path=path,
                         line=1, field=unknown[0])
    seen: dict[str, int] = {}
    for line, record in table.records():
        cells = {key: _text(record.get(key)) for key in COLUMNS}
        given = PartyInput(cells["name"], cells["id"], cells["kind"] or "any", cells["country"],
                           _split(cells["aliases"]), _split(cells["identifiers"]), cells["birth_date"],
                           cells["owner"], _split(cells["tags"]))
        party, owner, tags = check(given, source=f"{path.name} line {line}", path=path, line=line)
        if party.id in seen:
            raise InputError(f"id {party.id!r} is also on line {seen[party.id]}: give each party its own id",
                             path=path, line=line, field="id" if cells["id"] else "name")
        seen[party.id] = line
        yield party, owner, tags


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]
