"""Identifiers that name a maker without its name: MAC address blocks (the full IEEE registries, longest block
first, and the curated covered blocks), CPE vendor strings, package URLs, FCC ID grantee codes and model prefixes.
Each reader turns one identifier into the signals it gives; the tables are read once per process."""

from __future__ import annotations

import fnmatch
import gzip
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from urllib.parse import unquote

from kizuna.core.errors import InputError
from kizuna.core.paths import bundled
from kizuna.core.tables import csv_rows, read_table
from kizuna.supplychain import rules
from kizuna.supplychain.model import Signal
from kizuna.supplychain.rules import Status, Vendor

_HEX = re.compile(r"[0-9A-F]{12}")
_SEPARATORS = str.maketrans("", "", ":-. \t")
_VALUES = 1 << 16  # identifier values remembered per kind: inventories repeat their models, CPEs and FCC IDs


@dataclass(frozen=True, slots=True)
class Registrant:
    """The IEEE block an address falls in and who registered it."""

    registry: str
    assignment: str
    organization: str
    country: str


def _mapped(label: str, qualifier: str = "") -> tuple[Vendor | None, Status]:
    """A source row's parent label as a vendor and status; a qualifier with a review word demotes it."""
    vendor, status = rules.label(label)
    words = rules.signals().review_words
    if status == "covered" and any(word in qualifier.casefold() for word in words):
        status = "review"
    return vendor, status


# -- MAC addresses ------------------------------------------------------------------------------------------------

def normalise_mac(text: str) -> str | None:
    """Twelve upper-case hex digits, or None when ``text`` is no MAC address (any of : - . or no separator)."""
    digits = text.translate(_SEPARATORS).upper()
    return digits if _HEX.fullmatch(digits) else None


def is_local(mac: str) -> bool:
    """A locally administered (randomised, virtual) or group address: it names no maker."""
    settings = rules.signals().mac
    first = int(mac[:2], 16)
    return bool(first & settings.local_bit or first & settings.group_bit)


