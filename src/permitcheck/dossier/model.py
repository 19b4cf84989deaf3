"""The dossier format (version 1) as Pydantic models: what a dossier may say, and nothing else."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import InitErrorDetails

from permitcheck.basemodel import Strict, bilingual_error, describe, error_details, shown
from permitcheck.dates import DateSyntaxError, check_range, parse_date
from permitcheck.dossier import near_codes
from permitcheck.dossier.iso_codes import COUNTRIES, LANGUAGES
from permitcheck.i18n import PROCEDURES, article


def _to_date(value: Any) -> date:
    if isinstance(value, date):
        try:
            check_range(value)
        except DateSyntaxError as exc:
            raise bilingual_error("date_range", exc.en, exc.zh) from None
        return value
    if isinstance(value, str):
        try:
            return parse_date(value)
        except DateSyntaxError as exc:
            raise bilingual_error("date_syntax", exc.en, exc.zh) from None
    got = describe(value)
    raise bilingual_error(
        "date_type",
        f"expected a date such as 2026-03-15, got {got}",
        f"应为日期，例如 2026-03-15，实际为 {got}",
    )


def _code(
    kind: str,
    table: frozenset[str],
    name: tuple[str, str],
    standard: str,
    examples: str,
    canonical: Callable[[str], str],
    case: tuple[str, str],
) -> Callable[[Any], str]:
    """A validator for codes from `table` (country or language), with a hint for the case."""

    def validate(value: Any) -> str:
        if not isinstance(value, str):
            got = describe(value)
            raise bilingual_error(
                "code_type",
                f"expected a two-letter {name[0]} code such as {examples}, got {got}",
                f"应为两个字母的{name[1]}代码，例如 {examples}，实际为 {got}",
            )
        if value not in table:
            fixed = canonical(value)
            hint_en = f"; write it in {case[0]}: `{fixed}`" if fixed in table else ""
            hint_zh = f"；请写成{case[1]}：`{fixed}`" if fixed in table else ""
            meant = near_codes.meant_country(value) if kind == "country" else None
            if kind == "language":
                meant = near_codes.meant_language(value)
            if not hint_en and meant is not None:
                named_en = near_codes.name_of(meant, kind, "en")
                named_zh = near_codes.name_of(meant, kind, "zh")
                hint_en = f"; did you mean `{meant}` ({named_en})?"
                hint_zh = f"；是否应为 `{meant}`（{named_zh}）？"
            raise bilingual_error(
                "code",
                f"{shown(value)} is not an {standard} {name[0]} code (such as {examples}){hint_en}",
                f"{shown(value)} 不是 {standard} {name[1]}代码（例如 {examples}）{hint_zh}",
            )
        return value

    return validate


_to_country = _code(
    "country",
    COUNTRIES,
    ("country", "国家或地区"),
    "ISO 3166-1 alpha-2",
    "`DE`, `FR`, `HK`",
    str.upper,
    ("capitals", "大写"),
)
_to_language = _code(
    "language",
    LANGUAGES,
    ("language", "语言"),
    "ISO 639-1",
    "`zh`, `en`, `de`",
    str.lower,
    ("small letters", "小写"),
)


# Limits far above any real application, so a mistaken or hostile file fails fast and clearly.
MAX_FAMILY = 20
MAX_STAYS = 50
MAX_ENTRIES = 100
MAX_CHOICES = 50  # items of a list of codes (terms, pages, fields): each can appear once

# Marked here, dates and code lists are defined once in the schema's $defs (json_schema.py).
Day = Annotated[date, BeforeValidator(_to_date), WithJsonSchema({"x-def": "Date"})]
Country = Annotated[
    str,
    BeforeValidator(_to_country),
    WithJsonSchema({"type": "string", "x-def": "CountryCode"}),
]
Language = Annotated[
    str,
    BeforeValidator(_to_language),
    WithJsonSchema({"type": "string", "x-def": "LanguageCode"}),
]
Text = Annotated[str, Field(min_length=1)]


# --- application, employer, applicant -------------------------------------------------------

ProcedureType = Literal["new", "extension", "change", "cancellation"]
CategoryABasis = Literal[
    "talent_program", "international_achievement", "market_oriented", "innovative_entrepreneurial"
]


class Application(Strict):
    type: ProcedureType
    # The rule pack to check against; none: the only city pack installed.
    city: Text | None = None
    submission_date: Day | None = None
    category: Literal["A", "B", "C"] | None = None
    category_a_basis: list[CategoryABasis] = Field(default=[], max_length=MAX_CHOICES)
    in_china: bool | None = None
    entry_date: Day | None = None


class Employer(Strict):
    name: Text
    level: Literal["municipal", "provincial"] = "municipal"
    registered_in: Text | None = None


class Passport(Strict):
    number: Text
    issuing_country: Country
    expiry_date: Day


class Residence(Strict):
    country: Country
    from_: Day = Field(alias="from")
    to: Day | None = None


# Facts of the national points table (permitcheck category): all optional; what is not
# stated is reported as missing, with the points it could add.
Education = Literal[
    "doctorate",
    "master",
    "bachelor",
    "none",
    # The table's vocational equivalents of each degree.
    "highest_international_vocational",
    "senior_technician",
    "technician",
    "senior_worker",
]
WorkplaceRegion = Literal["western", "north_east", "special_area", "none"]
Extra = Literal["high_level_university", "fortune_global_500", "patents", "five_years_in_china"]


class Chinese(Strict):
    """The applicant's Chinese, as the points table scores it: one or more of these."""

    hsk: int | None = Field(default=None, ge=1, le=9)
    formerly_chinese: bool | None = None
    degree_taught_in_chinese: bool | None = None

    @model_validator(mode="after")
    def _says_something(self) -> Chinese:
        if (
            self.hsk is None
            and self.formerly_chinese is None
            and self.degree_taught_in_chinese is None
        ):
            raise bilingual_error(
                "chinese_empty",
                "expected one of `hsk` (1 to 9), `formerly_chinese: true` or "
                "`degree_taught_in_chinese: true`, got an empty mapping",
                "应填写 `hsk`（1 至 9）、`formerly_chinese: true` 或 "
                "`degree_taught_in_chinese: true` 之一，实际为空映射",
            )
        return self


