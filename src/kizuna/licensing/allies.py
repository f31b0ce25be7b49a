"""Allied denials an application is essentially identical to: the shipment's control entry and each named end
user through the one licence check (``kizuna.licensing.check``) against a ``DenialSource`` — an exchange node's
active denials, its own and its allies'. Run before the decision, so the no-undercut consultation opens first.
"""

from __future__ import annotations

from datetime import date

from kizuna.controls import ControlEntry, parse
from kizuna.core.errors import InputError
from kizuna.licensing.assessment import Shipment, ShipmentRole
from kizuna.licensing.check import DenialMatch
from kizuna.licensing.denials import DenialSource
from kizuna.licensing.service import check


def allied_denials(shipment: Shipment, source: DenialSource | None, today: date | None = None) -> list[DenialMatch]:
    """The denials ``source`` holds (active ``today``) for the shipment's control entry and end user(s), essentially
    identical ones first. None when no source is configured, or the item is on no control list (no entry to match);
    for a chip the classifier's paragraph is the entry."""
    if source is None:
        return []
    code = control_code(shipment)
    end_users = [p.party for p in shipment.parties if p.role is ShipmentRole.END_USER and p.party.name.strip()]
    if code is None or not end_users:
        return []
    matches = [m for party in end_users for m in check(source, [code], party, today).matches]
    return sorted(matches, key=lambda m: (m.relation != "same", -m.score))


def control_code(shipment: Shipment) -> str | None:
    """The shipment's item as a control entry the denials can be compared with, or None when it is not one (on no
    list, free text, a chip that meets no 3A090 paragraph)."""
    item = (shipment.item or "").strip()
    if item.casefold() == "chip":
        from kizuna.licensing.chips import classify_shipment  # the classifier's rules are read only for chips

        return classify_shipment(shipment).paragraph
    entry = _entry(item, "jp-etco" if shipment.exporter.upper() == "JP" else None)
    return None if entry is None else f"{_PREFIX[entry.scheme]} {entry.code}"


_PREFIX = {"us-eccn": "us", "eu": "eu", "wassenaar": "wa", "jp-etco": "jp"}


def _entry(item: str, scheme: str | None) -> ControlEntry | None:
    for attempt in (scheme, None) if scheme else (None,):
        try:
            return parse(item, attempt) if item else None
        except InputError:
            continue
    return None
