"""Every policy number and business detail desk uses, with its default.

Code asks desk.settings.get(key); nothing else hard-codes these values.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SettingDef:
    key: str
    #: "int", "bool", "str", "text", "kinds" (request-kind codes), "lines" (list of strings),
    #: "weekdays" (list of ints 0-6), "choice"
    type: str
    default: object
    ja: str
    en: str
    group: str
    help_ja: str = ""
    help_en: str = ""
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[tuple[str, str, str], ...] = ()

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.ja


GROUPS = {
    "business": ("事業者情報", "Business"),
    "fees": ("手数料", "Fees"),
    "time": ("期限・保存期間", "Deadlines and retention"),
    "letters": ("回答書", "Letters"),
    "policy": ("運用方針", "Policy"),
    "uploads": ("書類のアップロード", "Document uploads"),
}

#: Paper sizes a PDF page may be at most (upload_max_pdf_page), short x long side in mm.
PAPER_SIZES_MM: dict[str, tuple[int, int]] = {
    "a4": (210, 297),
    "b4": (257, 364),
    "a3": (297, 420),
    "b3": (364, 515),
    "a2": (420, 594),
}

SETTINGS: dict[str, SettingDef] = {
    s.key: s
    for s in [
        # Business details (public notice, letters' sender block)
        SettingDef("business_name", "str", "株式会社サンプル商事", "事業者の名称", "Business name", "business"),
        SettingDef(
            "business_name_en",
            "str",
            "Sample Shoji Co., Ltd.",
            "事業者の名称（英語）",
            "Business name (English)",
            "business",
        ),
        SettingDef("business_postal_code", "str", "1000005", "郵便番号", "Postal code", "business"),
        SettingDef("business_address", "str", "東京都千代田区丸の内一丁目1番1号", "所在地", "Address", "business"),
        SettingDef(
            "business_address_en",
            "str",
            "1-1-1 Marunouchi, Chiyoda-ku, Tokyo",
            "所在地（英語）",
            "Address (English)",
            "business",
        ),
        SettingDef("representative", "str", "代表取締役 山田 太郎", "代表者", "Representative", "business"),
        SettingDef(
            "representative_en",
            "str",
            "Taro Yamada, Representative Director",
            "代表者（英語）",
            "Representative (English)",
            "business",
        ),
        SettingDef("desk_name", "str", "個人情報お問合せ窓口", "窓口の名称", "Desk name", "business"),
        SettingDef(
            "desk_name_en", "str", "Personal Information Desk", "窓口の名称（英語）", "Desk name (English)", "business"
        ),
        SettingDef("desk_phone", "str", "03-0000-0000", "窓口の電話番号", "Desk phone", "business"),
        SettingDef("desk_hours", "str", "平日 9:00〜17:00（年末年始を除く）", "受付時間", "Opening hours", "business"),
        SettingDef(
            "desk_hours_en",
            "str",
            "Weekdays 9:00-17:00 (closed over the New Year)",
            "受付時間（英語）",
            "Opening hours (English)",
            "business",
        ),
        SettingDef("desk_email", "str", "privacy@example.jp", "窓口の電子メールアドレス", "Desk e-mail", "business"),
        # Fees
        SettingDef(
            "fee_amount",
            "int",
            1000,
            "手数料（円、1申請あたり）",
            "Fee (yen, per application)",
            "fees",
            minimum=0,
            maximum=100000,
            help_ja="返信用郵便料金を含みます。",
            help_en="Includes return postage.",
        ),
        SettingDef(
            "fee_kinds",
            "kinds",
            ["purpose_notice", "disclosure", "record_disclosure"],
            "手数料を徴収する請求の種類",
            "Kinds that carry a fee",
            "fees",
            help_ja="法律上手数料を徴収できる種類（利用目的の通知・開示）のみ選べます。",
            help_en="Only the kinds for which the law allows a fee can be chosen.",
        ),
        SettingDef(
            "payment_methods",
            "lines",
            ["postage_stamps", "bank_transfer", "cash"],
            "支払方法",
            "Payment methods",
            "fees",
        ),
        SettingDef(
            "bank_name",
            "str",
            "",
            "振込先の銀行名",
            "Bank for transfers",
            "fees",
            help_ja="振込先の5項目がすべて入力されたときだけ、銀行振込を案内します。",
            help_en="Bank transfer is offered only once all five account details are filled in.",
        ),
        SettingDef("bank_branch", "str", "", "支店名", "Branch", "fees"),
        SettingDef(
            "bank_account_type",
            "choice",
            "ordinary",
            "口座の種類",
            "Account type",
            "fees",
            choices=(("ordinary", "普通", "Ordinary"), ("current", "当座", "Current")),
        ),
        SettingDef("bank_account_number", "str", "", "口座番号", "Account number", "fees"),
        SettingDef("bank_account_holder", "str", "", "口座名義（カナ）", "Account holder (kana)", "fees"),
        SettingDef(
            "counter_address",
            "str",
            "",
            "現金で支払える窓口の所在地",
            "Counter for cash payments: address",
            "fees",
            help_ja="所在地と受付時間の両方が入力されたときだけ、窓口での現金払いを案内します。",
            help_en="Cash at the counter is offered only once both the address and the hours are filled in.",
        ),
        SettingDef("counter_address_en", "str", "", "窓口の所在地（英語）", "Counter address (English)", "fees"),
        SettingDef("counter_hours", "str", "", "窓口の受付時間", "Counter opening hours", "fees"),
        SettingDef("counter_hours_en", "str", "", "窓口の受付時間（英語）", "Counter opening hours (English)", "fees"),
        SettingDef(
            "requester_due_days",
            "int",
            14,
            "手数料・書類の提出期限（通知から何日）",
            "Days the requester has to pay or send documents",
            "fees",
            minimum=1,
            maximum=90,
        ),
        # Time
        SettingDef(
            "target_business_days",
            "int",
            7,
            "社内の回答目標（営業日）",
            "Internal response target (business days)",
            "time",
            minimum=1,
            maximum=60,
        ),
        SettingDef(
            "queue_amber_days",
            "int",
            2,
            "一覧で黄色表示にする残り営業日数",
            "Queue: amber badge at this many business days left",
            "time",
            minimum=0,
            maximum=20,
        ),
        SettingDef("closed_weekdays", "weekdays", [5, 6], "定休日（曜日）", "Closed weekdays", "time"),
        SettingDef(
            "closed_periods",
            "lines",
            ["12-29/01-03"],
            "休業期間（毎年、MM-DD/MM-DD）",
            "Yearly closures (MM-DD/MM-DD)",
            "time",
            help_ja="例: 12-29/01-03（年末年始）。祝日は自動で除外されます。",
            help_en="e.g. 12-29/01-03 (New Year). Public holidays are skipped automatically.",
        ),
        SettingDef(
            "dashboard_near_days",
            "int",
            3,
            "ダッシュボード：法定の目安が近い案件（残り何日以内）",
            "Dashboard: cases near the statutory horizon (days left)",
            "time",
            minimum=0,
            maximum=14,
        ),
        SettingDef(
            "retention_years",
            "int",
            2,
            "書類の保存期間（回答完了から何年）",
            "Retention after completion (years)",
            "time",
            minimum=1,
            maximum=10,
        ),
        SettingDef(
            "screening_result_days",
            "int",
            7,
            "名簿照合結果の保管日数",
            "Days screened lists are kept for download",
            "time",
            minimum=1,
            maximum=90,
            help_ja="画面で照合した名簿と照合結果は、この日数を過ぎると暗号鍵ごと削除されます（照合記録は残ります）。",
            help_en="Lists screened on screen and their reports are shredded after this many days (the screening log stays).",
        ),
        # Letters
        SettingDef(
            "letter_opening",
            "choice",
            "plain",
            "回答書の書き出し",
            "Letter opening",
            "letters",
            choices=(
                ("plain", "頭語なし（事務的な通知）", "Plain business opening"),
                ("haikei", "拝啓・敬具", "拝啓 … 敬具"),
            ),
        ),
        SettingDef(
            "letter_greeting",
            "text",
            "平素は格別のご高配を賜り、厚く御礼申し上げます。",
            "頭語（拝啓）に続くあいさつ文",
            "Greeting after 拝啓 (Japanese letters)",
            "letters",
            help_ja="書き出しが「拝啓・敬具」のときに使います。",
            help_en="Used when the opening is 拝啓 … 敬具.",
        ),
        SettingDef(
            "letter_greeting_en",
            "text",
            "Thank you for contacting us.",
            "あいさつ文（英語）",
            "Greeting (English letters)",
            "letters",
            help_ja="書き出しが「拝啓・敬具」のとき、英語の回答書で使います。",
            help_en="Used in English letters when the opening is 拝啓 … 敬具.",
        ),
        SettingDef(
            "letter_contact",
            "text",
            "個人情報お問合せ窓口　電話 03-0000-0000（平日9時〜17時）",
            "回答書のお問合せ先",
            "Contact line on letters",
            "letters",
        ),
        SettingDef(
            "letter_contact_en",
            "text",
            "Personal Information Desk, phone +81-3-0000-0000 (weekdays 9:00-17:00)",
            "回答書のお問合せ先（英語）",
            "Contact line on letters (English)",
            "letters",
        ),
        SettingDef(
            "window_left_mm",
            "int",
            20,
            "宛名の位置：左端から（mm）",
            "Address block: from left edge (mm)",
            "letters",
            minimum=0,
            maximum=100,
        ),
        SettingDef(
            "window_top_mm",
            "int",
            15,
            "宛名の位置：上端から（mm）",
            "Address block: from top edge (mm)",
            "letters",
            minimum=0,
            maximum=80,
        ),
        # Policy
        SettingDef(
            "privacy_mark_mode",
            "bool",
            True,
            "プライバシーマーク運用（JIS Q 15001）",
            "PrivacyMark mode (JIS Q 15001)",
            "policy",
            help_ja="有効な場合、利用停止等・第三者提供の停止に法定の要件を問いません。",
            help_en="When on, cessation and stop-provision are honoured without a statutory ground.",
        ),
        SettingDef(
            "reply_to_address_on_record",
            "bool",
            False,
            "記録上の住所と異なる場合は記録上の住所へ回答する",
            "Reply to the address on record when it differs",
            "policy",
        ),
        SettingDef(
            "identity_accept_linking_document",
            "bool",
            False,
            "住所が一致しないとき、住所のつながりを示す書類（住民票の除票・戸籍の附票など）で本人確認を認める",
            "Where the addresses disagree, accept a document linking them (removed resident record, "
            "family register annex)",
            "policy",
            help_ja="無効（既定）の場合、住所が一致しなければ本人確認できないものとして扱います。理由の入力だけで認めることはできません。",
            help_en="When off (the default), a mismatch means the person cannot be identified. A typed reason alone "
            "never replaces the document.",
        ),
        SettingDef(
            "identity_building_missing_counts",
            "bool",
            False,
            "建物名・部屋番号の記載の有無も住所の相違として扱う",
            "Count a building name missing on one side as a difference",
            "policy",
            help_ja="無効（既定）の場合、一方にだけ建物名がある住所は一致として扱い、その旨を表示します。",
            help_en="When off (the default), a building named on one side only agrees, and the page says so.",
        ),
        SettingDef(
            "identity_record_number_tail",
            "bool",
            False,
            "窓口で確認した書類の番号の下4桁を記録する",
            "Record the last four digits of a document's number checked at the counter",
            "policy",
        ),
        SettingDef(
            "purposes_of_use",
            "text",
            "1. 商品・サービスの提供のため\n2. ご注文の確認・お届けのため\n3. お問合せへの対応のため",
            "利用目的",
            "Purposes of use",
            "policy",
        ),
        SettingDef(
            "purposes_of_use_en",
            "text",
            "1. To provide our goods and services\n2. To confirm and deliver orders\n3. To answer inquiries",
            "利用目的（英語）",
            "Purposes of use (English)",
            "policy",
        ),
        SettingDef(
            "security_measures",
            "text",
            "個人データの取扱いに関する規程を定め、従業者の教育、アクセス制御、暗号化などの安全管理措置を講じています。",
            "安全管理措置",
            "Security measures",
            "policy",
        ),
        SettingDef(
            "security_measures_en",
            "text",
            "We keep rules for handling personal data, train our staff, and use access control and encryption.",
            "安全管理措置（英語）",
            "Security measures (English)",
            "policy",
        ),
        SettingDef(
            "complaints",
            "text",
            "個人情報お問合せ窓口までご連絡ください。",
            "苦情の申出先",
            "Where to complain",
            "policy",
        ),
        SettingDef(
            "complaints_en",
            "text",
            "Please contact our Personal Information Desk.",
            "苦情の申出先（英語）",
            "Where to complain (English)",
            "policy",
        ),
        SettingDef(
            "accredited_organisation",
            "text",
            "",
            "認定個人情報保護団体",
            "Accredited protection organisation",
            "policy",
        ),
        SettingDef(
            "accredited_organisation_en",
            "text",
            "",
            "認定個人情報保護団体（英語）",
            "Accredited protection organisation (English)",
            "policy",
        ),
        # Uploads (public form and staff registration)
        SettingDef(
            "upload_max_file_mb",
            "int",
            10,
            "1ファイルの上限（MB）",
            "Largest file (MB)",
            "uploads",
            minimum=1,
            maximum=40,
        ),
        SettingDef(
            "upload_max_request_mb",
            "int",
            30,
            "1回の請求の合計上限（MB）",
            "Largest total per request (MB)",
            "uploads",
            minimum=1,
            maximum=40,
            help_ja="サーバーの受信上限（DESK_MAX_REQUEST_BYTES、既定40MB）以下にしてください。",
            help_en="Keep it at or below the server's limit (DESK_MAX_REQUEST_BYTES, 40 MB by default).",
        ),
        SettingDef(
            "upload_max_files",
            "int",
            12,
            "1回の請求で添付できるファイル数",
            "Files per request",
            "uploads",
            minimum=1,
            maximum=40,
        ),
        SettingDef(
            "upload_max_megapixels",
            "int",
            40,
            "画像の画素数の上限（百万画素）",
            "Largest image (megapixels)",
            "uploads",
            minimum=1,
            maximum=200,
        ),
        SettingDef(
            "upload_max_pdf_pages",
            "int",
            30,
            "PDFのページ数の上限",
            "Most pages in a PDF",
            "uploads",
            minimum=1,
            maximum=500,
        ),
        SettingDef(
            "upload_max_pdf_page",
            "choice",
            "a3",
            "PDFのページの大きさの上限",
            "Largest PDF page",
            "uploads",
            choices=tuple(
                (code, f"{code.upper()}（{w}×{h} mm）", f"{code.upper()} ({w} × {h} mm)")
                for code, (w, h) in PAPER_SIZES_MM.items()
            ),
            help_ja="これより大きいページのPDFは受け付けません（巨大なページは表示に大量のメモリを使うため）。",
            help_en="PDFs with a larger page are refused: a huge page takes a great deal of memory to show.",
        ),
        SettingDef(
            "duplicate_window_days",
            "int",
            30,
            "重複の可能性として表示する期間（日）",
            "Flag possible duplicates within (days)",
            "policy",
            minimum=1,
            maximum=365,
        ),
    ]
}
