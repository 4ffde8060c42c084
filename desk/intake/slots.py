"""Document upload slots, built from the catalogue for one kind of requester.

A slot is one place on the form: whose document it is, which catalogue kinds it may hold
(the requester picks one where there is a choice), whether it is needed, and what to mask.
"""

from __future__ import annotations

from dataclasses import dataclass

from desk import catalogue
from desk.i18n import tr

#: Who is asking, as chosen on the first page: the principal, or a proxy of one kind.
WHO = ("principal",) + tuple(catalogue.PROXY_KINDS)


@dataclass(frozen=True)
class Slot:
    name: str
    #: "principal" or "proxy" (whose identity or authority it proves); None for enclosures.
    party: str | None
    #: Catalogue kinds this slot may hold; one kind means no choice.
    kinds: tuple[str, ...]
    title_ja: str
    title_en: str
    help_ja: str = ""
    help_en: str = ""
    #: "always", "never", or "if_no_photo" (the second document when the first has no photo).
    required: str = "always"
    #: Slots of which at least one must be filled (proxy documents with alternatives).
    group: str | None = None

    def title(self) -> str:
        return tr(self.title_ja, self.title_en)

    def help(self) -> str:
        return tr(self.help_ja, self.help_en)

    @property
    def choice(self) -> bool:
        return len(self.kinds) > 1

    def entries(self) -> list[catalogue.DocumentKind]:
        return [catalogue.DOCUMENT_KINDS[k] for k in self.kinds if k in catalogue.DOCUMENT_KINDS]

    def mask_hints(self, staff: bool = False) -> list[tuple[str, str]]:
        return [(d.code, tr(d.ja, d.en), d.mask_hint(tr("ja", "en"), staff=staff)) for d in self.entries() if d.mask_ja]


_PHOTO = tuple(k for k, d in catalogue.IDENTITY_DOCUMENTS.items() if d.photo)
_ALL_ID = tuple(catalogue.IDENTITY_DOCUMENTS)
_NO_PHOTO = tuple(k for k, d in catalogue.IDENTITY_DOCUMENTS.items() if not d.photo)

_ID_HELP_JA = (
    "顔写真付きで住所の記載がある書類1点（運転免許証、在留カード、マイナンバーカードの表面）、"
    "または顔写真のない書類2点（健康保険の資格確認書、年金手帳、住民票の写しなど。うち1点は現住所の記載があるもの）をお送りください。"
    "パスポートには住所欄がないため、現住所の記載がある書類をもう1点添えてください。"
    "表と裏がある場合は両方（マイナンバーカードは表面のみ）を添付してください。"
)
_ID_HELP_EN = (
    "One document with a photo and your address (driver's licence, residence card, the front of a My Number card), "
    "or two documents without a photo (health insurance card, pension book, copy of resident record; one of them "
    "showing your current address). A passport has no address field: send a document showing your address with it. "
    "Attach the front and the back where there are two sides (My Number card: the front only)."
)


#: Staff registering a paper application attach the scans of what came with it: the same
#: rule, told to the officer rather than asked of the requester.
_ID_HELP_STAFF_JA = (
    "同封された本人確認書類のスキャンを添付します。必要なのは、顔写真付きで住所の記載がある書類1点、"
    "または顔写真のない書類2点（うち1点は現住所の記載があるもの）です。パスポートには住所欄がないため、"
    "現住所の記載がある書類がもう1点必要です。表と裏がある場合は両方（マイナンバーカードは表面のみ）を添付します。"
)
_ID_HELP_STAFF_EN = (
    "Attach the scans of the identity documents that came with the application. Needed: one document with a "
    "photo and the address, or two without a photo (one showing the current address). A passport has no address "
    "field, so one more document showing the address is needed. Attach both sides where there are two (My Number "
    "card: the front only)."
)


def _identity_slots(party: str, required: bool, staff: bool = False) -> list[Slot]:
    whose_ja, whose_en = ("ご本人", "the principal") if party == "principal" else ("代理人", "the proxy")
    first = Slot(
        f"{party}_id",
        party,
        _ALL_ID,
        f"{whose_ja}の本人確認書類",
        f"Identity document of {whose_en}",
        _ID_HELP_STAFF_JA if staff else _ID_HELP_JA,
        _ID_HELP_STAFF_EN if staff else _ID_HELP_EN,
        required="always" if required else "never",
    )
    second = Slot(
        f"{party}_id2",
        party,
        _NO_PHOTO,
        f"{whose_ja}の本人確認書類（2点目）",
        f"Second identity document of {whose_en}",
        "1点目が顔写真のない書類やパスポートの場合に必要な、別の種類の書類です。"
        if staff
        else "1点目が顔写真のない書類やパスポートの場合に、別の種類の書類をもう1点お送りください。",
        "Needed when the first document has no photo, or is a passport: one more document of another kind.",
        required="if_no_photo" if required else "never",
    )
    return [first, second]


def slots_for(who: str, staff: bool = False) -> list[Slot]:
    """The slots of the form for this requester. Staff registering a paper application
    attach what arrived; nothing is required of them at this point."""
    is_proxy = who in catalogue.PROXY_KINDS
    slots: list[Slot] = []
    if is_proxy:
        proxy_kind = catalogue.PROXY_KINDS[who]
        several = len(proxy_kind.requirements) > 1
        for document in proxy_kind.required_documents():
            slots.append(
                Slot(
                    f"authority_{document.code}",
                    "proxy",
                    (document.code,),
                    document.ja,
                    document.en,
                    (
                        ("次のいずれか1点が必要です。" if staff else "次のいずれか1点をお送りください。")
                        if several
                        else ""
                    )
                    + ("発行から3か月以内のものに限ります。" if document.dated else ""),
                    (("One of these is needed. " if staff else "Send one of these. ") if several else "")
                    + ("It must have been issued within the last 3 months." if document.dated else ""),
                    required="never" if staff else "always",
                    group=f"authority_{who}" if several else None,
                )
            )
        slots += _identity_slots("proxy", required=not staff, staff=staff)
        slots += _identity_slots("principal", required=False, staff=staff)
    else:
        slots += _identity_slots("principal", required=not staff, staff=staff)
    if staff:
        slots.append(
            Slot(
                "enclosure",
                None,
                ("enclosure",),
                "その他の同封物（請求書など）",
                "Other enclosures (the application form etc.)",
                "",
                "",
                required="never",
            )
        )
    return slots
