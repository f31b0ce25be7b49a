"""Checks on what an update would load, before it replaces anything.

Each importer validates its own format; these checks apply to every list whatever its format: a valid data
date, no control characters in any field, and a comparison with the list's current version, so a truncated or
reshaped file cannot silently replace a list (thresholds in ``data/lists/update_checks.yaml``).
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from datetime import UTC, datetime
from functools import cache
from typing import Any

from kizuna.core.datafiles import read_yaml
from kizuna.core.entity import Entry, Identifier, Name
from kizuna.core.errors import InputError, KizunaError
from kizuna.core.paths import bundled
from kizuna.lists.freshness import period
from kizuna.lists.model import ListData
from kizuna.lists.store import Snapshot

# C0 controls other than tab, line feed and carriage return, DEL, and the C1 controls: never text in a list.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_TEXT_FIELDS = ("entry_id", "name", "listed_on", "citation", "remarks")
_TEXT_LIST_FIELDS = ("countries", "addresses", "dates_of_birth", "programs")
# Fields whose share of filled entries describes a list's shape.
_SHAPE_FIELDS = ("aliases", "countries", "addresses", "identifiers", "dates_of_birth", "programs", "listed_on",
                 "citation", "remarks")


class UpdateRefused(KizunaError):
    """The files would replace a list with something that looks broken or older; the user must confirm."""


def data_date_option(value: str, option: str = "--date") -> str:
    """A data date given by the user: a real calendar date ``YYYY-MM-DD``, not in the future."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) or period(value) is None:
        raise InputError(f"{value!r} is not a date; give the data date as YYYY-MM-DD, e.g. 2026-11-28",
                         field=option)
    check_data_date(value, option)
    return value


def check_data_date(value: str, where: str) -> None:
    """A list's data date must be empty (unknown), or a valid YYYY, YYYY-MM or YYYY-MM-DD not after today."""
    if not value:
        return
    span = period(value)
    if span is None:
        raise InputError(f"data date {value!r} is not a valid YYYY-MM-DD, YYYY-MM or YYYY date", field=where)
    if span[0] > datetime.now(UTC).date():
        raise InputError(f"data date {value} is in the future", field=where)


def strip_control_characters(data: ListData) -> None:
    """Remove control characters (NUL and the like) from every field, with a warning saying where."""
    touched: Counter[str] = Counter()
    first = ""
    for entry in data.entries:
        fields = _strip_entry(entry)
        if fields:
            touched.update(fields)
            first = first or entry.entry_id
    if touched:
        where = ", ".join(f"{field} ({n})" for field, n in sorted(touched.items()))
        data.warnings.append(f"control characters (e.g. NUL) were removed from {where}; first entry {first}")


def _strip_entry(entry: Entry) -> list[str]:
    fields = []
    for name in _TEXT_FIELDS:
        value = getattr(entry, name)
        if value and _CONTROL.search(value):
            setattr(entry, name, _CONTROL.sub("", value))
            fields.append(name)
    for name in _TEXT_LIST_FIELDS:
        values = getattr(entry, name)
        if any(_CONTROL.search(v) for v in values):
            setattr(entry, name, [_CONTROL.sub("", v) for v in values])
            fields.append(name)
    if any(_CONTROL.search(a.text) for a in entry.aliases):
        entry.aliases = [Name(_CONTROL.sub("", a.text), a.kind) for a in entry.aliases]
        fields.append("aliases")
    if any(_CONTROL.search(f"{i.type}{i.value}{i.country or ''}") for i in entry.identifiers):
        entry.identifiers = [Identifier(_CONTROL.sub("", i.type), _CONTROL.sub("", i.value), i.country)
                             for i in entry.identifiers]
        fields.append("identifiers")
    return fields


@dataclasses.dataclass(slots=True)
class _Profile:
    """What a comparison looks at: size, ids, kinds of record and how often each field is filled."""

    date: str
    ids: set[str]
    kinds: Counter[str]
    filled: Counter[str]

    @classmethod
    def of(cls, date: str, entries: list[Entry]) -> _Profile:
        filled: Counter[str] = Counter()
        for entry in entries:
            filled.update(f for f in _SHAPE_FIELDS if getattr(entry, f))
        return cls(date, {e.entry_id for e in entries}, Counter(e.entity_type.value for e in entries), filled)

    @property
    def size(self) -> int:
        return len(self.ids)


def compare_with_current(
    lists: list[ListData], base: Snapshot | None, *, confirm_shrink: bool = False, allow_older: bool = False
) -> None:
    """Refuse (UpdateRefused) lists that shrink sharply, lose a kind of record, change shape or go back in
    time against their current version, unless confirmed; add a warning to a list that loses many entries."""
    if base is None:
        return
    current = {status.code: status.data_date for status in base.lists()}
    problems: list[str] = []
    for data in lists:
        if data.code not in current:
            continue
        old = _Profile.of(current[data.code], list(base.entries([data.code])))
        new = _Profile.of(data.data_date, data.entries)
        if not allow_older:
            problems += [f"{data.code}: {p}; pass --allow-older to load it anyway" for p in _older(old, new)]
        if not confirm_shrink:
            problems += [f"{data.code}: {p}; pass --confirm-shrink if this is right" for p in _shrunk(old, new)]
        removed = len(old.ids - new.ids)
        if old.size and removed / old.size >= _rules()["warn_removed_share"]:
            data.warnings.append(f"this update removes {removed:,} of the {old.size:,} entries of the current "
                                 f"list ({removed / old.size:.0%}); see `kizuna lists diff`")
    if problems:
        raise UpdateRefused("the update was refused and the current snapshot kept:\n  " + "\n  ".join(problems))


def _older(old: _Profile, new: _Profile) -> list[str]:
    before, after = period(old.date), period(new.date)
    if before and after and after[1] < before[0]:
        return [f"the files' data date {new.date} is older than the current list's {old.date}"]
    return []


def _shrunk(old: _Profile, new: _Profile) -> list[str]:
    rules = _rules()
    limit = rules["refuse_shrink_share"]
    problems = []
    if old.size and (old.size - new.size) / old.size > limit:
        problems.append(f"would shrink from {old.size:,} to {new.size:,} entries")
    else:  # the list as a whole keeps its size: does one kind of record vanish inside it?
        for kind, count in sorted(old.kinds.items()):
            after = new.kinds.get(kind, 0)
            if count >= rules["kind_min_entries"] and (count - after) / count > limit:
                problems.append(f"would go from {count:,} to {after:,} {kind} entries")
    for field in _SHAPE_FIELDS:
        before = old.filled[field] / old.size if old.size else 0.0
        after_share = new.filled[field] / new.size if new.size else 0.0
        if before >= rules["field_min_share"] and after_share < before * rules["field_kept_ratio"]:
            problems.append(f"changes shape: {field} filled in {after_share:.0%} of entries, "
                            f"against {before:.0%} now (a renamed column or a missing companion file?)")
    return problems


@cache
def _rules() -> dict[str, Any]:
    return read_yaml(bundled("lists", "update_checks.yaml"))
