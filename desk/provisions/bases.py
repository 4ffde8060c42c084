"""The legal bases of a provision to a third party, as data: which need a record (Arts. 29, 30) and for how long.

A basis that needs a record names the setting that says how many years it is kept
(3 years; 1 year where the Enforcement Rules let a contract or similar stand in for the
record). The exemptions are stated too, so a form can say why no record is made.
"""

from __future__ import annotations

from dataclasses import dataclass

from desk.catalogue import Entry


@dataclass(frozen=True)
class Basis(Entry):
    #: Art. 29/30 asks for a record of a provision on this basis.
    needs_record: bool = True
    #: The setting holding the years a record on this basis is kept (None: no record).
    years_setting: str | None = None
    #: The article, for the forms and the export.
    article: str = ""


BASES: dict[str, Basis] = {
    b.code: b
    for b in [
        Basis(
            "consent",
            "本人の同意",
            "The principal's consent",
            years_setting="provision_years_consent",
            article="27(1)",
        ),
        Basis(
            "consent_goods",
            "本人の同意（本人への物品・役務の提供に関連し、契約書等で記録に代えるもの）",
            "Consent, in connection with goods or services supplied to the principal (a contract stands in for the record)",
            years_setting="provision_years_consent_goods",
            article="27(1)",
        ),
        Basis(
            "optout",
            "オプトアウトによる提供（法第27条第2項）",
            "Opt-out provision (Art. 27(2))",
            years_setting="provision_years_optout",
            article="27(2)",
        ),
        Basis(
            "other",
            "その他記録を要する提供（外国にある第三者への提供など）",
            "Another provision that needs a record (e.g. to a third party abroad)",
            years_setting="provision_years_other",
            article="28",
        ),
        # Exemptions: no record is made (Art. 29(1) proviso, Art. 30(1) proviso).
        Basis(
            "law",
            "法令に基づく場合（警察・裁判所からの照会など）",
            "Required by law (e.g. an inquiry from the police or a court)",
            needs_record=False,
            article="27(1)(i)-(vii)",
        ),
        Basis("entrustment", "委託に伴う提供", "Entrustment of handling", needs_record=False, article="27(5)(i)"),
        Basis(
            "succession",
            "事業の承継に伴う提供（合併など）",
            "Succession of business (a merger or similar)",
            needs_record=False,
            article="27(5)(ii)",
        ),
        Basis("joint_use", "共同利用", "Joint use", needs_record=False, article="27(5)(iii)"),
    ]
}

RECORDED = {code: b for code, b in BASES.items() if b.needs_record}
EXEMPT = {code: b for code, b in BASES.items() if not b.needs_record}

#: direction codes -> (ja, en)
DIRECTIONS = {
    "provision": ("提供", "Provided"),
    "receipt": ("受領", "Received"),
}
