"""OSCAL in and out: export assessment results and the POA&M; import a catalog or a profile to assess against.

Exports follow the OSCAL 1.1 JSON models (assessment-results, plan-of-action-and-milestones) and are checked in the
tests with compliance-trestle. Imports accept an OSCAL catalog, or a profile whose imports point at a bundled
catalog, an already imported one, or a catalog file beside the profile; the resolved catalog is stored under
``$KIZUNA_HOME/cyber/catalogs/<id>.json``.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kizuna import __version__
from kizuna.core.atomic import atomic_write_text
from kizuna.core.errors import InputError
from kizuna.cyber.catalog import BUNDLED, Catalog, imported_dir, load_catalog, parse_catalog, read_json
from kizuna.cyber.scoring import MET, NOT_APPLICABLE
from kizuna.cyber.service import Evaluation

OSCAL_VERSION = "1.1.2"
NS = "urn:kizuna:oscal:cyber"  # namespace of the properties this tool adds (score, status, points)
_UUID_NS = uuid.UUID("6f1a3c2e-7d4b-4e8a-9b1c-2d3e4f5a6b7c")
_CATALOG_ID = re.compile(r"^[a-z0-9][a-z0-9\-]{1,62}$")


def _uuid(*parts: object) -> str:
    """Deterministic UUIDs, so exporting the same revision twice gives the same document."""
    return str(uuid.uuid5(_UUID_NS, "\x1f".join(str(p) for p in parts)))


def _prop(name: str, value: object) -> dict[str, str]:
    return {"name": name, "ns": NS, "value": str(value)}


def _timestamp(day: str | None) -> str:
    return f"{day}T00:00:00+00:00" if day else datetime.now(UTC).replace(microsecond=0).isoformat()


def _metadata(title: str, evaluation: Evaluation) -> dict[str, Any]:
    record = evaluation.record
    party_uuid = _uuid("party", record.organization if record else "organization")
    meta: dict[str, Any] = {
        "title": title,
        "last-modified": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "version": f"{record.id}.{evaluation.revision}" if record and evaluation.revision else "1",
        "oscal-version": OSCAL_VERSION,
        "props": [_prop("generator", f"kizuna {__version__}")],
    }
    if record:
        meta["parties"] = [{"uuid": party_uuid, "type": "organization", "name": record.organization}]
    return meta


def _key(evaluation: Evaluation) -> str:
    record = evaluation.record
    return f"{record.id}:{evaluation.revision}" if record else f"file:{evaluation.catalog.id}"


def assessment_results(evaluation: Evaluation) -> dict[str, Any]:
    """An OSCAL assessment-results document: one result, a finding per requirement, an observation per answer."""
    catalog, report, answers = evaluation.catalog, evaluation.report, evaluation.answers
    key = _key(evaluation)
    day = evaluation.assessed_on.isoformat() if evaluation.assessed_on else None
    observations: list[dict[str, Any]] = []
    findings: list[dict[str, Any]] = []
    for result in report.requirements:
        requirement = catalog.requirements[result.id]
        related = []
        for objective in requirement.objectives:
            answer = answers.answers.get(objective.id)
            if answer is None:
                continue
            obs_uuid = _uuid(key, "observation", objective.id)
            related.append({"observation-uuid": obs_uuid})
            observation: dict[str, Any] = {
                "uuid": obs_uuid,
                "title": f"{objective.id}: {answer.status.value}",
                "description": answer.evidence or f"{objective.id} {objective.text}",
                "props": [_prop("objective-id", objective.id), _prop("objective-status", answer.status.value)],
                "methods": ["EXAMINE"],
                "collected": _timestamp(answer.assessed_on or day),
            }
            if answer.links:
                observation["relevant-evidence"] = [{"href": link, "description": f"evidence for {objective.id}"}
                                                    for link in answer.links]
            observations.append(observation)
        satisfied = result.status in (MET, NOT_APPLICABLE)
        props = [_prop("requirement-status", result.status)]
        if report.sprs_score is not None:
            props.append(_prop("sprs-deduction", result.points))
        finding: dict[str, Any] = {
            "uuid": _uuid(key, "finding", result.id),
            "title": f"{result.practice_id or result.id}: {result.status.replace('_', ' ')}",
            "description": result.reason or f"{result.id} {result.status.replace('_', ' ')}",
            "props": props,
            "target": {
                "type": "statement-id",
                "target-id": requirement.statement_id,
                "status": {"state": "satisfied" if satisfied else "not-satisfied",
                           "reason": "pass" if satisfied else "fail"},
            },
        }
        if result.citation:
            finding["remarks"] = result.citation
        if related:
            finding["related-observations"] = related
        findings.append(finding)
    result_props = [_prop("catalog", catalog.id)]
    if report.sprs_score is not None:
        result_props.append(_prop("sprs-score", report.sprs_score))
    if evaluation.cmmc:
        result_props.append(_prop("cmmc-level2-status", evaluation.cmmc.status))
    record = evaluation.record
    subject = f"{record.organization} / {record.system}" if record else "answers file"
    return {"assessment-results": {
        "uuid": _uuid(key, "assessment-results"),
        "metadata": _metadata(f"NIST SP 800-171 assessment results: {subject}", evaluation),
        "import-ap": {"href": f"#{_uuid(key, 'assessment-plan')}"},
        "results": [{
            "uuid": _uuid(key, "result"),
            "title": f"Assessment of {subject} against {catalog.title}",
            "description": "; ".join([f"SPRS score {report.sprs_score}" if report.sprs_score is not None else
                                      "no SPRS score for this catalog",
                                      *(f"CMMC Level 2: {evaluation.cmmc.status}" for _ in [0] if evaluation.cmmc),
                                      *report.notes]),
            "start": _timestamp(day),
            "props": result_props,
            "reviewed-controls": {"control-selections": [{"include-controls": [
                {"control-id": catalog.requirements[r.id].oscal_id} for r in report.requirements]}]},
            "observations": observations or None,
            "findings": findings,
        }],
    }}


def poam_document(evaluation: Evaluation) -> dict[str, Any]:
    """An OSCAL plan-of-action-and-milestones: an item per open requirement with owner, due date and objectives."""
    if not evaluation.poam:
        raise InputError("no POA&M to export: generate one first (kizuna cyber poam ID --owner …)")
    key = _key(evaluation)
    catalog = evaluation.catalog
    risks, items, observations = [], [], []
    practice = {r.id: r.practice_id for r in evaluation.report.requirements}
    for item in evaluation.poam:
        requirement = catalog.requirements[item.requirement_id]
        risk_uuid = _uuid(key, "risk", item.requirement_id)
        obs_uuid = _uuid(key, "poam-observation", item.requirement_id)
        open_text = ", ".join(item.objectives)
        observations.append({
            "uuid": obs_uuid,
            "description": f"Objectives not met: {open_text}",
            "methods": ["EXAMINE"],
            "collected": _timestamp(evaluation.assessed_on.isoformat() if evaluation.assessed_on else None),
        })
        risks.append({
            "uuid": risk_uuid,
            "title": f"{item.requirement_id} not implemented",
            "description": requirement.statement or requirement.title,
            "statement": f"Open objectives: {open_text}",
            "status": item.status,
            "deadline": _timestamp(item.due_date),
            "related-observations": [{"observation-uuid": obs_uuid}],
        })
        props = [_prop("requirement-id", item.requirement_id), _prop("owner", item.owner),
                 _prop("due-date", item.due_date), _prop("poam-eligible", "yes" if item.eligible else "no")]
        if evaluation.report.sprs_score is not None:
            props.append(_prop("sprs-points", item.points))
        items.append({
            "uuid": _uuid(key, "poam-item", item.requirement_id),
            "title": f"{practice.get(item.requirement_id) or item.requirement_id}: {requirement.title}"[:300],
            "description": f"Close {len(item.objectives)} open objective(s) of {item.requirement_id} by "
                           f"{item.due_date} (owner: {item.owner}).",
            "props": props,
            "related-observations": [{"observation-uuid": obs_uuid}],
            "related-risks": [{"risk-uuid": risk_uuid}],
        })
    record = evaluation.record
    subject = f"{record.organization} / {record.system}" if record else "answers file"
    return {"plan-of-action-and-milestones": {
        "uuid": _uuid(key, "poam"),
        "metadata": _metadata(f"POA&M: {subject}", evaluation),
        "system-id": {"identifier-type": "https://ietf.org/rfc/rfc4122", "id": _uuid(key, "system")},
        "observations": observations,
        "risks": risks,
        "poam-items": items,
    }}


def write_json(path: str | Path, document: dict[str, Any]) -> None:
    """Write an OSCAL document atomically, without empty (None) members."""
    atomic_write_text(path, json.dumps(_drop_none(document), indent=2, ensure_ascii=False) + "\n")


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


# --- import ------------------------------------------------------------------------------------------------------

def _resolve_href(href: str, profile: dict[str, Any], base: Path) -> dict[str, Any]:
    """The catalog a profile import points at: a back-matter resource, a bundled or imported catalog, or a file."""
    if href.startswith("#"):
        resource = next((r for r in profile.get("back-matter", {}).get("resources", [])
                         if r.get("uuid") == href[1:]), None)
        if resource is None or not resource.get("rlinks"):
            raise InputError(f"import href {href} names no back-matter resource with an rlink", path=base)
        href = resource["rlinks"][0]["href"]
    name = Path(href.split("?")[0].split("#")[0]).name
    for catalog_id, (file_name, _) in BUNDLED.items():
        if name in (file_name, f"{catalog_id}.json", catalog_id) or name.replace("normalized.", "") == file_name:
            return {"catalog": catalog_id}
    if (imported_dir() / f"{Path(name).stem}.json").exists():
        return {"catalog": Path(name).stem}
    candidate = (base.parent / href).resolve() if "://" not in href else None
    if candidate is None or not candidate.exists():
        raise InputError(f"profile imports {href!r}: not a bundled or imported catalog, and no such file beside "
                         "the profile", path=base)
    return {"file": candidate}


def _select(catalog: Catalog, spec: dict[str, Any], source: Path) -> set[str]:
    """The OSCAL control ids an import selects (include-all / include-controls, minus exclude-controls)."""
    known = {r.oscal_id: r.id for r in catalog.requirements.values()}
    labels = {r.id: r.oscal_id for r in catalog.requirements.values()}

    def ids(selections: list[dict[str, Any]], where: str) -> set[str]:
        chosen: set[str] = set()
        for selection in selections:
            for control_id in selection.get("with-ids", []):
                oscal_id = control_id if control_id in known else labels.get(control_id)
                if oscal_id is None:
                    raise InputError(f"{where} names control {control_id!r}, which the imported catalog "
                                     f"{catalog.id} does not have", path=source, field=where)
                chosen.add(oscal_id)
            if selection.get("matching"):
                raise InputError("'matching' selections are not supported; list the ids in 'with-ids'",
                                 path=source, field=where)
        return chosen

    selected = set(known) if "include-all" in spec else ids(spec.get("include-controls", []), "include-controls")
    return selected - ids(spec.get("exclude-controls", []), "exclude-controls")


def _subset(catalog_doc: dict[str, Any], keep: set[str]) -> dict[str, Any]:
    """The catalog with only the kept controls (and the groups that still hold some)."""
    def prune_group(group: dict[str, Any]) -> dict[str, Any] | None:
        controls = [c for c in group.get("controls", []) if c.get("id") in keep]
        groups = [g for g in (prune_group(g) for g in group.get("groups", [])) if g]
        if not controls and not groups:
            return None
        out = {k: v for k, v in group.items() if k not in ("controls", "groups")}
        if controls:
            out["controls"] = controls
        if groups:
            out["groups"] = groups
        return out

    body = dict(catalog_doc["catalog"])
    body["groups"] = [g for g in (prune_group(g) for g in body.get("groups", [])) if g]
    body["controls"] = [c for c in body.get("controls", []) if c.get("id") in keep] or None
    return {"catalog": _drop_none(body)}


def _catalog_document(catalog_id: str) -> dict[str, Any]:
    if catalog_id in BUNDLED:
        from kizuna.core.paths import bundled

        return read_json(bundled("cyber", "catalogs", BUNDLED[catalog_id][0]))
    return read_json(imported_dir() / f"{catalog_id}.json")


def resolve_profile(profile_doc: dict[str, Any], source: Path) -> dict[str, Any]:
    """Resolve an OSCAL profile to a catalog document (controls selected from each import, merged)."""
    profile = profile_doc["profile"]
    imports = profile.get("imports") or []
    if not imports:
        raise InputError("the profile has no imports", path=source, field="imports")
    merged: dict[str, Any] | None = None
    for spec in imports:
        if "href" not in spec:
            raise InputError("an import has no href", path=source, field="imports")
        target = _resolve_href(spec["href"], profile, source)
        if "catalog" in target:
            catalog_doc = _catalog_document(target["catalog"])
            catalog = load_catalog(target["catalog"])
        else:
            catalog_doc = read_json(target["file"])
            catalog = parse_catalog(catalog_doc, "import", str(target["file"]))
        subset = _subset(catalog_doc, _select(catalog, spec, source))
        if merged is None:
            merged = subset
        else:
            merged["catalog"]["groups"].extend(subset["catalog"]["groups"])
    assert merged is not None
    merged["catalog"]["metadata"] = {**profile["metadata"]}
    merged["catalog"]["uuid"] = profile.get("uuid", merged["catalog"].get("uuid"))
    return merged


def import_oscal(path: str | Path, catalog_id: str) -> Catalog:
    """Import an OSCAL catalog or profile (JSON) as an assessable catalog named ``catalog_id``.

    The file is read, resolved and parsed completely before anything is written; the stored copy is written
    atomically, so a failed import leaves any earlier catalog of that name as it was.
    """
    path = Path(path)
    if not _CATALOG_ID.match(catalog_id) or catalog_id in BUNDLED:
        raise InputError(f"catalog id {catalog_id!r} must be 2-63 lower-case letters, digits or '-', and not a "
                         "bundled id", field="--id")
    if path.suffix.casefold() != ".json":
        raise InputError("only OSCAL JSON is imported (convert XML or YAML with compliance-trestle first)", path=path)
    document = read_json(path)
    if "profile" in document:
        if not isinstance(document["profile"], dict) or "metadata" not in document["profile"]:
            raise InputError("not an OSCAL profile: no 'metadata'", path=path, field="profile")
        document = resolve_profile(document, path)
    elif "catalog" not in document:
        raise InputError("neither an OSCAL catalog nor a profile (expected a 'catalog' or 'profile' object)", path=path)
    catalog = parse_catalog(document, catalog_id, f"{path.name} (imported)")
    document["x-kizuna-source"] = f"{path.name}, imported {datetime.now(UTC).date().isoformat()}"
    atomic_write_text(imported_dir() / f"{catalog_id}.json", json.dumps(document, ensure_ascii=False))
    return catalog
