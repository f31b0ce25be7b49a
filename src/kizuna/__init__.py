"""Kizuna: allied technology-security toolkit."""

__version__ = "0.1.0"
