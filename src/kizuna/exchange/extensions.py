"""Kizuna's STIX 2.1 Extension Definitions, and the form in which a node emits every object.

Kizuna's object types (``x-kizuna-denial`` …) are ``new-sdo`` extensions, its properties on STIX identities and
notes a ``toplevel-property-extension``, and its marking definitions use a ``property-extension``; each is an
``extension-definition`` object whose ``schema`` is a JSON schema in ``data/exchange/extensions/`` (the
folder can be given to ``stix2-validator --schemas`` as it is). Ids and dates are fixed, so every node publishes
the same definitions.

Objects stored before the extensions existed carry no ``extensions`` property and may refer to marking
definitions by their legacy ids; they stay stored (and signed) as they are, and ``wire_form`` gives the form
a node emits: the extensions declared and the markings under their current ids. The meaning does not change.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from kizuna.core.datafiles import read_json, read_yaml
from kizuna.core.paths import bundled
from kizuna.exchange.markings import MarkingResolver

EXTENSION_DEFINITION = "extension-definition"
_NEW_OBJECT_TYPES = ("new-sdo", "new-sco", "new-sro")


def schema_dir() -> Path:
    """The folder of Kizuna's JSON schemas, one per extension, named ``<extension id>.json``."""
    return bundled("exchange", "extensions")


@cache
def _spec() -> dict[str, Any]:
    return read_yaml(schema_dir() / "extensions.yaml")


@cache
def definitions() -> dict[str, dict[str, Any]]:
    """Every Kizuna ``extension-definition`` object, by id."""
    spec = _spec()
    out = {}
    for entry in spec["extensions"]:
        schema = read_json(schema_dir() / f"{entry['id']}.json")
        definition: dict[str, Any] = {
            "type": EXTENSION_DEFINITION, "spec_version": "2.1", "id": entry["id"],
            "created_by_ref": spec["publisher"]["id"], "created": spec["created"], "modified": spec["created"],
            "name": entry["name"], "description": " ".join(entry["description"].split()),
            # The normative definition as plain text (STIX 2.1 §7.3.1): the JSON schema itself, so the
            # definition needs no URL that every node would have to reach.
            "schema": json.dumps(schema, sort_keys=True, separators=(",", ":"), ensure_ascii=False),
            "version": entry["version"], "extension_types": list(entry["extension_types"]),
        }
        if entry.get("extension_properties"):
            definition["extension_properties"] = list(entry["extension_properties"])
        out[entry["id"]] = definition
    return out


def publisher() -> dict[str, Any]:
    """The STIX identity the extension definitions name as their creator."""
    spec = _spec()["publisher"]
    return {"type": "identity", "spec_version": "2.1", "id": spec["id"], "created": spec["created"],
            "modified": spec["created"], "name": spec["name"], "identity_class": "organization"}


def bundle() -> dict[str, Any]:
    """The published extension definitions with their publisher, as one STIX bundle."""
    return {"type": "bundle", "id": "bundle--0f6a1c4e-5d2b-4c8e-9a7f-3b1d2e4f6a80",
            "objects": [publisher(), *definitions().values()]}


@cache
def _applies() -> dict[str, list[tuple[str, str]]]:
    """Object type -> the (extension id, extension type) pairs an object of that type declares."""
    out: dict[str, list[tuple[str, str]]] = {}
    for entry in _spec()["extensions"]:
        for object_type in entry["applies_to"]:
            out.setdefault(object_type, []).append((entry["id"], entry["extension_types"][0]))
    return out


def object_extension(object_type: str) -> str:
    """The ``new-sdo`` extension that defines one of Kizuna's object types."""
    for extension_id, kind in _applies().get(object_type, []):
        if kind in _NEW_OBJECT_TYPES:
            return extension_id
    raise KeyError(f"no extension defines {object_type}")


def properties_extension() -> str:
    """The ``toplevel-property-extension`` that defines Kizuna's ``x_kizuna_*`` properties on STIX objects."""
    return next(e["id"] for e in _spec()["extensions"] if "toplevel-property-extension" in e["extension_types"])


def declarations(obj: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The ``extensions`` entries ``obj`` needs: its type's new-sdo, a property extension if it has x_kizuna_."""
    needed = {}
    for extension_id, kind in _applies().get(obj.get("type", ""), []):
        if kind == "property-extension":
            continue  # declared with the extension's own properties (marking definitions carry them already)
        if kind == "toplevel-property-extension" and not any(k.startswith("x_kizuna_") for k in obj):
            continue
        needed[extension_id] = {"extension_type": kind}
    return needed


def used(obj: dict[str, Any]) -> list[str]:
    """The Kizuna extension definitions an object (or a marking definition) refers to."""
    return [k for k in obj.get("extensions", {}) if k in definitions()]


def wire_form(obj: dict[str, Any], resolver: MarkingResolver) -> dict[str, Any]:
    """``obj`` as a node emits it now: its extensions declared and its markings under their current ids.

    Returns ``obj`` itself when nothing changes, so a caller can tell whether the stored signature still holds.
    """
    missing = {k: v for k, v in declarations(obj).items() if k not in obj.get("extensions", {})}
    refs = obj.get("object_marking_refs", [])
    current = [resolver.current_ref(r) for r in refs]
    granular = obj.get("granular_markings", [])
    granular_current = [resolver.current_ref(g["marking_ref"]) if "marking_ref" in g else None for g in granular]
    if not missing and current == refs and all(
            c is None or c == g["marking_ref"] for c, g in zip(granular_current, granular, strict=True)):
        return obj
    out = copy.deepcopy(obj)
    if missing:
        out["extensions"] = {**out.get("extensions", {}), **missing}
    if refs:
        out["object_marking_refs"] = current
    for entry, ref in zip(out.get("granular_markings", []), granular_current, strict=True):
        if ref is not None:
            entry["marking_ref"] = ref
    return out
