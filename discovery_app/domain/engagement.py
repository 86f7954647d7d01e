"""An engagement and everything recorded during it, as plain validated data.

These models are what the service layer hands out, what the JSON interchange format carries
and what the report model is built from. Storage maps them to tables; nothing here knows SQL.
Records that others point at carry a ``uid`` (a UUID string), so references survive export,
import and copying between databases.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from .approvals import SignedApproval
from .forms import Lane, Party, Phase, RiskCategory

Hours = Annotated[Decimal, Field(ge=0, le=100000, max_digits=10, decimal_places=2)]
Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=6, decimal_places=2)]
Text = Annotated[str, Field(max_length=20000)]
Name = Annotated[str, Field(max_length=300)]


def new_uid() -> str:
    return str(uuid.uuid4())


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Status(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PROPOSAL_SENT = "proposal_sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"


STATUS_LABELS = {
    Status.DRAFT: "Draft",
    Status.IN_REVIEW: "In review",
    Status.PROPOSAL_SENT: "Proposal sent",
    Status.ACCEPTED: "Accepted",
    Status.DECLINED: "Declined",
}

# Which status may follow which: forward through the pipeline, or back to draft for rework.
STATUS_FLOW: dict[Status, frozenset[Status]] = {
    Status.DRAFT: frozenset({Status.IN_REVIEW}),
    Status.IN_REVIEW: frozenset({Status.DRAFT, Status.PROPOSAL_SENT}),
    Status.PROPOSAL_SENT: frozenset({Status.IN_REVIEW, Status.ACCEPTED, Status.DECLINED}),
    Status.ACCEPTED: frozenset(),
    Status.DECLINED: frozenset({Status.DRAFT}),
}


class InventoryCategory(StrEnum):
    DEVICE = "device"
    APPLICATION = "application"
    CLOUD_SERVICE = "cloud_service"
    VENDOR = "vendor"
    LICENCE = "licence"


class StandardStatus(StrEnum):
    ALIGNED = "aligned"
    EXCEPTION = "exception"
    MISSING = "missing"
    NOT_APPLICABLE = "not_applicable"


class ExceptionDecision(StrEnum):
    EXCEPTION_LANE = "exception_lane"
    REMEDIATE = "remediate"


class Priority(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Site(Record):
    uid: str = Field(default_factory=new_uid)
    name: Name = Field(min_length=1)
    address: Text = ""
    user_count: int | None = Field(default=None, ge=0, le=1_000_000)
    notes: Text = ""


class Contact(Record):
    uid: str = Field(default_factory=new_uid)
    name: Name = Field(min_length=1)
    role: Name = ""
    email: Name = ""
    phone: Name = ""
    decision_maker: bool = False


class Answer(Record):
    question_id: str = Field(min_length=1, max_length=64)
    # JSON-ready value: str, int, bool, list[str], or a decimal / date as a string.
    value: Any = None
    note: Text = ""
    said_by: Name = ""  # who gave the answer ("Marcus Lee"), for whoever reads it later


class InventoryItem(Record):
    uid: str = Field(default_factory=new_uid)
    category: InventoryCategory = InventoryCategory.DEVICE
    kind: Name = ""
    name: Name = Field(min_length=1)
    site: Name = ""
    owner: Name = ""
    os: Name = ""
    model: Name = ""
    serial: Name = ""
    purchase_date: date | None = None
    warranty_end: date | None = None
    notes: Text = ""
    source: Name = ""
    manufacturer: Name = ""
    asset_tag: Name = ""
    department: Name = ""
    last_seen: date | None = None
    # Which import brought the item in, so a whole import can be undone; None when typed.
    import_batch: str | None = Field(default=None, max_length=40)


class StandardAssessment(Record):
    category_id: str = Field(min_length=1, max_length=64)
    current_tool: Name = ""
    status: StandardStatus = StandardStatus.MISSING
    decision: ExceptionDecision | None = None
    notes: Text = ""


class RiskTreatment(StrEnum):
    """How a risk that no remediation item fixes is treated (a linked item says it for itself)."""

    ACCEPTED = "accepted"  # the client accepts it as it is
    TRACKED = "tracked"  # watched in the risk register; no work is promised


class Risk(Record):
    uid: str = Field(default_factory=new_uid)
    template_id: str | None = None
    title: Name = Field(min_length=1)
    category: RiskCategory
    likelihood: int = Field(ge=1, le=5)
    impact: int = Field(ge=1, le=5)
    description: Text = ""
    why_it_matters: Text = ""
    evidence: Text = ""
    standard_category: str | None = None
    linked_inventory: list[str] = []
    treatment: RiskTreatment | None = None

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


class DeliveryStatus(StrEnum):
    """Where delivery stands with a sold task, as the delivery team reports it in the workbook."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    BLOCKED = "blocked"
    DONE = "done"


