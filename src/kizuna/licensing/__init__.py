"""Licence checking on its own: an application's control entries and end user against the denials a
``DenialSource`` holds (an exchange node, or any other), answered as findings with evidence and citations."""

from kizuna.licensing.check import DenialMatch, LicenceCheck
from kizuna.licensing.denials import Denial, DenialSource
from kizuna.licensing.service import check

__all__ = ["Denial", "DenialMatch", "DenialSource", "LicenceCheck", "check"]
