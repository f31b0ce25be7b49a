"""Marking definitions: the official TLP 2.0 objects, and Kizuna's releasability, organisation and classification
markings.

Kizuna's own marking definitions carry a property extension and an id derived from their content (UUIDv5), so
two nodes that mark "REL TO KOR, USA" produce the same object, and a receiver can check that an incoming
definition says what its id says without trusting its sender.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from kizuna.core.errors import InputError
from kizuna.core.paths import bundled
from kizuna.exchange.config import TLP_ORDER, classification_ranks, tlp_rank

TLP_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
KIZUNA_EXTENSION = "extension-definition--6f4c2a8e-1b7d-4e35-9c0a-5d2e8b3f7a41"
_NAMESPACE = uuid.UUID("9a3e5c1f-7b2d-4d8e-a6f0-3c4b5d6e7f81")
_CREATED = "2026-01-01T00:00:00.000Z"

# TLP 1.0 ids that STIX 2.1 predefines; legacy TLP:WHITE maps to TLP:CLEAR (shared/data/sharing/SOURCES.md).
_TLP1 = {"TLP_WHITE": "clear", "TLP_GREEN": "green", "TLP_AMBER": "amber", "TLP_RED": "red"}


@cache
def tlp_definitions() -> dict[str, dict[str, Any]]:
    """The five official TLP 2.0 marking-definition objects, by id."""
    with bundled("exchange", "tlp2", "tlp2-marking-definitions.bundle.json").open(encoding="utf-8") as handle:
        bundle = json.load(handle)
    return {obj["id"]: obj for obj in bundle["objects"]}


@cache
def _tlp_levels() -> dict[str, str]:
    levels = {obj_id: obj["extensions"][TLP_EXTENSION]["tlp_2_0"] for obj_id, obj in tlp_definitions().items()}
    with bundled("exchange", "tlp2", "tlp1-predefined-ids.json").open(encoding="utf-8") as handle:
        for name, obj_id in json.load(handle).items():
            levels[obj_id] = _TLP1[name]
    return levels


def tlp_id(level: str) -> str:
    """The TLP 2.0 marking-definition id for ``clear`` … ``red``."""
    wanted = level.strip().lower().removeprefix("tlp:")
    for obj_id, obj in tlp_definitions().items():
        if obj["extensions"][TLP_EXTENSION]["tlp_2_0"] == wanted:
            return obj_id
    raise InputError(f"unknown TLP level {level!r} (one of {', '.join(TLP_ORDER)})", field="--tlp")


def _kizuna_definition(kind: str, values: list[str] | str) -> dict[str, Any]:
    canonical = json.dumps([kind, values], sort_keys=True, separators=(",", ":"))
    names = {"rel_to": "REL TO ", "organizations": "ORG ", "classification": ""}
    shown = ", ".join(values) if isinstance(values, list) else values
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": f"marking-definition--{uuid.uuid5(_NAMESPACE, canonical)}",
        "created": _CREATED,
        "name": f"{names[kind]}{shown}",
        "extensions": {KIZUNA_EXTENSION: {"extension_type": "property-extension", kind: values}},
    }


def rel_to_definition(codes: list[str]) -> dict[str, Any]:
    """REL TO: releasable to the countries and groups listed (alpha-3 / group codes)."""
    return _kizuna_definition("rel_to", sorted(set(codes)))


def organizations_definition(identities: list[str]) -> dict[str, Any]:
    """ORG: releasable only to the named organisations (STIX identity ids); required by TLP:AMBER+STRICT."""
    return _kizuna_definition("organizations", sorted(set(identities)))


def classification_definition(level: str) -> dict[str, Any]:
    return _kizuna_definition("classification", level)


@dataclass(frozen=True, slots=True)
class Markings:
    """What a set of marking definitions says, combined: every part must allow a recipient."""

    tlp: str | None = None
    rel_to: tuple[frozenset[str], ...] = ()
    organizations: tuple[frozenset[str], ...] = ()
    classification: str | None = None
    unknown: tuple[str, ...] = ()

    def label(self) -> str:
        """A human label, e.g. ``TLP:AMBER · REL TO KOR, USA · CONTROLLED``."""
        parts = [f"TLP:{self.tlp.upper()}" if self.tlp else "no TLP"]
        parts += [f"REL TO {', '.join(sorted(r))}" for r in self.rel_to]
        parts += [f"ORG {len(o)} named" for o in self.organizations]
        if self.classification:
            parts.append(self.classification)
        parts += [f"unknown marking {u}" for u in self.unknown]
        return " · ".join(parts)


@dataclass
class MarkingResolver:
    """Resolves marking ids to what they say; knows TLP and every Kizuna definition it has verified."""

    known: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Looks up a definition this resolver has not seen (another process of the node may have stored it since).
    loader: Callable[[str], dict[str, Any] | None] | None = None

    def add(self, definition: dict[str, Any]) -> None:
        """Accept a definition only if it is official TLP or a Kizuna definition whose id matches its content."""
        check_definition(definition)
        self.known[definition["id"]] = definition

    def resolve(self, refs: list[str]) -> Markings:
        tlp: str | None = None
        rel_to: list[frozenset[str]] = []
        organizations: list[frozenset[str]] = []
        classification: str | None = None
        unknown: list[str] = []
        levels = _tlp_levels()
        ranks = classification_ranks()
        for ref in refs:
            if ref in levels:
                level = levels[ref]
                tlp = level if tlp is None or tlp_rank(level) > tlp_rank(tlp) else tlp
                continue
            definition = self.known.get(ref)
            if definition is None and self.loader is not None:
                definition = self.loader(ref)
                if definition is not None:
                    self.known[ref] = definition
            extension = (definition or {}).get("extensions", {}).get(KIZUNA_EXTENSION)
            if not extension:
                unknown.append(ref)
            elif "rel_to" in extension:
                rel_to.append(frozenset(extension["rel_to"]))
            elif "organizations" in extension:
                organizations.append(frozenset(extension["organizations"]))
            elif extension.get("classification") in ranks:
                level = extension["classification"]
                if classification is None or ranks[level] > ranks[classification]:
                    classification = level
            else:
                unknown.append(ref)
        return Markings(tlp, tuple(rel_to), tuple(organizations), classification, tuple(unknown))


def check_definition(definition: dict[str, Any]) -> None:
    """Raise InputError unless the definition is official TLP 2.0 or a self-certifying Kizuna definition."""
    def_id = definition.get("id", "")
    official = tlp_definitions().get(def_id)
    if official is not None:
        if definition != official:
            raise InputError(f"{def_id} differs from the official TLP 2.0 definition")
        return
    extension = definition.get("extensions", {}).get(KIZUNA_EXTENSION)
    if not isinstance(extension, dict):
        raise InputError(f"{def_id}: not a marking Kizuna knows")
    kinds = [k for k in ("rel_to", "organizations", "classification") if k in extension]
    if len(kinds) != 1:
        raise InputError(f"{def_id}: a Kizuna marking carries exactly one of rel_to, organizations, classification")
    expected = _kizuna_definition(kinds[0], extension[kinds[0]])
    if expected != definition:
        raise InputError(f"{def_id}: id or content does not match what the marking says")


def marking_refs(obj: dict[str, Any]) -> list[str]:
    """Every marking-definition id an object refers to, object-level and granular."""
    refs = list(obj.get("object_marking_refs", []))
    refs += [g["marking_ref"] for g in obj.get("granular_markings", []) if "marking_ref" in g]
    return list(dict.fromkeys(refs))
