"""Reading SBOMs and hardware BOMs into one model (``Document`` of ``Item`` records): CycloneDX 1.4-1.6 JSON and XML
through cyclonedx-python-lib, SPDX 2.3 JSON and tag-value through the SPDX tools (spdx-tools), and SPDX 3.0
JSON-LD, which spdx-tools writes but cannot read, by a reader of the JSON-LD graph here.

A CycloneDX JSON document larger than ``cyclonedx_library_max_components`` (signals.yaml) is read by
``_cyclonedx_fast`` into the same items: the library took 6.7 s for 10,000 components on this machine, which alone
is most of the scan budget (tests/supplychain/test_sbom.py checks both readers give the same items).
"""

from __future__ import annotations

import io
import re
import warnings
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kizuna.core.datafiles import parse_json
from kizuna.core.entity import PartyKind
from kizuna.core.errors import InputError
from kizuna.core.party import Party
from kizuna.core.text import decode, read_bytes
from kizuna.core.xmlfiles import parse_xml
from kizuna.supplychain import rules
from kizuna.supplychain.model import Item

# Properties a BOM may carry a component's country of origin in (neither CycloneDX nor SPDX 2.3 has a field for
# it: FACTS §4); CycloneDX 1.6 organisational entities have address.country, read too.
COUNTRY_PROPERTIES = ("country_of_origin", "countryOfOrigin", "kizuna:country_of_origin", "cdx:device:country")
CLASS_PROPERTIES = ("cdx:device:function", "kizuna:component_class", "class")  # "class": an inventory column
_SPDX2_FORWARD = {"DEPENDS_ON", "CONTAINS", "DESCRIBES", "HAS_PREREQUISITE", "STATIC_LINK", "DYNAMIC_LINK"}
_SPDX2_BACKWARD = {"DEPENDENCY_OF", "CONTAINED_BY", "DESCRIBED_BY", "PREREQUISITE_FOR", "PACKAGE_OF"}
_SPDX3_EDGES = {"contains", "dependsOn", "describes", "hasPrerequisite", "hasStaticLink", "hasDynamicLink",
                "hasDistributionArtifact"}


@dataclass(slots=True)
class Document:
    """One BOM read: its format, the items (the top-level product first when it names one) and the edges."""

    path: Path
    format: str  # cyclonedx-json, cyclonedx-xml, spdx-2-json, spdx-2-tag-value, spdx-3-jsonld
    spec_version: str
    items: list[Item]
    roots: list[str] = field(default_factory=list)
    edges: dict[str, list[str]] = field(default_factory=dict)  # ref -> refs it contains or depends on
    reader: str = ""  # the library (or Kizuna's reader) that read it
    raw: Any = None  # the CycloneDX JSON document, for the annotated copy


def detect(path: Path, head: bytes | None = None) -> str:
    """What a file is, from its content: a BOM format, or "inventory" for anything else (CSV, xlsx)."""
    head = head if head is not None else _head(path)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"{"):
        if b'"bomFormat"' in head and b"CycloneDX" in head:
            return "cyclonedx-json"
        if b'"spdxVersion"' in head:
            return "spdx-2-json"
        if (b"@context" in head and b"spdx.org/rdf/3" in head) or b"spdx.org/rdf/Core" in head:
            return "spdx-3-jsonld"
        return "json"
    if text.startswith(b"<"):
        return "cyclonedx-xml" if b"cyclonedx.org/schema/bom" in head else "xml"
    if re.search(rb"^\s*SPDXVersion:\s*SPDX-2", head, re.MULTILINE):
        return "spdx-2-tag-value"
    return "inventory"


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as stream:
            return stream.read(65536)
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", path=path) from exc


def read(path: Path, kind: str | None = None) -> Document:
    """The BOM at ``path`` as a ``Document``; InputError naming the file (and line or field) when it is not one."""
    kind = kind or detect(path)
    readers = {"cyclonedx-json": _cyclonedx_json, "cyclonedx-xml": _cyclonedx_xml, "spdx-2-json": _spdx2_json,
               "spdx-2-tag-value": _spdx2_tag_value, "spdx-3-jsonld": _spdx3}
    if kind not in readers:
        raise InputError(f"not a CycloneDX or SPDX document (read as {kind})", path=path)
    document = readers[kind](path)
    _assign_paths(document)
    return document


