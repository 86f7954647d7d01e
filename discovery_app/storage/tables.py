"""The database tables. Field names match the domain models so mapping stays mechanical.

Money and hours are stored as exact decimal text (SQLite has no exact decimal type; its NUMERIC
affinity would round through binary floating point). Lists and maps are JSON columns.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


class DecimalText(TypeDecorator):
    """A Decimal stored as its exact text."""

    impl = sa.String(40)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError(f"money and hours must be Decimal, got {type(value).__name__}")
        return str(value)

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        return None if value is None else Decimal(value)


class UTCDateTime(TypeDecorator):
    """An aware datetime, stored in UTC (SQLite keeps no offset) and read back as UTC."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.utcoffset() is None else value.astimezone(UTC)


def _when(nullable: bool = False) -> Any:
    return Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=nullable))


def _json(**kw: Any) -> Any:
    return Field(default=None, sa_column=sa.Column(sa.JSON, nullable=True), **kw)


def _fk() -> Any:
    return Field(
        sa_column=sa.Column(sa.Integer, sa.ForeignKey("engagement.id", ondelete="CASCADE"), nullable=False, index=True)
    )


class FormSnapshot(SQLModel, table=True):
    """The exact form an engagement was run with, kept once per content hash."""

    __tablename__ = "form_snapshot"
    hash: str = Field(primary_key=True, max_length=80)
    form_id: str = Field(max_length=64)
    version: int
    title: str = Field(max_length=300)
    content: str  # canonical JSON of the validated package
    stored_at: datetime = _when()


class EngagementRow(SQLModel, table=True):
    __tablename__ = "engagement"
    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(max_length=40, unique=True)
    client_name: str = Field(max_length=300, index=True)
    status: str = Field(max_length=20, index=True)
    consultant: str = Field(default="", max_length=300)
    internal_it_owner: str = Field(default="", max_length=300)
    industry: str = Field(default="", max_length=300)
    discovery_date: date | None = None
    created_at: datetime = _when()
    updated_at: datetime = _when()
    archived: bool = Field(default=False, index=True)
    form_id: str = Field(max_length=64)
    form_version: int
    form_hash: str = Field(
        sa_column=sa.Column(sa.String(80), sa.ForeignKey("form_snapshot.hash"), nullable=False)
    )
    notes: str = ""
    # Raised by one in every write transaction (see repository._touch): what a picture of the
    # engagement was read at; never part of the domain model or of an exported file.
    revision: int = Field(default=0, sa_column=sa.Column(sa.Integer, nullable=False, server_default="0"))
    baseline_of: str | None = Field(default=None, max_length=40)
    proposal_sha256: str = Field(default="", max_length=64)
    to_confirm: Any = _json()
    proposal_fingerprint: str = Field(default="", max_length=64)
    proposal_issued_on: date | None = None


class SiteRow(SQLModel, table=True):
    __tablename__ = "site"
    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = _fk()
    position: int = 0
    uid: str = Field(max_length=40)
    name: str = Field(max_length=300)
    address: str = ""
    user_count: int | None = None
    notes: str = ""


class ContactRow(SQLModel, table=True):
    __tablename__ = "contact"
    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = _fk()
    position: int = 0
    uid: str = Field(max_length=40)
    name: str = Field(max_length=300)
    role: str = ""
    email: str = ""
    phone: str = ""
    decision_maker: bool = False


class AnswerRow(SQLModel, table=True):
    __tablename__ = "answer"
    __table_args__ = (sa.UniqueConstraint("engagement_id", "question_id"),)
    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = _fk()
    position: int = 0
    question_id: str = Field(max_length=64)
    value: Any = _json()
    note: str = ""
    said_by: str = ""


