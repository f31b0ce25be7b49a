"""How old a loaded list is, judged by its publisher's update cadence (``data/lists/cadence.yaml``)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from kizuna.core.datafiles import read_yaml
from kizuna.core.paths import bundled

_PERIOD = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def period(text: str) -> tuple[date, date] | None:
    """The first and last day a data date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) can mean; None if invalid."""
    m = _PERIOD.fullmatch(text or "")
    if not m:
        return None
    year = int(m[1])
    try:
        if m[3]:
            day = date(year, int(m[2]), int(m[3]))
            return day, day
        if m[2]:
            month = int(m[2])
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        return date(year, 1, 1), date(year, 12, 31)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Freshness:
    """A list's age in days (None when its data date is unknown) against its publisher's cadence."""

    code: str
    age_days: int | None
    stale_after_days: int | None  # None: a fixed publication, never stale
    cadence: str
    source: str

    @property
    def stale(self) -> bool:
        """Older than the cadence allows, or of unknown age (which nobody can vouch for)."""
        if self.stale_after_days is None:
            return False
        return self.age_days is None or self.age_days > self.stale_after_days

    def describe(self) -> str:
        age = "of unknown age" if self.age_days is None else f"{self.age_days} days old"
        return f"{self.code} is {age} ({self.cadence}; stale after {self.stale_after_days} days)"


def freshness(code: str, data_date: str, today: date | None = None) -> Freshness:
    """How old ``code``'s data is; the age counts from the last day its data date can mean."""
    rule = _cadences()["lists"].get(code) or _cadences()["default"]
    span = period(data_date)
    today = today or datetime.now(UTC).date()
    age = max((today - span[1]).days, 0) if span else None
    return Freshness(code, age, rule["stale_after_days"], rule["cadence"], rule["source"])


@cache
def _cadences() -> dict[str, Any]:
    return read_yaml(bundled("lists", "cadence.yaml"))
