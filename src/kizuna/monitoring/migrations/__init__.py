"""The monitoring store's Alembic revisions (``versions/``); ``HEAD`` names the newest (kept in step by a test)."""

HEAD = "0003"