class InventoryRow(SQLModel, table=True):
    __tablename__ = "inventory_item"
    # Pricing and the readiness check read the inventory as counts per (category, kind): this
    # index answers that from the index alone, without reading 20,000 rows.
    __table_args__ = (sa.Index("ix_inventory_item_kinds", "engagement_id", "category", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = _fk()
    position: int = 0
    uid: str = Field(max_length=40)
    category: str = Field(max_length=20)
    kind: str = ""
    name: str = Field(max_length=300)
    site: str = ""
    owner: str = ""
    os: str = ""
    model: str = ""
    serial: str = ""
    purchase_date: date | None = None
    warranty_end: date | None = None
    notes: str = ""
    source: str = ""
    import_batch: str | None = Field(default=None, max_length=40, index=True)
    manufacturer: str = ""
    asset_tag: str = ""
    department: str = ""
    last_seen: date | None = None


class StandardRow(SQLModel, table=True):
    __tablename__ = "standard_assessment"
    __table_args__ = (sa.UniqueConstraint("engagement_id", "category_id"),)
    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = _fk()
    position: int = 0
    category_id: str = Field(max_length=64)
    current_tool: str = ""
    status: str = Field(max_length=20)
    decision: str | None = Field(default=None, max_length=20)
    notes: str = ""


class RiskRow(SQLModel, table=True):
    __tablename__ = "risk"
    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = _fk()
    position: int = 0
    uid: str = Field(max_length=40)
    template_id: str | None = None
    title: str = Field(max_length=300)
    category: str = Field(max_length=20)
    likelihood: int
    impact: int
    description: str = ""
    why_it_matters: str = ""
    evidence: str = ""
    standard_category: str | None = None
    linked_inventory: Any = _json()
    treatment: str | None = Field(default=None, max_length=20)


class RemediationRow(SQLModel, table=True):
    __tablename__ = "remediation_item"
    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = _fk()
    position: int = 0
    uid: str = Field(max_length=40)
    title: str = Field(max_length=300)
    risk_uid: str | None = None
    standard_category: str | None = None
    hours: Any = _json()
    priority: str = Field(max_length=20)
    owner: str = Field(max_length=20)
    depends_on: Any = _json()
    phase: str = Field(max_length=20)
    definition_of_done: str = ""
    accepted: bool = True
    delivery_status: str = "not_started"
    actual_hours: Any = _json()
    done_on: date | None = None


class ResponsibilityRow(SQLModel, table=True):
    __tablename__ = "responsibility"
    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = _fk()
    position: int = 0
    function_id: str = Field(max_length=64)
    name: str = Field(max_length=300)
    lane: str = Field(max_length=20)
    custom: bool = False
    raci: Any = _json()
    accepted_as_is: bool = False
    notes: str = ""


class PricingRow(SQLModel, table=True):
    __tablename__ = "pricing_input"
    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = Field(
        sa_column=sa.Column(sa.Integer, sa.ForeignKey("engagement.id", ondelete="CASCADE"), nullable=False, unique=True)
    )
    coverage: str | None = Field(default=None, max_length=64)  # None: the coverage answer is priced
    lanes_run_by_provider: Any = _json()
    user_count_override: int | None = None
    device_count_overrides: Any = _json()
    discount_percent: Decimal = Field(sa_column=sa.Column(DecimalText(), nullable=False))
    discount_reason: str = ""
    credit_discovery_fee: bool = False


class DiscountApprovalRow(SQLModel, table=True):
    __tablename__ = "discount_approval"
    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = _fk()
    position: int = 0
    percent: Decimal = Field(sa_column=sa.Column(DecimalText(), nullable=False))
    approver: str = Field(max_length=300)
    role: str = Field(max_length=300)
    approved_on: date
    note: str = ""


class SignedApprovalRow(SQLModel, table=True):
    """A discount approval signed with the approver's key: the statement exactly as signed."""

    __tablename__ = "signed_approval"
    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = _fk()
    position: int = 0
    uid: str = Field(max_length=40)
    statement: Any = _json()
    signature: str = Field(max_length=200)
    public_key: str = Field(max_length=200)
    approver: str = Field(default="", max_length=300)
    role: str = Field(default="", max_length=100)
    verified_at: datetime = _when()


class AttachmentRow(SQLModel, table=True):
    __tablename__ = "attachment"
    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = _fk()
    position: int = 0
    uid: str = Field(max_length=40)
    risk_uid: str | None = None
    file_name: str = Field(max_length=300)
    content_type: str = Field(max_length=300)
    sha256: str = Field(max_length=64)
    size: int
    note: str = ""
    in_proposal: bool = True  # in the proposal's evidence-photos appendix (images only)
    # The file's bytes live in the store so an engagement is one self-contained record.
    data: bytes | None = Field(default=None, sa_column=sa.Column(sa.LargeBinary, nullable=True))


class TimeEntryRow(SQLModel, table=True):
    __tablename__ = "time_entry"
    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = _fk()
    position: int = 0
    started_at: datetime = _when()
    ended_at: datetime | None = _when(nullable=True)
    note: str = ""


class ClientAnswerRow(SQLModel, table=True):
    __tablename__ = "client_answer"
    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = _fk()
    position: int = 0
    question_id: str = Field(max_length=64)
    value: Any = _json()
    by: str = ""
    imported_on: date
    differs: bool = False


class DismissedSuggestionRow(SQLModel, table=True):
    __tablename__ = "dismissed_suggestion"
    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = _fk()
    position: int = 0
    key: str = Field(max_length=200)
    reason: str = ""
    dismissed_on: date


class SettingRow(SQLModel, table=True):
    """Application settings (provider profile, defaults) as JSON values by key."""

    __tablename__ = "setting"
    key: str = Field(primary_key=True, max_length=100)
    value: Any = _json()


class ChangeRow(SQLModel, table=True):
    """What each write changed in an engagement, at which revision, from which open store and by
    whom: the conflict check of a later write, and what an open window reloads."""

    __tablename__ = "change_log"
    __table_args__ = (sa.Index("ix_change_log_revision", "engagement_id", "revision"),)
    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = Field(
        sa_column=sa.Column(sa.Integer, sa.ForeignKey("engagement.id", ondelete="CASCADE"), nullable=False)
    )
    revision: int
    target: str = Field(max_length=40)  # a child collection ("answers", "risks"...), "pricing", "header"
    key: str = Field(max_length=100)  # the record (question id, uid, field), or "*" for all of them
    session: str = Field(max_length=40)  # the open store (one per window or command) that wrote it
    who: str = Field(max_length=300)  # "user on host"
    at: datetime = _when()


class PricingOptionRow(SQLModel, table=True):
    __tablename__ = "pricing_option"
    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = _fk()
    position: int = 0
    number: int
    label: str = Field(max_length=300)
    note: str = ""
    pricing: Any = _json()


class RiskAcceptanceRow(SQLModel, table=True):
    __tablename__ = "risk_acceptance"
    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = _fk()
    position: int = 0
    risk_uid: str = Field(max_length=40)
    owner: str = Field(max_length=300)
    rationale: str = ""
    compensating_controls: str = ""
    review_on: date
    approved_by: str = Field(max_length=300)
    approved_on: date | None = None


class RoadmapPlacementRow(SQLModel, table=True):
    __tablename__ = "roadmap_placement"
    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = _fk()
    position: int = 0
    key: str = Field(max_length=80)
    quarter: str = Field(max_length=7)


class ChangeOrderRow(SQLModel, table=True):
    __tablename__ = "change_order"
    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = _fk()
    position: int = 0
    uid: str = Field(max_length=40)
    number: int
    title: str = Field(max_length=300)
    reason: str = ""
    hours: Any = _json()
    monthly_change: Decimal = Field(sa_column=sa.Column(DecimalText(), nullable=False))
    requested_on: date
    status: str = Field(max_length=20)
    approved_by: str = Field(default="", max_length=300)
    approved_title: str = Field(default="", max_length=300)
    approved_on: date | None = None


class AcceptanceRow(SQLModel, table=True):
    """The client's signature and the baseline frozen with it; its presence freezes the engagement."""

    __tablename__ = "acceptance"
    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = Field(
        sa_column=sa.Column(sa.Integer, sa.ForeignKey("engagement.id", ondelete="CASCADE"), nullable=False, unique=True)
    )
    option: int
    signed_by: str = Field(max_length=300)
    title: str = Field(max_length=300)
    signed_on: date
    document_uid: str | None = Field(default=None, max_length=40)
    proposal_sha256: str = Field(max_length=64)
    baseline: Any = _json()


# Child collections of an engagement: attribute on the domain model -> table.
CHILD_TABLES: dict[str, type[SQLModel]] = {
    "sites": SiteRow,
    "contacts": ContactRow,
    "answers": AnswerRow,
    "inventory": InventoryRow,
    "standards": StandardRow,
    "risks": RiskRow,
    "remediation": RemediationRow,
    "responsibilities": ResponsibilityRow,
    "discount_approvals": DiscountApprovalRow,
    "signed_approvals": SignedApprovalRow,
    "attachments": AttachmentRow,
    "time_log": TimeEntryRow,
    "client_answers": ClientAnswerRow,
    "dismissed_suggestions": DismissedSuggestionRow,
    "options": PricingOptionRow,
    "risk_acceptances": RiskAcceptanceRow,
    "roadmap_quarters": RoadmapPlacementRow,
    "change_orders": ChangeOrderRow,
}

JSON_FIELDS: dict[type[SQLModel], frozenset[str]] = {
    AnswerRow: frozenset({"value"}),
    ClientAnswerRow: frozenset({"value"}),
    RiskRow: frozenset({"linked_inventory"}),
    RemediationRow: frozenset({"hours", "depends_on", "actual_hours"}),
    ResponsibilityRow: frozenset({"raci"}),
    PricingRow: frozenset({"lanes_run_by_provider", "device_count_overrides"}),
    PricingOptionRow: frozenset({"pricing"}),
    ChangeOrderRow: frozenset({"hours"}),
    SignedApprovalRow: frozenset({"statement"}),
    AcceptanceRow: frozenset({"baseline"}),
    EngagementRow: frozenset({"to_confirm"}),
}


class CheckoutRow(SQLModel, table=True):
    """A checkout mark. In the shared store (``role`` "out"): the engagement is checked out to a
    laptop, read-only here while ``state`` is "active". In a laptop's store (``role`` "copy"): the
    engagement is a copy of a shared one, ``token`` naming the checkout it came from."""

    __tablename__ = "checkout"
    id: int | None = Field(default=None, primary_key=True)
    engagement_id: int = _fk()
    token: str = Field(max_length=40)
    role: str = Field(max_length=10)  # "out" (shared store) or "copy" (laptop store)
    state: str = Field(max_length=10)  # "active", "returned", "broken"
    engagement_uid: str = Field(max_length=40)
    revision: int  # the shared engagement's revision at checkout
    who: str = Field(max_length=300)
    at: datetime = _when()
    place: str  # out: the laptop store; copy: the shared store
    base: Any = _json()  # section -> fingerprint at checkout
    ended_by: str = Field(default="", max_length=300)
    ended_at: datetime | None = _when(nullable=True)


class LibraryPackageRow(SQLModel, table=True):
    """One version of a form package published into the practice library: the text of its part
    files (``content``, JSON: file name -> text), so it can be rebuilt without its folder."""

    __tablename__ = "library_package"
    __table_args__ = (sa.UniqueConstraint("package_id", "version", name="uq_library_package_version"),)
    id: int | None = Field(default=None, primary_key=True)
    package_id: str = Field(max_length=64)
    version: int
    title: str = Field(max_length=300)
    content: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    content_hash: str = Field(max_length=64)  # sha256 of content
    published_by: str = Field(max_length=300)
    published_at: datetime = _when()
    withdrawn: bool = False
    withdrawn_by: str = Field(default="", max_length=300)
    withdrawn_at: datetime | None = _when(nullable=True)
