"""What a standard TAXII 2.1 client reads with a user's API token: exactly what that user sees in the console.

Read-only, and never a peer's view. The collection holds every object this node has (its own and its allies')
that the user may see, each without the fields its granular markings withhold from them, latest version only
(an originator that narrows an object's markings must not have the earlier version still served), in the order
the objects were added here. Each object comes after the extension and marking definitions it refers to, so any
page can be read on its own; definitions count towards ``limit`` like objects. ``next`` is an opaque token: the
``date_added`` of the last object completely sent, and where to resume inside the next one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from kizuna.core.errors import InputError
from kizuna.exchange import audit
from kizuna.exchange.audit import Event
from kizuna.exchange.extensions import EXTENSION_DEFINITION, definitions, used, wire_form
from kizuna.exchange.node import Node, stamp
from kizuna.exchange.policy import Recipient
from kizuna.exchange.signing import SIGNATURE_PROPERTY
from kizuna.exchange.taxii import STIX_MEDIA_TYPE
from kizuna.exchange.taxii import _limit as page_size
from kizuna.exchange.users import User

DEFINITION_TYPES = frozenset({EXTENSION_DEFINITION, "marking-definition"})


@dataclass(frozen=True, slots=True)
class PageItem:
    """One object of a page, with the ``date_added`` of the object it was sent for."""

    obj: dict[str, Any]
    added: str
    definition: bool


@dataclass
class UserPage:
    entries: list[PageItem] = field(default_factory=list)
    more: bool = False
    next: str | None = None

    def envelope(self) -> dict[str, Any]:
        out: dict[str, Any] = {"more": self.more, "objects": [e.obj for e in self.entries]}
        if self.next:
            out["next"] = self.next
        return out

    def manifest(self) -> dict[str, Any]:
        records = [{"id": e.obj["id"], "date_added": e.added, "version": e.obj.get("modified", e.obj.get("created")),
                    "media_type": STIX_MEDIA_TYPE} for e in self.entries]
        out: dict[str, Any] = {"more": self.more, "objects": records}
        if self.next:
            out["next"] = self.next
        return out

    def headers(self) -> dict[str, str]:
        if not self.entries:
            return {}
        return {"X-TAXII-Date-Added-First": self.entries[0].added, "X-TAXII-Date-Added-Last": self.entries[-1].added}


@dataclass(frozen=True, slots=True)
class TaxiiFilter:
    """The TAXII filters of a request (``match[…]``), as lists; None means no filter."""

    types: list[str] | None = None
    ids: list[str] | None = None
    versions: list[str] | None = None
    spec_versions: list[str] | None = None

    def selects(self, obj: dict[str, Any]) -> bool:
        if self.types is not None and obj["type"] not in self.types:
            return False
        if self.ids is not None and obj["id"] not in self.ids:
            return False
        if self.spec_versions is not None and obj.get("spec_version", "2.1") not in self.spec_versions:
            return False
        return self.versions is None or _version_matches(obj, self.versions)

    def wants_definitions(self) -> bool:
        """Whether definitions can match at all (if not, only rows of the wanted types and ids are read)."""
        types_ok = self.types is None or any(t in DEFINITION_TYPES for t in self.types)
        ids_ok = self.ids is None or any(i.split("--")[0] in DEFINITION_TYPES for i in self.ids)
        return types_ok and ids_ok


def _version_matches(obj: dict[str, Any], wanted: list[str]) -> bool:
    """``last``, ``first`` and ``all`` all select the one version offered; a timestamp must equal it."""
    if any(w in ("last", "first", "all") for w in wanted):
        return True
    version = obj.get("modified", obj.get("created"))
    try:
        return version is not None and stamp(version) in {stamp(w) for w in wanted}
    except ValueError:
        raise InputError(f"match[version]: {', '.join(wanted)} is not last, first, all or a timestamp") from None


def served(node: Node, obj: dict[str, Any], recipient: Recipient) -> dict[str, Any] | None:
    """``obj`` as the user may see it, in the current wire form; None if they may not see it at all.

    A copy that differs from what the originator signed (fields withheld, extensions declared) does not carry
    the originator's signature, which would no longer verify.
    """
    shown, _ = node.visible(obj, recipient)
    if shown is None:
        return None
    out = wire_form(shown, node.resolver)
    if out is not obj:
        out = {k: v for k, v in out.items() if k != SIGNATURE_PROPERTY}
    return out


def _group(node: Node, obj: dict[str, Any]) -> list[dict[str, Any]]:
    """The extension definitions, then the marking definitions, an object refers to, then the object."""
    markings = node.definitions_for(obj)
    extension_ids = used(obj) + [e for d in markings for e in used(d)]
    return [definitions()[e] for e in dict.fromkeys(extension_ids)] + markings + [obj]


def _token(after: str, object_id: str, skip: int) -> str:
    return f"{after}|{skip}|{object_id}"


def _parse_token(token: str) -> tuple[str, str | None, int]:
    try:
        after, skip, object_id = token.split("|")
        position = int(skip)
        if position < 0:
            raise ValueError(skip)
        return (stamp(after) if after else ""), (object_id or None), position
    except ValueError:
        raise InputError(f"next: {token[:80]!r} is not a token this node issued") from None


def page(node: Node, user: User, *, added_after: str | None = None, next_token: str | None = None,
         limit: int | None = None, query: TaxiiFilter | None = None) -> UserPage:
    """The next page of the user's view of the collection: at most ``limit`` objects, definitions included."""
    query = query or TaxiiFilter()
    size = page_size(limit)  # the same page sizes as peers get (rules.yaml)
    if next_token:
        after, resume, skip = _parse_token(next_token)
    else:
        after, resume, skip = (_after(added_after), None, 0)
    clauses, params = _row_filter(query)
    recipient = user.recipient(node)
    out = UserPage()
    sent: set[str] = set()
    while True:
        rows = node.db.all(f"SELECT id, date_added, body FROM objects WHERE date_added > ?{clauses} "
                           f"ORDER BY date_added LIMIT ?", (after, *params, size + 1))
        for object_id, added, body in rows:
            shown = served(node, json.loads(body), recipient)
            group = [o for o in _group(node, shown) if query.selects(o)] if shown else []
            for index in range(skip if object_id == resume else 0, len(group)):
                item = group[index]
                if item["id"] in sent:
                    continue
                if len(out.entries) == size:
                    out.more, out.next = True, _token(after, object_id, index)
                    return out
                out.entries.append(PageItem(item, added, item["type"] in DEFINITION_TYPES))
                sent.add(item["id"])
            after = added
        if len(rows) <= size:
            return out


