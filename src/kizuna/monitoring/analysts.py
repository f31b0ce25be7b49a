"""The analysts who act on registers and cases, and how they prove who they are.

The four-eyes rule is only as good as the names it compares, so no entry point takes a name on trust: the console
signs an analyst in with a password (a session cookie), the API takes a bearer token, the CLI a token or the
analyst's password. Each gives an ``Analyst``, which ``cases.check_actor`` confirms is still enabled before
anything changes. Passwords are scrypt hashes and tokens SHA-256 digests (``kizuna.core.credentials``); sign-ins,
refusals and lock-outs are in the audit log, and the failures counted there lock a name out for a while
(``data/monitoring/rules.yaml``, ``sign_in``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from kizuna.core import credentials
from kizuna.core.credentials import LockedOut, NotSignedIn
from kizuna.core.errors import InputError, NotFoundError
from kizuna.monitoring.rules import rules
from kizuna.monitoring.store import MonitoringStore, now
from kizuna.screening.options import check_text

SYSTEM = "kizuna"  # the actor of what the re-screen does by itself: no analyst may take the name
_NAME_CHARACTERS = frozenset("._-@")


@dataclass(frozen=True, slots=True)
class Analyst:
    """An analyst whose credentials were checked (made only by this module's sign-in functions)."""

    name: str


def check_name(name: str, field: str = "name") -> str:
    """A clean analyst name: letters, digits, '.', '_', '-' and '@', at most 80, never the re-screen's own."""
    text = check_text(name or "", field).strip()
    if not text or len(text) > 80 or not all(c.isalnum() or c in _NAME_CHARACTERS for c in text):
        raise InputError(f"analyst name {name!r}: letters, digits, '.', '_', '-' or '@' (at most 80)", field=field)
    if text == SYSTEM:
        raise InputError(f"{SYSTEM!r} is the name of Kizuna's own re-screen; analysts act under their own name",
                         field=field)
    return text


def add(store: MonitoringStore, name: str, password: str, actor: str) -> str:
    """Add an analyst, or set a new password for one (enabled again, and every session and token they had
    ended: a reset is what one does when a password may be known); audited, the password never."""
    who = check_name(name)
    digest = credentials.hash_password(credentials.check_new_password(password))
    with store.transaction():
        known = store.run("SELECT name FROM analysts WHERE name = :name", {"name": who}).scalar()
        if known:
            store.run("UPDATE analysts SET password = :password, disabled_at = NULL WHERE name = :name",
                      {"name": who, "password": digest})
            store.run("DELETE FROM analyst_tokens WHERE analyst = :name", {"name": who})
        else:
            store.run("INSERT INTO analysts (name, password, created_at) VALUES (:name, :password, :at)",
                      {"name": who, "password": digest, "at": now()})
        store.audit(actor, "analyst password set" if known else "analyst added", f"analyst:{who}")
    return who


def disable(store: MonitoringStore, name: str, actor: str) -> None:
    """Disable an analyst: no sign-in, no token accepted; their decisions stay theirs. Audited."""
    with store.transaction():
        if not enabled(store, name):
            raise NotFoundError(f"no enabled analyst {name!r}")
        store.run("UPDATE analysts SET disabled_at = :at WHERE name = :name", {"name": name, "at": now()})
        store.run("DELETE FROM analyst_tokens WHERE analyst = :name", {"name": name})
        store.audit(actor, "analyst disabled", f"analyst:{name}")


def listed(store: MonitoringStore) -> list[dict[str, Any]]:
    """Every analyst, enabled or not, with their active tokens."""
    rows = store.run("SELECT a.name, a.created_at, a.disabled_at, COUNT(t.digest) AS tokens FROM analysts a "
                     "LEFT JOIN analyst_tokens t ON t.analyst = a.name AND t.expires_at > :now "
                     "GROUP BY a.name, a.created_at, a.disabled_at ORDER BY a.name", {"now": now()})
    return [dict(row) for row in rows.mappings()]


def enabled(store: MonitoringStore, name: str) -> bool:
    return bool(store.run("SELECT 1 FROM analysts WHERE name = :name AND disabled_at IS NULL",
                          {"name": name}).scalar())


def with_password(store: MonitoringStore, name: str, password: str, source: str = "cli") -> Analyst:
    """The analyst, when ``password`` is theirs; ``NotSignedIn`` (audited, counted towards a lock-out) if not.

    Known and unknown names cost the same scrypt work and get the same answer, so neither tells which names exist.
    """
    who = (name or "").strip()
    _refuse_if_locked(store, who)
    row = store.run("SELECT password, disabled_at FROM analysts WHERE name = :name", {"name": who}).first()
    matches = credentials.check_password(password, row.password if row else credentials.UNKNOWN)
    refused = row is None or not matches or bool(row.disabled_at)
    subject = f"analyst:{who}"[:100]
    with store.transaction():
        store.audit(subject if refused else who, "sign-in refused" if refused else "signed in", subject,
                    source=source)
        if refused and _failures(store, who) == rules().sign_in.max_failures:
            store.audit(SYSTEM, "sign-in locked", subject, failures=rules().sign_in.max_failures)
    if refused:
        raise NotSignedIn("wrong analyst name or password")
    return Analyst(who)


def session_hours() -> int:
    return rules().sign_in.session_hours


def sign_in(store: MonitoringStore, name: str, password: str, source: str) -> str:
    """Check the password and open a console session: the session token (for the cookie)."""
    analyst = with_password(store, name, password, source)
    return issue_token(store, analyst, "session", f"console from {source}", timedelta(hours=session_hours()))


def issue_token(store: MonitoringStore, analyst: Analyst, kind: str, label: str, lifetime: timedelta) -> str:
    """A new bearer token for ``analyst`` (shown once; only its digest is stored). API tokens are audited."""
    token = credentials.new_token()
    at = datetime.now(UTC)
    with store.transaction():
        store.run("INSERT INTO analyst_tokens (digest, analyst, kind, label, created_at, expires_at) "
                  "VALUES (:digest, :analyst, :kind, :label, :at, :expires)",
                  {"digest": credentials.token_digest(token), "analyst": analyst.name, "kind": kind,
                   "label": check_text(label, "label")[:200], "at": _stamp(at), "expires": _stamp(at + lifetime)})
        if kind != "session":
            store.audit(analyst.name, "token issued", f"analyst:{analyst.name}", label=label,
                        expires=_stamp(at + lifetime))
    return token


def issue_api_token(store: MonitoringStore, analyst: Analyst, label: str, days: int | None = None) -> str:
    """An API token for ``analyst``, lasting ``days`` (at most, and by default, ``sign_in.api_token_days``)."""
    most = rules().sign_in.api_token_days
    lifetime = most if days is None else days
    if not 1 <= lifetime <= most:
        raise InputError(f"a token lasts 1 to {most} days (rules.yaml, sign_in.api_token_days)", field="days")
    return issue_token(store, analyst, "api", label, timedelta(days=lifetime))


def with_token(store: MonitoringStore, token: str | None) -> Analyst:
    """The enabled analyst a current token belongs to; ``NotSignedIn`` otherwise."""
    if not token:
        raise NotSignedIn("sign in first (the console), or send an analyst's token "
                          "(Authorization: Bearer <token>; kizuna analysts token NAME)")
    row = store.run("SELECT a.name FROM analyst_tokens t JOIN analysts a ON a.name = t.analyst "
                    "WHERE t.digest = :digest AND t.expires_at > :now AND a.disabled_at IS NULL",
                    {"digest": credentials.token_digest(token), "now": now()}).first()
    if row is None:
        raise NotSignedIn("this token is unknown, expired or its analyst disabled: sign in again")
    return Analyst(row.name)


def sign_out(store: MonitoringStore, token: str) -> None:
    with store.transaction():
        store.run("DELETE FROM analyst_tokens WHERE digest = :digest", {"digest": credentials.token_digest(token)})


def _stamp(at: datetime) -> str:
    return at.isoformat(timespec="seconds")


def _failures(store: MonitoringStore, name: str) -> int:
    """Refused sign-ins of ``name`` in the window and since its last successful one (which clears the count)."""
    since = _stamp(datetime.now(UTC) - timedelta(seconds=rules().sign_in.window_seconds))
    subject = f"analyst:{name}"[:100]
    last = store.run("SELECT MAX(at) FROM audit WHERE subject = :subject AND action = 'signed in'",
                     {"subject": subject}).scalar()
    return int(store.run("SELECT COUNT(*) FROM audit WHERE subject = :subject AND action = 'sign-in refused' "
                         "AND at >= :since", {"subject": subject, "since": max(since, last or "")}).scalar() or 0)


def _refuse_if_locked(store: MonitoringStore, name: str) -> None:
    limits = rules().sign_in
    if _failures(store, name) >= limits.max_failures:
        raise LockedOut(f"too many failed sign-ins for {name!r}: try again in "
                        f"{limits.window_seconds // 60} minutes")
