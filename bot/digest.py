"""Digests of content (BLAKE2b, 32 bytes) for the caches and for telling file versions apart.

`hashlib` loads OpenSSL as it is imported (3.6 MB of resident memory and 8 ms), even for BLAKE2,
which CPython implements itself in `_blake2` and `hashlib` takes from there. `check` and the
catalogue's caches need nothing else of OpenSSL: they take BLAKE2 from where `hashlib` does.
(Ids of citizens are hashed in `bot.privacy`, with HMAC-SHA-256, unchanged.)
"""

from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # an interpreter built without its own BLAKE2: OpenSSL's, the same digest
    from hashlib import blake2b

SIZE = 32  # bytes


def hexdigest(data: bytes) -> str:
    """Return the digest of `data` in hexadecimal."""
    return blake2b(data, digest_size=SIZE).hexdigest()


__all__ = ["SIZE", "blake2b", "hexdigest"]
