"""Password hashing (argon2) and the password policy."""

from __future__ import annotations

import functools
import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from resolvers.errors import Collector

_hasher = PasswordHasher()

MIN_LENGTH = 10
MAX_LENGTH = 128


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against when the user does not exist, so timing does not reveal it."""
    return _hasher.hash("dummy-password-for-timing")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def policy_errors(password: str, username: str = "", field: str = "password") -> list[tuple[str, str, str]]:
    """Why a password is refused: length, at least three character classes, not the username."""
    errors = Collector()
    if len(password) < MIN_LENGTH:
        errors.add(field, f"密码至少需要{MIN_LENGTH}个字符", "PASSWORD_TOO_SHORT")
    elif len(password) > MAX_LENGTH:
        errors.add(field, f"密码不能超过{MAX_LENGTH}个字符", "PASSWORD_TOO_LONG")
    classes = sum([
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(c in string.punctuation or not c.isascii() or c.isspace() for c in password),
    ])
    if classes < 3:
        errors.add(field, "密码需包含大写字母、小写字母、数字、符号中的至少三类", "PASSWORD_TOO_WEAK")
    if username and username.lower() in password.lower():
        errors.add(field, "密码不能包含用户名", "PASSWORD_CONTAINS_USERNAME")
    return errors.errors
