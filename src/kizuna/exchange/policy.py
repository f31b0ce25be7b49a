"""Who may receive or see what: one decision for peer nodes and for users, default deny.

A recipient gets an object only if every object-level marking allows it; a field under granular markings is
withheld unless those markings allow it too. Granular markings therefore only ever tighten the object's markings.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Literal

from kizuna.exchange.config import classification_ranks, expand, tlp_rank
from kizuna.exchange.markings import MarkingResolver, Markings


@dataclass(frozen=True, slots=True)
class Recipient:
    """A peer node or a user of this node, described by what markings test."""

    kind: Literal["peer", "user"]
    name: str
    country: str  # alpha-3: the peer's country, or the user's nationality
    organization: str  # STIX identity id: the peer's, or (for a user) this node's
    clearance: str  # classification code
    tlp_max: str  # the most sensitive TLP level the recipient may read


@dataclass(slots=True)
class Decision:
    """Allowed or not, why not, and which fields (granular-marking selectors) must be withheld."""

    allowed: bool
    reason: str = ""
    withheld: list[str] = field(default_factory=list)


def refusal(markings: Markings, recipient: Recipient, originator: str) -> str | None:
    """Why ``recipient`` may not have what these markings cover, or None when every marking allows it."""
    if markings.unknown:
        return f"unknown marking {markings.unknown[0]}"
    peer = recipient.kind == "peer"
    insider = not peer and recipient.organization == originator
    if markings.tlp is None:
        return "no TLP marking (default deny)"
    if peer and markings.tlp == "red":
        return "TLP:RED never leaves the node"
    if tlp_rank(markings.tlp) > tlp_rank(recipient.tlp_max):
        return f"TLP:{markings.tlp.upper()} is above what {recipient.name} may read (TLP:{recipient.tlp_max.upper()})"
    if markings.tlp == "amber+strict" and not insider and not any(
            recipient.organization in orgs for orgs in markings.organizations):
        return "TLP:AMBER+STRICT and the recipient organisation is not named"
    for orgs in markings.organizations:
        if not insider and recipient.organization not in orgs:
            return "the ORG marking does not name the recipient organisation"
    if peer and not markings.rel_to:
        return "no REL TO marking (default deny)"
    for rel_to in markings.rel_to:
        if recipient.country not in expand(rel_to):
            return f"REL TO {', '.join(sorted(rel_to))} does not include {recipient.country}"
    ranks = classification_ranks()
    if markings.classification and ranks[markings.classification] > ranks.get(recipient.clearance, -1):
        return f"{markings.classification} is above the recipient's clearance ({recipient.clearance})"
    return None


def decide(obj: dict[str, Any], resolver: MarkingResolver, recipient: Recipient) -> Decision:
    """May ``recipient`` have ``obj``, and without which fields?"""
    originator = obj.get("created_by_ref", "")
    object_markings = resolver.resolve(obj.get("object_marking_refs", []))
    reason = refusal(object_markings, recipient, originator)
    if reason:
        return Decision(False, reason)
    withheld: list[str] = []
    for granular in obj.get("granular_markings", []):
        ref = granular.get("marking_ref")
        if ref is None:
            continue  # language markings restrict nothing
        if refusal(combine(object_markings, resolver.resolve([ref])), recipient, originator):
            withheld += [s for s in granular.get("selectors", []) if s not in withheld]
    return Decision(True, withheld=withheld)


def combine(outer: Markings, inner: Markings) -> Markings:
    """A field's markings: the object's and its own together, so a granular marking can only add restrictions."""
    tlps = [t for t in (outer.tlp, inner.tlp) if t]
    ranks = classification_ranks()
    levels = [c for c in (outer.classification, inner.classification) if c]
    return Markings(max(tlps, key=tlp_rank) if tlps else None, outer.rel_to + inner.rel_to,
                    outer.organizations + inner.organizations,
                    max(levels, key=lambda c: ranks[c]) if levels else None, outer.unknown + inner.unknown)


def redact(obj: dict[str, Any], selectors: list[str]) -> dict[str, Any]:
    """A copy of ``obj`` without the selected fields, and without granular markings left pointing at nothing.

    Removing a list item moves the items after it up by one, so the selectors of the granular markings that
    remain are re-indexed to follow their items: a marking never ends up on a neighbour of what it marked.
    """
    if not selectors:
        return obj
    out = copy.deepcopy(obj)
    # Remove deeper list items first so earlier indexes stay valid.
    for selector in sorted(selectors, key=_selector_sort_key, reverse=True):
        _remove(out, selector.split("."))
    removed = set(selectors)
    kept = []
    for granular in out.get("granular_markings", []):
        remaining = [_reindex(s, removed) for s in granular.get("selectors", [])
                     if s not in removed and not any(s.startswith(r + ".") for r in removed)]
        if remaining:
            kept.append({**granular, "selectors": remaining})
    if kept:
        out["granular_markings"] = kept
    else:
        out.pop("granular_markings", None)
    return out


def _reindex(selector: str, removed: set[str]) -> str:
    """``selector`` (written against the object before ``removed`` went) in the indexes of the object after."""
    parts = selector.split(".")
    shifted = list(parts)
    for depth, part in enumerate(parts):
        if not _is_index(part):
            continue
        parent = ".".join(parts[:depth])  # in the original indexes, as the removed selectors are written
        index = int(part[1:-1])
        gone = 0
        for other in removed:
            head, _, last = other.rpartition(".")
            if head == parent and _is_index(last) and int(last[1:-1]) < index:
                gone += 1
        shifted[depth] = f"[{index - gone}]"
    return ".".join(shifted)


def _is_index(part: str) -> bool:
    return part.startswith("[") and part.endswith("]") and part[1:-1].isdigit()


def _selector_sort_key(selector: str) -> tuple[int, ...]:
    return tuple(int(p[1:-1]) if p.startswith("[") else 0 for p in selector.split("."))


def _remove(node: Any, path: list[str]) -> None:
    for part in path[:-1]:
        node = _step(node, part)
        if node is None:
            return
    last = path[-1]
    if isinstance(node, dict):
        node.pop(last, None)
    elif isinstance(node, list) and last.startswith("[") and last.endswith("]"):
        index = int(last[1:-1])
        if 0 <= index < len(node):
            node.pop(index)


def _step(node: Any, part: str) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and part.startswith("[") and part.endswith("]"):
        index = int(part[1:-1])
        return node[index] if 0 <= index < len(node) else None
    return None


def covers(selector: str, field: str) -> bool:
    """Whether a granular marking on ``selector`` applies to (part of) ``field``: one contains the other."""
    return selector == field or field.startswith(selector + ".") or selector.startswith(field + ".")


def has_selector(obj: dict[str, Any], selector: str) -> bool:
    """Whether a granular-marking selector points at something in ``obj``."""
    node: Any = obj
    for part in selector.split("."):
        node = _step(node, part)
        if node is None:
            return False
    return True
