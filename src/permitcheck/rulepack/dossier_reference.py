"""The reference tables of docs/dossier-format.md, generated from the dossier models and a pack."""

from __future__ import annotations

import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

from pydantic import BaseModel, WithJsonSchema
from pydantic.fields import FieldInfo

from permitcheck.dossier import model as dossier
from permitcheck.dossier.iso_codes import COUNTRIES, LANGUAGES
from permitcheck.rulepack.conditions import Condition
from permitcheck.rulepack.pack import Pack

# Each section of the format, the heading of its table in docs/dossier-format.md (its anchor)
# and the name of that table's marker.
SECTIONS: tuple[tuple[type[BaseModel], str, str], ...] = (
    (dossier.Dossier, "top-level", "top-level"),
    (dossier.Application, "application", "application"),
    (dossier.Employer, "employer", "employer"),
    (dossier.Applicant, "applicant", "applicant"),
    (dossier.Passport, "passport", "passport"),
    (dossier.Residence, "residence_history", "residence"),
    (dossier.Chinese, "chinese", "chinese"),
    (dossier.Documents, "documents", "documents"),
    (dossier.Document, "fields-of-every-document", "document"),
    (dossier.Translation, "translation", "translation"),
    (dossier.Commitment, "commitment", "commitment"),
    (dossier.ApplicationForm, "application_form", "application-form"),
    (dossier.WorkExperience, "work_experience", "work-experience"),
    (dossier.Degree, "degree", "degree"),
    (dossier.Qualification, "qualification", "qualification"),
    (dossier.CriminalRecord, "criminal_record", "criminal-record"),
    (dossier.MedicalExam, "medical_exam", "medical-exam"),
    (dossier.EmploymentContract, "employment_contract", "employment-contract"),
    (dossier.PassportCopy, "passport_copy", "passport-copy"),
    (dossier.ChangeEvidence, "change_evidence", "change-evidence"),
    (dossier.TerminationProof, "termination_proof", "termination-proof"),
    (dossier.FamilyMember, "family", "family"),
    (dossier.RelationshipProof, "relationship_proof", "relationship-proof"),
    (dossier.CurrentPermit, "current_permit", "current-permit"),
    (dossier.NotificationLetter, "notification_letter", "notification-letter"),
    (dossier.Change, "change", "change"),
    (dossier.Cancellation, "cancellation", "cancellation"),
    (dossier.Waiver, "waivers", "waivers"),
)
_ANCHORS = {model: anchor for model, anchor, _ in SECTIONS}
PROCEDURES = get_args(dossier.ProcedureType)

