"""Allied exchange: agency nodes that share signed STIX 2.1 denials, consultations and screening intelligence.

Nothing leaves a node, and nothing is shown to a user, unless every marking on it allows that recipient.
"""
