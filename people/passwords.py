"""Password hashing with Argon2id (argon2-cffi), rehashing old hashes when parameters change."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MINIMUM_PASSWORD_LENGTH = 12
# Every demo account's password (demo/county.py); the production configuration refuses it.
DEMO_PASSWORD = "demo-password"

_standard = PasswordHasher()
# Only for the test suite, where hundreds of sign-ins would otherwise take minutes.
_fast = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def _hasher() -> PasswordHasher:
    return _fast if current_app.config.get("PASSWORD_HASH_FAST") else _standard


def hash_password(password: str) -> str:
    return _hasher().hash(password)


_stand_in_hashes: dict[int, str] = {}


def stand_in_hash() -> str:
    """A real hash of no one's password, made once per hasher: checking a password against it
    costs what checking a real one costs."""
    hasher = _hasher()
    if id(hasher) not in _stand_in_hashes:
        _stand_in_hashes[id(hasher)] = hasher.hash(secrets.token_urlsafe(24))
    return _stand_in_hashes[id(hasher)]


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
