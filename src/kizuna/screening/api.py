"""The one public way to screen: a ``Party`` (or many) against the current list snapshot or a given set of
entries (a capability's own parties of concern, the denials an exchange node holds), returning ``Hit`` records.

Every capability screens through here; none builds its own ``Query`` or index. A party with aliases is screened
under each of its names and keeps the best hit per listed entry.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

from kizuna.core.entity import Entry
from kizuna.core.party import Party
from kizuna.screening.index import ScreeningIndex
from kizuna.screening.model import Hit, Query
from kizuna.screening.screener import Screener
from kizuna.screening.service import get_screener

DEFAULT_LIMIT = 25
_lock = threading.Lock()
_given: dict[str, Screener] = {}
_GIVEN_CACHE = 8  # screeners over given entry sets kept per process (a capability has one or two)


def screen(party: Party, *, entries: Sequence[Entry] | None = None, lists: Sequence[str] = (),
           threshold: float | None = None, limit: int = DEFAULT_LIMIT, screener: Screener | None = None) -> list[Hit]:
    """``party``'s hits, best first, at or above ``threshold`` (the scoring file's default when None).

    ``entries``: screen against these instead of the current snapshot; ``lists``: only these list codes;
    ``screener``: an explicit one (a given snapshot), else the current snapshot's.
    """
    active = screener or (for_entries(entries) if entries is not None else get_screener())
    best: dict[tuple[str, str], Hit] = {}
    for name in dict.fromkeys(n.text for n in party.names if n.text.strip()):
        for hit in active.screen(Query.of(party, name, tuple(lists)), threshold=threshold, limit=limit):
            key = (hit.list_code, hit.entry_id)
            if key not in best or hit.score > best[key].score:
                best[key] = hit
    # Stable by score: ties keep the screener's order (list, then entry), for one name the screener's ranking.
    return sorted(best.values(), key=lambda h: -h.score)[:limit]


def screen_many(parties: Iterable[Party], *, entries: Sequence[Entry] | None = None, lists: Sequence[str] = (),
                threshold: float | None = None, limit: int = DEFAULT_LIMIT,
                screener: Screener | None = None) -> list[list[Hit]]:
    """``screen`` for each party, in order, with one screener and the same options for all."""
    active = screener or (for_entries(entries) if entries is not None else get_screener())
    return [screen(party, lists=lists, threshold=threshold, limit=limit, screener=active) for party in parties]


def for_entries(entries: Sequence[Entry], cache: Path | None = None) -> Screener:
    """A screener over ``entries`` only, built once per distinct set (kept for the process).

    ``cache``: a file to keep the index in between processes (a capability's large, fixed set, such as the
    research capability's ROR organisations); it is rebuilt when the entries or the screening code changed."""
    key = _fingerprint(entries)
    with _lock:
        if key not in _given:
            if len(_given) >= _GIVEN_CACHE:
                _given.pop(next(iter(_given)))
            _given[key] = Screener(_given_index(entries, f"given:{key}", cache))
        return _given[key]


def _given_index(entries: Sequence[Entry], snapshot_id: str, cache: Path | None) -> ScreeningIndex:
    cached = ScreeningIndex.load(cache) if cache is not None else None
    if cached is not None and cached.snapshot_id == snapshot_id:
        return cached
    index = ScreeningIndex.build(entries, snapshot_id=snapshot_id)
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        index.save(cache)
    return index


def _fingerprint(entries: Sequence[Entry]) -> str:
    digest = hashlib.sha256()
    for entry in entries:
        digest.update("\x1f".join([entry.list_code, entry.entry_id, entry.name, *(a.text for a in entry.aliases),
                                   *entry.countries, entry.entity_type.value]).encode("utf-8") + b"\x1e")
    return digest.hexdigest()[:16]
