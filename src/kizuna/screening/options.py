"""Every screening option checked in one place, for ``kizuna screen``, ``kizuna screen-file`` and the API.

An option that cannot be honoured must stop the screening with an error, never narrow it: a typo in a list code,
a list with no loaded source, a threshold above 1, a limit of 0 or a date of birth that is not a date would each
make Kizuna answer "no hits" without having screened. Each check raises an ``OptionError`` naming the option
(``--lists`` on the command line, ``lists`` in the API, a column in a file) and what would be accepted.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from kizuna.core.countries import to_alpha2
from kizuna.core.entity import PartyKind
from kizuna.core.errors import InputError
from kizuna.core.party import Party
from kizuna.lists.registry import known_lists
from kizuna.screening.model import Query
from kizuna.screening.tables import limits

_TYPES = {"": PartyKind.UNKNOWN, "any": PartyKind.UNKNOWN, "person": PartyKind.PERSON,
          "individual": PartyKind.PERSON, "organization": PartyKind.ORGANIZATION,
          "organisation": PartyKind.ORGANIZATION, "entity": PartyKind.ORGANIZATION,
          "company": PartyKind.ORGANIZATION, "vessel": PartyKind.VESSEL, "aircraft": PartyKind.AIRCRAFT}
_BIRTH_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


class OptionError(InputError):
    """A screening option or query field that cannot be screened as given."""


class TooMuchWork(InputError):
    """A request asking for more work than ``data/screening/limits.yaml`` allows (HTTP 413)."""


@dataclass(frozen=True, slots=True)
class Options:
    """Checked options of one screening run."""

    lists: tuple[str, ...]  # empty: every loaded list
    threshold: float
    limit: int


def check_options(
    loaded: Mapping[str, str],
    *,
    lists: Iterable[str] | None,
    threshold: float | None,
    default_threshold: float,
    limit: int,
    fields: Mapping[str, str] | None = None,
) -> Options:
    """The run's options, checked against the lists ``loaded`` (code -> data date)."""
    label = _labels(fields)
    return Options(check_lists(lists, loaded, label("lists")),
                   check_threshold(threshold, default_threshold, label("threshold")),
                   check_limit(limit, label("limit")))


def check_party(
    name: str,
    *,
    id: str | None = None,
    country: str | None = None,
    entity_type: str = "any",
    birth_date: str | None = None,
    fields: Mapping[str, str] | None = None,
) -> Party:
    """The party to screen from its fields as a user gave them (a command's arguments, an API request's party, a
    file's row), each checked; ``fields`` renames the fields in error messages (``--country``, ``parties[2].name``).
    """
    label = _labels(fields)
    checked_id = check_text(id, label("id")).strip() if id is not None else ""
    return Party(check_name(name, label("name")), check_type(entity_type, label("type")), id=checked_id,
                 country=check_country(country, label("country")),
                 birth_date=check_birth_date(birth_date, label("birth_date")))


def make_query(
    name: str,
    *,
    country: str | None = None,
    entity_type: str = "any",
    birth_date: str | None = None,
    lists: tuple[str, ...] = (),
    fields: Mapping[str, str] | None = None,
) -> Query:
    """The query of one checked party (``check_party``), for screening rows in bulk with one screener."""
    party = check_party(name, country=country, entity_type=entity_type, birth_date=birth_date, fields=fields)
    return Query.of(party, party.name, lists)


def check_name(value: str, field: str = "name") -> str:
    """The name stripped; refused when empty, longer than ``max_name_length`` or not clean Unicode text."""
    text = check_text(value, field).strip()
    if not text:
        raise OptionError("empty name: give the party's name", field=field)
    longest = limits().max_name_length
    if len(text) > longest:
        raise OptionError(f"name of {len(text):,} characters is longer than the {longest:,} allowed "
                          "(data/screening/limits.yaml)", field=field)
    return text


def check_text(value: str, field: str) -> str:
    """``value`` unless it holds a lone surrogate (bytes that were not UTF-8) or a control character."""
    for position, char in enumerate(value):
        category = unicodedata.category(char)
        if category == "Cs":
            raise OptionError(f"character {position + 1} is a lone surrogate (U+{ord(char):04X}): the text was "
                              "not valid UTF-8", field=field)
        if category == "Cc" and char != "\t":
            raise OptionError(f"character {position + 1} is the control character U+{ord(char):04X}",
                              field=field)
    return value


