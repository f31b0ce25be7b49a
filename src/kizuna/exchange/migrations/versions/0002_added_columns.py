"""Columns added after the exchange's first release: a user's disabled date, a peer's removal date and TLS CA.

Homes of Kizuna 45fbcb3 already have them (that code added them when it opened a node); older ones get them here.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Columns added after the first release: added to an existing database when the node opens it.
ADDED_COLUMNS = [
    ("users", "disabled", "TEXT"),  # when the user was disabled (NULL: active)
    ("peers", "removed", "TEXT"),  # when the peer was removed: nothing it sent is deleted, nothing is exchanged
    ("peers", "tls_ca", "TEXT"),  # PEM certificates the peer's TLS certificate must chain to (or be)
]


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    for table, column, kind in ADDED_COLUMNS:
        if column not in {c["name"] for c in inspector.get_columns(table)}:
            op.get_bind().exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")


def downgrade() -> None:
    raise NotImplementedError("the exchange store is never downgraded: restore a backup instead")
