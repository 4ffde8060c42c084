"""What a staff password must be: long, and not one that attackers try first.

Following NIST SP 800-63B: a minimum length, no composition rules, and a check against a
list of passwords known to be common (shipped in common_passwords.txt), against runs and
repeats, and against the person's own e-mail address.
"""

from __future__ import annotations

import functools
import string
from importlib import resources

MIN_LENGTH = 12
MAX_LENGTH = 200
#: Fewer different characters than this is a repeat ("aaaaaaaaaaaa", "abababababab").
MIN_DISTINCT = 5
#: What is stripped from both ends before the list is consulted: "Password2026!" is
#: "password" with decoration.
_DECORATION = string.digits + string.punctuation + " 　"
_RUNS = ("0123456789" * 3, string.ascii_lowercase * 2, "qwertyuiopasdfghjklzxcvbnm" * 2, "1qaz2wsx3edc4rfv5tgb6yhn")


@functools.cache
def common_passwords() -> frozenset[str]:
    text = resources.files("desk.auth").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def problem(password: str, email: str | None = None) -> tuple[str, str] | None:
    """Why the password will not do, in Japanese and English; None when it will."""
    if len(password) < MIN_LENGTH:
        return (
            f"パスワードは{MIN_LENGTH}文字以上にしてください。単語をいくつか組み合わせると覚えやすく安全です。",
            f"The password must have at least {MIN_LENGTH} characters. A few words together are easy to "
            "remember and hard to guess.",
        )
    if len(password) > MAX_LENGTH:
        return (
            f"パスワードは{MAX_LENGTH}文字以内にしてください。",
            f"The password may have at most {MAX_LENGTH} characters.",
        )
    lowered = password.lower()
    if len(set(lowered)) < MIN_DISTINCT:
        return ("同じ文字の繰り返しが多すぎます。", "The password repeats too few characters.")
    if any(lowered in run or lowered[::-1] in run for run in _RUNS):
        return (
            "キーボードや数字の並び順そのままのパスワードは使えません。",
            "A run of keys, letters or digits in order cannot be used.",
        )
    core = lowered.strip(_DECORATION)
    listed = common_passwords()
    if lowered in listed or core in listed or (core and core.replace(" ", "") in listed):
        return (
            "よく使われているため推測されやすいパスワードです。別のものにしてください。",
            "This password is among the most common ones and easy to guess. Choose another.",
        )
    local = (email or "").split("@")[0].lower()
    if len(local) >= 4 and local in lowered:
        return ("メールアドレスを含むパスワードは使えません。", "The password must not contain your e-mail address.")
    return None
