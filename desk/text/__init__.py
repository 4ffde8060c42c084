"""Japanese text made regular, once for every area: names, kana, addresses, postal codes, phones and dates.

Two kinds of function live here. Cleaners (tidy_name, furigana, postal_code, phone_number,
birth_date) turn what a person typed into its stored form or raise ValueError, which a form
turns into a message. Keys (name_key, kana_key, address_key, phone_key, date_key) fold every
way of writing one thing to the same text, or None, so that two writings compare equal.

Keys are stored: the queue search keeps them beside each person (rebuilt by a migration when
their rule changes), and the suppression register keeps nothing but their HMAC. A key rule
that changes what it returns for existing text stops the register matching the people on it,
and no migration can rebuild a hash: such a change needs a new register, not an edit.

This package sits below every area: it imports the standard library and nothing from desk.
"""

from __future__ import annotations


def clear_caches() -> None:
    """Forget the cached keys (the benchmarks start each run cold)."""
    from desk.text import addresses, dates, names, phones

    for function in (names.name_key, addresses.address_key, phones.phone_key, dates.date_key):
        function.cache_clear()
