"""API keys: plain keys from HUASHU_API_KEYS and/or SHA-256 digests from HUASHU_API_KEY_FILE.

Presented keys are hashed and compared with every stored digest in constant time, so neither
the key nor which key matched leaks through timing. The file holds one `sha256:<hex>` per line
(`huashu hash-key` prints one); blank lines and `#` comments are allowed.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from pathlib import Path

from api.settings import Settings

_LINE = re.compile(r"^sha256:([0-9a-fA-F]{64})$")


class KeyFileError(ValueError):
    """The key file is missing or has a line that is not a digest; the message says where."""


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def key_line(key: str) -> str:
    return f"sha256:{digest(key)}"


def read_key_file(path: Path) -> list[str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise KeyFileError(f"{path}: cannot read the key file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise KeyFileError(f"{path}: the key file is not UTF-8") from None
    digests = []
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = _LINE.match(line)
        if not m:
            raise KeyFileError(f"{path}:{number}: expected sha256:<64 hex digits> (see `huashu hash-key`)")
        digests.append(m.group(1).lower())
    return digests


class KeyStore:
    def __init__(self, settings: Settings):
        digests = [digest(k.get_secret_value()) for k in settings.api_keys]
        if settings.api_key_file is not None:
            digests += read_key_file(settings.api_key_file)
        self._digests = [bytes.fromhex(d) for d in digests]

    @property
    def configured(self) -> bool:
        return bool(self._digests)

    def verify(self, presented: str) -> bool:
        candidate = hashlib.sha256(presented.encode("utf-8", "surrogatepass")).digest()
        matched = False
        for stored in self._digests:
            matched |= hmac.compare_digest(candidate, stored)
        return matched
