"""The framework of key points, and the record: one individual's or team's self-assessment and pledges."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from core.clock import utcnow
from core.database import db, enum_column
from core.labels import LabelledEnum
from people.models import Team, User


class FrameworkVersion(db.Model):
    """One published version of a partnership's framework (areas and key points), loaded from data."""

    __tablename__ = "framework_versions"
    __table_args__ = (sa.UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(80))
    version: Mapped[str] = mapped_column(sa.String(40))
    title: Mapped[str] = mapped_column(sa.String(200))
    source: Mapped[str] = mapped_column(sa.Text)
    guidance_note: Mapped[str] = mapped_column(sa.Text, default="")
    is_current: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)

    areas: Mapped[list[FrameworkArea]] = relationship(
        back_populates="framework_version",
        order_by="FrameworkArea.number",
        cascade="all, delete-orphan",
    )

    @property
    def key_points(self) -> list[KeyPoint]:
        return [point for area in self.areas for point in area.key_points]


class FrameworkArea(db.Model):
    __tablename__ = "framework_areas"
    __table_args__ = (sa.UniqueConstraint("framework_version_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_version_id: Mapped[int] = mapped_column(sa.ForeignKey("framework_versions.id"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(300))

    framework_version: Mapped[FrameworkVersion] = relationship(back_populates="areas")
    key_points: Mapped[list[KeyPoint]] = relationship(
        back_populates="area", order_by="KeyPoint.number", cascade="all, delete-orphan"
    )


class KeyPoint(db.Model):
    """A key point: its title, the sub-points under it and the source's additional detail."""

    __tablename__ = "key_points"
    __table_args__ = (sa.UniqueConstraint("area_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(sa.ForeignKey("framework_areas.id"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(sa.Text)
    sub_points: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # [{"text": ..., "items": [...]}]: the source's bullets, some with bullets of their own.
    additional_detail: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)

    area: Mapped[FrameworkArea] = relationship(back_populates="key_points")

    @property
    def has_guidance(self) -> bool:
        return bool(self.sub_points or self.additional_detail)


class Transition(enum.Enum):
    """What can happen to a record: each moves it from one state to the next (`RecordState`)."""

    SUBMIT = "submit"  # the owners send the stage (or the review) to their manager
    RETURN = "return"  # the manager hands it back with comments on some entries
    SIGN_OFF = "sign_off"  # the manager approves every completed entry
    REOPEN = "reopen"  # the owners reopen signed-off pledges, before the review starts
    START_REVIEW = "start_review"  # the six-month review opens


class RecordState(LabelledEnum):
    """Where a record stands, from the stage 1 draft to the complete cycle: its one state.

    Stage 1 is draft, submitted, returned, signed off; the six-month review (stage 2) is open,
    submitted, returned; signing the review off completes the cycle. A reopened record is a
    draft again (with its earlier versions kept); a review falls due by date, not by state.
    `allowed` answers what may happen next.
    """

    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for sign-off"
    RETURNED = "returned", "Returned for changes"
    SIGNED_OFF = "signed_off", "Signed off"
    REVIEW_OPEN = "review_open", "Review in progress"
    REVIEW_SUBMITTED = "review_submitted", "Review submitted for sign-off"
    REVIEW_RETURNED = "review_returned", "Review returned for changes"
    COMPLETE = "complete", "Cycle complete"

    @property
    def allowed(self) -> dict[Transition, RecordState]:
        """What may happen next, and the state each leads to."""
        return dict(_TRANSITIONS[self])

    def allows(self, transition: Transition) -> bool:
        return transition in _TRANSITIONS[self]

    def after(self, transition: Transition) -> RecordState:
        """The state `transition` leads to; ValueError if it cannot happen in this state."""
        try:
            return _TRANSITIONS[self][transition]
        except KeyError:
            raise ValueError(f"a record {self.value} cannot {transition.value}") from None

    @property
    def stage(self) -> int:
        """1 until the six-month review is started, then 2 (a complete cycle stays at 2)."""
        return 2 if self in _REVIEW_STATES else 1

    @property
    def is_in_review(self) -> bool:
        return self in _REVIEW_STATES

    @property
    def is_draft(self) -> bool:
        """Nothing has been submitted in this stage yet: a stage 1 draft or a review just opened."""
        return self in (RecordState.DRAFT, RecordState.REVIEW_OPEN)

    @property
    def is_editable(self) -> bool:
        """The owners write: drafting, or after their manager returned entries to them."""
        return self in _EDITABLE_STATES

    @property
    def is_submitted(self) -> bool:
        """Awaiting the manager's decisions, in stage 1 or in the review."""
        return self in (RecordState.SUBMITTED, RecordState.REVIEW_SUBMITTED)

    @property
    def is_returned(self) -> bool:
        return self in (RecordState.RETURNED, RecordState.REVIEW_RETURNED)

    @property
    def is_signed_off(self) -> bool:
        """Stage 1 is signed off (and so locked), whatever the review's progress."""
        return self is RecordState.SIGNED_OFF or self in _REVIEW_STATES

    @property
    def is_waiting_for_review(self) -> bool:
        """Signed off, and the six-month review not yet started."""
        return self is RecordState.SIGNED_OFF

    @property
    def is_complete(self) -> bool:
        return self is RecordState.COMPLETE


_TRANSITIONS: dict[RecordState, dict[Transition, RecordState]] = {
    RecordState.DRAFT: {Transition.SUBMIT: RecordState.SUBMITTED},
    RecordState.SUBMITTED: {
        Transition.RETURN: RecordState.RETURNED,
        Transition.SIGN_OFF: RecordState.SIGNED_OFF,
    },
    RecordState.RETURNED: {Transition.SUBMIT: RecordState.SUBMITTED},
    RecordState.SIGNED_OFF: {
        Transition.REOPEN: RecordState.DRAFT,
        Transition.START_REVIEW: RecordState.REVIEW_OPEN,
    },
    RecordState.REVIEW_OPEN: {Transition.SUBMIT: RecordState.REVIEW_SUBMITTED},
    RecordState.REVIEW_SUBMITTED: {
        Transition.RETURN: RecordState.REVIEW_RETURNED,
        Transition.SIGN_OFF: RecordState.COMPLETE,
    },
    RecordState.REVIEW_RETURNED: {Transition.SUBMIT: RecordState.REVIEW_SUBMITTED},
    RecordState.COMPLETE: {},
}
_REVIEW_STATES = frozenset(
    {
        RecordState.REVIEW_OPEN,
        RecordState.REVIEW_SUBMITTED,
        RecordState.REVIEW_RETURNED,
        RecordState.COMPLETE,
    }
)
_EDITABLE_STATES = frozenset(
    {
        RecordState.DRAFT,
        RecordState.RETURNED,
        RecordState.REVIEW_OPEN,
        RecordState.REVIEW_RETURNED,
    }
)


def state_sql_list(states) -> str:
    """States as an SQL list for the CHECK constraints below: ('a', 'b')."""
    return "(" + ", ".join(f"'{state.value}'" for state in states) + ")"


class ChangeJudgement(LabelledEnum):
    """How practice changed against the pledge (section 7, point 7: positive change, no change,
    deterioration)."""

    IMPROVED = "improved", "Improved"
    SOME_IMPROVEMENT = "some_improvement", "Some improvement"
    NO_CHANGE = "no_change", "No change"
    WORSE = "worse", "Worse"


class EvidenceSource(LabelledEnum):
    """Where a piece of evidence came from: the codes of the paper tool's stage 2 column."""

    SELF = "SR", "Self report"
    SERVICE_USER = "SUR", "Service user report"
    MANAGER = "MR", "Manager report"
    COLLEAGUE = "CR", "Colleague report"

    @property
    def column(self) -> str:
        """The column that says whether a piece of evidence came from here: "from_self"."""
        return f"from_{self.name.lower()}"


class Sharing(LabelledEnum):
    """Whether the owners let the good-practice library show their signed-off entries, and how.

    Chosen when submitting; anonymised unless they choose otherwise.
    """

    NAMED = "named", "Share it with my name (or our team's name)"
    ANONYMISED = "anonymised", "Share it anonymised: agency and district only"
    NOT_SHARED = "not_shared", "Do not share it"


class Approval(LabelledEnum):
    """A line manager's decision on one entry of a submitted record."""

    UNDECIDED = "undecided", "Awaiting sign-off"
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned with a comment"


class _AskTheState:
    """A question about a record that its state answers: `record.is_draft` is
    `record.state.is_draft` (or the state's `question`, when it is named differently)."""

    def __init__(self, question: str | None = None):
        self.question = question

    def __set_name__(self, owner, name: str) -> None:
        self.question = self.question or name

    def __get__(self, record, owner=None) -> bool:
        if record is None:
            return self
        return getattr(record.state, self.question)


class Record(db.Model):
    """One individual's or one team's record for one cycle."""

    __tablename__ = "records"
    __table_args__ = (
        sa.CheckConstraint("(owner_id IS NULL) <> (team_id IS NULL)", name="one_owner_or_one_team"),
        sa.CheckConstraint("cycle >= 1", name="cycle_positive"),
        sa.CheckConstraint(
            f"state IN {state_sql_list(s for s in RecordState if s.is_draft)} "
            "OR submitted_at IS NOT NULL",
            name="submitted_has_date",
        ),
        sa.CheckConstraint(
            f"(state IN {state_sql_list(s for s in RecordState if s.is_signed_off)}) = "
            "(signed_off_at IS NOT NULL AND signed_off_by_id IS NOT NULL AND review_due_on IS NOT NULL)",
            name="signed_off_if_and_only_if_sign_off_recorded",
        ),
        sa.CheckConstraint(
            "(state = 'complete') = (completed_at IS NOT NULL AND completed_by_id IS NOT NULL)",
            name="complete_if_and_only_if_completion_recorded",
        ),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.UniqueConstraint("owner_id", "cycle"),
        sa.UniqueConstraint("team_id", "cycle"),
        # The review sweep's records: cycles still open, by due date. Completed cycles, the
        # county's growing history, stay out of it.
        sa.Index(
            "ix_records_review_pending",
            "review_due_on",
            postgresql_where=sa.text("state <> 'complete'"),
            sqlite_where=sa.text("state <> 'complete'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_version_id: Mapped[int] = mapped_column(sa.ForeignKey("framework_versions.id"))
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id"), index=True)
    cycle: Mapped[int] = mapped_column(default=1)
    # Where the record stands, stage 1 and the review alike (RecordState says what may follow).
    state: Mapped[RecordState] = mapped_column(
        enum_column(RecordState, "record_state"), default=RecordState.DRAFT, index=True
    )
    # The header of the paper tool: taken from the profile, editable on the record.
    name: Mapped[str] = mapped_column(sa.String(160))
    work_base_address: Mapped[str] = mapped_column(sa.Text, default="")
    telephone: Mapped[str] = mapped_column(sa.String(40), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None]
    signed_off_at: Mapped[datetime | None]
    signed_off_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Set at sign-off: when the six-month review (stage 2) falls due.
    review_due_on: Mapped[date | None] = mapped_column(index=True)
    # Reopening a signed-off record starts a new version; earlier ones are kept as snapshots.
    version: Mapped[int] = mapped_column(default=1)
    review_started_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    completed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # How the good-practice library may show the signed-off entries (chosen when submitting).
    sharing: Mapped[Sharing] = mapped_column(
        enum_column(Sharing, "sharing"), default=Sharing.ANONYMISED
    )

    framework_version: Mapped[FrameworkVersion] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    team: Mapped[Team | None] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    signed_off_by: Mapped[User | None] = relationship(foreign_keys=[signed_off_by_id])
    completed_by: Mapped[User | None] = relationship(foreign_keys=[completed_by_id])
    snapshots: Mapped[list[RecordSnapshot]] = relationship(
        back_populates="record", order_by="RecordSnapshot.version", cascade="all, delete-orphan"
    )
    entries: Mapped[list[Entry]] = relationship(
        back_populates="record", order_by="Entry.position", cascade="all, delete-orphan"
    )
    events: Mapped[list[RecordEvent]] = relationship(
        back_populates="record", order_by="RecordEvent.id", cascade="all, delete-orphan"
    )
    # Counted in SQL by lists that show only the number (`pledge_count_clause`): loading every
    # entry of every record to count them was 40 % of My records' CPU. None when not asked for.
    pledges_counted: Mapped[int | None] = query_expression()

    @property
    def label(self) -> str:
        """How notifications name the record: "Chesterfield North multi-agency team, cycle 1"."""
        return f"{self.name}, cycle {self.cycle}"

    @property
    def is_team_record(self) -> bool:
        return self.team_id is not None

    def move(self, transition: Transition) -> None:
        """Take the record to the state `transition` leads to (ValueError if it cannot happen).

        Operations check first and refuse in words; this keeps the state machine whole.
        """
        self.state = self.state.after(transition)

    @property
    def key_point_entries(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.key_point_id is not None]

    @property
    def added_findings(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.key_point_id is None]

    # The state's questions, asked of the record (templates and operations call these).
    is_editable = _AskTheState()
    is_draft = _AskTheState()
    is_submitted = _AskTheState()
    is_returned = _AskTheState()
    # Stage 1 is signed off (and so locked), whatever the review's progress:
    is_signed_off = _AskTheState()
    is_waiting_for_review = _AskTheState()
    in_review_stage = _AskTheState("is_in_review")
    is_complete = _AskTheState()

    @property
    def pledged_entries(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.has_pledge]

    @property
    def completed_entries(self) -> list[Entry]:
        """What a manager signs off: entries with anything written in them in stage 1, and
        entries with any review written in them in stage 2."""
        if self.in_review_stage:
            return [entry for entry in self.entries if entry.has_review]
        return [entry for entry in self.entries if not entry.is_blank]

    @property
    def entries_awaiting_decision(self) -> list[Entry]:
        return [e for e in self.completed_entries if e.approval is Approval.UNDECIDED]

    @property
    def returned_entries(self) -> list[Entry]:
        return [e for e in self.completed_entries if e.approval is Approval.RETURNED]

    @property
    def pledge_count(self) -> int:
        if self.pledges_counted is not None:
            return self.pledges_counted
        return sum(1 for entry in self.entries if entry.has_pledge)

    @property
    def owners(self) -> list[User]:
        """Everyone who writes this record: the individual, or every member of the team."""
        if self.team is not None:
            return self.team.members
        return [self.owner] if self.owner is not None else []

    @property
    def signing_manager(self) -> User | None:
        """Who signs this record off: the owner's line manager, or the team's manager."""
        if self.team is not None:
            return self.team.manager
        return self.owner.line_manager if self.owner is not None else None


ENTRY_TEXT_FIELDS = ("good_practice", "pledge", "helps", "hinders", "signs_of_success")
# What counts as blank around a pledge, the same in Python and in SQL (both databases' trim()
# take the characters to remove), so a count made in SQL agrees with one made of the entries.
BLANK_CHARACTERS = " \t\n\r\f\v"


class Entry(db.Model):
    """One row of the tool: a key point of the framework, or a finding the owners added."""

    __tablename__ = "entries"
    __table_args__ = (
        sa.UniqueConstraint("record_id", "key_point_id"),
        # A record's entries, and the collation's joins of records to entries read from the
        # index alone (the county's figures scanned 200,000 wide rows for these two columns).
        sa.Index("ix_entries_record_id_id", "record_id", "id"),
        sa.CheckConstraint(
            "key_point_id IS NOT NULL OR finding_title <> ''", name="added_finding_has_title"
        ),
        sa.CheckConstraint("revision >= 1", name="revision_positive"),
        sa.CheckConstraint(
            "approval <> 'returned' OR return_comment <> ''", name="returned_has_comment"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(sa.ForeignKey("records.id", ondelete="CASCADE"))
    key_point_id: Mapped[int | None] = mapped_column(sa.ForeignKey("key_points.id"), index=True)
    position: Mapped[int]
    # For added findings only (the paper's a) to e)): what the finding is and where it came from.
    finding_title: Mapped[str] = mapped_column(sa.Text, default="")
    finding_source: Mapped[str] = mapped_column(sa.Text, default="")
    good_practice: Mapped[str] = mapped_column(sa.Text, default="")
    pledge: Mapped[str] = mapped_column(sa.Text, default="")
    helps: Mapped[str] = mapped_column(sa.Text, default="")
    hinders: Mapped[str] = mapped_column(sa.Text, default="")
    signs_of_success: Mapped[str] = mapped_column(sa.Text, default="")
    # SQLAlchemy's version counter: every UPDATE of the row adds one and carries
    # `WHERE revision = <the revision read>`, so the database refuses a writer who read before
    # someone else saved (StaleDataError), and a second editor learns someone saved first.
    revision: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": revision}
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The line manager's decision on this entry, and their comment when they return it.
    approval: Mapped[Approval] = mapped_column(
        enum_column(Approval, "approval"), default=Approval.UNDECIDED
    )
    return_comment: Mapped[str] = mapped_column(sa.Text, default="")
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The identifying-details check, run again on the shared text when stage 1 is signed off:
    # True keeps the entry out of the good-practice library; None means not checked yet.
    shared_text_flagged: Mapped[bool | None]
    # What the entry said when it was last approved or returned ({label: text}), so the next
    # session can show, word by word, what changed since.
    text_at_decision: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    # The owners' reply to a return comment, shown in the next session beside the comment.
    reply_to_return: Mapped[str] = mapped_column(sa.Text, default="")
    replied_at: Mapped[datetime | None]
    replied_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    record: Mapped[Record] = relationship(back_populates="entries")
    key_point: Mapped[KeyPoint | None] = relationship()
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    replied_by: Mapped[User | None] = relationship(foreign_keys=[replied_by_id])
    addenda: Mapped[list[EntryAddendum]] = relationship(
        back_populates="entry", order_by="EntryAddendum.id", cascade="all, delete-orphan"
    )
    # Stage 2: the review of this entry's pledge.
    change_judgement: Mapped[ChangeJudgement | None] = mapped_column(
        enum_column(ChangeJudgement, "change_judgement")
    )
    what_next: Mapped[str] = mapped_column(sa.Text, default="")
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="entry", order_by="Evidence.id", cascade="all, delete-orphan"
    )

    @property
    def judgement_value(self) -> str:
        """The judgement as text ('' for none), so it saves and merges like the text fields."""
        return self.change_judgement.value if self.change_judgement else ""

    @judgement_value.setter
    def judgement_value(self, value: str) -> None:
        self.change_judgement = ChangeJudgement(value) if value else None

    @property
    def is_approved(self) -> bool:
        return self.approval is Approval.APPROVED

    @property
    def is_returned(self) -> bool:
        """Returned by the manager with a comment, and not yet submitted again."""
        return self.approval is Approval.RETURNED

    @property
    def has_review(self) -> bool:
        return bool(self.evidence or self.change_judgement or self.what_next.strip())

    @property
    def rests_on_self_report_only(self) -> bool:
        """Evidence there is, and every piece of it is self report alone: no service user,
        manager or colleague view (triangulation is the point of the source codes)."""
        return bool(self.evidence) and not any(
            item.from_service_user or item.from_manager or item.from_colleague
            for item in self.evidence
        )

    @property
    def is_added_finding(self) -> bool:
        return self.key_point_id is None

    @property
    def title(self) -> str:
        if self.key_point is not None:
            return f"{self.key_point.number}) {self.key_point.title}"
        return self.finding_title

    @hybrid_property
    def has_pledge(self) -> bool:
        return bool(self.pledge.strip(BLANK_CHARACTERS))

    @has_pledge.inplace.expression
    @classmethod
    def _has_pledge_expression(cls) -> sa.ColumnElement[bool]:
        return sa.func.trim(cls.pledge, BLANK_CHARACTERS) != ""

    @property
    def is_blank(self) -> bool:
        return not any(getattr(self, field).strip() for field in ENTRY_TEXT_FIELDS)

    def text_values(self) -> dict[str, str]:
        return {field: getattr(self, field) for field in ENTRY_TEXT_FIELDS}


class Evidence(db.Model):
    """One piece of evidence of improved practice, tagged with where it came from."""

    __tablename__ = "evidence"
    __table_args__ = (sa.CheckConstraint("revision >= 1", name="revision_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("entries.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str] = mapped_column(sa.Text)
    occurred_on: Mapped[date | None]
    from_self: Mapped[bool] = mapped_column(default=False)
    from_service_user: Mapped[bool] = mapped_column(default=False)
    from_manager: Mapped[bool] = mapped_column(default=False)
    from_colleague: Mapped[bool] = mapped_column(default=False)
    # A version counter like Entry.revision: a change read before another was saved is refused.
    revision: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": revision}
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    entry: Mapped[Entry] = relationship(back_populates="evidence")
    created_by: Mapped[User] = relationship()

    @property
    def sources(self) -> list[EvidenceSource]:
        return [source for source in EvidenceSource if getattr(self, source.column)]

    def is_by_someone_else(self, record: Record) -> bool:
        """Noted by someone who does not own the record (a manager's report in supervision):
        theirs to change, not the owners'."""
        if record.team is not None:
            return not record.team.has_member(self.created_by)
        return self.created_by_id != record.owner_id

    @property
    def source_codes(self) -> str:
        return " / ".join(source.value for source in self.sources)


def pledge_count_clause(record_id) -> sa.ScalarSelect[int]:
    """How many of a record's entries hold a pledge, in SQL: `Record.pledge_count` without
    loading the entries (give it to `with_expression(Record.pledges_counted, ...)`)."""
    return (
        sa.select(sa.func.count())
        .select_from(Entry)
        .where(Entry.record_id == record_id, Entry.has_pledge)
        .scalar_subquery()
    )


class EntryAddendum(db.Model):
    """A dated note added to a signed-off entry by its owners, leaving the signed text unchanged."""

    __tablename__ = "entry_addenda"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("entries.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    entry: Mapped[Entry] = relationship(back_populates="addenda")
    author: Mapped[User] = relationship()


class RecordSnapshot(db.Model):
    """A signed-off version of a record, kept when the record is reopened for changes."""

    __tablename__ = "record_snapshots"
    __table_args__ = (sa.UniqueConstraint("record_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(
        sa.ForeignKey("records.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int]
    signed_off_at: Mapped[datetime]
    signed_off_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    reopened_at: Mapped[datetime] = mapped_column(default=utcnow)
    reopened_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    # [{"title": ..., "fields": {name: text}, "addenda": [{"author": ..., "at": iso, "text": ...}]}]
    entries: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)

    record: Mapped[Record] = relationship(back_populates="snapshots")
    signed_off_by: Mapped[User] = relationship(foreign_keys=[signed_off_by_id])
    reopened_by: Mapped[User] = relationship(foreign_keys=[reopened_by_id])


class RecordEvent(db.Model):
    """One line of a record's history: who did what, when, and which fields changed from what to what."""

    __tablename__ = "record_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(
        sa.ForeignKey("records.id", ondelete="CASCADE"), index=True
    )
    entry_id: Mapped[int | None] = mapped_column(sa.ForeignKey("entries.id", ondelete="SET NULL"))
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(sa.String(40))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    # {"field": {"from": old, "to": new}}
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)

    record: Mapped[Record] = relationship(back_populates="events")
    entry: Mapped[Entry | None] = relationship()
    actor: Mapped[User] = relationship()


class PromptKind(enum.Enum):
    """The review prompts, in the order they fall due."""

    HEADS_UP = "heads_up"  # two weeks before the review is due
    OPEN = "open"  # on the due date
    OVERDUE = "overdue"  # four weeks after it, to the owners and their manager


class ReviewPrompt(db.Model):
    """A review prompt owed to one person, claimed once: the unique constraint is what stops two
    sweeps (two processes, or a rerun) sending the same prompt twice.

    `was_sent` is false for a prompt a later one made stale while the sweep was not running (no
    heads-up is sent after the review has opened).
    """

    __tablename__ = "review_prompts"
    __table_args__ = (sa.UniqueConstraint("record_id", "review_due_on", "kind", "recipient_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(sa.ForeignKey("records.id", ondelete="CASCADE"))
    review_due_on: Mapped[date]
    kind: Mapped[PromptKind] = mapped_column(enum_column(PromptKind, "prompt_kind"))
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    was_sent: Mapped[bool] = mapped_column(default=True)
    swept_for: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    record: Mapped[Record] = relationship()
    recipient: Mapped[User] = relationship()