# What each field means, by the model that declares it. The types, whether a field is required
# and its allowed values come from the models; a field without a meaning here fails the docs
# test, so a new field is documented when it is added.
MEANINGS: dict[str, str] = {
    "Dossier.permitcheck": 'Format version: the integer `1` (`true`, `1.0` or `"1"` are refused).',
    "Dossier.application": "The procedure, its city and its dates.",
    "Dossier.employer": "Who employs the applicant; picks the acceptance window.",
    "Dossier.applicant": "The foreign national who applies.",
    "Dossier.documents": "One entry per document in the package; a kind left out is not in it.",
    "Dossier.family": "Accompanying family members.",
    "Dossier.current_permit": "The work permit held now.",
    "Dossier.notification_letter": "The Notification Letter, once issued (valid 6 months).",
    "Dossier.change": "What changed, for a change of permit information.",
    "Dossier.cancellation": "Why the permit ends, for a cancellation.",
    "Dossier.waivers": "What the acceptance window accepted in writing although a rule refuses "
    "it: each waiver with its reason, approver and expiry (docs/configuration.md).",
    "Waiver.rule": "The rule waived: its id (`permitcheck validate --verbose` shows them) or a "
    "pattern of ids (`*` any characters, `?` one).",
    "Waiver.subject": "Only the findings about this subject (`documents.degree`, "
    "`documents.work_experience[0].file`): a pattern as for `rule`; brackets are literal.",
    "Waiver.paths": "Only in the configuration: the dossier files it is for, as patterns relative "
    "to the configuration file's folder (as `exclude` reads them). In a dossier a waiver is for "
    "that dossier.",
    "Waiver.reason": "Why the window accepts it, with where that is written (a ticket, a letter).",
    "Waiver.approved_by": "Who approved the waiver.",
    "Waiver.expires": "The last day it waives; at most a year after the reference date (or the "
    "rule pack's `max_waiver_days`). Within `--warn-days` of it, an early warning.",
    "Application.type": "The procedure: `new` is the Notification Letter of Foreigner's Work "
    "Permit, the first application.",
    "Application.city": "The rule pack to check against; left out, the only city pack "
    "installed (today `nanjing`).",
    "Application.submission_date": "Planned submission date: the reference date of every time "
    "window unless `--as-of` is given or the date has passed (then today).",
    "Application.category": "Talent category.",
    "Application.category_a_basis": "For Category A: the grounds that allow commitments "
    "instead of some documents (FAQ 3(3)).",
    "Application.in_china": "The applicant is in China at submission (decides whether a "
    "medical-exam commitment is allowed).",
    "Application.entry_date": "Entry on the work visa, once known: starts the 30-day "
    "residence-permit deadline.",
    "Employer.name": "The employer's registered name.",
    "Employer.level": "`provincial`: a provincial or ministerial unit (served by the province).",
    "Employer.registered_in": "District or zone of registration, a code of the city pack "
    "([Nanjing's](#registered_in-in-nanjing)); picks the acceptance window.",
    "Passport.number": "Passport number (masked in every report).",
    "Passport.issuing_country": "Country that issued the passport.",
    "Passport.expiry_date": "Last day of validity.",
    "Residence.country": "Country lived in.",
    "Residence.from": "First day there.",
    "Residence.to": "Last day there; left out: still there.",
    "Applicant.name": "Full name, as in the passport.",
    "Applicant.date_of_birth": "Date of birth.",
    "Applicant.nationality": "Nationality now.",
    "Applicant.previous_nationality": "Set when the nationality changed (a new application "
    "is then required).",
    "Applicant.residence_history": "Stays after leaving the country of nationality: decide "
    "which country issues the criminal record.",
    "Applicant.passport": "The passport the application uses.",
    "Applicant.position": "The position in China.",
    "Applicant.regulated_role": "A role that needs a pre-approval or qualification (chief "
    "representative, doctor, pilot, ...): free text; stated, `qualification` is needed.",
    "Applicant.annual_salary_rmb": "Points table: the yearly salary the employer in China "
    "pays, in RMB (0 to 1,000,000,000).",
    "Applicant.education": "Points table: the highest degree, or its vocational equivalent; "
    "when absent, a degree certificate whose `level` is one of `doctorate`, `master`, "
    "`bachelor` is read.",
    "Applicant.work_years": "Points table: years of work experience related to the position "
    "(0 to 100; full years count); when absent, worked out from the dates of the related "
    "work-experience certificates.",
    "Applicant.months_in_china_per_year": "Points table: months a year the applicant works in "
    "China (0 to 12).",
    "Applicant.chinese": "Points table: the applicant's Chinese; a `previous_nationality` of "
    "`CN` counts as formerly Chinese.",
    "Applicant.workplace_region": "Points table: the place of work's region; scored only where "
    "the city's pack allows it (Nanjing: `none`).",
    "Applicant.extras": "Points table: the extra item's grounds (any one gives its points).",
    "Applicant.provincial_bonus": "Points table: the province's bonus for shortage talents, as "
    "the province grants it (0 to 100; the table counts up to 10).",
    "Chinese.hsk": "The HSK level passed, 1 to 9.",
    "Chinese.formerly_chinese": "`true`: formerly of Chinese nationality.",
    "Chinese.degree_taught_in_chinese": "`true`: a bachelor's degree or higher taught in Chinese.",
    "Document.file": "Path of the scan, relative to the dossier file; must be a PDF, JPEG or "
    "PNG inside the dossier repository.",
    "Document.language": "Language the document is written in (`zh`: Chinese).",
    "Document.translation": "Its Chinese translation, for a document not in Chinese.",
    "Document.commitment": "`true`: a signed commitment is submitted instead of the document.",
    "Translation.seal": "Who sealed the translation.",
    "Commitment.commitment": "`true`: a signed commitment instead of the certificates.",
    "Commitment.file": "As for every document.",
    "Commitment.language": "As for every document.",
    "Commitment.translation": "As for every document.",
    "Documents.application_form": "The application form of the procedure, printed from the "
    "online system.",
    "Documents.work_experience": "Work-experience certificates, one entry each.",
    "Documents.degree": "Highest degree certificate.",
    "Documents.qualification": "Pre-approval or professional qualification for a regulated role.",
    "Documents.criminal_record": "Certificate of no criminal record.",
    "Documents.medical_exam": "Medical examination certificate.",
    "Documents.employment_contract": "Employment contract, employment certificate or dispatch "
    "letter.",
    "Documents.passport_copy": "Copy of the passport pages.",
    "Documents.change_evidence": "Documents that prove a change, one entry each.",
    "Documents.termination_proof": "Proof that the employment ended, for a cancellation.",
    "ApplicationForm.signed_by_applicant": "Signed by the applicant.",
    "ApplicationForm.employer_seal": "Chopped with the employer's official seal.",
    "WorkExperience.issuer": "Employer that certifies the experience.",
    "WorkExperience.job_title": "Job held.",
    "WorkExperience.from": "First day of the job.",
    "WorkExperience.to": "Last day of the job.",
    "WorkExperience.projects": "Projects worked on.",
    "WorkExperience.related_to_position": "The experience relates to the position in China.",
    "WorkExperience.sealed_or_signed": "Sealed or signed by the issuer.",
    "WorkExperience.certifier_contact": "How to reach the person who certifies it.",
    "Authenticated.authentication": "How the document is authenticated.",
    "Authenticated.apostille_country": "Country that issued the apostille.",
    "Authenticated.apostilled_on": "Date on the apostille (apostilles count from China's "
    "accession, 2023-11-07, and only with member states).",
    "Authenticated.issued_on": "Date of issue.",
    "Degree.level": "Level of the degree (`bachelor`, `master`, `doctorate`, ...): free text.",
    "Degree.obtained_in": "Country where the degree was obtained.",
    "Degree.original": "`true`: the original is shown (a degree obtained in mainland China).",
    "Qualification.kind": "What the document is.",
    "Qualification.issuer": "Who issued it.",
    "CriminalRecord.issuing_country": "Country that issued the certificate.",
    "CriminalRecord.issuer": "Kind of authority that issued it.",
    "CriminalRecord.sworn_declaration": "`true`: a sworn declaration instead of a police record.",
    "MedicalExam.issued_on": "Date of the report.",
    "MedicalExam.institution": "Who examined.",
    "EmploymentContract.form": "What the document is.",
    "EmploymentContract.signed_by_applicant": "Signed by the applicant.",
    "EmploymentContract.employer_seal": "Chopped with the employer's official seal.",
    "EmploymentContract.altered": "`true`: the document has alterations.",
    "EmploymentContract.states": "The terms the document states.",
    "EmploymentContract.supplementary_certificate": "A separate certificate states the terms "
    "an employment certificate or dispatch letter leaves out.",
    "EmploymentContract.certificate_basis": "Why an employment certificate is used instead of "
    "a contract.",
    "EmploymentContract.dispatched_from": "Where a dispatch letter comes from.",
    "EmploymentContract.headquarters_contract": "The contract with the headquarters in China "
    "comes with a dispatch letter.",
    "PassportCopy.pages": "The pages copied.",
    "ChangeEvidence.kind": "What the document is (free text).",
    "ChangeEvidence.supports": "The changed fields it proves.",
    "ChangeEvidence.issued_on": "Date of issue.",
    "TerminationProof.signed_by_both_parties": "Signed by the employer and the applicant.",
    "TerminationProof.original": "`true`: the original is submitted.",
    "RelationshipProof.kind": "What the document is.",
    "RelationshipProof.authentication": "How the document is authenticated.",
    "FamilyMember.relation": "Relation to the applicant.",
    "FamilyMember.name": "Full name.",
    "FamilyMember.date_of_birth": "Date of birth (from 18 a medical exam is needed).",
    "FamilyMember.passport": "The member's passport.",
    "FamilyMember.relationship_proof": "Proof of the relationship.",
    "FamilyMember.medical_exam": "The member's medical examination certificate.",
    "FamilyMember.photo": "A photo is in the package.",
    "CurrentPermit.number": "Permit number (masked in every report).",
    "CurrentPermit.expiry_date": "Last day of validity.",
    "NotificationLetter.issued_on": "Date of issue: the letter is valid 6 calendar months.",
    "Change.fields": "What changed.",
    "Change.occurred_on": "When it changed: starts the 10-working-day deadline.",
    "Cancellation.reason": "Why the employment or permit ends.",
    "Cancellation.occurred_on": "When it ended: starts the 10-working-day deadline.",
}

