"""The exchange's library work behind the CLI (``kizuna exchange|denial|licence|consultation|share``) and the
console: both call these, then only format what comes back.

Denials are recorded and imported here (a spreadsheet through ``kizuna.core.tables``, every row valid or nothing
stored), listed to a user one page at a time (``Node.view_all``: filtered to what the user may see, audited as
viewed), and licence applications checked (``kizuna.licensing`` over the node's denials).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from kizuna.core.errors import InputError
from kizuna.core.party import Party
from kizuna.core.tables import read_table
from kizuna.exchange import licensing, objects
from kizuna.exchange.config import check_rel_to, rules
from kizuna.exchange.investor_note import from_assessment
from kizuna.exchange.licensing import (
    answer_consultation,
    approve,
    blocking,
    consultations,
    list_applications,
)
from kizuna.exchange.markings import rel_to_definition
from kizuna.exchange.node import Node, Viewed
from kizuna.exchange.objects import effective_status
from kizuna.exchange.policy import Recipient
from kizuna.licensing import LicenceCheck

# The consultation workflow and the investor-note reader, called as they are.
__all__ = ["answer_consultation", "approve", "blocking", "check_licence", "consultations", "denials",
           "field_markings", "from_assessment", "import_denials", "list_applications", "markings", "page_size",
           "screening_hits"]

IMPORT_COLUMNS = ("control", "item", "end_user", "end_user_country", "end_user_address", "consignee",
                  "consignee_country", "consignee_address", "end_use", "destination", "reason", "date")
REQUIRED_COLUMNS = ("control", "item", "end_user", "date")
STATUSES = ("active", "revoked", "expired", "all")
SOURCES = ("all", "own", "allies")


def markings(node: Node, tlp: str, rel_to: list[str] | None, classification: str | None,
             orgs: list[str] | None) -> list[str]:
    """Marking ids for a new object: the TLP, REL TO these codes, a classification, the named organisations
    (peer names, countries or identity ids; this node is added to them)."""
    identities = [o if o.startswith("identity--") else node.peer(o).identity for o in orgs or []]
    if identities:
        identities.append(node.identity_id)
    return node.markings(tlp, check_rel_to(rel_to) if rel_to else None, classification, identities or None)


def field_markings(node: Node, specs: list[str] | None) -> list[dict[str, Any]]:
    """Granular markings from ``SELECTOR=CODES`` specs (``end_user.address=USA``): that field released to fewer."""
    out = []
    for spec in specs or []:
        selector, sep, codes = spec.partition("=")
        if not sep or not selector.strip():
            raise InputError(f"{spec!r}: use SELECTOR=CODES, e.g. end_user.address=USA", field="--field-rel-to")
        listed = [c.strip() for c in codes.split(",") if c.strip()]
        definition = rel_to_definition(sorted({*check_rel_to(listed, "--field-rel-to"), node.country}))
        node.save_definitions([definition])
        out.append({"marking_ref": definition["id"], "selectors": [selector.strip()]})
    return out


def import_denials(node: Node, path: Path, marking_refs: list[str], actor: str) -> int:
    """Every row of a denial spreadsheet (CSV or xlsx) as a denial, in one transaction: a bad row is an error
    naming its file, line and column, and nothing is stored."""
    table = read_table(path)
    table.require(*REQUIRED_COLUMNS)
    batch = []
    for line, row in table.records():
        cell = {c: str(row.get(c) or "").strip() for c in IMPORT_COLUMNS}
        try:
            batch.append(_denial_row(node, cell, marking_refs))
        except InputError as exc:
            raise InputError(exc.message, path=path, line=line,
                             field=exc.field.lstrip("-") if exc.field else None) from None
    return node.create_many(batch, actor)


def _denial_row(node: Node, cell: dict[str, str], marking_refs: list[str]) -> dict[str, Any]:
    user = objects.required_party(cell["end_user"], cell["end_user_country"], cell["end_user_address"], "end_user")
    return objects.new_denial(
        creator=node.identity_id, codes=[c for c in cell["control"].split(";") if c.strip()], item=cell["item"],
        end_user=user, denial_date=cell["date"],
        consignee=objects.parse_party(cell["consignee"], cell["consignee_country"], cell["consignee_address"],
                                      "consignee"),
        end_use=cell["end_use"], destination=cell["destination"], reason=cell["reason"], markings=marking_refs)


def denials(node: Node, user: Recipient | None, actor: str, page: str, *, status: str = "active",
            source: str = "all", start: int = 0, limit: int | None = None,
            today: date | None = None) -> Viewed:
    """The denials held here that ``user`` may see (None: all), of one status (active, revoked, expired, all) and
    source (all, own, allies), newest first; the ``limit`` shown from ``start`` are audited as viewed."""
    if status not in STATUSES:
        raise InputError(f"{status!r} is not one of {', '.join(STATUSES)}", field="--status")
    if source not in SOURCES:
        raise InputError(f"{source!r} is not one of {', '.join(SOURCES)}", field="--source")
    if start < 0:
        raise InputError("must not be negative", field="start")

    def keep(obj: dict[str, Any]) -> bool:
        own = obj["created_by_ref"] == node.identity_id
        if (source == "own" and not own) or (source == "allies" and own):
            return False
        return status == "all" or effective_status(obj, today) == status

    return node.view_all(node.all_objects(objects.DENIAL), user, actor, page, keep=keep, start=start, limit=limit)


def page_size() -> int:
    """Denials per console page (``rules.yaml`` console.page_size)."""
    return int(rules()["console"]["page_size"])


def check_licence(node: Node, officer: str, user: Recipient | None, codes: list[str], end_user: Party | None,
                  end_use: str = "", destination: str = "", deadline_days: int | None = None,
                  today: date | None = None) -> tuple[licensing.Application, LicenceCheck]:
    """Record an application and check it (``exchange.licensing.check_application``)."""
    return licensing.check_application(node, officer, user, codes, end_user or Party(""), end_use, destination,
                                       deadline_days, today)


def screening_hits(party: Party, limit: int = 5) -> list[dict[str, Any]]:
    """The party's best hits on the current lists, in the form a screening note carries them."""
    from kizuna.screening import screen  # the list snapshot is loaded only when a note asks for hits

    return [{"list": h.list_code, "entry_id": h.entry_id, "name": h.name, "score": h.score,
             "source_url": h.source_url, "data_date": h.data_date} for h in screen(party, limit=limit)]
