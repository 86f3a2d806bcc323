"""Encryption of short secrets kept at rest (a tracking token on an outbox row or in the session).

Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`). The key is FIELD_ENCRYPTION_KEY (one or more
Fernet keys, comma-separated: the first encrypts, all decrypt, so a key can be rotated), or else derived from
SECRET_KEY. Either way the key is not in the database, so a copy of the database alone reveals no token.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

__all__ = ["InvalidToken", "decrypt", "encrypt"]


def _fernet() -> MultiFernet:
    keys = [key for key in settings.FIELD_ENCRYPTION_KEY if key]
    if not keys:
        digest = hashlib.sha256(b"voordeur.field-encryption:" + settings.SECRET_KEY.encode()).digest()
        keys = [base64.urlsafe_b64encode(digest).decode()]
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(value: str, *, ttl: int | None = None) -> str:
    """The clear text; raises InvalidToken when tampered with, made with another key or older than `ttl`."""
    return _fernet().decrypt(value.encode(), ttl=ttl).decode()