# Types marked for the JSON Schema (model.py), by what they mean to a writer of a dossier.
_MARKED = {
    "Date": "date ([forms](#dates))",
    "CountryCode": "country code ([ISO 3166-1](#country-codes))",
    "LanguageCode": "language code ([ISO 639-1](#language-codes))",
}


def _type_words(annotation: Any) -> str:
    """A field's type as the writer of a dossier reads it, with its allowed values."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        for item in args[1:]:
            if isinstance(item, WithJsonSchema) and item.json_schema is not None:
                marked = item.json_schema.get("x-def")
                if isinstance(marked, str):
                    return _MARKED[marked]
        return _type_words(args[0])
    if origin in (Union, types.UnionType):
        parts = [_type_words(arg) for arg in args if arg is not type(None)]
        return " or ".join(parts)
    if origin is list:
        item = args[0]
        if get_origin(item) is Literal:
            return "list of " + ", ".join(f"`{arg}`" for arg in get_args(item)) + " (each once)"
        if isinstance(item, type) and issubclass(item, BaseModel):
            return "list of " + _type_words(item).replace("mapping ", "mappings ", 1)
        return f"list of {_type_words(item)}"
    if origin is Literal:
        if len(args) == 1:
            return f"`{args[0]}`"
        return "one of " + ", ".join(f"`{arg}`" for arg in args)
    if annotation is str:
        return "text"
    if annotation is bool:
        return "`true` or `false`"
    if annotation is int:
        return "whole number"
    if annotation is float:
        return "number"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        anchor = _ANCHORS[annotation]
        return f"mapping ([{anchor.replace('-', ' ')}](#{anchor}))"
    raise ValueError(f"no words for the type {annotation!r}")


def _declared_by(model: type[BaseModel], name: str) -> str:
    """The name of the class in `model`'s bases that declares the field `name` (the first
    model, from the base down, that has it)."""
    for cls in reversed(model.__mro__):
        if isinstance(cls, type) and issubclass(cls, BaseModel) and name in cls.model_fields:
            return cls.__name__
    raise ValueError(f"{model.__name__}.{name} is declared nowhere")


def _required(model: type[BaseModel], name: str, key: str, info: FieldInfo) -> str:
    if model is dossier.Dossier:
        needed = [kind for kind, keys in dossier.REQUIRED_BY_TYPE.items() if key in keys]
        if needed and len(needed) < len(PROCEDURES):
            return "for " + ", ".join(f"`{kind}`" for kind in needed)
    if info.is_required():
        return "yes"
    default = info.default
    if default is None or default == []:
        return "no"
    if isinstance(default, bool):
        return f"no (default `{'true' if default else 'false'}`)"
    return f"no (default `{default}`)"


def _own_fields(model: type[BaseModel]) -> list[str]:
    """The fields a table lists: a document kind's own, the shared ones have a table of theirs."""
    names = list(model.model_fields)
    if issubclass(model, dossier.Document) and model is not dossier.Document:
        names = [name for name in names if name not in dossier.Document.model_fields]
    return names


