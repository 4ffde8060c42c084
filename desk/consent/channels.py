"""The catalogues of marketing consent, as data: channels, how consent was given or withdrawn, and what a record says."""

from __future__ import annotations

from dataclasses import dataclass

from desk.catalogue import Entry


@dataclass(frozen=True)
class Channel(Entry):
    #: What identifies the person on this channel: "email", "phone" or "postal" (name and address).
    key: str = "email"
    #: Sending needs a prior opt-in (the Act on Regulation of Transmission of Specified
    #: Electronic Mail covers e-mail and SMS); the other channels only honour opt-outs.
    opt_in_required: bool = False


CHANNELS: dict[str, Channel] = {
    c.code: c
    for c in [
        Channel("email", "電子メール", "E-mail", key="email", opt_in_required=True),
        Channel("post", "郵送（ダイレクトメール）", "Post (direct mail)", key="postal"),
        Channel("phone", "電話", "Phone calls", key="phone"),
        Channel("sms", "SMS（ショートメッセージ）", "SMS (text messages)", key="phone", opt_in_required=True),
    ]
}

#: What a record says happened.
ACTIONS: dict[str, Entry] = {
    e.code: e
    for e in [
        Entry(
            "requested", "登録の申込み（確認メール送信、同意前）", "Sign-up asked (confirmation sent; not yet consent)"
        ),
        Entry("given", "同意", "Consent given"),
        Entry("withdrawn", "撤回（配信停止）", "Withdrawn (opted out)"),
    ]
}

#: How consent was given or withdrawn.
METHODS: dict[str, Entry] = {
    e.code: e
    for e in [
        Entry("web_form", "ウェブの登録フォーム", "Web sign-up form"),
        Entry("email_confirmation", "確認メールのリンク（ダブルオプトイン）", "Confirmation link (double opt-in)"),
        Entry("unsubscribe_link", "配信停止リンク", "Unsubscribe link"),
        Entry("optout_page", "ウェブの停止申出ページ", "Web opt-out page"),
        Entry("paper_form", "紙の申込書", "Paper form"),
        Entry("phone", "電話（職員が受付）", "Phone (taken by staff)"),
        Entry("counter", "窓口（職員が受付）", "At the counter (taken by staff)"),
        Entry("case", "開示等の請求の案件", "A rights request case"),
        Entry("import", "一括取込（他のシステムから）", "Imported (from another system)"),
    ]
}
#: Methods staff may enter by hand (the rest are recorded by desk itself).
STAFF_METHODS = ("paper_form", "phone", "counter")
#: Methods an imported row may name (what the other system recorded).
IMPORT_METHODS = ("web_form", "email_confirmation", "paper_form", "phone", "counter", "import")

#: The purpose code of a withdrawal from every purpose of a channel.
ALL_PURPOSES = "all"
