"""Two-step sign-in for staff: TOTP codes from an authenticator app (RFC 6238, pyotp) and
one-time recovery codes for when the phone is lost.

The TOTP secret is stored encrypted under a key derived from the master key, so a copy of
the database alone cannot make codes; recovery codes are kept only as keyed hashes.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets
import unicodedata

import pyotp
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

#: Codes of the step before and after the current one are accepted (clocks drift).
VALID_WINDOW = 1
RECOVERY_CODES = 10
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32
_RECOVERY_LENGTH = 10  # 50 bits each
_TYPOS = str.maketrans({"O": "0", "I": "1", "L": "1"})


@functools.lru_cache(maxsize=8)
def _derive(master_key: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master_key.encode())


def _key(purpose: bytes) -> bytes:
    return _derive(current_app.config["MASTER_KEY"], purpose)


def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_key(b"desk: staff TOTP secrets")))


def new_secret() -> str:
    return pyotp.random_base32()


def seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def unseal(sealed: str) -> str | None:
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken:
        return None  # sealed under another master key: no code can match


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """The otpauth URI as an SVG QR code (a data: URI, which the CSP allows for images)."""
    import segno

    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def digits(typed: str | None) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", typed or "") if c.isdigit())


def matching_step(secret: str, typed: str, after: int | None, at) -> int | None:
    """The time step whose code was typed, if it is within the window and later than
    `after` (the last step accepted): a code is never accepted twice."""
    code = digits(typed)
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    step = totp.timecode(at)
    for candidate in range(step - VALID_WINDOW, step + VALID_WINDOW + 1):
        if after is not None and candidate <= after:
            continue
        if hmac.compare_digest(totp.generate_otp(candidate).encode(), code.encode()):
            return candidate
    return None


def new_recovery_codes() -> list[str]:
    codes = ["".join(secrets.choice(_ALPHABET) for _ in range(_RECOVERY_LENGTH)) for _ in range(RECOVERY_CODES)]
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def normalise_recovery(typed: str | None) -> str:
    text = unicodedata.normalize("NFKC", typed or "").upper().translate(_TYPOS)
    return "".join(c for c in text if c in _ALPHABET)


def looks_like_recovery(typed: str | None) -> bool:
    return len(normalise_recovery(typed)) == _RECOVERY_LENGTH


def recovery_hash(staff_id: int, code: str) -> str:
    message = f"{staff_id}\n{normalise_recovery(code)}".encode()
    return hmac.new(_key(b"desk: staff recovery codes"), message, hashlib.sha256).hexdigest()