def _after(added_after: str | None) -> str:
    if not added_after:
        return ""
    try:
        return stamp(added_after)
    except ValueError:
        raise InputError(f"added_after: {added_after[:40]!r} is not a timestamp") from None


def _row_filter(query: TaxiiFilter) -> tuple[str, list[Any]]:
    """SQL narrowing the rows read when no definition can match (definitions come with any row's object)."""
    if query.wants_definitions():
        return "", []
    clauses, params = "", []
    if query.types is not None:
        clauses += f" AND type IN ({', '.join('?' * len(query.types))})"
        params += query.types
    if query.ids is not None:
        clauses += f" AND id IN ({', '.join('?' * len(query.ids))})"
        params += query.ids
    return clauses, params


def record_views(node: Node, user: User, result: UserPage) -> None:
    """Audit that the user read these objects through TAXII (definitions are not recorded)."""
    events = [Event("viewed", user.actor, e.obj["id"], e.obj.get("modified"), detail={"page": "taxii"})
              for e in result.entries if not e.definition]
    if events:
        with node.db.transaction():
            audit.append(node.db, *events)


def versions(node: Node, user: User, object_id: str) -> tuple[dict[str, Any], str] | None:
    """The TAXII versions resource of one object the user may see (its one offered version) and its date_added."""
    row = node.db.one("SELECT date_added, body FROM objects WHERE id = ?", (object_id,))
    shown = served(node, json.loads(row[1]), user.recipient(node)) if row else None
    if row is None or shown is None:
        return None
    return {"more": False, "versions": [shown.get("modified", shown.get("created"))]}, str(row[0])
