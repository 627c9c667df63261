"""Password hashing with Argon2id."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()

# verified against when the account does not exist, so timing does not reveal which e-mails are known
_DUMMY_HASH = _hasher.hash("border-trade-dummy-password")


def hash_password(password):
    """Hash a password for storage."""
    return _hasher.hash(password)


def check_password(password_hash, password):
    """Tell whether a password matches a stored hash (a missing hash never matches)."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash):
    """Tell whether a stored hash uses outdated parameters."""
    return _hasher.check_needs_rehash(password_hash)