@cache
def _registries() -> list[tuple[int, dict[str, Registrant]]]:
    """Each IEEE registry (longest block first) as {assignment hex: registrant}."""
    tables = []
    for registry in rules.signals().mac.registries:
        path = bundled("supplychain", registry.file)
        try:
            text = gzip.decompress(path.read_bytes()).decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the IEEE registry ({exc})", path=path) from exc
        blocks: dict[str, Registrant] = {}
        for line, cells in csv_rows(path, text):
            if line == 1 or len(cells) < 4:
                continue
            address = cells[3].split()
            country = next((w for w in reversed(address) if len(w) == 2 and w.isalpha() and w.isupper()), "")
            blocks[cells[1].upper()] = Registrant(cells[0], cells[1].upper(), cells[2].strip(), country)
        tables.append((registry.bits // 4, blocks))
    return tables


def registrant(mac: str) -> Registrant | None:
    """The registrant of the smallest IEEE block holding ``mac`` (normalised), or None when unassigned."""
    for digits, blocks in _registries():
        found = blocks.get(mac[:digits])
        if found is not None:
            return found
    return None


@cache
def _covered_blocks() -> dict[tuple[str, str], tuple[int, dict[str, str]]]:
    path = bundled("supplychain/mac_oui_covered_vendors.csv")
    return {(row["registry"], row["assignment"].upper()): (line, row) for line, row in read_table(path).records()}


@cache
def excluded_registrants() -> frozenset[str]:
    """Registrant names a name match would wrongly catch (mac_oui_name_exclusions.csv)."""
    path = bundled("supplychain/mac_oui_name_exclusions.csv")
    return frozenset(rules.spaced(row["organization_name"], fold=True) for _, row in read_table(path).records())


def mac_signal(mac: str, found: Registrant) -> Signal | None:
    """The curated covered-vendor block ``found`` is, as a signal (None when it is not one of them)."""
    curated = _covered_blocks().get((found.registry, found.assignment))
    if curated is None:
        return None
    line, row = curated
    vendor, status = _mapped(row["covered_parent"], row["match_basis"])
    if vendor is None:
        return None
    return Signal("mac", mac, vendor, status, row["confidence"],
                  f"{found.registry} block {found.assignment} is registered to {found.organization} "
                  f"({row['match_basis']})", f"mac_oui_covered_vendors.csv line {line}")


# -- CPE ----------------------------------------------------------------------------------------------------------

def cpe_vendor(cpe: str) -> tuple[str, str] | None:
    """(part, vendor) of a CPE 2.3 formatted string or a CPE 2.2 URI; None when the vendor is a wildcard
    (``*``, ``-``, ``ANY``, or holds ``*``/``?``): a wildcard vendor names nobody."""
    text = cpe.strip()
    if text.startswith("cpe:2.3:"):
        fields = re.split(r"(?<!\\):", text)
        part, vendor = (fields[2], fields[3]) if len(fields) > 3 else ("", "")
    elif text.startswith("cpe:/"):
        fields = text[5:].split(":")
        part, vendor = (fields[0], fields[1]) if len(fields) > 1 else ("", "")
        vendor = unquote(vendor)
    else:
        return None
    vendor = vendor.replace("\\", "").casefold()
    if not vendor or vendor in ("*", "-", "any", "na") or re.search(r"(?<!\\)[*?]", vendor):
        return None
    return part, vendor


@cache
def _cpe_vendors() -> dict[str, tuple[int, dict[str, str]]]:
    """Each CPE vendor string's best-evidenced row (the string→vendor link is what a signal rests on)."""
    path = bundled("supplychain/cpe_vendor_strings.csv")
    best: dict[str, tuple[int, dict[str, str]]] = {}
    for line, row in read_table(path).records():
        key = row["cpe_vendor"].casefold()
        if key not in best or rules.rank(row["confidence"]) < rules.rank(best[key][1]["confidence"]):
            best[key] = (line, row)
    return best


@lru_cache(maxsize=_VALUES)
def cpe_signal(cpe: str) -> Signal | None:
    """The signal a CPE gives: its vendor string's covered vendor (none for wildcards and unknown strings)."""
    parsed = cpe_vendor(cpe)
    if parsed is None:
        return None
    found = _cpe_vendors().get(parsed[1])
    if found is None:
        return None
    line, row = found
    vendor, status = _mapped(row["covered_parent"], row["relation"])
    if vendor is None or status == "none":
        return None
    return Signal("cpe", cpe, vendor, status, row["confidence"],
                  f"CPE vendor string {parsed[1]!r} is {row['covered_parent']} ({row['relation']})",
                  f"cpe_vendor_strings.csv line {line}")


# -- package URLs ---------------------------------------------------------------------------------------------------

def purl_key(purl: str) -> str:
    """``pkg:type/namespace/name`` of a package URL, lower case, percent-decoded, without version, qualifiers or
    subpath; PyPI names normalised as PEP 503 does (``_`` and ``.`` are ``-``)."""
    text = purl.strip().split("#", 1)[0].split("?", 1)[0]
    head, _, tail = text.rpartition("/")
    name = tail.split("@", 1)[0] if head else text.split("@", 1)[0]
    key = unquote(f"{head}/{name}" if head else name).casefold()
    if key.startswith("pkg:pypi/"):
        key = "pkg:pypi/" + re.sub(r"[-_.]+", "-", key[len("pkg:pypi/"):])
    return key


def _patterns(cell: str) -> Iterator[str]:
    """The purl patterns a software_namespaces.csv cell lists ("pkg:pypi/a ; b ; pkg:npm/%40x/*")."""
    text = re.sub(r"\([^()]*\)", " ", cell)
    kind = ""
    for token in re.split(r"\s+;\s+|\s+and\s+", text):
        token = token.strip()
        if " " in token or not token:
            continue
        if token.startswith("pkg:"):
            kind = token.split("/", 1)[0]
            yield purl_key(token)
        elif kind and "/" not in token and ":" not in token:
            yield purl_key(f"{kind}/{token}")


@cache
def _purl_rules() -> list[tuple[re.Pattern[str], int, dict[str, str]]]:
    path = bundled("supplychain/software_namespaces.csv")
    return [(re.compile(fnmatch.translate(pattern)), line, row) for line, row in read_table(path).records()
            for pattern in _patterns(row["purl_pattern"])]


@lru_cache(maxsize=_VALUES)
def purl_signal(purl: str) -> Signal | None:
    """The signal a package URL gives: the first namespace pattern it falls under."""
    key = purl_key(purl)
    for pattern, line, row in _purl_rules():
        if pattern.match(key):
            vendor, status = _mapped(row["covered_parent"], row["kind"])
            if vendor is None or status == "none":
                continue
            return Signal("purl", purl, vendor, status, row["confidence"],
                          f"package {key} is in {row['publisher']}'s namespace ({row['kind']})",
                          f"software_namespaces.csv line {line}")
    return None


# -- FCC IDs and model numbers --------------------------------------------------------------------------------------

def grantee_code(fcc_id: str) -> str:
    """The grantee code of an FCC ID: five characters when it begins with "2" (codes since 2013), else three."""
    text = re.sub(r"\s", "", fcc_id).upper()
    rule = rules.signals().fcc_grantee
    return text[:rule.new_length] if text.startswith(rule.new_first) else text[:rule.old_length]


@cache
def _identifier_rows(kind: str) -> list[tuple[str, int, dict[str, str]]]:
    path = bundled("supplychain/device_identifiers.csv")
    rows: list[tuple[str, int, dict[str, str]]] = []
    for line, row in read_table(path).records():
        if row["kind"] == kind:
            cell = re.sub(r"\([^()]*\)", " ", row["value"])
            rows.extend((value.strip(), line, row) for value in re.split(r"\s*[;/]\s*", cell) if value.strip())
    return rows


@lru_cache(maxsize=_VALUES)
def fcc_signal(fcc_id: str) -> Signal | None:
    """The signal an FCC ID gives: its grantee code's covered vendor."""
    code = grantee_code(fcc_id)
    for value, line, row in _identifier_rows("fcc_grantee_code"):
        if value.upper() == code:
            vendor, status = _mapped(row["covered_parent"])
            if vendor is None or status == "none":
                return None
            return Signal("fcc-id", fcc_id, vendor, status, row["confidence"],
                          f"FCC grantee code {code}: {row['meaning']}", f"device_identifiers.csv line {line}")
    return None


@cache
def _model_prefixes() -> list[tuple[re.Pattern[str], str, int, dict[str, str]]]:
    shortest = rules.signals().min_model_prefix_chars
    prefixes = []
    for value, line, row in _identifier_rows("model_prefix"):
        prefix = value.split()[0] if value.split() else ""
        if len(prefix) >= shortest:
            # a lower-case x in the file stands for a digit (DS-7xxx, NVR4xxx)
            pattern = re.compile(re.escape(prefix).replace("x", "[0-9]"), re.IGNORECASE)
            prefixes.append((pattern, prefix, line, row))
    return prefixes


@lru_cache(maxsize=_VALUES)
def model_signal(model: str) -> Signal | None:
    """The signal a model number gives: the first covered model prefix it starts with (a review item alone)."""
    text = model.strip()
    for pattern, prefix, line, row in _model_prefixes():
        if pattern.match(text):
            vendor, status = _mapped(row["covered_parent"])
            if vendor is None or status == "none":
                continue
            return Signal("model", model, vendor, status, row["confidence"],
                          f"model prefix {prefix}: {row['meaning']}", f"device_identifiers.csv line {line}")
    return None