# -- CycloneDX --------------------------------------------------------------------------------------------------------

def _cyclonedx_json(path: Path) -> Document:
    data = parse_json(decode(read_bytes(path), path), path)
    if not isinstance(data, dict):
        raise InputError("expected a CycloneDX JSON object", path=path)
    if _count_components(data.get("components")) > rules.signals().cyclonedx_library_max_components:
        return _cyclonedx_fast(path, data)
    return _cyclonedx_library(path, data, "cyclonedx-json")


def _count_components(components: Any) -> int:
    count, todo = 0, [components]
    while todo:
        current = todo.pop()
        if isinstance(current, list):
            count += len(current)
            todo.extend(c.get("components") for c in current if isinstance(c, dict) and c.get("components"))
    return count


def _cyclonedx_xml(path: Path) -> Document:
    parse_xml(path)  # refuses DTDs and entities and names the line of malformed XML before the library reads it
    return _cyclonedx_library(path, decode(read_bytes(path), path), "cyclonedx-xml")


def _cyclonedx_library(path: Path, data: Any, fmt: str) -> Document:
    from cyclonedx.model.bom import Bom

    try:
        with warnings.catch_warnings():
            # the library warns about deprecated fields and incomplete graphs: facts of the document, not errors
            warnings.simplefilter("ignore")
            if fmt == "cyclonedx-xml":
                bom = Bom.from_xml(io.StringIO(data))  # type: ignore[attr-defined]
                version = re.search(r"cyclonedx\.org/schema/bom/(\d\.\d)", data)
                spec = version.group(1) if version else ""
            else:
                bom = Bom.from_json(data)  # type: ignore[attr-defined]
                spec = str(data.get("specVersion", ""))
    except Exception as exc:  # the library raises many kinds (ValueError, KeyError, its own) for a bad document
        raise InputError(f"not a valid CycloneDX document ({type(exc).__name__}: {exc})", path=path) from exc
    items: list[Item] = []
    edges: dict[str, list[str]] = {}
    roots: list[str] = []
    metadata = bom.metadata
    # metadata.manufacturer (1.6) is the BOM's author, not the product's maker (FACTS §4): not read
    makers = [_party(organisation.name, field_name)
              for organisation, field_name in ((metadata.manufacture, "metadata.manufacture"),
                                               (metadata.supplier, "metadata.supplier"))
              if organisation is not None and organisation.name]
    root = _library_item(metadata.component, items, edges) if metadata.component is not None else _subject(makers)
    if root is not None:
        if metadata.component is None:
            items.append(root)
        else:
            root.parties.extend(makers)
        roots.append(root.ref)
    for component in bom.components:
        _library_item(component, items, edges)
    for dependency in bom.dependencies:
        edges.setdefault(str(dependency.ref.value), []).extend(str(d.ref.value) for d in dependency.dependencies)
    return Document(path, fmt, spec, items, roots, edges, "cyclonedx-python-lib",
                    data if fmt == "cyclonedx-json" else None)


def _subject(makers: list[Party]) -> Item | None:
    """The product a BOM without ``metadata.component`` describes, when it names its supplier or manufacturer."""
    return Item("metadata", "(the product this BOM describes)", kind="metadata", parties=makers) if makers else None


