"""A node's users: role, clearance and nationality decide what they see; passwords and tokens are stored hashed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from kizuna.core.credentials import (
    UNKNOWN,
    LockedOut,
    check_new_password,
    check_password,
    hash_password,
    new_token,
    token_digest,
)
from kizuna.core.errors import InputError, NotFoundError
from kizuna.exchange import audit
from kizuna.exchange.audit import Event
from kizuna.exchange.config import check_classification, check_country3, roles, rules
from kizuna.exchange.node import Node, stamp
from kizuna.exchange.policy import Recipient

SESSION_HOURS = 8


@dataclass(frozen=True, slots=True)
class User:
    username: str
    role: str
    clearance: str
    nationality: str

    def recipient(self, node: Node) -> Recipient:
        """The user as marking checks see them: of this node's organisation, with their role's TLP ceiling."""
        return Recipient("user", self.username, self.nationality, node.identity_id, self.clearance,
                         roles()[self.role].tlp_max)

    def may(self, action: str) -> bool:
        return action in roles()[self.role].may

    @property
    def actor(self) -> str:
        return f"user:{self.username}"








def add_user(node: Node, username: str, role: str, clearance: str, nationality: str, password: str,
             actor: str = "cli") -> User:
    name = username.strip()
    if not name or not name.replace("-", "").replace("_", "").replace(".", "").isalnum():
        raise InputError(f"{username!r}: use letters, digits, '.', '-' and '_'", field="username")
    if role not in roles():
        raise InputError(f"unknown role {role!r} (one of {', '.join(roles())})", field="--role")
    check_new_password(password)
    user = User(name, role, check_classification(clearance, "--clearance"),
                check_country3(nationality, "--nationality"))
    with node.db.transaction():
        node.db.execute("INSERT INTO users (username, role, clearance, nationality, password, created) "
                        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (username) DO UPDATE SET role = excluded.role, "
                        "clearance = excluded.clearance, nationality = excluded.nationality, "
                        "password = excluded.password",
                        (user.username, user.role, user.clearance, user.nationality, hash_password(password),
                         stamp(datetime.now(UTC))))
        audit.append(node.db, Event("user-added", actor, detail={"username": user.username, "role": user.role,
                                                                 "clearance": user.clearance,
                                                                 "nationality": user.nationality}))
    return user


def get_user(node: Node, username: str) -> User:
    row = node.db.one("SELECT username, role, clearance, nationality FROM users WHERE username = ?", (username,))
    if row is None:
        raise NotFoundError(f"no user {username!r}")
    return User(*row)


def list_users(node: Node) -> list[User]:
    return [User(*r) for r in node.db.all("SELECT username, role, clearance, nationality FROM users ORDER BY username")]


def login(node: Node, username: str, password: str, source: str | None = None) -> str | None:
    """A new session token for the console, or None (audited either way); ``LockedOut`` after too many failures.

    Known and unknown names take the same path and the same scrypt work, and lock out the same way, so neither
    the time nor the answer tells which names exist.
    """
    subjects = [f"user:{username}"] + ([f"source:{source}"] if source else [])
    _refuse_if_locked(node, subjects)
    row = node.db.one("SELECT password, disabled FROM users WHERE username = ?", (username,))
    matches = check_password(password, row[0] if row else UNKNOWN)
    ok = row is not None and matches and not row[1]
    with node.db.transaction():
        audit.append(node.db, Event("login" if ok else "login-failed", f"user:{username}",
                                    detail={"source": source} if source else None))
        if ok:
            node.db.execute("DELETE FROM login_failures WHERE subject = ?", (subjects[0],))
        else:
            _count_failure(node, subjects)
    if not ok:
        return None
    return issue_token(node, username, "session", "console", timedelta(hours=SESSION_HOURS))


def _window() -> tuple[datetime, timedelta]:
    return datetime.now(UTC), timedelta(seconds=int(rules()["login"]["window_seconds"]))


def _limit(subject: str) -> int:
    limits = rules()["login"]
    return int(limits["max_failures_per_user" if subject.startswith("user:") else "max_failures_per_source"])


def _failures(node: Node, subject: str, since: datetime) -> int:
    return int(node.db.scalar("SELECT count(*) FROM login_failures WHERE subject = ? AND at > ?",
                              (subject, stamp(since))) or 0)


def _refuse_if_locked(node: Node, subjects: list[str]) -> None:
    now, window = _window()
    for subject in subjects:
        if _failures(node, subject, now - window) >= _limit(subject):
            raise LockedOut(f"too many failed sign-ins ({subject.split(':')[0]}): try again in "
                            f"{int(window.total_seconds() // 60)} minutes")


def _count_failure(node: Node, subjects: list[str]) -> None:
    """Record a failed sign-in; the failure that reaches a limit writes a ``login-locked`` audit record."""
    now, window = _window()
    node.db.execute("DELETE FROM login_failures WHERE at <= ?", (stamp(now - window),))
    for subject in subjects:
        node.db.execute("INSERT INTO login_failures (subject, at) VALUES (?, ?)", (subject, stamp(now)))
        if _failures(node, subject, now - window) == _limit(subject):
            kind, _, value = subject.partition(":")
            audit.append(node.db, Event("login-locked", subject if kind == "user" else "login",
                                        detail={kind: value, "failures": _limit(subject),
                                                "window_seconds": int(window.total_seconds())}))


def issue_token(node: Node, username: str, kind: str, label: str, ttl: timedelta | None = None,
                actor: str | None = None) -> str:
    """A bearer token (shown once); only its hash is stored. API tokens are audited (by id, never the token)."""
    get_user(node, username)
    token = new_token()
    now = datetime.now(UTC)
    with node.db.transaction():
        node.db.execute("INSERT INTO tokens (digest, username, kind, label, created, expires) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (token_digest(token), username, kind, label, stamp(now), stamp(now + ttl) if ttl else None))
        if kind != "session":
            audit.append(node.db, Event("token-issued", actor or "cli",
                                        detail={"token": token_digest(token)[:TOKEN_ID], "user": username,
                                                "label": label, "expires": stamp(now + ttl) if ttl else None}))
    return token




def user_for_token(node: Node, token: str | None) -> User | None:
    """The (enabled) user a current token acts as, or None."""
    if not token:
        return None
    row = node.db.one("SELECT u.username, u.role, u.clearance, u.nationality, t.expires, u.disabled FROM tokens t "
                      "JOIN users u ON u.username = t.username WHERE t.digest = ?", (token_digest(token),))
    if row is None or row[5] or (row[4] and row[4] < stamp(datetime.now(UTC))):
        return None
    return User(*row[:4])


def set_disabled(node: Node, username: str, disabled: bool, actor: str) -> User:
    """Disable a user (no sign-in, no token accepted; nothing deleted) or enable them again; audited."""
    user = get_user(node, username)
    with node.db.transaction():
        node.db.execute("UPDATE users SET disabled = ? WHERE username = ?",
                        (stamp(datetime.now(UTC)) if disabled else None, user.username))
        audit.append(node.db, Event("user-disabled" if disabled else "user-enabled", actor,
                                    detail={"username": user.username}))
    return user


def disabled_since(node: Node) -> dict[str, str]:
    """Disabled users and when they were disabled."""
    return dict(node.db.all("SELECT username, disabled FROM users WHERE disabled IS NOT NULL"))


# Tokens are named by the first characters of their hash: enough to tell them apart, useless to sign in.
TOKEN_ID = 12


@dataclass(frozen=True, slots=True)
class TokenInfo:
    id: str
    username: str
    kind: str
    label: str
    created: str
    expires: str | None

    @property
    def state(self) -> str:
        return "expired" if self.expires and self.expires <= stamp(datetime.now(UTC)) else "active"


def list_tokens(node: Node, username: str | None = None, kind: str | None = None) -> list[TokenInfo]:
    clauses, params = [], []
    for column, value in (("username", username), ("kind", kind)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = node.db.all(f"SELECT digest, username, kind, label, created, expires FROM tokens {where} "
                       f"ORDER BY created", params)
    return [TokenInfo(r[0][:TOKEN_ID], *r[1:]) for r in rows]


def expire_token(node: Node, token_id: str, actor: str) -> TokenInfo:
    """End a token now (by the id ``token list`` shows); audited."""
    prefix = token_id.strip().lower()
    if len(prefix) < 6 or not all(c in "0123456789abcdef" for c in prefix):
        raise InputError(f"{token_id!r}: give the token id `kizuna exchange token list` shows", field="TOKEN")
    rows = node.db.all("SELECT digest FROM tokens WHERE digest LIKE ?", (f"{prefix}%",))
    if len(rows) != 1:
        raise NotFoundError(f"no token {token_id!r}" if not rows else f"{token_id!r} is ambiguous: give more of it")
    now = stamp(datetime.now(UTC))
    with node.db.transaction():
        node.db.execute("UPDATE tokens SET expires = ? WHERE digest = ? AND (expires IS NULL OR expires > ?)",
                        (now, rows[0][0], now))
        audit.append(node.db, Event("token-expired", actor, detail={"token": rows[0][0][:TOKEN_ID]}))
    return next(t for t in list_tokens(node) if t.id == rows[0][0][:TOKEN_ID])


def logout(node: Node, token: str) -> None:
    with node.db.transaction():
        node.db.execute("DELETE FROM tokens WHERE digest = ?", (token_digest(token),))