def fields_table(model: type[BaseModel]) -> str:
    """The fields of one section as a Markdown table: key, type and values, required, meaning."""
    lines = ["| Key | Type and values | Required | Meaning |", "| --- | --- | --- | --- |"]
    hints = get_type_hints(model, include_extras=True)
    for name in _own_fields(model):
        info = model.model_fields[name]
        key = info.alias or name
        words = _type_words(hints[name])
        if model is dossier.Documents and name == "work_experience":
            words = (
                "list of mappings ([work experience](#work_experience)), or one "
                "[commitment](#commitment) mapping"
            )
        if model is dossier.Dossier and name == "permitcheck":
            words = "the number `1`"
        meaning = MEANINGS[f"{_declared_by(model, name)}.{key}"]
        cells = [f"`{key}`", words, _required(model, name, key, info), meaning]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def codes_list(codes: frozenset[str]) -> str:
    """Every accepted code, sorted, as one paragraph."""
    return " ".join(f"`{code}`" for code in sorted(codes)) + "\n"


def _condition_words(condition: Condition) -> str:
    """A rule's condition, as the rule file writes it."""
    written = condition.model_dump(by_alias=True, exclude_none=True)
    path = written.pop("path", None)
    rest = ", ".join(f"{key}: {_value(value)}" for key, value in written.items())
    return f"`{path}` {rest}" if path else rest


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_value(item)}" for key, item in value.items()) + "}"
    return str(value)


