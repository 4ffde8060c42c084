"""The case: one application (開示等の請求) with its people and its request items."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text, and_, event, exists, false, or_
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, aliased, mapped_column, relationship

from desk.cases import lifecycle, search
from desk.clock import now
from desk.extensions import db
from desk.types import UTCDateTime


class Case(db.Model):
    __tablename__ = "cases"
    __table_args__ = (
        # The queue orders open work by what is due first.
        Index("ix_cases_queue", "status", "internal_target_on", "statutory_horizon_on", "id"),
        # The open queue: closed_on is NULL exactly while a case is open, so the queue
        # walks this index in due order without sorting (and without a status list).
        Index("ix_cases_open_queue", "closed_on", "internal_target_on", "statutory_horizon_on", "id"),
        # The newest change to any case: tells the queue whether its cached counts still hold.
        Index("ix_cases_updated", "updated_at"),
        # The "all cases" view of the queue lists the newest arrivals first.
        Index("ix_cases_arrived", "arrived_on", "id"),
        # A case under legal hold is never disposed: the database refuses it, whoever asks.
        CheckConstraint("NOT (on_hold AND status = 'disposed')", name="held_never_disposed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The reference number told to the requester and printed on letters (文書番号).
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    #: catalogue.CHANNELS
    channel: Mapped[str] = mapped_column(String(16))
    #: The deemed arrival date (到達日): every deadline counts from it.
    arrived_on: Mapped[date] = mapped_column(Date)
    #: When the desk recorded it.
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    #: Language of the requester and of the letters: "ja" or "en".
    language: Mapped[str] = mapped_column(String(2), default="ja")
    #: lifecycle.STATES; change only through desk.cases.service.transition().
    status: Mapped[str] = mapped_column(String(32), default="received", index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    #: "principal" or "proxy"
    requester_type: Mapped[str] = mapped_column(String(10), default="principal")
    #: catalogue.PROXY_KINDS, when a proxy acts.
    proxy_kind: Mapped[str | None] = mapped_column(String(20))
    #: catalogue.DELIVERY_METHODS, chosen by the principal for disclosure kinds.
    delivery_method: Mapped[str | None] = mapped_column(String(16))
    #: Hash of the access code for the status page; the code itself is never stored.
    access_code_hash: Mapped[str | None] = mapped_column(String(128))
    #: Deemed arrival + 14 days (Art. 39).
    statutory_horizon_on: Mapped[date] = mapped_column(Date)
    #: Arrival + N business days, the clock paused while waiting; None while paused.
    internal_target_on: Mapped[date | None] = mapped_column(Date)
    #: What the requester owes us must arrive by this date, or the case lapses.
    requester_due_on: Mapped[date | None] = mapped_column(Date)
    #: Flagged at intake when the same principal asked for the same kind recently.
    possible_duplicate: Mapped[bool] = mapped_column(default=False)
    #: True while a legal hold stands (desk.retention keeps it with the hold rows). On the
    #: row itself so that the statement moving a closed case can refuse a held one while
    #: it takes the row lock: a hold placed a moment earlier is never missed.
    on_hold: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Date the case closed (completed, withdrawn or lapsed): retention counts from it.
    closed_on: Mapped[date | None] = mapped_column(Date)
    #: Set when the retention job destroyed documents and redacted the case.
    disposed_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now, onupdate=now)

    assignee = relationship("StaffUser", lazy="joined")
    requesters: Mapped[list[Requester]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Requester.id"
    )
    items: Mapped[list[RequestItem]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="RequestItem.id"
    )
    notes: Mapped[list[CaseNote]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseNote.id"
    )

    @hybrid_property
    def is_open(self) -> bool:
        return self.status not in lifecycle.CLOSED

    @is_open.inplace.expression
    @classmethod
    def _is_open_expression(cls):
        return cls.status.not_in(sorted(lifecycle.CLOSED))

    @property
    def state(self) -> lifecycle.State:
        return lifecycle.STATES[self.status]

    @property
    def binding_due_on(self) -> date | None:
        """The date the case's one deadline badge follows: the earlier of the internal target
        and the statutory horizon (the target is later only when the clock was paused or the
        date extended); None while the desk waits for the requester."""
        if self.internal_target_on is None:
            return None
        return min(self.internal_target_on, self.statutory_horizon_on)

    @classmethod
    def overdue_on(cls, as_of: date):
        """The condition for an open case, not waiting for the requester, past its binding
        date on `as_of`: the one definition of "overdue" the queue, the dashboard and the
        daily job count with."""
        return and_(
            cls.status.in_(sorted(lifecycle.OPEN - lifecycle.WAITING)),
            or_(cls.internal_target_on < as_of, cls.statutory_horizon_on < as_of),
        )

    @classmethod
    def in_register(cls):
        """The condition for a case that counts as a statutory request: not one closed into
        an inquiry (lifecycle.CONVERSIONS; its kinds' outcome outlives disposal)."""
        item = aliased(RequestItem)  # the outer query may join request_items itself
        return ~exists().where(item.case_id == cls.id, item.outcome.in_(sorted(lifecycle.OUT_OF_REGISTER_OUTCOMES)))

    @property
    def principal(self) -> Requester | None:
        return next((r for r in self.requesters if r.role == "principal"), None)

    @property
    def proxy(self) -> Requester | None:
        return next((r for r in self.requesters if r.role == "proxy"), None)

    @property
    def addressee(self) -> Requester | None:
        """Letters go to the proxy when one acts, else to the principal."""
        return self.proxy or self.principal

    @property
    def kinds(self) -> list[str]:
        return [item.kind for item in self.items]

    def __repr__(self) -> str:
        return f"<Case {self.reference} {self.status}>"


class Requester(db.Model):
    """A person in a case: the principal (本人) or the proxy (代理人) acting for them."""

    __tablename__ = "requesters"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: "principal" or "proxy"
    role: Mapped[str] = mapped_column(String(10))
    #: catalogue.PROXY_KINDS for a proxy.
    proxy_kind: Mapped[str | None] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    #: Katakana reading.
    furigana: Mapped[str | None] = mapped_column(String(100))
    birth_date: Mapped[date | None] = mapped_column(Date)
    #: Seven digits, no hyphen.
    postal_code: Mapped[str | None] = mapped_column(String(8))
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(254))
    #: How the business knows them: customer number, service used.
    known_as: Mapped[str | None] = mapped_column(String(300))
    #: Normalised copies for the queue search (see desk.cases.search); redacted with the rest.
    name_key: Mapped[str | None] = mapped_column(String(100), index=True)
    kana_key: Mapped[str | None] = mapped_column(String(100), index=True)
    phone_key: Mapped[str | None] = mapped_column(String(20), index=True)
    email_key: Mapped[str | None] = mapped_column(String(254), index=True)
    #: The given name's keys (search.given_key), kept by _keep_given_keys below.
    given_key: Mapped[str | None] = mapped_column(String(100), index=True)
    given_kana_key: Mapped[str | None] = mapped_column(String(100), index=True)

    case: Mapped[Case] = relationship(back_populates="requesters")


