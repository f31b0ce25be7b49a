"""The exchange node's first schema: its tables, indexes and the audit log's append-only guards.

Written with ``IF NOT EXISTS`` (and guards that replace themselves), so a node's home from before schema versions
(Kizuna of commit 45fbcb3 and earlier) is brought under version control in place, its data untouched.

Revision ID: 0001
Revises: (none)
"""

from __future__ import annotations

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL, stamp TEXT NOT NULL)""",
    # The latest version of every object this node holds, its own and those received. ``seq`` and
    # ``date_added`` move forward with every new version, so a cursor over them sees each change once.
    """CREATE TABLE IF NOT EXISTS objects (
        id TEXT PRIMARY KEY, type TEXT NOT NULL, modified TEXT NOT NULL, originator TEXT NOT NULL,
        local INTEGER NOT NULL, received_from TEXT, seq BIGINT NOT NULL UNIQUE, date_added TEXT NOT NULL,
        status TEXT, body TEXT NOT NULL)""",
    """CREATE INDEX IF NOT EXISTS objects_type ON objects (type, local)""",
    """CREATE INDEX IF NOT EXISTS objects_added ON objects (date_added)""",
    """CREATE TABLE IF NOT EXISTS marking_definitions (id TEXT PRIMARY KEY, body TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS versions (id TEXT NOT NULL, modified TEXT NOT NULL, body TEXT NOT NULL,
        PRIMARY KEY (id, modified))""",
    """CREATE TABLE IF NOT EXISTS peers (
        identity TEXT PRIMARY KEY, name TEXT NOT NULL, country TEXT NOT NULL, url TEXT NOT NULL,
        public_key TEXT NOT NULL, max_classification TEXT NOT NULL, enabled INTEGER NOT NULL,
        cursor TEXT, last_sync TEXT, added TEXT NOT NULL)""",
    # Which version of which object went to which peer, or was refused: refusals are audited once, and a peer
    # that held an object it is no longer entitled to is told to withdraw it.
    """CREATE TABLE IF NOT EXISTS deliveries (
        peer TEXT NOT NULL, object_id TEXT NOT NULL, modified TEXT NOT NULL, outcome TEXT NOT NULL,
        PRIMARY KEY (peer, object_id, modified, outcome))""",
    """CREATE TABLE IF NOT EXISTS nonces (node TEXT NOT NULL, nonce TEXT NOT NULL, seen TEXT NOT NULL,
        PRIMARY KEY (node, nonce))""",
    """CREATE TABLE IF NOT EXISTS users (
        username TEXT PRIMARY KEY, role TEXT NOT NULL, clearance TEXT NOT NULL, nationality TEXT NOT NULL,
        password TEXT NOT NULL, created TEXT NOT NULL)""",
    # Failed console sign-ins by user name and by source address, for the lockout window of rules.yaml.
    """CREATE TABLE IF NOT EXISTS login_failures (subject TEXT NOT NULL, at TEXT NOT NULL)""",
    """CREATE INDEX IF NOT EXISTS login_failures_subject ON login_failures (subject, at)""",
    # Peers' former node keys: 'retired' by a rotation (their old checkpoints stay valid) or 'revoked'
    # (compromised: nothing signed by them is accepted any more).
    """CREATE TABLE IF NOT EXISTS peer_keys (public_key TEXT PRIMARY KEY, peer TEXT NOT NULL, state TEXT NOT NULL,
        at TEXT NOT NULL, reason TEXT NOT NULL)""",
    # Refused requests per source and time slot, beyond those audited one by one (see rules.yaml).
    """CREATE TABLE IF NOT EXISTS refused_requests (source TEXT NOT NULL, slot BIGINT NOT NULL,
        refused BIGINT NOT NULL, PRIMARY KEY (source, slot))""",
    """CREATE TABLE IF NOT EXISTS tokens (
        digest TEXT PRIMARY KEY, username TEXT NOT NULL, kind TEXT NOT NULL, label TEXT NOT NULL,
        created TEXT NOT NULL, expires TEXT)""",
    """CREATE TABLE IF NOT EXISTS applications (
        id TEXT PRIMARY KEY, created TEXT NOT NULL, officer TEXT NOT NULL, status TEXT NOT NULL,
        body TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS audit (
        seq BIGINT PRIMARY KEY, at TEXT NOT NULL, event TEXT NOT NULL, actor TEXT NOT NULL, object_id TEXT,
        version TEXT, peer TEXT, detail TEXT NOT NULL, prev TEXT NOT NULL, hash TEXT NOT NULL)""",
    """CREATE INDEX IF NOT EXISTS audit_object ON audit (object_id)""",
    # Signed heads of an audit log: this node's own, and those its peers signed and this node keeps for them.
    """CREATE TABLE IF NOT EXISTS audit_checkpoints (
        node TEXT NOT NULL, seq BIGINT NOT NULL, hash TEXT NOT NULL, at TEXT NOT NULL, signature TEXT NOT NULL,
        PRIMARY KEY (node, seq))""",
]

# The audit tables refuse updates and deletes at the database, not only in Kizuna's code, and an audit record
# can only be added after the last one: in SQLite ``INSERT OR REPLACE`` deletes the old row without firing a
# DELETE trigger, so the insert itself is checked.
_GUARDED = ("audit", "audit_checkpoints")
SQLITE_AUDIT_GUARDS = [
    *[f"""CREATE TRIGGER IF NOT EXISTS {table}_no_{verb} BEFORE {verb.upper()} ON {table}
         BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"""
      for table in _GUARDED for verb in ("update", "delete")],
    """CREATE TRIGGER IF NOT EXISTS audit_append_at_end BEFORE INSERT ON audit
       WHEN NEW.seq <= (SELECT coalesce(max(seq), 0) FROM audit)
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_checkpoints_no_replace BEFORE INSERT ON audit_checkpoints
       WHEN EXISTS (SELECT 1 FROM audit_checkpoints WHERE node = NEW.node AND seq = NEW.seq)
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]
POSTGRES_AUDIT_GUARDS = [
    """CREATE OR REPLACE FUNCTION kizuna_audit_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE FUNCTION kizuna_audit_append_at_end() RETURNS trigger AS $$
       BEGIN
         IF EXISTS (SELECT 1 FROM audit WHERE seq >= NEW.seq) THEN
           RAISE EXCEPTION 'the audit log is append-only';
         END IF;
         RETURN NEW;
       END; $$ LANGUAGE plpgsql""",
    *[statement for table in _GUARDED for statement in (
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION kizuna_audit_append_only()""",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
        f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION kizuna_audit_append_only()""")],
    """DROP TRIGGER IF EXISTS audit_append_at_end ON audit""",
    """CREATE TRIGGER audit_append_at_end BEFORE INSERT ON audit
       FOR EACH ROW EXECUTE FUNCTION kizuna_audit_append_at_end()""",
]


def upgrade() -> None:
    connection = op.get_bind()
    guards = SQLITE_AUDIT_GUARDS if connection.dialect.name == "sqlite" else POSTGRES_AUDIT_GUARDS
    for statement in [*SCHEMA, *guards]:
        connection.exec_driver_sql(statement)


def downgrade() -> None:
    raise NotImplementedError("the exchange store is never downgraded: restore a backup instead")
