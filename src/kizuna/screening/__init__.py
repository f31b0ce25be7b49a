"""Screening parties against the lists: normalisation, index, matching and explanations.

``screen`` and ``screen_many`` are the public entry (``kizuna.screening.api``); ``Hit`` is the one hit type.
"""

from kizuna.screening.api import for_entries, screen, screen_many
from kizuna.screening.model import Hit, Query
from kizuna.screening.service import get_screener

__all__ = ["Hit", "Query", "for_entries", "get_screener", "screen", "screen_many"]
