"""Submarine-cable resilience and trusted-route analysis: which places stay connected when cables, landing
stations or whole corridors fail, whether routes can avoid cables of concern, and what to build next.

Cables are the units of failure: every cut counts whole cables, exactly (max-flow on a node-split network).
"""
