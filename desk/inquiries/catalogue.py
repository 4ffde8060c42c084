"""What an inquiry can be, how it reaches the desk, how it is answered, and the states it
passes through: data with stable codes and Japanese/English labels."""

from __future__ import annotations

from dataclasses import dataclass

from desk.catalogue import Entry


@dataclass(frozen=True)
class Category(Entry):
    #: A request the Act does not cover (about a deceased person, by a third party, …).
    outside_the_act: bool = False
    #: Shown to the public on the web form (staff see every category).
    public: bool = True
    #: What the public form explains when this category is chosen.
    explain_ja: str = ""
    explain_en: str = ""

    def explanation(self, lang: str) -> str:
        return self.explain_en if lang == "en" else self.explain_ja


CATEGORIES: dict[str, Category] = {
    c.code: c
    for c in [
        Category("question", "お問い合わせ（個人情報の取扱いについて）", "Question about how data is handled"),
        Category("complaint", "苦情", "Complaint"),
        Category(
            "deceased",
            "亡くなった方の情報についてのご依頼",
            "About a deceased person",
            outside_the_act=True,
            explain_ja=(
                "個人情報保護法の開示等の請求は、生存する個人ご本人（またはその代理人）だけができます。"
                "亡くなった方の情報についてのご依頼は、法律上の請求ではなくお問い合わせとしてお受けし、"
                "当社の方針に沿って個別にお答えします。手数料はかかりません。"
            ),
            explain_en=(
                "A request under the Act on the Protection of Personal Information can be made only by a living "
                "person (or their proxy). We take a request about a deceased person as an inquiry, not a statutory "
                "request, and answer it case by case under our own policy. There is no fee."
            ),
        ),
        Category(
            "third_party",
            "ご本人・代理人以外の方からのご依頼",
            "Request by someone who is neither the person nor a proxy",
            outside_the_act=True,
            explain_ja="ご本人または法定代理人・委任を受けた代理人以外の方からのご依頼は、法律上の請求ではなくお問い合わせとしてお受けします。",
            explain_en="A request by someone who is neither the person concerned nor their proxy is taken as an inquiry, not a statutory request.",
        ),
        Category(
            "not_retained",
            "保有個人データに当たらない情報についてのご依頼",
            "About data that is not retained personal data",
            outside_the_act=True,
            public=False,
        ),
        Category("optout_call", "電話での配信停止等のお申出", "Opt-out by phone", public=False),
        Category("other", "その他", "Other"),
    ]
}
OUTSIDE_THE_ACT = frozenset(code for code, c in CATEGORIES.items() if c.outside_the_act)

CHANNELS: dict[str, Entry] = {
    e.code: e
    for e in [
        Entry("web", "ウェブ", "Web form"),
        Entry("phone", "電話", "Phone"),
        Entry("counter", "窓口", "At the counter"),
        Entry("mail", "郵送", "Post"),
        Entry("fax", "FAX", "Fax"),
        Entry("email", "電子メール", "E-mail"),
        Entry("case", "請求から切替", "From a case"),
    ]
}
#: What staff choose when they register an inquiry themselves.
STAFF_CHANNELS = ("phone", "counter", "mail", "fax", "email")

#: How an answer was given. A letter goes through the letters service and the print run.
ANSWER_CHANNELS: dict[str, Entry] = {
    e.code: e
    for e in [
        Entry("letter", "書面（郵送）", "Letter"),
        Entry("phone", "電話", "Phone"),
        Entry("email", "電子メール", "E-mail"),
        Entry("counter", "窓口", "At the counter"),
    ]
}


@dataclass(frozen=True)
class State(Entry):
    closed: bool = False


STATES: dict[str, State] = {
    s.code: s
    for s in [
        State("open", "未回答", "Not yet answered"),
        State("answered", "回答済", "Answered"),
        State("closed", "終了", "Closed", closed=True),
        State("disposed", "廃棄済", "Disposed", closed=True),
    ]
}
#: from-state -> the states it may move to (answering again, reopening a closed inquiry).
TRANSITIONS: dict[str, frozenset[str]] = {
    "open": frozenset({"answered", "closed"}),
    "answered": frozenset({"answered", "open", "closed"}),
    "closed": frozenset({"open", "disposed"}),
    "disposed": frozenset(),
}
OPEN_STATES = frozenset({"open", "answered"})

#: How the other side of a link between an inquiry and a case came about.
LINKS: dict[str, Entry] = {
    e.code: e
    for e in [
        Entry("opened_case", "この問い合わせから開始した請求", "Case opened from this inquiry"),
        Entry("from_case", "法定の請求に当たらないとして終了した請求", "Case closed as not a statutory request"),
    ]
}
