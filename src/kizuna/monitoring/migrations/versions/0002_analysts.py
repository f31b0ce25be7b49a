"""Analysts who sign in: a name, a scrypt password hash and when the analyst was disabled (nothing is deleted, so
every name in the audit log stays an analyst one can look up); and their tokens, kept as SHA-256 digests only —
console sessions and API tokens, each with its expiry. The audit log gets an index by subject: the sign-in
counts an analyst's refused attempts there, and a case page reads its own records.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SCHEMA = """
CREATE TABLE analysts (
    name TEXT PRIMARY KEY,
    password TEXT NOT NULL,
    created_at TEXT NOT NULL,
    disabled_at TEXT
);
CREATE TABLE analyst_tokens (
    digest TEXT PRIMARY KEY,
    analyst TEXT NOT NULL REFERENCES analysts(name),
    kind TEXT NOT NULL,
    label TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX analyst_tokens_analyst ON analyst_tokens (analyst);
CREATE INDEX audit_subject ON audit (subject, action, at)
"""


def upgrade() -> None:
    connection = op.get_bind()
    for statement in filter(str.strip, SCHEMA.split(";\n")):
        connection.exec_driver_sql(statement)


def downgrade() -> None:
    raise NotImplementedError("restore a backup instead")
