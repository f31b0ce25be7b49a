"""A POA&M item's position in its plan, so the plan keeps its order on any database.

Before this revision the order was SQLite's ``rowid`` (the insertion order); existing items keep that order.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    connection = op.get_bind()
    connection.exec_driver_sql("ALTER TABLE poam_items ADD COLUMN position INTEGER NOT NULL DEFAULT 0")
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("UPDATE poam_items SET position = rowid")


def downgrade() -> None:
    raise NotImplementedError("the cyber store is never downgraded: restore a backup instead")
