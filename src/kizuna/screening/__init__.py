"""Screening parties against the lists: normalisation, index, matching and explanations."""

from kizuna.screening.model import Hit, Query
from kizuna.screening.service import get_screener

__all__ = ["Hit", "Query", "get_screener"]
