"""`permitcheck init`: a commented dossier skeleton for each procedure, to fill in."""

from __future__ import annotations

from permitcheck.i18n import PROCEDURES

SCHEMA_COMMENT = "# yaml-language-server: $schema={schema}\n"

_HEAD = """\
# permitcheck dossier ({kind}). Fill in the empty values, uncomment each document that is in
# the package, then run: permitcheck validate {name}
# 档案（{kind_zh}）：请填写空白的值，取消注释已有材料的条目，然后运行：permitcheck validate {name}
permitcheck: 1
application:
  type: {kind}
  city: {city}
  # submission_date: 2027-01-15      # planned submission date / 计划提交日期 (YYYY-MM-DD)
  category: B                         # A, B or C / 外国人类别
  # category_a_basis: [talent_program]   # for category A / A类的依据
  in_china: false                     # already in China? / 申请人是否已在中国境内
{entry}employer:
  name: ""                            # the employer's registered name / 用人单位名称
  level: municipal                    # municipal, or provincial / 市级或省（部）属
  registered_in: ""                   # district or zone, see `permitcheck where --help` / 注册地
applicant:
  name: ""                            # as in the passport / 与护照一致
  nationality: ""                     # ISO 3166-1 code, e.g. FR / 国籍代码
  # date_of_birth: 1990-01-31
  passport: {{number: "", issuing_country: "", expiry_date: ""}}
  # position: ""
  # The points table's facts, which `permitcheck category` scores and the claimed category is
  # checked against; what is not stated counts as missing. 积分表事项（`permitcheck category`）：
  # annual_salary_rmb: 480000           # paid by the employer in China / 境内年薪（元）
  # education: master                   # doctorate, master, bachelor, none (or a vocational
  #                                     # equivalent: senior_technician, technician, ...)
  # work_years: 6                       # related experience; else from work_experience dates
  # months_in_china_per_year: 12
  # chinese: {{hsk: 4}}                   # or {{formerly_chinese: true}},
  #                                     # or {{degree_taught_in_chinese: true}}
  # workplace_region: none              # western, north_east, special_area or none
  # extras: [fortune_global_500]        # high_level_university, fortune_global_500, patents,
  #                                     # five_years_in_china
  # provincial_bonus: 0                 # the province's bonus for shortage talents, 0 to 10
{extra}# What the acceptance window accepted in writing although a rule refuses it: shown as waived
# until `expires` (at most a year ahead; docs/configuration.md). 豁免：受理窗口书面接受的事项。
# waivers:
#   - rule: {city}.new.degree.authentication   # `permitcheck validate --verbose` shows rule ids
#     reason: ""                               # why, and where the window said so (a ticket)
#     approved_by: ""                          # who approved it
#     expires: 2027-03-31                      # the last day it waives
"""

# A new hire's entry on the work visa: the residence permit is due 30 days after it.
_ENTRY = """\
  # entry_date: 2027-03-01            # entry on the work visa, once known / 持工作签证入境日期
"""

# What extension, change and cancellation dossiers all start with.
_CURRENT_PERMIT = """\
current_permit:
  number: ""                          # the work permit number / 工作许可证号
  expiry_date: ""                     # YYYY-MM-DD
"""

# An extension is filed 30 to 90 days before the permit expires (national law).
_EXTENSION_NOTE = """\
# File the extension between 90 and 30 days before `expiry_date`: later, the national system
# refuses it (Administrative Licensing Law Art. 50). 延期须在有效期届满前90日至30日之间申请。
"""

_NEW_DOCUMENTS = """\
# Once the Notification Letter is issued: valid 6 months, the time to obtain the visa and enter
# (`permitcheck steps` and `timeline` show its last valid day).
# 工作许可通知签发后填写：有效期6个月，须在此期间取得签证并入境。
# notification_letter: {issued_on: 2027-02-01}
documents:
  # application_form: {signed_by_applicant: true, employer_seal: true}
  # work_experience:
  #   - {issuer: "", job_title: "", from: 2019-01-01, to: 2025-12-31, related_to_position: true,
  #      sealed_or_signed: true, certifier_contact: "", language: en,
  #      translation: {seal: translation_company}, file: docs/work-experience.pdf}
  # degree: {level: master, obtained_in: "", authentication: apostille, apostilled_on: 2026-01-15,
  #          language: en, translation: {seal: translation_company}}
  # criminal_record: {issuing_country: "", issued_on: 2026-10-01, issuer: police,
  #                   sworn_declaration: false, authentication: apostille, language: en,
  #                   translation: {seal: translation_company}}
  # medical_exam: {issued_on: 2026-10-01, institution: chinese_quarantine}
  # employment_contract: {form: contract, language: zh, signed_by_applicant: true,
  #                       employer_seal: true, altered: false,
  #                       states: [work_location, job_content, salary, working_hours, position]}
  # passport_copy: {pages: [information]}
# family:
#   - {relation: spouse, name: "", date_of_birth: 1990-01-31, passport: {...},
#      relationship_proof: {kind: marriage_certificate, language: en,
#                           translation: {seal: translation_company}},
#      medical_exam: {issued_on: 2026-10-01, institution: recognized_overseas}, photo: true}
"""

_EXTENSION = (
    _CURRENT_PERMIT
    + _EXTENSION_NOTE
    + """\
documents:
  # application_form: {signed_by_applicant: true, employer_seal: true}
  # passport_copy: {pages: [information, visa, latest_entry]}
  # employment_contract: {form: contract, language: zh, signed_by_applicant: true,
  #                       employer_seal: true, altered: false}
"""
)

_CHANGE = (
    _CURRENT_PERMIT
    + """\
change:
  fields: [passport_number]           # name, passport_number, position, category, ...
  occurred_on: ""                     # the day the change happened / 变更发生日期
documents:
  # application_form: {signed_by_applicant: true, employer_seal: true}
  # change_evidence:
  #   - {kind: new_passport, supports: [passport_number], issued_on: 2026-11-20, language: en}
"""
)

_CANCELLATION = (
    _CURRENT_PERMIT
    + """\
cancellation:
  reason: terminated_early            # contract_ended, terminated_early, death, incapacity,
                                      # employer_terminated, revoked
  occurred_on: ""                     # the day it happened / 事由发生日期
documents:
  # application_form: {signed_by_applicant: true, employer_seal: true}
  # termination_proof: {signed_by_both_parties: true, original: true, language: zh}
"""
)

_EXTRA = {
    "new": _NEW_DOCUMENTS,
    "extension": _EXTENSION,
    "change": _CHANGE,
    "cancellation": _CANCELLATION,
}


def skeleton(kind: str, name: str, city: str, schema: str | None = None) -> str:
    """The skeleton text of a `kind` dossier for `city` that will be saved as `name`."""
    entry = _ENTRY if kind == "new" else ""
    text = _HEAD.format(
        kind=kind,
        kind_zh=PROCEDURES[kind].zh,
        name=name,
        city=city,
        extra=_EXTRA[kind],
        entry=entry,
    )
    return (SCHEMA_COMMENT.format(schema=schema) if schema else "") + text
