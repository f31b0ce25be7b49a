"""Passwords and bearer tokens, as every Kizuna store with users keeps them: passwords as scrypt hashes, tokens as
SHA-256 digests of 256-bit random values, so a copied database signs no one in."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from kizuna.core.errors import InputError, KizunaError


class NotSignedIn(KizunaError):
    """No valid credentials: a wrong password or token, an expired session, a disabled or unknown user."""


class LockedOut(NotSignedIn):
    """Too many failed sign-ins for this name (or from this source) within the rules file's window."""


# scrypt parameters: RFC 7914 §2 recommends N=2^14, r=8, p=1 for interactive logins.
_N, _R, _P = 2**14, 8, 1

# NIST SP 800-63B §5.1.1.2: memorized secrets of at least 8 characters; Kizuna asks 12, as its exchange node does.
MIN_PASSWORD = 12

# A stored hash no password matches (no password derives an all-zero key): an unknown name is checked against it
# at the same scrypt cost, so the time of a refusal does not tell which names exist.
UNKNOWN = f"scrypt${_N}${_R}${_P}${'00' * 16}${'00' * 64}"


def check_new_password(password: str, field: str = "--password") -> str:
    """``password`` if it is long enough to be set; an ``InputError`` naming ``field`` otherwise."""
    if len(password) < MIN_PASSWORD:
        raise InputError(f"a password needs at least {MIN_PASSWORD} characters", field=field)
    return password


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        computed = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p))
    except ValueError:
        return False
    return hmac.compare_digest(computed.hex(), digest)


def new_token() -> str:
    """A bearer token (256 random bits, URL-safe): shown once, stored only as ``token_digest``."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """Tokens are 256-bit random values, so a plain SHA-256 is enough to store them safely."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_from_header(authorization: str | None) -> str | None:
    """The token of an ``Authorization`` header: ``Bearer <token>`` (RFC 6750), or ``Token <token>``, which is
    what taxii2-client's ``TokenAuth`` sends; None for anything else."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    if scheme.lower() not in ("bearer", "token") or not token.strip():
        return None
    return token.strip()
