"""Catalogs of assessable requirements, read from OSCAL: families, requirements and 800-171A objectives.

The reader is generic over OSCAL catalogs (NIST's own rev3, the community rev2 build, any catalog a user imports):
a requirement is a control that is not withdrawn; its objectives are the leaf ``assessment-objective`` parts; a
requirement with no objectives is assessed as one objective of the same id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from kizuna.core import datafiles
from kizuna.core.errors import InputError, NotFoundError
from kizuna.core.paths import bundled, home

REV2 = "sp800-171r2"
REV3 = "sp800-171r3"

# Bundled catalogs: id -> (file under data/cyber/catalogs, short title).
BUNDLED = {
    REV2: ("NIST_SP-800-171_rev2_catalog.normalized.json", "NIST SP 800-171 Rev 2 with SP 800-171A (2018)"),
    REV3: ("NIST_SP800-171_rev3_catalog.converted.json", "NIST SP 800-171 Rev 3 with SP 800-171A Rev 3"),
}
_OBJECTIVE_PREFIX = "assessment-objective_DS-"  # NIST's rev3 objective ids; the rest is 800-171A's own number
_INSERT = re.compile(r"\{\{\s*insert:\s*param,\s*([^}\s]+)\s*\}\}")
_TRAILING_NUMBER = re.compile(r"^.*[-_](\d+(?:\.\d+)*)$")  # sp800-171r2-3.1 -> 3.1
_ID = re.compile(r"^[A-Za-z0-9_.\-\[\]()]+$")


@dataclass(frozen=True, slots=True)
class Objective:
    """One 800-171A assessment objective (determination statement)."""

    id: str  # NIST's number, e.g. 3.1.1[a] or A.03.01.01.b.01
    requirement_id: str
    text: str
    oscal_id: str


@dataclass(slots=True)
class Requirement:
    """One security requirement and its objectives."""

    id: str  # NIST's number, e.g. 3.1.1 or 03.01.01
    family_id: str
    title: str
    statement: str
    oscal_id: str
    objectives: list[Objective] = field(default_factory=list)
    statement_id: str = ""  # the OSCAL id of its statement part, the target of an assessment finding


@dataclass(slots=True)
class Family:
    id: str  # e.g. 3.1 or 03.01
    title: str
    requirement_ids: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Catalog:
    """An assessable set of requirements with provenance."""

    id: str
    title: str
    version: str
    source: str  # the file it was read from (and, for imports, the original file name)
    families: list[Family]
    requirements: dict[str, Requirement]
    oscal_uuid: str = ""
    withdrawn: dict[str, list[str]] = field(default_factory=dict)  # withdrawn id -> where its content went
    objectives: dict[str, Objective] = field(init=False)
    by_oscal_id: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.objectives = {
            o.id: o for r in self.requirements.values() for o in r.objectives}
        self.by_oscal_id = {r.oscal_id: r.id for r in self.requirements.values()}

    @property
    def objective_count(self) -> int:
        return len(self.objectives)

    def family_of(self, requirement_id: str) -> Family:
        fid = self.requirements[requirement_id].family_id
        return next(f for f in self.families if f.id == fid)

    def to_summary(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "version": self.version, "source": self.source,
                "families": len(self.families), "requirements": len(self.requirements),
                "objectives": self.objective_count, "withdrawn": len(self.withdrawn)}


def _props(node: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [p for p in node.get("props", []) if p.get("name") == name]


def _resolve_params(text: str, params: dict[str, str]) -> str:
    return _INSERT.sub(lambda m: f"[{params.get(m.group(1), m.group(1))}]", text)


def _prose(part: dict[str, Any], params: dict[str, str]) -> str:
    """A statement part's prose with its items, one per line, labelled."""
    lines = []
    if part.get("prose"):
        lines.append(_resolve_params(part["prose"], params))
    for child in part.get("parts", []):
        if child.get("name") in ("item", "statement"):
            label = next((p["value"] for p in _props(child, "label")), "")
            text = _prose(child, params)
            if text:
                lines.append(f"{label.rsplit('.', 1)[-1]}. {text}" if label else text)
    return "\n".join(lines)


