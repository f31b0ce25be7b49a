"""The licence check as one call: control entries as typed, an end user, a source of denials."""

from __future__ import annotations

from datetime import date

from kizuna.controls import parse
from kizuna.core.errors import InputError
from kizuna.core.party import Party
from kizuna.licensing.check import LicenceCheck, find_matches
from kizuna.licensing.denials import DenialSource


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
