"""The plain CSV: ``owner,owned,share`` (percent, ``a-b`` for a range, empty when unknown), optional columns.

Optional columns: ``interest`` (a BODS interest type, default shareholding), ``voting`` (a separate voting share),
``owner_name``, ``owned_name``, ``owner_country``, ``owned_country`` (ISO alpha-2 or a country name),
``owner_kind``, ``owned_kind`` (person, entity, state, arrangement, unknown) and ``owned_listed`` (yes/no: the owned
company is listed on a stock exchange).
"""

from __future__ import annotations

from pathlib import Path

from kizuna.core.countries import to_alpha2
from kizuna.core.entity import PartyKind
from kizuna.core.errors import InputError
from kizuna.core.party import Party
from kizuna.core.tables import read_table, yes_no
from kizuna.ownership.interests import kind_of
from kizuna.ownership.model import Edge, Graph, InterestKind, parse_share

REQUIRED = ("owner", "owned", "share")
# owned_listed's own words beside the shared yes/no words
_LISTED, _UNLISTED = frozenset({"listed"}), frozenset({"unlisted"})


def load_csv(path: Path) -> Graph:
    """Read an ownership CSV; InputError names the line and field of the first bad value."""
    graph = Graph(source=str(path), source_format="csv")
    table = read_table(path)
    if missing := [c for c in REQUIRED if c not in table.header]:
        raise InputError(f"the header must include {', '.join(REQUIRED)} (missing {', '.join(missing)})",
                         path=path, line=1)
    for line, row in table.records(strict=False):
        values = {k: str(v).strip() for k, v in row.items() if k is not None}
        owner, owned = values["owner"], values["owned"]
        for column in ("owner", "owned"):
            if not values[column]:
                raise InputError("empty party", path=path, line=line, field=column)
        if owner == owned:
            raise InputError(f"{owner!r} cannot own itself", path=path, line=line, field="owned")
        for role, party_id in (("owner", owner), ("owned", owned)):
            graph.add_party(*_party(values, role, party_id, path, line))
        interest = values.get("interest") or "shareholding"
        kind = kind_of(interest)
        if kind is None:
            raise InputError(f"unknown interest type {interest!r} (see data/ownership/interests.yaml)",
                             path=path, line=line, field="interest")
        try:
            share = parse_share(values["share"])
            voting = parse_share(values.get("voting"))
        except ValueError as exc:
            raise InputError(str(exc), path=path, line=line, field="share") from None
        if kind == InterestKind.CONTROL and share is not None:
            kind = InterestKind.OWNERSHIP  # a share was given: count it
        graph.edges.append(Edge(owner, owned, share, kind, [interest], f"{path}:{line}", voting=voting))
    if not graph.edges:
        raise InputError("no ownership rows", path=path)
    return graph


def _party(values: dict[str, str], role: str, party_id: str, path: Path, line: int) -> tuple[Party, bool | None]:
    """The owner or owned party of one row, and (for the owned company) whether the row says it is listed."""
    name = values.get(f"{role}_name") or party_id
    country_text = values.get(f"{role}_country", "")
    country = to_alpha2(country_text) if country_text else None
    if country_text and country is None:
        raise InputError(f"unknown country {country_text!r}", path=path, line=line, field=f"{role}_country")
    kind_text = values.get(f"{role}_kind", "") or "entity"
    try:
        kind = PartyKind(kind_text.lower())
    except ValueError:
        raise InputError(f"unknown kind {kind_text!r} (person, entity, state, arrangement, unknown)",
                         path=path, line=line, field=f"{role}_kind") from None
    listed = None
    if role == "owned" and "owned_listed" in values:
        listed = yes_no(values["owned_listed"], path=path, line=line, field="owned_listed", yes=_LISTED,
                        no=_UNLISTED)
    return Party(id=party_id, name=name, kind=kind, country=country, source=f"{path}:{line}"), listed
