"""The licence check as one call (control entries as typed, an end user, a source of denials), and the shipment of
a licence assessment built from what a form or the command line gives."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from kizuna.controls import parse
from kizuna.core.countries import to_alpha2
from kizuna.core.entity import PartyKind
from kizuna.core.errors import InputError
from kizuna.core.party import Party
from kizuna.licensing.assessment import Shipment, ShipmentParty, ShipmentRole
from kizuna.licensing.check import LicenceCheck, find_matches
from kizuna.licensing.denials import DenialSource

if TYPE_CHECKING:  # the exchange is imported only to record an application
    from kizuna.exchange.licensing import Application
    from kizuna.exchange.node import Node
    from kizuna.licensing.assess import LicenceAssessment


def check(source: DenialSource, codes: list[str], end_user: Party, today: date | None = None) -> LicenceCheck:
    """Check an application (``codes``: ECCN, Wassenaar, EU or Japanese item numbers) against every denial
    ``source`` holds that is active ``today``."""
    entries = [parse(c) for c in codes if c.strip()]
    if not entries:
        raise InputError("give at least one control entry", field="--control")
    if not end_user.name.strip():
        raise InputError("must not be empty", field="--end-user")
    day = today or date.today()
    denials = source.active_denials(day)
    return LicenceCheck(entries, end_user, day, len(denials), find_matches(denials, entries, end_user))


def build_shipment(exporter: str, destination: str, *, item: str | None = None, description: str | None = None,
                   parties: Sequence[tuple[str, str, str | None, str | None]] = (),
                   end_use: str = "", end_uses: list[str] | None = None, tpp: float | None = None,
                   die_area_mm2: float | None = None, pd: float | None = None, informed: bool | None = None,
                   facts: dict[str, str] | None = None) -> Shipment:
    """A shipment from what a form or the command line gives: ``parties`` as (role, name, country, headquarters),
    names in any script. Country codes are ISO alpha-2; bad input is an InputError naming the field."""
    exporter_code = _country(exporter, "from")
    destination_code = _country(destination, "to")
    if not (item or description):
        raise InputError("give --item (an ECCN, EAR99/none, a Japanese item number or chip) or --description",
                         field="item")
    built = []
    for role, name, country, headquarters in parties:
        if not name.strip():
            continue
        try:
            kind = ShipmentRole(role)
        except ValueError:
            raise InputError(f"unknown role {role!r} (one of: {', '.join(r.value for r in ShipmentRole)})",
                             field="party") from None
        party = Party(name.strip(), PartyKind.ORGANIZATION, country=_country(country, role) if country else None)
        built.append(ShipmentParty(kind, party, _country(headquarters, f"{role} headquarters") if headquarters
                                   else None))
    return Shipment(exporter_code, destination_code, (item or "").strip() or None, description, tuple(built),
                    end_use.strip(), tuple(e.strip() for e in end_uses or [] if e.strip()), tpp, die_area_mm2, pd,
                    informed, dict(facts or {}))


def _country(code: str, field: str) -> str:
    """An ISO alpha-2 code for ``code`` (a code or an English name); InputError naming ``field`` otherwise."""
    found = to_alpha2(code)
    if found is None:
        raise InputError(f"{code[:60]!r} is not a country (an ISO 3166-1 alpha-2 code or its English name)",
                         field=field)
    return found


def record_application(assessment: LicenceAssessment, node: Node, officer: str) -> tuple[Application, LicenceCheck]:
    """Record the assessed shipment as a licence application on an exchange node: its control entry (the chip's
    classified paragraph, or the item as given), end user, end use and destination, checked against every
    active denial the node holds, with a no-undercut consultation opened with each ally it would undercut."""
    from kizuna.exchange import service as exchange  # the exchange's public service; only when asked for
    from kizuna.licensing.allies import control_code

    shipment = assessment.shipment
    code = control_code(shipment)
    if code is None:
        raise InputError(f"an application names the item's control entry, and {shipment.item or 'no item'!r} is "
                         "none: give --item as an entry (3A090.a, 7の項(1)) to record it", field="--apply")
    end_user = next((p.party for p in shipment.parties if p.role is ShipmentRole.END_USER), None)
    return exchange.check_licence(node, officer, None, [code], end_user, shipment.end_use, shipment.destination)
