"""The legal catalogues of desk, defined once as data: request kinds, outcomes, refusal
grounds, proxy kinds and the documents that prove them, identity documents, channels.

Codes are stable (they are stored in the database and the audit trail); labels come in
Japanese and English. The law changes (see DOMAIN.md, "Coming changes"), so thresholds and
rules live here as versioned data rather than in code paths.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The version of the APPI these tables follow (the 2020 amendment, in force April 2022).
CATALOGUE_VERSION = "APPI-2022-04"
#: Age below which a principal is a minor, whose legal representative may act (民法4条).
MINOR_AGE = 18
#: Certificates proving a proxy's authority must have been issued within this many months.
CERTIFICATE_MAX_AGE_MONTHS = 3


@dataclass(frozen=True)
class Entry:
    code: str
    ja: str
    en: str

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.ja


@dataclass(frozen=True)
class Outcome(Entry):
    #: A refusal must carry grounds and an explanation (Art. 36) and a supervisor's approval.
    refusal: bool = False
    #: Partly granted (partial disclosure, alternative measure): also explained and approved.
    partial: bool = False
    #: Ends the kind without a decision on its merits (withdrawn, lapsed).
    terminal_without_decision: bool = False

    @property
    def needs_explanation(self) -> bool:
        return self.refusal or self.partial

    @property
    def needs_approval(self) -> bool:
        return self.refusal or self.partial or self.code == "lapsed"


OUTCOMES: dict[str, Outcome] = {
    o.code: o
    for o in [
        Outcome("disclosed", "全部開示", "Disclosed in full"),
        Outcome("partly_disclosed", "一部開示", "Disclosed in part", partial=True),
        Outcome("not_disclosed", "不開示", "Not disclosed", refusal=True),
        Outcome("no_data", "保有個人データなし", "No such data retained"),
        Outcome("notified", "通知", "Purposes notified"),
        Outcome("not_notified", "通知しない", "Purposes not notified", refusal=True),
        Outcome("corrected", "訂正等を実施", "Corrected"),
        Outcome("not_corrected", "訂正等を行わない", "Not corrected", refusal=True),
        Outcome("done", "実施", "Done"),
        Outcome("alternative_measure", "代替措置を実施", "Alternative measure taken", partial=True),
        Outcome("refused", "実施しない", "Refused", refusal=True),
        Outcome("withdrawn", "取下げ", "Withdrawn", terminal_without_decision=True),
        Outcome("lapsed", "請求がなかったものとして取扱い", "Treated as not made", terminal_without_decision=True),
        Outcome(
            "not_a_request",
            "法定の請求に当たらない（問い合わせとして対応）",
            "Not a statutory request (handled as an inquiry)",
            terminal_without_decision=True,
        ),
    ]
}

_ANY_KIND = ("withdrawn", "lapsed")


@dataclass(frozen=True)
class RequestKind(Entry):
    article: str = ""
    #: Whether the law allows a fee for this kind (Art. 38). Which kinds actually carry
    #: one is a setting; a kind the law keeps free can never be made fee-bearing.
    fee_allowed: bool = False
    #: Disclosure kinds let the principal choose electronic record or paper (Art. 33(1)).
    disclosure: bool = False
    #: Putting the principal on the suppression register when done (opt-out, erasure).
    suppresses: bool = False
    outcomes: tuple[str, ...] = ()
    #: One plain-words line for the public form.
    hint_ja: str = ""
    hint_en: str = ""
    #: The title word used in letters, e.g. 「開示」 in 「保有個人データの開示請求について」.
    letter_title_ja: str = ""
    letter_title_en: str = ""

    def outcome_entries(self) -> list[Outcome]:
        return [OUTCOMES[c] for c in self.outcomes + _ANY_KIND]

    def hint(self, lang: str) -> str:
        return self.hint_en if lang == "en" else self.hint_ja


REQUEST_KINDS: dict[str, RequestKind] = {
    k.code: k
    for k in [
        RequestKind(
            "purpose_notice",
            "利用目的の通知",
            "Notification of the purposes of use",
            "32(2)",
            fee_allowed=True,
            outcomes=("notified", "not_notified"),
            hint_ja="当社があなたの個人データを何のために使っているかをお知らせします。",
            hint_en="We tell you what we use your personal data for.",
            letter_title_ja="利用目的の通知の求め",
            letter_title_en="request for notification of the purposes of use",
        ),
        RequestKind(
            "disclosure",
            "保有個人データの開示",
            "Disclosure of retained personal data",
            "33(1)",
            fee_allowed=True,
            disclosure=True,
            outcomes=("disclosed", "partly_disclosed", "not_disclosed", "no_data"),
            hint_ja="当社が保有しているあなたの個人データの内容をお見せします。",
            hint_en="We show you the personal data about you that we hold.",
            letter_title_ja="保有個人データの開示請求",
            letter_title_en="request for disclosure of retained personal data",
        ),
        RequestKind(
            "record_disclosure",
            "第三者提供記録の開示",
            "Disclosure of third-party provision records",
            "33(5)",
            fee_allowed=True,
            disclosure=True,
            outcomes=("disclosed", "partly_disclosed", "not_disclosed", "no_data"),
            hint_ja="あなたの個人データを誰に提供し、誰から受け取ったかの記録をお見せします。",
            hint_en="We show you our records of whom we gave your data to, and whom we received it from.",
            letter_title_ja="第三者提供記録の開示請求",
            letter_title_en="request for disclosure of third-party provision records",
        ),
        RequestKind(
            "correction",
            "訂正・追加・削除",
            "Correction, addition or deletion",
            "34",
            outcomes=("corrected", "not_corrected"),
            hint_ja="内容が事実と違う場合に、訂正・追加・削除します。",
            hint_en="If the data is wrong, we correct, add to or delete it.",
            letter_title_ja="保有個人データの訂正等の請求",
            letter_title_en="request for correction of retained personal data",
        ),
        RequestKind(
            "cessation",
            "利用停止・消去",
            "Cessation of use or erasure",
            "35(1),(5)",
            suppresses=True,
            outcomes=("done", "alternative_measure", "refused"),
            hint_ja="あなたの個人データの利用をやめる、または消去します。",
            hint_en="We stop using your personal data, or erase it.",
            letter_title_ja="保有個人データの利用停止等の請求",
            letter_title_en="request for cessation of use or erasure of retained personal data",
        ),
        RequestKind(
            "stop_provision",
            "第三者提供の停止",
            "Cessation of provision to third parties",
            "35(3),(5); 27(2)",
            suppresses=True,
            outcomes=("done", "alternative_measure", "refused"),
            hint_ja="あなたの個人データを他の会社などに提供することをやめます。",
            hint_en="We stop giving your personal data to other companies or organisations.",
            letter_title_ja="保有個人データの第三者提供の停止の請求",
            letter_title_en="request for cessation of provision of retained personal data to third parties",
        ),
    ]
}

#: What was done for a granted request to stop using or to erase (Art. 35(1)): the reply
#: says which, since the principal may have asked for either.
CESSATION_MEASURES: dict[str, Entry] = {
    e.code: e
    for e in [
        Entry("use_stopped", "利用の停止", "Use stopped"),
        Entry("erased", "消去", "Erased"),
    ]
}

DISCLOSURE_KINDS = tuple(code for code, k in REQUEST_KINDS.items() if k.disclosure)
ALL_KINDS = tuple(REQUEST_KINDS)


@dataclass(frozen=True)
class RefusalGround(Entry):
    applies_to: tuple[str, ...] = ALL_KINDS
    #: Not offered in PrivacyMark mode (JIS Q 15001 honours cessation regardless).
    statutory_only: bool = False
    #: The full sentence used in letters.
    letter_ja: str = ""
    letter_en: str = ""

    def letter(self, lang: str) -> str:
        return self.letter_en if lang == "en" else self.letter_ja


_FEE_KINDS = tuple(code for code, k in REQUEST_KINDS.items() if k.fee_allowed)

REFUSAL_GROUNDS: dict[str, RefusalGround] = {
    g.code: g
    for g in [
        RefusalGround(
            "unidentified",
            "本人確認ができない",
            "The principal cannot be identified",
            letter_ja="ご提出いただいた書類及び当社の保有する情報によって、ご本人であることを確認することができなかったため。",
            letter_en="We could not confirm from the documents you submitted and the information we hold that you are the person concerned.",
        ),
        RefusalGround(
            "proxy_unconfirmed",
            "代理権が確認できない",
            "The proxy's authority cannot be confirmed",
            letter_ja="ご提出いただいた書類によって、代理人としての権限を確認することができなかったため。",
            letter_en="We could not confirm from the documents submitted that you have authority to act for the person concerned.",
        ),
        RefusalGround(
            "not_retained_data",
            "保有個人データに該当しない",
            "Not retained personal data",
            letter_ja="ご請求の情報は、当社の保有個人データに該当しないため。",
            letter_en="The information requested is not retained personal data held by us.",
        ),
        RefusalGround(
            "harm_to_person",
            "本人又は第三者の生命・身体・財産その他の権利利益を害するおそれ",
            "May harm the life, body, property or other rights of the principal or a third party",
            applies_to=DISCLOSURE_KINDS,
            letter_ja="開示することにより、本人又は第三者の生命、身体、財産その他の権利利益を害するおそれがあるため（個人情報保護法第33条第2項第1号）。",
            letter_en="Disclosure may harm the life, body, property or other rights and interests of you or a third party (Article 33(2)(i) of the Act on the Protection of Personal Information).",
        ),
        RefusalGround(
            "business_impediment",
            "当社の業務の適正な実施に著しい支障を及ぼすおそれ",
            "Would seriously impede the proper conduct of the business",
            applies_to=DISCLOSURE_KINDS,
            letter_ja="開示することにより、当社の業務の適正な実施に著しい支障を及ぼすおそれがあるため（個人情報保護法第33条第2項第2号）。",
            letter_en="Disclosure would seriously impede the proper conduct of our business (Article 33(2)(ii) of the Act on the Protection of Personal Information).",
        ),
        RefusalGround(
            "other_law",
            "他の法令に違反することとなる",
            "Would violate another law",
            applies_to=DISCLOSURE_KINDS,
            letter_ja="開示することが、他の法令に違反することとなるため（個人情報保護法第33条第2項第3号）。",
            letter_en="Disclosure would violate another law (Article 33(2)(iii) of the Act on the Protection of Personal Information).",
        ),
        RefusalGround(
            "purpose_evident",
            "利用目的が明らかである・法第21条第4項の除外事由に該当",
            "The purpose is already evident, or an Art. 21(4) exception applies",
            applies_to=("purpose_notice",),
            letter_ja="利用目的が当社の公表している内容により明らかであるため、又は個人情報保護法第21条第4項各号に該当するため。",
            letter_en="The purposes of use are already evident from our published notice, or an exception under Article 21(4) of the Act applies.",
        ),
        RefusalGround(
            "content_true",
            "調査の結果、内容が事実であった",
            "The data was found to be accurate",
            applies_to=("correction",),
            letter_ja="調査の結果、当該保有個人データの内容が事実であることを確認したため。",
            letter_en="After investigation, we found that the data is accurate.",
        ),
        RefusalGround(
            "no_statutory_ground",
            "法第35条に定める要件に該当しない",
            "No ground under Art. 35",
            applies_to=("cessation", "stop_provision"),
            statutory_only=True,
            letter_ja="ご請求の内容が、個人情報保護法第35条に定める利用停止等又は第三者提供の停止の要件に該当しないため。",
            letter_en="The request does not meet the conditions for cessation set out in Article 35 of the Act.",
        ),
        RefusalGround(
            "fee_unpaid",
            "手数料が期限までに納付されなかった",
            "The fee was not paid by the due date",
            applies_to=_FEE_KINDS,
            letter_ja="所定の期限までに手数料のお支払いが確認できなかったため、ご請求はなかったものとして取り扱います。",
            letter_en="We did not receive the fee by the due date, so the request is treated as not made.",
        ),
    ]
}


def grounds_for(kind: str, privacy_mark_mode: bool) -> list[RefusalGround]:
    return [
        g for g in REFUSAL_GROUNDS.values() if kind in g.applies_to and not (privacy_mark_mode and g.statutory_only)
    ]


@dataclass(frozen=True)
class DocumentKind(Entry):
    #: Certificates must be recent (issued within CERTIFICATE_MAX_AGE_MONTHS).
    dated: bool = False
    #: For identity documents: does it carry a photo? (one photo document, or two without)
    photo: bool = False
    #: Does it show the holder's current address? A passport issued from February 2020
    #: has no address field, so with it a second document showing the address is needed.
    address: bool = False
    #: Does it show the date of birth?
    birth_date: bool = False
    #: What to mask before sending (My Number, insured-person symbol/number).
    mask_ja: str = ""
    mask_en: str = ""
    #: The same told to staff: what to mask on the copy that came (empty: as for the requester).
    mask_staff_ja: str = ""
    mask_staff_en: str = ""

    def mask_hint(self, lang: str, staff: bool = False) -> str:
        if staff and self.mask_staff_ja:
            return self.mask_staff_en if lang == "en" else self.mask_staff_ja
        return self.mask_en if lang == "en" else self.mask_ja


_MASK_INSURANCE_JA = "保険者番号と被保険者等記号・番号を塗りつぶしてください。"
_MASK_INSURANCE_EN = "Black out the insurer number and the insured-person symbol and number."
_MASK_INSURANCE_STAFF_JA = "保険者番号と被保険者等記号・番号が見えていれば塗りつぶします。"
_MASK_INSURANCE_STAFF_EN = "Mask the insurer number and the insured-person symbol and number if they show."

IDENTITY_DOCUMENTS: dict[str, DocumentKind] = {
    d.code: d
    for d in [
        DocumentKind("drivers_licence", "運転免許証", "Driver's licence", photo=True, address=True, birth_date=True),
        DocumentKind("passport", "パスポート", "Passport", photo=True, birth_date=True),
        DocumentKind("residence_card", "在留カード", "Residence card", photo=True, address=True, birth_date=True),
        DocumentKind(
            "my_number_card",
            "マイナンバーカード（表面のみ）",
            "My Number card (front only)",
            photo=True,
            address=True,
            birth_date=True,
            mask_ja="表面のみをお送りください。裏面（個人番号）は送らないでください。",
            mask_en="Send the front only. Never send the back, which shows the individual number.",
            mask_staff_ja="表面のみを添付します。裏面（個人番号）の写しが届いた場合は、個人番号を塗りつぶします。",
            mask_staff_en="Attach the front only; if a copy of the back (the individual number) came, mask the number.",
        ),
        DocumentKind(
            "health_insurance",
            "健康保険の資格確認書・被保険者証",
            "Health insurance card or eligibility certificate",
            address=True,
            birth_date=True,
            mask_ja=_MASK_INSURANCE_JA,
            mask_en=_MASK_INSURANCE_EN,
            mask_staff_ja=_MASK_INSURANCE_STAFF_JA,
            mask_staff_en=_MASK_INSURANCE_STAFF_EN,
        ),
        DocumentKind(
            "pension_book",
            "年金手帳・基礎年金番号通知書",
            "Pension book",
            birth_date=True,
            mask_ja="基礎年金番号を塗りつぶしてください。",
            mask_en="Black out the basic pension number.",
            mask_staff_ja="基礎年金番号が見えていれば塗りつぶします。",
            mask_staff_en="Mask the basic pension number if it shows.",
        ),
        DocumentKind(
            "resident_record",
            "住民票の写し",
            "Copy of resident record",
            dated=True,
            address=True,
            birth_date=True,
            mask_ja="個人番号（マイナンバー）が記載されていないものをご用意ください。",
            mask_en="Ask for a copy without the individual number (My Number).",
            mask_staff_ja="個人番号（マイナンバー）が記載されていれば塗りつぶします。",
            mask_staff_en="Mask the individual number (My Number) if the copy shows it.",
        ),
    ]
}

PROXY_DOCUMENTS: dict[str, DocumentKind] = {
    d.code: d
    for d in [
        DocumentKind(
            "family_register",
            "戸籍謄本又は抄本（発行から3か月以内）",
            "Family register certificate (issued within 3 months)",
            dated=True,
        ),
        DocumentKind(
            "dependent_insurance_card",
            "本人を被扶養者とする健康保険の資格確認書・被保険者証",
            "Health insurance card listing the principal as a dependent",
            mask_ja=_MASK_INSURANCE_JA,
            mask_en=_MASK_INSURANCE_EN,
            mask_staff_ja=_MASK_INSURANCE_STAFF_JA,
            mask_staff_en=_MASK_INSURANCE_STAFF_EN,
        ),
        DocumentKind(
            "registered_matters",
            "登記事項証明書（発行から3か月以内）",
            "Certificate of registered matters (issued within 3 months)",
            dated=True,
        ),
        DocumentKind(
            "power_of_attorney",
            "委任状（本人の実印を押印したもの）",
            "Power of attorney sealed with the principal's registered seal",
        ),
        DocumentKind(
            "seal_certificate",
            "本人の印鑑登録証明書（発行から3か月以内）",
            "The principal's seal registration certificate (issued within 3 months)",
            dated=True,
        ),
    ]
}

#: Documents that link an old address to the current one, where the addresses of a check
#: disagree. A business may choose (setting identity_accept_linking_document) to accept one.
LINKING_DOCUMENTS: dict[str, DocumentKind] = {
    d.code: d
    for d in [
        DocumentKind(
            "resident_record_removed",
            "住民票の除票の写し",
            "Copy of a removed resident record (jūminhyō no joshō)",
            dated=True,
            address=True,
        ),
        DocumentKind(
            "register_annex",
            "戸籍の附票の写し",
            "Copy of the family register annex (koseki no fuhyō)",
            dated=True,
            address=True,
        ),
        DocumentKind(
            "resident_record_former_address",
            "住民票の写し（前住所の記載があるもの）",
            "Copy of resident record showing the former address",
            dated=True,
            address=True,
        ),
    ]
}

DOCUMENT_KINDS: dict[str, DocumentKind] = {**IDENTITY_DOCUMENTS, **PROXY_DOCUMENTS, **LINKING_DOCUMENTS}


@dataclass(frozen=True)
class IdentityRule(Entry):
    """One way identity documents prove who someone is: this many documents of different
    kinds, of which at least `photos` carry a photo and at least `addresses` show the
    current address (with one document, both on the same one)."""

    documents: int = 1
    photos: int = 0
    addresses: int = 1

    def satisfied_by(self, kinds) -> bool:
        from itertools import combinations

        entries = [IDENTITY_DOCUMENTS[k] for k in sorted(set(kinds)) if k in IDENTITY_DOCUMENTS]
        return any(
            sum(d.photo for d in chosen) >= self.photos and sum(d.address for d in chosen) >= self.addresses
            for chosen in combinations(entries, self.documents)
        )


#: The accepted ways to prove identity (DOMAIN.md, "Identity verification"); any one will do.
IDENTITY_RULES: tuple[IdentityRule, ...] = (
    IdentityRule(
        "photo_with_address",
        "顔写真付きで現住所の記載がある書類1点（運転免許証、在留カード、マイナンバーカード表面など）",
        "One photo document showing the current address (driver's licence, residence card, My Number card front)",
        documents=1,
        photos=1,
        addresses=1,
    ),
    IdentityRule(
        "photo_and_address",
        "顔写真付きの書類（住所欄のないパスポートなど）と、現住所の記載がある書類（住民票の写しなど）の2点",
        "A photo document without an address (such as a passport) and a document showing the current address "
        "(such as a copy of the resident record)",
        documents=2,
        photos=1,
        addresses=1,
    ),
    IdentityRule(
        "two_without_photo",
        "顔写真のない書類2点（うち1点は現住所の記載があるもの）",
        "Two documents without a photo, one of which shows the current address",
        documents=2,
        photos=0,
        addresses=1,
    ),
)


def identity_proven_by(kinds) -> IdentityRule | None:
    """The first rule these acceptable identity-document kinds satisfy, or None."""
    return next((rule for rule in IDENTITY_RULES if rule.satisfied_by(kinds)), None)


@dataclass(frozen=True)
class ProxyKind(Entry):
    #: Alternatives, any one of which proves the authority; each alternative is a set of
    #: documents that must all be supplied.
    requirements: tuple[tuple[str, ...], ...] = ()
    legal_representative: bool = False

    def required_documents(self) -> list[DocumentKind]:
        seen: list[str] = []
        for alternative in self.requirements:
            for code in alternative:
                if code not in seen:
                    seen.append(code)
        return [PROXY_DOCUMENTS[c] for c in seen]

    def satisfied_by(self, acceptable: set[str]) -> bool:
        return any(set(alternative) <= acceptable for alternative in self.requirements)


PROXY_KINDS: dict[str, ProxyKind] = {
    p.code: p
    for p in [
        ProxyKind(
            "parent",
            "親権者（未成年者の法定代理人）",
            "Person with parental authority",
            requirements=(("family_register",), ("dependent_insurance_card",)),
            legal_representative=True,
        ),
        ProxyKind(
            "minor_guardian",
            "未成年後見人",
            "Guardian of a minor",
            requirements=(("family_register",),),
            legal_representative=True,
        ),
        ProxyKind(
            "adult_guardian",
            "成年後見人・保佐人・補助人・任意後見人",
            "Adult guardian, curator, assistant or contractual guardian",
            requirements=(("registered_matters",),),
            legal_representative=True,
        ),
        ProxyKind(
            "delegated",
            "任意代理人（委任状による代理人）",
            "Agent by power of attorney",
            requirements=(("power_of_attorney", "seal_certificate"),),
        ),
    ]
}

REQUESTER_ROLES: dict[str, Entry] = {
    e.code: e
    for e in [
        Entry("principal", "本人", "Principal"),
        Entry("proxy", "代理人", "Proxy"),
    ]
}

CHANNELS: dict[str, Entry] = {
    e.code: e
    for e in [
        Entry("web", "ウェブ", "Web form"),
        Entry("mail", "郵送", "Post"),
        Entry("fax", "FAX", "Fax"),
        Entry("email", "電子メール", "E-mail"),
        Entry("counter", "窓口", "At the counter"),
        # A request made by phone reaches the desk as an inquiry that becomes a case.
        Entry("phone", "電話", "Phone"),
        Entry("api", "API", "API"),
    ]
}

DELIVERY_METHODS: dict[str, Entry] = {
    e.code: e
    for e in [
        Entry("electronic", "電磁的記録の提供", "As an electronic record"),
        Entry("paper", "書面の交付", "On paper"),
    ]
}

PAYMENT_METHODS: dict[str, Entry] = {
    e.code: e
    for e in [
        Entry("postage_stamps", "郵便切手", "Postage stamps"),
        Entry("bank_transfer", "銀行振込", "Bank transfer"),
        Entry("cash", "窓口での現金払い", "Cash at the counter"),
        # A negative row: what was received goes back (a case that was not a statutory request).
        Entry("refund", "返還", "Refunded"),
    ]
}
#: What a requester may pay with (a refund is recorded by desk itself).
PAYING_METHODS = tuple(code for code in PAYMENT_METHODS if code != "refund")

DISPATCH_METHODS: dict[str, Entry] = {
    e.code: e
    for e in [
        Entry("simple_registered", "簡易書留", "Simple registered mail"),
        Entry("ordinary_mail", "普通郵便", "Ordinary mail"),
        Entry("electronic", "電子的な方法による提供", "Electronic delivery"),
        Entry("counter", "窓口での交付", "Handed over at the counter"),
    ]
}

ROLES: dict[str, Entry] = {
    e.code: e
    for e in [
        Entry("officer", "担当者", "Privacy officer"),
        Entry("supervisor", "責任者", "Supervisor"),
        Entry("admin", "管理者", "Administrator"),
        Entry("auditor", "監査人", "Auditor"),
    ]
}

#: What an API key may do (desk/api). A key holds one or more; each endpoint needs one.
API_SCOPES: dict[str, Entry] = {
    e.code: e
    for e in [
        Entry("cases:read", "案件の一覧・内容の参照（書類を除く）", "List and read cases (without documents)"),
        Entry("cases:documents", "案件の書類の参照・取得", "Read and download a case's documents"),
        Entry("cases:write", "他の経路で受け付けた請求の登録", "Register a request received by another channel"),
        Entry(
            "suppression:screen",
            "提供停止名簿・配信の同意との照合",
            "Screen people against the suppression register and marketing consent",
        ),
        Entry("consent:write", "配信の同意・撤回（オプトアウト）の記録", "Record a marketing consent or an opt-out"),
    ]
}


def entry(table: dict, code: str | None):
    """Look a code up in a catalogue table, None for None; a stored unknown code is a bug."""
    if code is None:
        return None
    return table[code]
