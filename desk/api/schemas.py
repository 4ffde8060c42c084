"""The shapes of /api/v1/: pydantic models for what comes in and what goes out. Their JSON
Schema (2020-12, the dialect of OpenAPI 3.1) is the OpenAPI document's components as is."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Closed(BaseModel):
    """A body model: fields it does not name are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class Label(BaseModel):
    """A catalogue code with its Japanese and English labels."""

    code: str
    ja: str
    en: str


class ProblemText(BaseModel):
    title: str
    detail: str


class FieldError(BaseModel):
    """One field's problem: the field as named in the request, the message in both languages."""

    field: str
    ja: str
    en: str


class ProblemDocument(BaseModel):
    """RFC 9457 problem details; title and detail in the caller's language, both under ja and en."""

    type: str
    title: str
    status: int
    detail: str
    ja: ProblemText
    en: ProblemText
    errors: list[FieldError] | None = None


class ApiIndex(BaseModel):
    name: str
    version: str
    openapi: str
    reference: str


# ----------------------------------------------------------------------------- public


class Submitted(BaseModel):
    """A request received: the reference and the access code (shown once: keep it for the requester)."""

    reference: str
    access_code: str = Field(description="再発行以外では二度と表示されません / never shown again")
    #: The fee owed for the kinds asked, in yen.
    fee_due: int
    kinds: list[Label]
    status_url: str
    #: True when this answers a repeated Idempotency-Key with the first result.
    repeated: bool


class StatusAsk(Closed):
    reference: str = Field(min_length=1, max_length=40, examples=["2026-000061"])
    access_code: str = Field(min_length=1, max_length=60, examples=["ABCD-EFGH-JKMN-PQRS"])


class LetterSent(BaseModel):
    kind: str
    sent_on: date
    ja: str
    en: str


class Status(BaseModel):
    """What the requester's status page shows, as data."""

    reference: str
    arrived_on: date
    state: Label
    #: The state in plain words for the requester.
    public_state: Label
    kinds: list[Label]
    waiting_on_requester: bool
    waiting_for_documents: bool
    #: The fee still owed while the page asks for it (yen; 0 otherwise).
    fee_owed: int
    due_on: date | None
    #: What the desk asked, in the officer's words, while it waits for an answer.
    asked: str | None
    letters: list[LetterSent]
    closed: bool
    withdrawable: bool


# ----------------------------------------------------------------------------- integration


class CaseSummary(BaseModel):
    reference: str
    status: Label
    kinds: list[Label]
    channel: Label
    requester_type: Literal["principal", "proxy"]
    proxy_kind: Label | None
    arrived_on: date
    #: The desk's own target date and the statutory horizon; null while the case waits on the requester.
    internal_target_on: date | None
    statutory_horizon_on: date
    requester_due_on: date | None
    closed_on: date | None
    possible_duplicate: bool
    updated_at: datetime


class Person(BaseModel):
    role: Literal["principal", "proxy"]
    name: str
    furigana: str | None
    birth_date: date | None
    postal_code: str | None
    address: str | None
    phone: str | None
    email: str | None


class DocumentInfo(BaseModel):
    id: int
    party: str | None
    kind: Label
    label: str | None
    review: str
    media_type: str | None
    size: int | None
    uploaded_at: datetime
    #: Where to download it (scope cases:documents); null once the file is destroyed.
    download: str | None


class CaseDetail(CaseSummary):
    language: Literal["ja", "en"]
    delivery_method: Label | None
    people: list[Person]
    #: Present only for a key with the scope cases:documents.
    documents: list[DocumentInfo] | None = None


class CasePage(BaseModel):
    items: list[CaseSummary]
    page: int
    per_page: int
    total: int
    next_page: int | None


class CaseQuery(Closed):
    status: str = Field(
        default="open",
        max_length=32,
        description="open（既定）, all, または状態コード / open (default), all, or a state code",
    )
    updated_since: datetime | None = Field(default=None, description="この日時以降に更新された案件 / changed since")
    page: int = Field(default=1, ge=1, le=100000)
    per_page: int = Field(default=50, ge=1, le=200)


class Registered(BaseModel):
    reference: str
    access_code: str
    channel: Label
    repeated: bool


class PersonToScreen(Closed):
    name: str | None = Field(default=None, max_length=100, description="氏名 / full name")
    email: str | None = Field(default=None, max_length=254, description="配信の同意を見るとき / for marketing consent")
    furigana: str | None = Field(default=None, max_length=100, description="フリガナ / reading")
    birth_date: str | None = Field(default=None, max_length=40, description="生年月日 / date of birth")
    phone: str | None = Field(default=None, max_length=40)
    address: str | None = Field(default=None, max_length=300)


ConsentChannel = Literal["email", "post", "phone", "sms"]


class ScreenAsk(Closed):
    people: list[PersonToScreen] = Field(min_length=1, max_length=1000)
    #: With a channel and a purpose, each person's marketing consent is looked at too.
    channel: ConsentChannel | None = Field(default=None, description="配信の媒体 / marketing channel")
    purpose: str | None = Field(
        default=None, max_length=40, description="配信の目的（設定 consent_purposes のコード） / purpose code"
    )


class ConsentAnswer(BaseModel):
    channel: str
    purpose: str
    #: given, withdrawn, or null (never asked).
    state: Literal["given", "withdrawn"] | None
    #: Whether a message may be sent: after consent on e-mail and SMS, unless opted out on
    #: post and phone, and never to someone the register stops from all use.
    may_send: bool


class ScreenResult(BaseModel):
    #: Position in the list sent, from 0.
    index: int
    suppressed: bool
    #: How the person matched (name+birth_date, kana+phone, …), or null.
    rule: str | None
    #: The register entry (S-000123), or null.
    entry: str | None
    scope: Label | None
    consent: ConsentAnswer | None = None


class Screened(BaseModel):
    results: list[ScreenResult]
    suppressed: int
    #: Whether marketing consent and opt-outs were looked at (a channel and purpose were given).
    opt_outs_consulted: bool


class ConsentAsk(Closed):
    channel: ConsentChannel
    purpose: str = Field(
        min_length=1,
        max_length=40,
        description="目的のコード、撤回は all も可 / purpose code; all for a withdrawal from every purpose",
    )
    action: Literal["given", "withdrawn"]
    method: Literal[
        "web_form", "email_confirmation", "paper_form", "phone", "counter", "import", "unsubscribe_link", "optout_page"
    ]
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=40)
    name: str | None = Field(default=None, max_length=100)
    postal_address: str | None = Field(default=None, max_length=300)
    occurred_at: datetime | None = Field(
        default=None, description="時差付き、省略時は今 / with its UTC offset; now if absent"
    )
    shown_text: str | None = Field(
        default=None, max_length=4000, description="同意のときに示した文言 / the wording shown"
    )
    text_version: str | None = Field(default=None, max_length=40)
    source: str | None = Field(default=None, max_length=200, description="記録元のシステム / the system it came from")


class ConsentRecorded(BaseModel):
    #: The new record's number; null when a withdrawal repeats one already in force.
    record: int | None
    channel: str
    purpose: str
    action: str
    state: Literal["given", "withdrawn"] | None
    address_masked: str
