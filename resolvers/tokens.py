"""Access tokens (short-lived JWTs bound to a session) and opaque secrets stored as hashes."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import jwt

ALGORITHM = "HS256"


def now() -> datetime:
    return datetime.now(UTC)


def new_secret(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_access_token(secret_key: str, user_id: int, session_id: int, minutes: int) -> str:
    issued = now()
    payload = {"sub": str(user_id), "sid": session_id, "iat": issued,
               "exp": issued + timedelta(minutes=minutes), "typ": "access"}
    return jwt.encode(payload, secret_key, algorithm=ALGORITHM)


def read_access_token(secret_key: str, token: str) -> tuple[int, int] | None:
    """(user id, session id) of a valid, unexpired access token; None otherwise."""
    try:
        payload = jwt.decode(token, secret_key, algorithms=[ALGORITHM],
                             options={"require": ["exp", "sub", "sid"]})
    except jwt.PyJWTError:
        return None
    if payload.get("typ") != "access":
        return None
    try:
        return int(payload["sub"]), int(payload["sid"])
    except (TypeError, ValueError):
        return None
