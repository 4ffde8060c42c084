"""people's search keys rebuilt by desk.text's rules, the ones the suppression register matches by

Revision ID: 0009_search_keys
Revises: 0008_audit_keyed
Create Date: 2026-11-24 12:00:00

The queue search kept keys of its own (spaces gone, lower case, phone digits as typed). It
now uses the one normaliser of Japanese text, desk.text, so name_key and kana_key also fold
hiragana and katakana, old and variant kanji (髙→高, 﨑→崎), variation selectors, the
separators , 、 = and a trailing 様・殿; phone_key turns +81 / 0081 into the national 0.
Every stored key is recomputed from the person's own columns: an old key left in place
would no longer be found by a search typed the new way. email_key keeps its rule; it is
recomputed with the rest so that one pass leaves every row consistent.

Unlike most scripts this one imports the application's rule (desk.text, which imports
nothing else): the keys must be those the code running after the upgrade searches by, and a
copy here would be the second normaliser this change removes. Downgrading restores the old
rule, spelled out below.
"""
import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0009_search_keys"
down_revision = "0008_audit_keyed"
branch_labels = None
depends_on = None

_REQUESTERS = sa.table("requesters", sa.column("id", sa.Integer), sa.column("name", sa.String),
                       sa.column("furigana", sa.String), sa.column("phone", sa.String), sa.column("email", sa.String),
                       sa.column("name_key", sa.String), sa.column("kana_key", sa.String),
                       sa.column("phone_key", sa.String), sa.column("email_key", sa.String))
_BATCH = 1000


def _rebuild(keys_of) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(_REQUESTERS.c.id, _REQUESTERS.c.name, _REQUESTERS.c.furigana,
                                        _REQUESTERS.c.phone, _REQUESTERS.c.email)).all()
    update = _REQUESTERS.update().where(_REQUESTERS.c.id == sa.bindparam("row_id")).values(
        name_key=sa.bindparam("nk"), kana_key=sa.bindparam("kk"), phone_key=sa.bindparam("pk"),
        email_key=sa.bindparam("ek"))
    changes = []
    for row_id, name, furigana, phone, email in rows:
        nk, kk, pk, ek = keys_of(name, furigana, phone, email)
        changes.append({"row_id": row_id, "nk": nk, "kk": kk, "pk": pk, "ek": ek})
    for start in range(0, len(changes), _BATCH):
        connection.execute(update, changes[start:start + _BATCH])


def _keys_now(name, furigana, phone, email):
    from desk.cases.search import search_keys

    return search_keys(name, furigana, phone, email)


_OLD_SPACES = re.compile(r"[\s\u3000・･]+")


def _keys_before(name, furigana, phone, email):
    """The rule of desk.cases.search up to 0008, for downgrading."""
    name_key = _OLD_SPACES.sub("", unicodedata.normalize("NFKC", name)).lower() or None if name else None
    kana_key = None
    if furigana:
        text = unicodedata.normalize("NFKC", furigana)
        # hiragana -> katakana, as jaconv.hira2kata did
        text = text.translate({code: code + 0x60 for code in range(0x3041, 0x3097)} | {0x309D: 0x30FD, 0x309E: 0x30FE})
        kana_key = _OLD_SPACES.sub("", text) or None
    phone_key = re.sub(r"\D", "", unicodedata.normalize("NFKC", phone)) or None if phone else None
    email_key = email.strip().lower() if email else None
    return name_key, kana_key, phone_key, email_key


def upgrade():
    _rebuild(_keys_now)


def downgrade():
    _rebuild(_keys_before)
