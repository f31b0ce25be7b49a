"""Loaded graphs move from JSON files into the database; the files are imported and left in place as a backup.

Before this revision (Kizuna 45fbcb3 and earlier) each loaded graph was ``$KIZUNA_HOME/ownership/graphs/<name>.json``
holding ``{"info": …, "graph": …}``. A file that cannot be read stops the upgrade (and the transaction leaves the
database as it was), naming the file: nothing is dropped silently.

Revision ID: 0001
Revises: (none)
"""

from __future__ import annotations

import json

from alembic import op

from kizuna.core.errors import InputError
from kizuna.core.paths import home

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

COLUMNS = ("name", "source", "source_format", "parties", "edges", "claims", "loaded_at", "sha256")


def upgrade() -> None:
    connection = op.get_bind()
    connection.exec_driver_sql(
        "CREATE TABLE graphs (name TEXT PRIMARY KEY, source TEXT NOT NULL, source_format TEXT NOT NULL, "
        "parties INTEGER NOT NULL, edges INTEGER NOT NULL, claims INTEGER NOT NULL, loaded_at TEXT NOT NULL, "
        "sha256 TEXT NOT NULL, graph TEXT NOT NULL)")
    rows = []
    for path in sorted((home() / "ownership" / "graphs").glob("*.json")):
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
            info = stored["info"]
            rows.append((*(info[column] for column in COLUMNS), json.dumps(stored["graph"], ensure_ascii=False)))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise InputError(f"cannot import this stored graph into the database: {exc}", path=path) from exc
    if rows:
        marks = ", ".join(["%s" if connection.dialect.name == "postgresql" else "?"] * (len(COLUMNS) + 1))
        connection.exec_driver_sql(f"INSERT INTO graphs ({', '.join(COLUMNS)}, graph) VALUES ({marks})", rows)


def downgrade() -> None:
    raise NotImplementedError("the ownership store is never downgraded: its JSON backup is still in place")