@event.listens_for(Requester, "before_insert")
@event.listens_for(Requester, "before_update")
def _keep_given_keys(mapper, connection, person: Requester) -> None:
    """The given-name keys follow the name and reading on every write through the ORM, so
    no caller of search.search_keys can forget them (bulk Core inserts set them themselves)."""
    person.given_key = search.given_key(person.name)
    person.given_kana_key = search.given_key(person.furigana)


class RequestItem(db.Model):
    """One request kind within a case, with its own decision."""

    __tablename__ = "request_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: catalogue.REQUEST_KINDS
    kind: Mapped[str] = mapped_column(String(20))
    #: What exactly is asked (e.g. which data, what to correct), in the requester's words.
    particulars: Mapped[str | None] = mapped_column(Text)
    #: catalogue.OUTCOMES, once decided.
    outcome: Mapped[str | None] = mapped_column(String(24))
    #: catalogue.REFUSAL_GROUNDS codes, for refusals and partial outcomes.
    grounds: Mapped[list] = mapped_column(JSON, default=list)
    #: The reasons explained to the requester (Art. 36).
    explanation: Mapped[str | None] = mapped_column(Text)
    #: Outcome specifics: withheld items, what was corrected, the alternative measure.
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    case: Mapped[Case] = relationship(back_populates="items")


class CaseNote(db.Model):
    """A note an officer adds to a case's timeline (may hold personal data: redacted at disposal)."""

    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=now)

    case: Mapped[Case] = relationship(back_populates="notes")
    author = relationship("StaffUser")


class CasePause(db.Model):
    """A period the desk waited for the requester: the stored events deadlines come from."""

    __tablename__ = "case_pauses"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: "fee", "documents" or "clarification"
    reason: Mapped[str] = mapped_column(String(16))
    #: The day of the notice to the requester.
    started_on: Mapped[date] = mapped_column(Date)
    #: What is asked must arrive by this date.
    due_on: Mapped[date] = mapped_column(Date)
    #: The day the reply arrived; None while waiting.
    ended_on: Mapped[date | None] = mapped_column(Date)
    #: What the desk asked, in the officer's words, as the notice prints it (may name the
    #: person: erased at disposal).
    message: Mapped[str | None] = mapped_column(Text)


class CaseExtension(db.Model):
    """An extension of the internal target, notified to the requester in writing."""

    __tablename__ = "case_extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: Extra business days granted.
    business_days: Mapped[int] = mapped_column()
    reason: Mapped[str] = mapped_column(Text)
    decided_on: Mapped[date] = mapped_column(Date)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
