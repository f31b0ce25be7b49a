"""What an import produces: one list's entries with the date and file they come from."""

from __future__ import annotations

from dataclasses import dataclass, field

from kizuna.core.entity import Entry


@dataclass(slots=True)
class ListData:
    """The entries of one list as read from one publication."""

    code: str
    data_date: str
    source: str  # the file(s) read, as shown to users
    entries: list[Entry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