class Applicant(Strict):
    name: Text
    date_of_birth: Day | None = None
    nationality: Country
    previous_nationality: Country | None = None
    residence_history: list[Residence] = Field(default=[], max_length=MAX_STAYS)
    passport: Passport | None = None
    position: Text | None = None
    regulated_role: Text | None = None
    # Facts of the points table (docs/dossier-format.md#points-table-facts).
    annual_salary_rmb: float | None = Field(default=None, ge=0, le=1_000_000_000)
    education: Education | None = None
    work_years: float | None = Field(default=None, ge=0, le=100)
    months_in_china_per_year: float | None = Field(default=None, ge=0, le=12)
    chinese: Chinese | None = None
    workplace_region: WorkplaceRegion | None = None
    extras: list[Extra] | None = Field(default=None, max_length=MAX_CHOICES)
    provincial_bonus: float | None = Field(default=None, ge=0, le=100)


# --- documents -------------------------------------------------------------------------------

Authentication = Literal[
    "consular",
    "apostille",
    "foreign_embassy_in_china",
    "academic_accreditation",
    "notarized",
    "none",
]


class Translation(Strict):
    seal: Literal["translation_company", "employer", "none"]


class Document(Strict):
    """Facts every document entry may carry."""

    file: Text | None = None
    language: Language | None = None
    translation: Translation | None = None
    commitment: bool = False


class ApplicationForm(Document):
    signed_by_applicant: bool | None = None
    employer_seal: bool | None = None


class WorkExperience(Document):
    issuer: Text | None = None
    job_title: Text | None = None
    from_: Day | None = Field(default=None, alias="from")
    to: Day | None = None
    projects: Text | None = None
    related_to_position: bool | None = None
    sealed_or_signed: bool | None = None
    certifier_contact: Text | None = None


class Authenticated(Document):
    authentication: Authentication | None = None
    apostille_country: Country | None = None
    apostilled_on: Day | None = None
    issued_on: Day | None = None


class Degree(Authenticated):
    level: Text | None = None
    obtained_in: Country | None = None
    original: bool | None = None


class Qualification(Document):
    kind: Text | None = None
    issuer: Text | None = None


class CriminalRecord(Authenticated):
    issuing_country: Country | None = None
    issuer: Literal["police", "security", "court", "diplomatic_mission"] | None = None
    sworn_declaration: bool | None = None


class MedicalExam(Document):
    issued_on: Day | None = None
    institution: Literal["chinese_quarantine", "recognized_overseas", "other"] | None = None


ContractTerm = Literal["work_location", "job_content", "salary", "working_hours", "position"]


class EmploymentContract(Document):
    form: Literal["contract", "employment_certificate", "dispatch_letter"] = "contract"
    signed_by_applicant: bool | None = None
    employer_seal: bool | None = None
    altered: bool | None = None
    states: list[ContractTerm] = Field(default=[], max_length=MAX_CHOICES)
    supplementary_certificate: bool | None = None
    certificate_basis: (
        Literal["intergovernmental_agreement", "representative_office", "overseas_contract_service"]
        | None
    ) = None
    dispatched_from: Literal["overseas_headquarters", "china_headquarters"] | None = None
    headquarters_contract: bool | None = None