class RemediationItem(Record):
    uid: str = Field(default_factory=new_uid)
    title: Name = Field(min_length=1)
    risk_uid: str | None = None
    standard_category: str | None = None
    hours: dict[str, Hours] = {}
    priority: Priority = Priority.MEDIUM
    owner: Party = Party.PROVIDER
    depends_on: list[str] = []
    phase: Phase = Phase.STABILIZATION
    definition_of_done: Text = ""
    accepted: bool = True
    # What delivery did against what was sold (read back from the delivery workbook).
    delivery_status: DeliveryStatus = DeliveryStatus.NOT_STARTED
    actual_hours: dict[str, Hours] = {}  # per role, like ``hours``
    done_on: date | None = None


class ResponsibilityAssignment(Record):
    function_id: str = Field(min_length=1, max_length=64)
    name: Name = Field(min_length=1)
    lane: Lane
    custom: bool = False
    # RACI letters per party column: "provider", "internal", or a named third party.
    raci: dict[str, str] = {}
    accepted_as_is: bool = False
    notes: Text = ""

    @field_validator("raci")
    @classmethod
    def _letters(cls, value: dict[str, str]) -> dict[str, str]:
        for party, letters in value.items():
            if set(letters) - set("RACI") or len(set(letters)) != len(letters):
                raise ValueError(f"RACI letters for {party!r} must be distinct letters from R, A, C, I")
        return value


class PricingInputs(Record):
    # None: price the coverage the client answered; an id: the consultant overrides that answer.
    coverage: str | None = None
    lanes_run_by_provider: list[Lane] = [Lane.RUN, Lane.CHANGE, Lane.GOVERN]
    user_count_override: int | None = Field(default=None, ge=0, le=1_000_000)
    device_count_overrides: dict[str, int] = {}
    discount_percent: Percent = Decimal("0")
    discount_reason: Text = ""
    credit_discovery_fee: bool = False


class DiscountApproval(Record):
    percent: Percent
    approver: Name = Field(min_length=1)
    role: Name = Field(min_length=1)
    approved_on: date
    note: Text = ""


class Attachment(Record):
    uid: str = Field(default_factory=new_uid)
    risk_uid: str | None = None
    file_name: Name = Field(min_length=1)
    content_type: Name = "application/octet-stream"
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0)
    note: Text = ""
    # Shown in the proposal's evidence-photos appendix: on for photos when attached; a file that
    # is not an image never is (domain rule: report.py reads ``shows_in_proposal``).
    in_proposal: bool = True

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def shows_in_proposal(self) -> bool:
        return self.is_image and self.in_proposal


class TimeEntry(Record):
    started_at: AwareDatetime
    ended_at: AwareDatetime | None = None
    note: Text = ""


class ClientAnswer(Record):
    """An answer the client gave in the pre-work workbook, waiting for the consultant to confirm.

    ``differs``: the consultant had already answered otherwise; their answer is kept and the
    client's waits beside it."""

    question_id: str = Field(min_length=1, max_length=64)
    value: Any = None  # JSON-ready, as Answer.value
    by: Name = ""
    imported_on: date
    differs: bool = False


class DismissedSuggestion(Record):
    """A suggested finding the consultant dismissed for this engagement, and why."""

    key: str = Field(min_length=1, max_length=200)
    reason: Annotated[str, Field(max_length=500)] = ""
    dismissed_on: date


class PricingOption(Record):
    """One of up to three options a proposal offers: a variation of the pricing inputs."""

    number: int = Field(ge=1, le=3)
    label: Name = Field(min_length=1)
    note: Text = ""  # what this option is, in a line the client reads
    pricing: PricingInputs = Field(default_factory=PricingInputs)


class RiskAcceptance(Record):
    """A client's written acceptance of a risk instead of treating it (ISO 27001 6.1.3 f)."""

    risk_uid: str = Field(min_length=1, max_length=40)
    owner: Name = Field(min_length=1)  # the risk owner on the client side
    rationale: Text = Field(min_length=1)
    compensating_controls: Text = ""
    review_on: date  # when the acceptance expires or is reviewed
    approved_by: Name = Field(min_length=1)
    approved_on: date | None = None