def _library_item(component: Any, items: list[Item], edges: dict[str, list[str]]) -> Item:
    ref = str(component.bom_ref.value or f"{component.group or ''}/{component.name}@{component.version or ''}")
    properties = {p.name: p.value or "" for p in component.properties}
    parties = []
    for organisation, field_name in ((component.supplier, "supplier"), (component.manufacturer, "manufacturer")):
        if organisation is not None and organisation.name:
            parties.append(_party(organisation.name, field_name, _address_country(organisation)))
    if component.publisher:
        parties.append(_party(component.publisher, "publisher"))
    if component.author:
        parties.append(_party(component.author, "author"))
    parties.extend(_party(a.name, "authors") for a in component.authors if a.name)
    item = Item(ref, component.name or "", component.version or "", component.type.value, parties,
                purl=component.purl.to_string() if component.purl else "",
                cpes=[component.cpe] if component.cpe else [], properties=properties,
                country=_country(properties, parties))
    items.append(item)
    for child in component.components:
        edges.setdefault(ref, []).append(_library_item(child, items, edges).ref)
    return item


def _address_country(organisation: Any) -> str:
    address = getattr(organisation, "address", None)
    return str(getattr(address, "country", "") or "")


def _cyclonedx_fast(path: Path, data: dict[str, Any]) -> Document:
    """The same items as ``_cyclonedx_library``, from the parsed JSON directly (large documents)."""
    items: list[Item] = []
    edges: dict[str, list[str]] = {}
    roots: list[str] = []
    metadata: dict[str, Any] = data["metadata"] if isinstance(data.get("metadata"), dict) else {}
    makers = [_party(_name_of(metadata.get(key)), f"metadata.{key}") for key in ("manufacture", "supplier")
              if _name_of(metadata.get(key))]
    root: Item | None
    if isinstance(metadata.get("component"), dict):
        root = product = _fast_item(metadata["component"], items, edges, "metadata.component")
        product.parties.extend(makers)
    else:
        root = _subject(makers)
        if root is not None:
            items.append(root)
    if root is not None:
        roots.append(root.ref)
    components = data.get("components") or []
    if not isinstance(components, list):
        raise InputError("expected an array", path=path, field="components")
    for number, component in enumerate(components):
        if not isinstance(component, dict):
            raise InputError("expected an object", path=path, field=f"components[{number}]")
        _fast_item(component, items, edges, f"components[{number}]")
    for dependency in data.get("dependencies") or []:
        if isinstance(dependency, dict) and isinstance(dependency.get("ref"), str):
            edges.setdefault(dependency["ref"], []).extend(str(d) for d in dependency.get("dependsOn") or [])
    return Document(path, "cyclonedx-json", str(data.get("specVersion", "")), items, roots, edges,
                    "kizuna (large CycloneDX JSON)", data)


def _fast_item(component: dict[str, Any], items: list[Item], edges: dict[str, list[str]], where: str) -> Item:
    name, version, group = (str(component.get(k) or "") for k in ("name", "version", "group"))
    ref = str(component.get("bom-ref") or f"{group}/{name}@{version}")
    properties = {str(p.get("name")): str(p.get("value") or "") for p in component.get("properties") or []
                  if isinstance(p, dict)}
    parties = []
    for key in ("supplier", "manufacturer"):
        organisation = component.get(key)
        if isinstance(organisation, dict) and _name_of(organisation):
            address = organisation["address"] if isinstance(organisation.get("address"), dict) else {}
            parties.append(_party(_name_of(organisation), key, str(address.get("country") or "")))
    for key in ("publisher", "author"):
        if isinstance(component.get(key), str) and component[key]:
            parties.append(_party(component[key], key))
    parties.extend(_party(_name_of(a), "authors") for a in component.get("authors") or [] if _name_of(a))
    item = Item(ref, name, version, str(component.get("type") or ""), parties, purl=str(component.get("purl") or ""),
                cpes=[str(component["cpe"])] if component.get("cpe") else [], properties=properties,
                country=_country(properties, parties))
    items.append(item)
    for number, child in enumerate(component.get("components") or []):
        if isinstance(child, dict):
            edges.setdefault(ref, []).append(_fast_item(child, items, edges, f"{where}.components[{number}]").ref)
    return item


def _name_of(value: Any) -> str:
    return str(value.get("name") or "").strip() if isinstance(value, dict) else ""


# -- SPDX 2.3 ---------------------------------------------------------------------------------------------------------

