"""Shared ideas every capability imports: entities, names and scripts, countries, provenance.

This package imports no capability.
"""