class PassportCopy(Document):
    pages: list[Literal["information", "visa", "latest_entry", "residence_permit"]] = Field(
        default=[], max_length=MAX_CHOICES
    )


ChangeField = Literal[
    "name",
    "passport_number",
    "position",
    "category",
    "nationality",
    "work_location",
    "employer_name",
]


class ChangeEvidence(Document):
    kind: Text
    supports: list[ChangeField] = Field(default=[], max_length=MAX_CHOICES)
    issued_on: Day | None = None


class TerminationProof(Document):
    signed_by_both_parties: bool | None = None
    original: bool | None = None


class Commitment(Strict):
    """`{commitment: true}` written where a list of documents is expected."""

    commitment: bool
    file: Text | None = None
    language: Language | None = None
    translation: Translation | None = None


def _list_or_commitment(value: Any) -> str:
    return "entries" if isinstance(value, list) else "commitment"


def _not_one_entry(value: Any) -> Any:
    """One certificate written without the list around it is named as that, not as unknown
    keys of a commitment."""
    if not isinstance(value, dict) or not any(
        key not in Commitment.allowed_keys() and key in WorkExperience.allowed_keys()
        for key in value
    ):
        return value
    key = next(iter(value))
    raise bilingual_error(
        "one_entry",
        "expected a list of certificates, one item per certificate starting with '- ', got one "
        f"certificate written as a mapping; write `- {key}: …` and indent the other keys of "
        "this certificate under it",
        f"应为证明的列表，每份证明一项，以“- ”开头；此处写成了单个映射：请写成 `- {key}: …`，"
        "并将该证明的其他键缩进对齐在其下",
    )


def _as_entries(value: list[WorkExperience] | Commitment) -> list[WorkExperience]:
    """The mapping form is a list of one entry, so that rules read both forms alike."""
    if isinstance(value, Commitment):
        return [WorkExperience.model_validate(value.model_dump(exclude_unset=True))]
    return value


WorkExperienceList = Annotated[
    Annotated[list[WorkExperience], Tag("entries"), Field(max_length=MAX_ENTRIES)]
    | Annotated[Commitment, Tag("commitment")],
    Discriminator(_list_or_commitment),
    BeforeValidator(_not_one_entry),
    AfterValidator(_as_entries),
]


class Documents(Strict):
    application_form: ApplicationForm | None = None
    work_experience: WorkExperienceList | None = None
    degree: Degree | None = None
    qualification: Qualification | None = None
    criminal_record: CriminalRecord | None = None
    medical_exam: MedicalExam | None = None
    employment_contract: EmploymentContract | None = None
    passport_copy: PassportCopy | None = None
    change_evidence: list[ChangeEvidence] | None = Field(default=None, max_length=MAX_ENTRIES)
    termination_proof: TerminationProof | None = None


class RelationshipProof(Document):
    kind: Literal[
        "marriage_certificate", "birth_certificate", "adoption_certificate", "notarial_certificate"
    ]
    authentication: Authentication | None = None


class FamilyMember(Strict):
    relation: Literal["spouse", "child", "parent", "parent_in_law"]
    name: Text
    date_of_birth: Day
    passport: Passport | None = None
    relationship_proof: RelationshipProof | None = None
    medical_exam: MedicalExam | None = None
    photo: bool | None = None


class CurrentPermit(Strict):
    number: Text
    expiry_date: Day


class NotificationLetter(Strict):
    """The Notification Letter of Foreigner's Work Permit, once issued: valid 6 months from
    `issued_on` (the national template), the time to obtain and use the work visa."""

    issued_on: Day


class Change(Strict):
    fields: list[ChangeField] = Field(min_length=1, max_length=MAX_CHOICES)
    occurred_on: Day


class Cancellation(Strict):
    reason: Literal[
        "contract_ended",
        "terminated_early",
        "death",
        "incapacity",
        "employer_terminated",
        "revoked",
    ]
    occurred_on: Day


def _version(value: Any) -> Any:
    # `true` and `1.0` equal 1 in Python, and a Literal[1] would take them; only the integer is
    # format version 1.
    if type(value) is not int:
        raise ValueError("not an integer")
    return value


REQUIRED_BY_TYPE: dict[str, tuple[str, ...]] = {
    "new": ("employer",),
    "extension": ("current_permit",),
    "change": ("current_permit", "change"),
    "cancellation": ("current_permit", "cancellation"),
}