def _spdx2_json(path: Path) -> Document:
    from spdx_tools.spdx.parser.jsonlikedict.json_like_dict_parser import JsonLikeDictParser

    data = parse_json(decode(read_bytes(path), path), path)
    return _spdx2(path, lambda: JsonLikeDictParser().parse(data), "spdx-2-json")


def _spdx2_tag_value(path: Path) -> Document:
    from spdx_tools.spdx.parser.tagvalue.parser import Parser

    text = decode(read_bytes(path), path)
    return _spdx2(path, lambda: Parser().parse(text), "spdx-2-tag-value")


def _spdx2(path: Path, parse: Any, fmt: str) -> Document:
    from spdx_tools.spdx.parser.error import SPDXParsingError

    try:
        document = parse()
    except SPDXParsingError as exc:
        messages = exc.get_messages()
        raise InputError(f"not a valid SPDX 2 document: {messages[0] if messages else exc}"
                         f"{f' (and {len(messages) - 1} more)' if len(messages) > 1 else ''}", path=path) from exc
    except Exception as exc:  # spdx-tools lets wrong JSON types through as AttributeError, TypeError …
        raise InputError(f"not a valid SPDX 2 document ({type(exc).__name__}: {exc})", path=path) from exc
    items = []
    for package in document.packages:
        parties = [_party(_actor(actor), label) for actor, label in ((package.supplier, "supplier"),
                                                                    (package.originator, "originator"))
                   if _actor(actor)]
        refs = {(r.reference_type, r.locator) for r in package.external_references}
        kind = package.primary_package_purpose.name.lower() if package.primary_package_purpose else "package"
        items.append(Item(package.spdx_id, package.name, package.version or "", kind, parties,
                          purl=next((loc for t, loc in refs if t == "purl"), ""),
                          cpes=[loc for t, loc in refs if t in ("cpe23Type", "cpe22Type")]))
    edges: dict[str, list[str]] = {}
    roots: list[str] = []
    for relation in document.relationships:
        kind, source, target = relation.relationship_type.name, relation.spdx_element_id, \
            str(relation.related_spdx_element_id)
        if kind == "DESCRIBES" and source == document.creation_info.spdx_id:
            roots.append(target)
        elif kind in _SPDX2_FORWARD:
            edges.setdefault(source, []).append(target)
        elif kind in _SPDX2_BACKWARD:
            if kind == "DESCRIBED_BY" and target == document.creation_info.spdx_id:
                roots.append(source)
            else:
                edges.setdefault(target, []).append(source)
    return Document(path, fmt, document.creation_info.spdx_version.removeprefix("SPDX-"), items, roots, edges,
                    "spdx-tools")


def _actor(actor: Any) -> str:
    return str(getattr(actor, "name", "") or "").strip()


# -- SPDX 3.0 JSON-LD -------------------------------------------------------------------------------------------------

def _spdx3(path: Path) -> Document:
    """SPDX 3.0 JSON-LD (3.0.1 names, ``software_Package``/``spdxId``, and the 3.0.0 drafts spdx-tools writes,
    ``Package``/``@id``): packages and files, their suppliers and originators, package URLs, CPEs, relationships."""
    data = parse_json(decode(read_bytes(path), path), path)
    graph = data.get("@graph") if isinstance(data, dict) else data
    if not isinstance(graph, list):
        raise InputError("expected an SPDX 3 JSON-LD @graph array", path=path, field="@graph")
    elements = [e for e in graph if isinstance(e, dict)]
    agents = {_id(e): str(e.get("name") or "") for e in elements if _type(e) in ("Organization", "Person", "Agent")}
    items: list[Item] = []
    edges: dict[str, list[str]] = {}
    roots: list[str] = []
    spec = ""
    for element in elements:
        kind = _type(element)
        if kind in ("Package", "File"):
            items.append(_spdx3_item(element, kind, agents))
        elif kind.endswith("Relationship") and _key(element, "relationshipType") in _SPDX3_EDGES:
            source, targets = str(element.get("from") or ""), element.get("to") or []
            for target in targets if isinstance(targets, list) else [targets]:
                if _key(element, "relationshipType") == "describes" and not any(_id(i) == source for i in elements
                                                                                 if _type(i) in ("Package", "File")):
                    roots.append(str(target))
                else:
                    edges.setdefault(source, []).append(str(target))
        elif kind in ("SpdxDocument", "Sbom"):
            roots.extend(str(r) for r in element.get("rootElement") or [])
        info = element if kind == "CreationInfo" else element.get("creationInfo")
        if isinstance(info, dict) and info.get("specVersion"):
            spec = str(info["specVersion"])
    known = {item.ref for item in items}
    return Document(path, "spdx-3-jsonld", spec, items, [r for r in dict.fromkeys(roots) if r in known], edges,
                    "kizuna (spdx-tools 0.8 reads no SPDX 3)")


