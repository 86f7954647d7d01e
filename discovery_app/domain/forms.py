"""A form package: the questionnaire and the catalogs a provider tunes, as validated data.

The shapes here are checked field by field by pydantic (unknown keys are refused); the
cross-references between them (unique ids, every reference resolves, conditions name only
earlier questions) are checked by :mod:`discovery_app.domain.formcheck`.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)

from .approvals import Approver

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(-[a-z0-9_]+)*$", max_length=64)]
Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Additions(Strict):
    """A model that gained optional fields after forms were first stored.

    Engagements keep a copy of their form and check it by the hash of its canonical JSON. A
    field added later is left out of that JSON while it is unset, so every stored copy keeps its
    hash; the names are listed in ``_added``.
    """

    _added: ClassVar[tuple[str, ...]] = ()

    @model_serializer(mode="wrap")
    def _drop_unset_additions(self, handler: SerializerFunctionWrapHandler) -> dict:
        data = handler(self)
        for name in self._added:
            if getattr(self, name) is None:
                data.pop(name, None)
        return data


class Fact(StrEnum):
    """An engagement fact a question can be bound to: the answer is then its one value, read by
    the client page, the new-engagement dialog, pricing and the documents."""

    USERS = "users"
    COVERAGE = "coverage"
    INDUSTRY = "industry"
    INTERNAL_IT_OWNER = "internal_it_owner"
    SITES = "sites"


class Audience(StrEnum):
    """Who can answer a question: ``client`` questions go into the client's pre-work workbook."""

    CLIENT = "client"


class QuestionType(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    MONEY = "money"
    DATE = "date"
    YES_NO = "yes_no"
    SINGLE_CHOICE = "single_choice"
    MULTI_CHOICE = "multi_choice"
    RATING = "rating"


NUMERIC_TYPES = {QuestionType.INTEGER, QuestionType.DECIMAL, QuestionType.MONEY}
CHOICE_TYPES = {QuestionType.SINGLE_CHOICE, QuestionType.MULTI_CHOICE}


class Lane(StrEnum):
    RUN = "run"
    CHANGE = "change"
    GOVERN = "govern"


class Party(StrEnum):
    PROVIDER = "provider"
    INTERNAL = "internal"
    SHARED = "shared"


class Phase(StrEnum):
    STABILIZATION = "stabilization"
    ROADMAP = "roadmap"


class RiskCategory(StrEnum):
    SECURITY = "security"
    CONTINUITY = "continuity"
    COMPLIANCE = "compliance"
    OPERATIONS = "operations"
    LIFECYCLE = "lifecycle"
    VENDOR = "vendor"
    GOVERNANCE = "governance"


class Choice(Strict):
    value: Id
    label: str = Field(min_length=1)
    score: Decimal | None = Field(default=None, ge=0, le=1)


class ChoiceList(Strict):
    id: Id
    choices: list[Choice] = Field(min_length=1)


class Question(Additions):
    _added: ClassVar[tuple[str, ...]] = ("binds", "audience", "client_label", "client_help")

    id: Id
    type: QuestionType
    label: str = Field(min_length=1)
    help: str = ""
    required: bool = False
    show_if: str | None = None
    choices: Id | None = None
    min: Decimal | None = None
    max: Decimal | None = None
    placeholder: str = ""
    binds: Fact | None = None
    audience: Audience | None = None  # None: as its section says
    # The question and its help as the client reads them in the pre-work workbook.
    client_label: str | None = Field(default=None, min_length=1)
    client_help: str | None = None

    @model_validator(mode="after")
    def _type_rules(self) -> Question:
        if self.type in CHOICE_TYPES and not self.choices:
            raise ValueError(f"a {self.type.value} question needs 'choices' (a choice list id)")
        if self.type not in CHOICE_TYPES and self.choices:
            raise ValueError(f"'choices' is only for choice questions, not {self.type.value}")
        if (self.min is not None or self.max is not None) and self.type not in NUMERIC_TYPES:
            raise ValueError(f"'min'/'max' are only for numeric questions, not {self.type.value}")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"'min' ({self.min}) is greater than 'max' ({self.max})")
        return self