def documents_by_procedure(pack: Pack) -> str:
    """Which documents each procedure needs in `pack`: its rules of kind `present`."""
    cells: dict[str, dict[str, list[str]]] = {}
    for rule in pack.rules:
        if rule.check.kind != "present" or rule.subject is None:
            continue
        row = cells.setdefault(rule.subject, {procedure: [] for procedure in PROCEDURES})
        words = f"`{rule.id}`: required"
        if rule.applies.categories:
            words += " for category " + " or ".join(rule.applies.categories)
        if rule.applies.when is not None:
            words += " when " + _condition_words(rule.applies.when)
        exempt = [e.describe.en for e in rule.exemptions if e.status == "exempt"]
        warned = [e.describe.en for e in rule.exemptions if e.status != "exempt"]
        if exempt:
            words += "; with a commitment instead: " + "; ".join(exempt)
        if warned:
            words += "; with a warning: " + "; ".join(warned)
        for procedure in rule.applies.procedures:
            row[procedure].append(words)
    lines = [
        "| Document | " + " | ".join(f"`{p}`" for p in PROCEDURES) + " |",
        "| --- |" + " --- |" * len(PROCEDURES),
    ]
    for subject in sorted(cells):
        row = cells[subject]
        entries = ["<br>".join(row[procedure]) or "—" for procedure in PROCEDURES]
        lines.append(f"| `{subject}` | " + " | ".join(entries) + " |")
    return "\n".join(lines).replace("|`", "| `") + "\n"


def districts_table(pack: Pack) -> str:
    """The `employer.registered_in` codes of `pack`'s acceptance windows."""
    from permitcheck.rulepack import windows

    lines = ["| `registered_in` | District or zone |", "| --- | --- |"]
    for code, district in windows.of(pack).districts.items():
        lines.append(f"| `{code}` | {district.name.en} |")
    return "\n".join(lines) + "\n"


def tables(pack: Pack) -> dict[str, str]:
    """Every generated table of docs/dossier-format.md, by the name of its marker; the
    per-procedure documents and the districts from `pack` (the Nanjing pack)."""
    found = {marker: fields_table(model) for model, _, marker in SECTIONS}
    found["countries"] = codes_list(COUNTRIES)
    found["languages"] = codes_list(LANGUAGES)
    found["documents-by-procedure"] = documents_by_procedure(pack)
    found["districts"] = districts_table(pack)
    return found