class RoadmapPlacement(Record):
    """The quarter the consultant placed a roadmap item in (a default quarter needs none)."""

    key: str = Field(min_length=1, max_length=80)  # "project:<uid>", "lifecycle:<kind>:<YYYY-Qn>", "review:<risk uid>"
    quarter: str = Field(pattern=r"^[0-9]{4}-Q[1-4]$")


class ChangeOrderStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    DECLINED = "declined"


class ChangeOrder(Record):
    """A change after acceptance: its work priced by the same engine, its reason, and the client's
    approval. No work starts on an order that is not approved."""

    uid: str = Field(default_factory=new_uid)
    number: int = Field(ge=1)
    title: Name = Field(min_length=1)
    reason: Text = Field(min_length=1)
    hours: dict[str, Hours] = {}  # per role, like a remediation item
    monthly_change: Annotated[Decimal, Field(ge=-1_000_000, le=1_000_000, max_digits=12, decimal_places=2)] = Decimal("0")
    requested_on: date
    status: ChangeOrderStatus = ChangeOrderStatus.PROPOSED
    approved_by: Name = ""
    approved_title: Name = ""
    approved_on: date | None = None


class Acceptance(Record):
    """The client's signature on the proposal: the option chosen, who signed and when, the signed
    document (an attachment), and the baseline frozen at that moment."""

    option: int = Field(ge=0, le=3)  # 0: the proposal offered no options (the pricing page's inputs)
    signed_by: Name = Field(min_length=1)
    title: Name = Field(min_length=1)
    signed_on: date
    document_uid: str | None = None  # the attachment holding the signed PDF
    proposal_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    baseline: dict[str, Any] = {}  # the frozen quote, plan, matrix and accepted risks (JSON)


class EngagementHeader(Record):
    """The engagement itself, without its child records: what lists show."""

    id: int | None = None
    uid: str = Field(default_factory=new_uid)
    client_name: Name = Field(min_length=1)
    status: Status = Status.DRAFT
    consultant: Name = ""
    internal_it_owner: Name = ""
    industry: Name = ""
    discovery_date: date | None = None
    created_at: AwareDatetime
    updated_at: AwareDatetime
    archived: bool = False
    form_id: str
    form_version: int = Field(ge=1)
    form_hash: str
    notes: Text = ""
    # The accepted engagement this one re-assesses (its uid), if any.
    baseline_of: str | None = Field(default=None, max_length=40)
    # SHA-256 of the last client proposal PDF exported (the one sent); frozen into the baseline.
    proposal_sha256: str = Field(default="", pattern=r"^([0-9a-f]{64})?$")
    # Records carried over from the baseline that the consultant has not confirmed yet
    # ("answer:<question id>", "inventory:<uid>", "standard:<category>", "risk:<uid>",
    # "acceptance:<risk uid>"; domain/carried.py reads them).
    to_confirm: list[str] = []
    # What the last client proposal exported says (SHA-256 of its report model, see
    # export/fingerprint.py) and the issue date it carried: acceptance checks the engagement still
    # says the same, so the baseline freezes the proposal the client actually holds.
    proposal_fingerprint: str = Field(default="", pattern=r"^([0-9a-f]{64})?$")
    proposal_issued_on: date | None = None


class Engagement(EngagementHeader):
    """An engagement with everything recorded in it."""

    sites: list[Site] = []
    contacts: list[Contact] = []
    answers: list[Answer] = []
    inventory: list[InventoryItem] = []
    standards: list[StandardAssessment] = []
    risks: list[Risk] = []
    remediation: list[RemediationItem] = []
    responsibilities: list[ResponsibilityAssignment] = []
    pricing: PricingInputs = Field(default_factory=PricingInputs)
    # Typed by hand before signed approvals existed: shown as unverified, they clear nothing.
    discount_approvals: list[DiscountApproval] = []
    signed_approvals: list[SignedApproval] = []
    attachments: list[Attachment] = []
    time_log: list[TimeEntry] = []
    client_answers: list[ClientAnswer] = []
    dismissed_suggestions: list[DismissedSuggestion] = []
    options: list[PricingOption] = []
    risk_acceptances: list[RiskAcceptance] = []
    roadmap_quarters: list[RoadmapPlacement] = []
    change_orders: list[ChangeOrder] = []
    acceptance: Acceptance | None = None

    @property
    def frozen(self) -> bool:
        """Accepted: the proposal state is the baseline and is not edited in place."""
        return self.acceptance is not None

    def answer_values(self) -> dict[str, Any]:
        return {a.question_id: a.value for a in self.answers}