def _leaf_objectives(parts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    leaves: list[dict[str, Any]] = []
    for part in parts:
        if part.get("name") == "assessment-objective":
            children = [p for p in part.get("parts", []) if p.get("name") == "assessment-objective"]
            leaves.extend(_leaf_objectives(children) if children else [part])
    return leaves


def _label(control: dict[str, Any]) -> str:
    """NIST's number for a control: a space-free label, else the sort-id, else the OSCAL id."""
    for prop in _props(control, "label"):
        if " " not in prop["value"].strip():
            return str(prop["value"]).strip()
    for prop in _props(control, "sort-id"):
        return str(prop["value"]).strip()
    return str(control["id"])


def _objective_label(part: dict[str, Any]) -> str:
    for prop in _props(part, "label"):
        return str(prop["value"]).strip()
    oscal_id = str(part.get("id", ""))
    return oscal_id[len(_OBJECTIVE_PREFIX):] if oscal_id.startswith(_OBJECTIVE_PREFIX) else oscal_id


def _is_withdrawn(control: dict[str, Any]) -> bool:
    return any(p.get("value") == "withdrawn" for p in _props(control, "status"))


def _param_labels(control: dict[str, Any]) -> dict[str, str]:
    out = {}
    for param in control.get("params", []):
        out[param["id"]] = param.get("label") or param.get("usage") or param["id"]
    return out


def parse_catalog(data: dict[str, Any], catalog_id: str, source: str) -> Catalog:
    """Read an OSCAL catalog document (the parsed JSON) into a :class:`Catalog`; InputError on a bad structure."""
    body = data.get("catalog") if isinstance(data, dict) else None
    if not isinstance(body, dict) or "metadata" not in body:
        raise InputError("not an OSCAL catalog: no 'catalog' object with 'metadata'", path=source)
    families: list[Family] = []
    requirements: dict[str, Requirement] = {}
    withdrawn: dict[str, list[str]] = {}

    def add_control(control: dict[str, Any], family: Family, params: dict[str, str]) -> None:
        if not isinstance(control, dict) or "id" not in control:
            raise InputError(f"a control in group {family.id!r} has no id", path=source, field="controls")
        label = _label(control)
        if _is_withdrawn(control):
            withdrawn[label] = [link.get("href", "").lstrip("#") for link in control.get("links", [])]
            return
        params = {**params, **_param_labels(control)}
        statement = "\n".join(_prose(p, params) for p in control.get("parts", []) if p.get("name") == "statement")
        nested = control.get("controls", [])
        # NIST's rev3 keeps the statement text in a child control without objectives: fold it into its parent.
        for child in nested:
            if not _leaf_objectives(child.get("parts", [])) and not _is_withdrawn(child):
                text = "\n".join(_prose(p, {**params, **_param_labels(child)})
                                 for p in child.get("parts", []) if p.get("name") == "statement")
                statement = "\n".join(s for s in (statement, text) if s)
        if label in requirements:
            raise InputError(f"requirement {label!r} appears twice", path=source, field=control["id"])
        statement_part: dict[str, Any] = next(
            (p for p in control.get("parts", []) if p.get("name") == "statement"), {})
        requirement = Requirement(label, family.id, str(control.get("title", label)).strip(), statement.strip(),
                                  str(control["id"]), statement_id=str(statement_part.get("id") or control["id"]))
        seen: set[str] = set()
        for part in _leaf_objectives(control.get("parts", [])):
            oid = _objective_label(part)
            if not oid or oid in seen:
                raise InputError(f"objective {oid!r} of {label} is missing an id or appears twice", path=source)
            seen.add(oid)
            requirement.objectives.append(Objective(oid, label, _resolve_params(part.get("prose", ""), params).strip(),
                                                    str(part.get("id", oid))))
        requirement.objectives.sort(key=lambda o: _sort_key(o.id))
        if not requirement.objectives:
            requirement.objectives.append(Objective(label, label, requirement.statement or requirement.title,
                                                    str(control["id"])))
        requirements[label] = requirement
        family.requirement_ids.append(label)
        for child in nested:
            if _leaf_objectives(child.get("parts", [])):
                add_control(child, family, params)

    def add_group(group: dict[str, Any]) -> None:
        label = _label(group)
        numbered = _TRAILING_NUMBER.match(label)
        family = Family(numbered.group(1) if numbered else label, str(group.get("title", group.get("id", ""))))
        for control in group.get("controls", []):
            add_control(control, family, {})
        if family.requirement_ids:
            families.append(family)
        for sub in group.get("groups", []):
            add_group(sub)

    for group in body.get("groups", []):
        add_group(group)
    if body.get("controls"):
        loose = Family("-", "Ungrouped")
        for control in body["controls"]:
            add_control(control, loose, {})
        if loose.requirement_ids:
            families.append(loose)
    if not requirements:
        raise InputError("the catalog holds no requirements (controls)", path=source)
    for rid in list(requirements) + [o for r in requirements.values() for o in (x.id for x in r.objectives)]:
        if not _ID.match(rid):
            raise InputError(f"id {rid!r} has characters this tool cannot use as an id", path=source)
    families.sort(key=lambda f: _sort_key(f.id))
    for family in families:
        family.requirement_ids.sort(key=_sort_key)
    meta = body["metadata"]
    return Catalog(catalog_id, str(meta.get("title", catalog_id)), str(meta.get("version", "")), source,
                   families, dict(sorted(requirements.items(), key=lambda kv: _sort_key(kv[0]))),
                   str(body.get("uuid", "")), withdrawn)


def _sort_key(identifier: str) -> tuple[Any, ...]:
    """Numeric-aware order: 3.1.2 before 3.1.10, AC-2 before AC-10."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.\-]", identifier))


def read_json(path: Path) -> dict[str, Any]:
    """An OSCAL JSON document; InputError naming the file (and the line of a syntax error)."""
    data = datafiles.read_json(path)
    if not isinstance(data, dict):
        raise InputError("expected a JSON object", path=path)
    return data


def imported_dir() -> Path:
    """Where catalogs imported by users are kept (``$KIZUNA_HOME/cyber/catalogs``)."""
    return home() / "cyber" / "catalogs"


@cache
def _load_bundled(catalog_id: str) -> Catalog:
    name, _ = BUNDLED[catalog_id]
    path = bundled("cyber", "catalogs", name)
    return parse_catalog(read_json(path), catalog_id, f"data/cyber/catalogs/{name}")


_imported_cache: dict[tuple[str, float], Catalog] = {}


def load_catalog(catalog_id: str) -> Catalog:
    """A bundled catalog (``sp800-171r2``, ``sp800-171r3``) or one imported with ``kizuna cyber catalog import``."""
    if catalog_id in BUNDLED:
        return _load_bundled(catalog_id)
    path = imported_dir() / f"{catalog_id}.json"
    if not path.exists():
        known = ", ".join(sorted([*BUNDLED, *(p.stem for p in imported_dir().glob("*.json"))]))
        raise NotFoundError(f"no catalog {catalog_id!r} (known: {known})")
    key = (catalog_id, path.stat().st_mtime)
    if key not in _imported_cache:
        stored = read_json(path)
        _imported_cache[key] = parse_catalog(stored, catalog_id, str(stored.get("x-kizuna-source", path)))
    return _imported_cache[key]


def catalog_ids() -> list[str]:
    """Every catalog that can be assessed: the bundled ones, then imported ones."""
    imported = sorted(p.stem for p in imported_dir().glob("*.json")) if imported_dir().exists() else []
    return [*BUNDLED, *imported]