def _spdx3_item(element: dict[str, Any], kind: str, agents: dict[str, str]) -> Item:
    parties = []
    for key, label in (("suppliedBy", "supplier"), ("originatedBy", "originator")):
        value = element.get(key) or element.get(f"software_{key}")
        for agent in value if isinstance(value, list) else [value]:
            name = agents.get(str(agent), "") if isinstance(agent, str) else _name_of(agent)
            if name:
                parties.append(_party(name, label))
    cpes = [str(e.get("identifier")) for e in element.get("externalIdentifier") or []
            if isinstance(e, dict) and str(e.get("externalIdentifierType", "")).startswith("cpe")]
    return Item(_id(element), str(element.get("name") or ""), str(_key(element, "packageVersion") or ""),
                str(_key(element, "primaryPurpose") or kind.lower()), parties,
                purl=str(_key(element, "packageUrl") or ""), cpes=cpes)


def _id(element: dict[str, Any]) -> str:
    return str(element.get("spdxId") or element.get("@id") or "")


def _type(element: dict[str, Any]) -> str:
    kind = str(element.get("type") or element.get("@type") or "")
    return kind.split("_", 1)[1] if "_" in kind else kind


def _key(element: dict[str, Any], name: str) -> Any:
    return element.get(name, element.get(f"software_{name}"))


# -- shared ----------------------------------------------------------------------------------------------------------

def _party(name: str, field_name: str, country: str = "") -> Party:
    return Party(rules.spaced(name), PartyKind.ORGANIZATION, country=_iso(country) or None, source=field_name)


def _iso(country: str) -> str:
    text = country.strip()
    return text.upper() if len(text) == 2 and text.isalpha() else ""


def _country(properties: dict[str, str], parties: Iterable[Party]) -> str:
    for name in COUNTRY_PROPERTIES:
        if _iso(properties.get(name, "")):
            return _iso(properties[name])
    return next((p.country for p in parties if p.country), "")


def component_class(item: Item) -> str:
    """A component's class for concentration: its BOM's function property, else its type."""
    return next((item.properties[name] for name in CLASS_PROPERTIES if item.properties.get(name)), item.kind)


def _assign_paths(document: Document) -> None:
    """Each item's path from a top-level product (shortest, breadth first); items no product reaches are their own
    top level, as are the products themselves."""
    edges = document.edges
    by_ref = {item.ref: item for item in document.items}
    pointed = {target for targets in edges.values() for target in targets}
    roots = [r for r in document.roots if r in by_ref] or [i.ref for i in document.items if i.ref not in pointed]
    parent: dict[str, str | None] = {}
    queue: deque[str] = deque()
    for root in roots:
        parent.setdefault(root, None)
        queue.append(root)
    while queue:
        current = queue.popleft()
        for target in edges.get(current, ()):
            if target in by_ref and target not in parent:
                parent[target] = current
                queue.append(target)
    if len(roots) == 1:  # a BOM of one product: what its graph does not reach is still part of that product
        for item in document.items:
            parent.setdefault(item.ref, roots[0])
    for item in document.items:
        chain, ref = [], parent.get(item.ref) if item.ref in parent else None
        while ref is not None:
            chain.append(by_ref[ref].label())
            ref = parent.get(ref)
        item.path = [*reversed(chain), item.label()]