MAX_WAIVERS = 100
# A rule id (`nanjing.new.degree.authentication`) or a shell-style pattern of ids (`nanjing.*`).
_RULE_PATTERN = re.compile(r"^[a-z0-9*?][a-z0-9._*?-]*$")


def _filled(what: str, what_zh: str) -> Callable[[Any], str]:
    """A validator for a text that must say something (a waiver's reason, who approved it)."""

    def validate(value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            got = describe(value) if not isinstance(value, str) else "an empty text"
            raise bilingual_error(
                "text_required",
                f"expected {what}, got {got}",
                f"应为{what_zh}，实际为{'空文本' if isinstance(value, str) else got}",
            )
        return value.strip()

    return validate


def _rule_pattern(value: Any) -> str:
    if not isinstance(value, str) or not _RULE_PATTERN.match(value):
        got = describe(value)
        raise bilingual_error(
            "rule_pattern",
            "expected a rule id such as `nanjing.new.degree.authentication` or a pattern such "
            f"as `nanjing.*.degree.*` (see `permitcheck rules`), got {got}",
            "应为规则编号，例如 `nanjing.new.degree.authentication`，或模式，例如 "
            f"`nanjing.*.degree.*`（见 `permitcheck rules`），实际为 {got}",
        )
    return value


class Waiver(Strict):
    """A finding the acceptance window accepted in writing: who approved it, why, until when
    (docs/configuration.md). It never waives a problem of the input itself."""

    rule: Annotated[str, BeforeValidator(_rule_pattern)]
    # The finding's subject (`documents.degree`, `documents.work_experience[*].file`): a pattern.
    subject: str | None = None
    # Dossier files it applies to (patterns relative to the configuration file's folder): only
    # in the configuration, where one file holds waivers for many dossiers.
    paths: list[str] | None = Field(default=None, max_length=MAX_CHOICES)
    reason: Annotated[
        str, BeforeValidator(_filled("the reason the window accepts it", "窗口接受的理由"))
    ]
    approved_by: Annotated[str, BeforeValidator(_filled("who approved the waiver", "批准豁免的人"))]
    expires: Day


# `waivers:` with every entry commented out is null in YAML: no waivers.
Waivers = Annotated[
    list[Waiver],
    BeforeValidator(lambda value: [] if value is None else value),
    Field(max_length=MAX_WAIVERS),
]


class Dossier(Strict):
    """A dossier, format version 1 (see docs/dossier-format.md)."""

    permitcheck: Annotated[Literal[1], BeforeValidator(_version)]
    application: Application
    employer: Employer | None = None
    applicant: Applicant
    # `documents:` with nothing under it (all entries still commented out) is an empty package.
    documents: Annotated[Documents, BeforeValidator(lambda value: {} if value is None else value)]
    family: list[FamilyMember] = Field(default=[], max_length=MAX_FAMILY)
    current_permit: CurrentPermit | None = None
    notification_letter: NotificationLetter | None = None
    change: Change | None = None
    cancellation: Cancellation | None = None
    waivers: Waivers = []

    @model_validator(mode="wrap")
    @classmethod
    def _sections_for_procedure(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Dossier:
        # Read from the mapping as written, so that a missing section is reported beside every
        # other problem of the file, not only once the rest is right. One per file: a wrap
        # validator's cost does not matter here.
        missing = _missing_sections(data) if isinstance(data, dict) else []
        try:
            dossier: Dossier = handler(data)
        except ValidationError as exc:
            found = error_details(exc)
            # Validating the known keys of a file with unknown ones comes here twice.
            if any(error["type"] == "missing_section" for error in exc.errors()):
                missing = []
            raise ValidationError.from_exception_data(cls.__name__, [*missing, *found]) from None
        if missing:
            raise ValidationError.from_exception_data(cls.__name__, missing)
        return dossier


def _missing_sections(data: dict[Any, Any]) -> list[InitErrorDetails]:
    """Errors for the sections the procedure needs that the dossier lacks."""
    application = data.get("application")
    kind = application.get("type") if isinstance(application, dict) else None
    if not isinstance(kind, str) or kind not in REQUIRED_BY_TYPE:
        return []
    name = PROCEDURES[kind]
    return [
        InitErrorDetails(
            type=bilingual_error(
                "missing_section",
                f"{article(name.en)} {name.en} application needs the `{key}` section",
                f"{name.zh}申请须填写 `{key}` 部分",
            ),
            loc=(),
            input=data,
        )
        for key in REQUIRED_BY_TYPE[kind]
        if data.get(key) is None
    ]