class Section(Additions):
    _added: ClassVar[tuple[str, ...]] = ("audience", "client_intro")

    id: Id
    title: str = Field(min_length=1)
    intro: str = ""
    questions: list[Question] = Field(min_length=1)
    audience: Audience | None = None  # ``client``: every question of the section, unless it says otherwise
    client_intro: str | None = None  # the section's introduction as the client reads it (pre-work)


class Questionnaire(Strict):
    sections: list[Section] = Field(min_length=1)
    choice_lists: list[ChoiceList] = []

    def questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]

    def question(self, qid: str) -> Question | None:
        for q in self.questions():
            if q.id == qid:
                return q
        return None

    def choice_list(self, lid: str) -> ChoiceList | None:
        for cl in self.choice_lists:
            if cl.id == lid:
                return cl
        return None


class ScoreBand(Strict):
    """A numeric answer in [min, max] (either end open) scores ``score``."""

    min: Decimal | None = None
    max: Decimal | None = None
    score: Decimal = Field(ge=0, le=1)


class FitCriterion(Strict):
    id: Id
    label: str = Field(min_length=1)
    question: Id
    weight: Decimal = Field(gt=0, le=100)
    # Numeric questions score by bands; choice questions by their choices' scores;
    # yes/no by yes_score/no_score.
    bands: list[ScoreBand] = []
    yes_score: Decimal | None = Field(default=None, ge=0, le=1)
    no_score: Decimal | None = Field(default=None, ge=0, le=1)
    # A criterion that scores zero caps the verdict at "conditional" when critical.
    critical: bool = False
    why: str = ""


