"""Marking definitions: the official TLP 2.0 objects, and Kizuna's releasability, organisation and classification
markings.

Kizuna's own marking definitions carry a property extension (published as an extension definition, see
``kizuna.exchange.extensions``) and an id derived from their content, so two nodes that mark "REL TO KOR, USA"
produce the same object, and a receiver can check that an incoming definition says what its id says without
trusting its sender. The id is the SHA-256 of the content shaped as a UUIDv4, because STIX 2.1 asks for UUIDv4
ids on marking definitions (``stix2-validator --strict`` refuses others). Definitions stored before that used
UUIDv5 ids; they are still read, and emitted under their current id (``MarkingResolver.current_ref``).
"""

from __future__ import annotations

import hashlib
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


def _kizuna_definition(kind: str, values: list[str] | str, legacy: bool = False) -> dict[str, Any]:
    canonical = json.dumps([kind, values], sort_keys=True, separators=(",", ":"))
    if legacy:
        identifier = uuid.uuid5(_NAMESPACE, canonical)
    else:
        digest = hashlib.sha256(b"kizuna-marking\x00" + canonical.encode("utf-8")).digest()
        identifier = uuid.UUID(bytes=digest[:16], version=4)
    names = {"rel_to": "REL TO ", "organizations": "ORG ", "classification": ""}
    shown = ", ".join(values) if isinstance(values, list) else values
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": f"marking-definition--{identifier}",
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
    # Legacy (UUIDv5) ids of Kizuna definitions -> the id the same marking has now.
    aliases: dict[str, str] = field(default_factory=dict)

    def add(self, definition: dict[str, Any]) -> None:
        """Accept a definition only if it is official TLP or a Kizuna definition whose id matches its content."""
        check_definition(definition)
        self.remember(definition)

    def remember(self, definition: dict[str, Any]) -> None:
        """Know a (checked) definition; a legacy one is also known in its current form, under its current id."""
        self.known[definition["id"]] = definition
        current = current_definition(definition)
        if current["id"] != definition["id"]:
            self.known[current["id"]] = current
            self.aliases[definition["id"]] = current["id"]

    def current_ref(self, ref: str) -> str:
        """The id a marking is emitted under now (a legacy id maps to its current one)."""
        if ref not in self.known and ref not in self.aliases and ref not in _tlp_levels():
            self.lookup(ref)
        return self.aliases.get(ref, ref)

    def lookup(self, ref: str) -> dict[str, Any] | None:
        definition = self.known.get(ref)
        if definition is None and self.loader is not None:
            definition = self.loader(ref)
            if definition is not None:
                self.remember(definition)
        return definition

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
            definition = self.lookup(ref)
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
    kind = _kind(definition)
    if kind is None:
        raise InputError(f"{def_id}: a Kizuna marking carries exactly one of rel_to, organizations, classification")
    values = extension[kind]
    if definition not in (_kizuna_definition(kind, values), _kizuna_definition(kind, values, legacy=True)):
        raise InputError(f"{def_id}: id or content does not match what the marking says")


def _kind(definition: dict[str, Any]) -> str | None:
    """Which Kizuna marking a definition carries, or None if it is not exactly one Kizuna marking."""
    extension = definition.get("extensions", {}).get(KIZUNA_EXTENSION)
    if not isinstance(extension, dict):
        return None
    kinds = [k for k in ("rel_to", "organizations", "classification") if k in extension]
    return kinds[0] if len(kinds) == 1 else None


def current_definition(definition: dict[str, Any]) -> dict[str, Any]:
    """A checked definition as Kizuna emits it now (a legacy Kizuna definition gets its current id)."""
    kind = _kind(definition)
    if kind is None:
        return definition
    return _kizuna_definition(kind, definition["extensions"][KIZUNA_EXTENSION][kind])


def marking_refs(obj: dict[str, Any]) -> list[str]:
    """Every marking-definition id an object refers to, object-level and granular."""
    refs = list(obj.get("object_marking_refs", []))
    refs += [g["marking_ref"] for g in obj.get("granular_markings", []) if "marking_ref" in g]
    return list(dict.fromkeys(refs))