def check_country(value: str | None, field: str = "country") -> str | None:
    """The ISO alpha-2 code of a country given by code or name; None when not given."""
    if value is None or not value.strip():
        return None
    code = to_alpha2(check_text(value, field))
    if code is None:
        raise OptionError(f"unknown country {value!r} (use an ISO 3166 alpha-2 code)", field=field)
    return code


def check_type(value: str, field: str = "type") -> PartyKind:
    """A party type as users write it (person, organization, any and their synonyms)."""
    key = value.strip().lower()
    if key not in _TYPES:
        raise OptionError(f"unknown type {value!r} (use person, organization or any)", field=field)
    return _TYPES[key]


def check_birth_date(value: str | None, field: str = "birth_date") -> str | None:
    """An ISO date of birth (YYYY-MM-DD, YYYY-MM or YYYY) that exists and is not in the future."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    found = _BIRTH_DATE.fullmatch(text)
    problem = None if found else "is not a date"
    if found:
        year, month, day = (int(part) if part else 1 for part in found.groups())
        try:
            born = date(year, month, day)
        except ValueError:
            problem = "is not a calendar date"
        else:
            if born > date.today():
                problem = "is in the future"
            elif year < limits().earliest_birth_year:
                problem = f"is before {limits().earliest_birth_year}"
    if problem:
        raise OptionError(f"date of birth {value!r} {problem} (use YYYY-MM-DD, YYYY-MM or YYYY)", field=field)
    return text


def check_threshold(value: float | None, default: float, field: str = "threshold") -> float:
    """The threshold, a finite score from 0 to 1; the configured default when not given."""
    if value is None:
        return default
    if not math.isfinite(value) or not 0 <= value <= 1:
        raise OptionError(f"threshold {value} is not a score from 0 to 1 (default {default})", field=field)
    return float(value)


def check_limit(value: int, field: str = "limit") -> int:
    """The most hits to report per party: from 1 to ``max_limit``."""
    most = limits().max_limit
    if not 1 <= value <= most:
        raise OptionError(f"limit {value} is not from 1 to {most} (data/screening/limits.yaml)", field=field)
    return value


def check_lists(codes: Iterable[str] | None, loaded: Mapping[str, str], field: str = "lists") -> tuple[str, ...]:
    """The list codes asked for, each known and loaded; () (every loaded list) when none is asked for."""
    if codes is None:
        return ()
    wanted = tuple(dict.fromkeys(check_text(code, field).strip() for code in codes))
    if not wanted or "" in wanted:
        raise OptionError(f"{'an empty' if wanted else 'no'} list code; loaded lists: {', '.join(loaded)}",
                          field=field)
    registered = known_lists()
    for code in wanted:
        if code in loaded:
            continue
        if code in registered:
            raise OptionError(f"list {code!r} ({registered[code].name}) has no entries in the loaded snapshot, "
                              f"so nothing would be screened against it; loaded lists: {', '.join(loaded)}",
                              field=field)
        close = difflib.get_close_matches(code, list(loaded), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise OptionError(f"unknown list {code!r}; {hint}loaded lists: {', '.join(loaded)}", field=field)
    return wanted


def check_batch(names: Sequence[str], field: str = "parties") -> None:
    """Refuse a batch with more parties, or more characters in all, than one request may screen."""
    bounds = limits()
    if len(names) > bounds.max_batch:
        raise TooMuchWork(f"{len(names):,} parties in one request; at most {bounds.max_batch:,} "
                          "(data/screening/limits.yaml): send them in several requests", field=field)
    characters = sum(len(name) for name in names)
    if characters > bounds.max_batch_characters:
        raise TooMuchWork(f"the names in this request have {characters:,} characters in all; at most "
                          f"{bounds.max_batch_characters:,} (data/screening/limits.yaml): send them in several "
                          "requests", field=field)


def _labels(fields: Mapping[str, str] | None) -> Callable[[str], str]:
    """The name a caller gives each field in its messages (``--lists`` on the command line)."""
    names = fields or {}
    return lambda key: names.get(key, key)
