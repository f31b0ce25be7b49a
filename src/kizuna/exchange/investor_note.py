"""Reading an ownership assessment (``kizuna invest check --note FILE``, kizuna.ownership) into the fields of an
x-kizuna-investor-note, so the analyst's assessment travels through the exchange as it was made."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kizuna.core.datafiles import read_json
from kizuna.core.errors import InputError
from kizuna.core.party import Party


def from_assessment(path: Path) -> tuple[Party, list[dict[str, Any]], str]:
    """(investor, ownership chain nearest owner first, concerns) from an investor-note JSON file."""
    note = read_json(path)
    if not isinstance(note, dict) or note.get("kind") != "kizuna.investor-note":
        raise InputError("not a Kizuna investor note (expected \"kind\": \"kizuna.investor-note\")", path=path,
                         field="kind")
    try:
        return _fields(note)
    except (KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"investor note is missing or has a malformed field ({exc})", path=path) from exc


def _fields(note: dict[str, Any]) -> tuple[Party, list[dict[str, Any]], str]:
    investor = Party(str(note["investor"]["name"]), country=note["investor"].get("country") or None,
                     source=f"ownership assessment as of {note.get('as_of')}")
    names = {p["id"]: p for p in note["chain"]["parties"]}
    chain = []
    for edge in note["chain"]["edges"]:
        owner = names.get(edge["owner"], {"name": edge["owner"]})
        link: dict[str, Any] = {"name": owner["name"], "owns": names.get(edge["owned"], {}).get("name", edge["owned"]),
                                "share": edge.get("label")}
        if owner.get("country"):
            link["country"] = owner["country"]
        chain.append(link)
    lines = [f"{code}: {answer['headline']}" for code, answer in note["regimes"].items()]
    lines += list(note.get("concerns") or [])
    if note.get("filing"):
        filing = note["filing"]
        lines.append(f"filing ({filing.get('regime')}): {filing.get('filing')} required: {filing.get('required')}")
    lines.append(f"assessment as of {note.get('as_of')}; source {note.get('source')}")
    return investor, chain, "\n".join(lines)