class FitVerdictThresholds(Strict):
    good: Decimal = Field(ge=0, le=100)
    conditional: Decimal = Field(ge=0, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> FitVerdictThresholds:
        if self.conditional > self.good:
            raise ValueError("'conditional' threshold must not exceed 'good'")
        return self


class FitCatalog(Strict):
    criteria: list[FitCriterion] = Field(min_length=1)
    thresholds: FitVerdictThresholds


class CostPer(StrEnum):
    """What a cost line's quantity counts."""

    USER = "user"  # the priced user count
    DEVICE = "device"  # devices of ``device_kinds`` (every device when empty)
    SITE = "site"  # the client's sites (at least one)
    FIXED = "fixed"  # ``quantity`` as written


class Billing(StrEnum):
    ONE_OFF = "one_off"
    MONTHLY = "monthly"


class CostLine(Strict):
    """Hardware or a licence a task needs, passed through to the client at this price (not labour):
    "Cisco Meraki MR access point", 450.00 per site, one-off."""

    description: str = Field(min_length=1, max_length=200)
    unit_price: Money
    per: CostPer
    device_kinds: list[Id] = []  # per device: the kinds counted (package.yaml device_kinds)
    quantity: int = Field(default=1, ge=1, le=100_000)  # per fixed: how many; else units per user/device/site
    billing: Billing


class TaskTitles(Strict):
    """How a standards gap's remediation task is titled; placeholders in braces (domain/tasks.py)."""

    missing: str = Field(min_length=1, max_length=200)  # the category is missing
    exception: str = Field(min_length=1, max_length=200)  # a non-standard tool is to be replaced


class StandardCategory(Additions):
    _added: ClassVar[tuple[str, ...]] = ("task_titles", "cost_line")

    id: Id
    name: str = Field(min_length=1)
    description: str = ""
    standard_products: list[str] = Field(min_length=1)
    # Monthly surcharge when the client keeps a non-standard tool and it is priced
    # in the exception lane.
    exception_surcharge: Money
    remediation_hours: dict[Id, Decimal] = {}
    task_titles: TaskTitles | None = None  # None: "Put <name> in place on <product>" (the old rule)
    cost_line: CostLine | None = None  # hardware or licence that moving to the standard needs


class SuggestedRemediation(Strict):
    title: str = Field(min_length=1)
    hours: dict[Id, Decimal] = Field(min_length=1)
    phase: Phase
    owner: Party = Party.PROVIDER
    definition_of_done: str = Field(min_length=1)


class RiskTemplate(Additions):
    _added: ClassVar[tuple[str, ...]] = ("task_title", "cost_line")

    id: Id
    title: str = Field(min_length=1)
    category: RiskCategory
    likelihood: int = Field(ge=1, le=5)
    impact: int = Field(ge=1, le=5)
    description: str = Field(min_length=1)
    why_it_matters: str = ""
    standard_category: Id | None = None
    remediation: SuggestedRemediation
    task_title: str | None = Field(default=None, min_length=1, max_length=200)  # None: remediation.title
    cost_line: CostLine | None = None  # None: its standard category's, when that is a gap


class RiskBands(Strict):
    """The lowest score (likelihood x impact) of each band above low, which starts at 1.
    formcheck.py checks they rise and leave every band a reachable score."""

    medium: int
    high: int
    critical: int


class RiskLibrary(Additions):
    _added: ClassVar[tuple[str, ...]] = ("bands",)

    risks: list[RiskTemplate] = Field(min_length=1)
    bands: RiskBands | None = None  # None: the shipped cut-offs (domain/risks.py)


RACI_LETTERS = frozenset("RACI")


class ResponsibilityFunction(Strict):
    id: Id
    name: str = Field(min_length=1)
    lane: Lane
    description: str = ""
    default_owner: Party
    # RACI letters per party, e.g. {"provider": "RA", "internal": "CI"}.
    raci: dict[Party, str]

    @model_validator(mode="after")
    def _letters(self) -> ResponsibilityFunction:
        for party, letters in self.raci.items():
            bad = set(letters) - RACI_LETTERS
            if bad:
                raise ValueError(f"raci for {party.value} has letters other than R, A, C, I: {''.join(sorted(bad))}")
            if len(set(letters)) != len(letters):
                raise ValueError(f"raci for {party.value} repeats a letter: {letters}")
        return self


class ResponsibilityTemplate(Strict):
    functions: list[ResponsibilityFunction] = Field(min_length=1)


class Role(Strict):
    id: Id
    name: str = Field(min_length=1)
    bill_rate: Money
    cost_rate: Money


class LaneRates(Strict):
    """Monthly rates for one lane the provider runs."""

    per_user: Money
    per_device: dict[Id, Money] = {}
    # Monthly delivery cost as a share of the price for this lane (for margin).
    cost_ratio: Decimal = Field(ge=0, le=1)


class CoverageLevel(Strict):
    id: Id
    label: str = Field(min_length=1)
    factor: Decimal = Field(gt=0, le=10)


class RoundingMode(StrEnum):
    UP = "up"
    NEAREST = "nearest"
    DOWN = "down"


class RoundingRule(Strict):
    increment: Money = Field(gt=0)
    mode: RoundingMode = RoundingMode.UP


class ApprovalLevel(Strict):
    """Discounts up to ``max_percent`` need ``role`` (None: no approval needed)."""

    max_percent: Decimal = Field(gt=0, le=100)
    role: str | None = None


class CommercialTerms(Strict):
    """The commercial terms a proposal states; each one missing blocks the client-facing export."""

    payment_schedule: str = ""  # e.g. "50 % of the fixed fee on signing, 50 % on completion"
    minimum_term_months: int | None = Field(default=None, ge=1, le=120)
    notice_days: int | None = Field(default=None, ge=1, le=730)
    payment_days: int | None = Field(default=None, ge=0, le=180)  # invoices payable within


class PricingDefaults(Additions):
    _added: ClassVar[tuple[str, ...]] = ("terms", "replacement_costs")

    currency: str = Field(pattern=r"^[A-Z]{3}$")
    roles: list[Role] = Field(min_length=1)
    lanes: dict[Lane, LaneRates]
    coverage: list[CoverageLevel] = Field(min_length=1)
    contingency: Decimal = Field(ge=0, le=1)
    rounding: RoundingRule
    target_margin: Decimal = Field(ge=0, lt=1)
    discovery_fee: Money
    discount_approvals: list[ApprovalLevel] = Field(min_length=1)
    terms: CommercialTerms | None = None
    # What replacing one device of a kind costs (hardware and setup), for the replacement plan.
    replacement_costs: dict[Id, Money] | None = None

    def role(self, rid: str) -> Role | None:
        return next((r for r in self.roles if r.id == rid), None)


class DeviceSelect(Strict):
    """Which inventory devices a suggestion rule looks at; every test given must hold."""

    kinds: list[Id] = []  # device kinds (package.yaml device_kinds); empty: every device
    os_past_end_of_support: bool = False  # its operating system's end of support (lifecycle) has passed
    os_support_ends_within_months: int | None = Field(default=None, ge=0, le=120)  # ended, or ends within
    warranty_ends_within_months: int | None = Field(default=None, ge=0, le=120)  # 0: ended already
    older_than_years: Decimal | None = Field(default=None, gt=0, le=50)  # by purchase date
    not_from_source: str | None = Field(default=None, min_length=1, max_length=100)  # source lacks this text


class SuggestionRule(Strict):
    """A finding that suggests itself: when ``when`` holds over the answers (question ids) and
    the inventory aggregates (``devices``: how many devices ``select`` picks, ``devices_total``),
    suggest the library risk ``risk`` or a gap in the standards category ``standard``."""

    id: Id
    when: str = Field(min_length=1, max_length=2000)
    risk: Id | None = None
    standard: Id | None = None
    select: DeviceSelect | None = None
    why: str = ""  # one sentence for the consultant: why the trigger matters

    @model_validator(mode="after")
    def _target(self) -> SuggestionRule:
        if (self.risk is None) == (self.standard is None):
            raise ValueError("a rule suggests exactly one of 'risk' (a risk library id) or 'standard' (a category id)")
        return self


class LifecycleEntry(Strict):
    """One operating system version and the day its vendor stops fixing it."""

    family: Id
    name: str = Field(min_length=1, max_length=100)
    match: list[str] = Field(min_length=1)  # regular expressions over the inventory's OS text, any case
    end_of_support: date
    source: str = Field(pattern=r"^https://\S+$")
    note: str = ""


class Lifecycle(Strict):
    """The lifecycle table: operating systems with their end of support (first matching row wins)
    and how many years each device kind is kept before it is replaced."""

    operating_systems: list[LifecycleEntry] = Field(min_length=1)
    replace_after_years: dict[Id, int] = {}
    plan_quarters: int = Field(default=8, ge=1, le=40)  # how far ahead the replacement plan looks


class FormPackage(Additions):
    """Everything one version of a provider's discovery form defines."""

    _added: ClassVar[tuple[str, ...]] = ("suggestion_rules", "lifecycle", "approvers")

    id: Id
    version: int = Field(ge=1)
    title: str = Field(min_length=1)
    description: str = ""
    device_kinds: list[Id] = Field(min_length=1)
    questionnaire: Questionnaire
    fit: FitCatalog
    standards: list[StandardCategory] = Field(min_length=1)
    risk_library: RiskLibrary
    responsibilities: ResponsibilityTemplate
    pricing: PricingDefaults
    suggestion_rules: list[SuggestionRule] | None = None
    lifecycle: Lifecycle | None = None
    # The practice's discount approvers and their public keys, for laptops without the shared settings.
    approvers: list[Approver] | None = None

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    def canonical_json(self) -> str:
        """The package as compact JSON with sorted keys: the same content gives the same text."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def content_hash(self) -> str:
        return "sha256:" + hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()
