"""Access codes: long enough to resist guessing, forgiving of how people type them."""

from desk.intake import codes


def test_access_code_has_80_bits_and_forgives_typing(app):
    """16 characters of a 32-letter alphabet; lower case, O/I/L and missing hyphens still match."""
    code = codes.new_code()
    assert len(codes.normalise(code)) == 16 and len(codes.ALPHABET) == 32
    assert code.count("-") == 3
    assert len({codes.new_code() for _ in range(200)}) == 200
    stored = codes.code_hash("2026-000001", code)
    assert code not in stored and codes.normalise(code) not in stored
    typed = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert codes.matches("2026-000001", typed, stored)
    assert not codes.matches("2026-000002", code, stored)
    assert not codes.matches("2026-000001", code, None)
