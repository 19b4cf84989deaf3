"""Rules as rule files write them, and what a rule gets wrong that its schema cannot see."""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterator
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from permitcheck.basemodel import bilingual_error, codes, shown
from permitcheck.i18n import ENGINE_PARAMS, Text, t
from permitcheck.rulepack.conditions import Condition, DottedPath
from permitcheck.rulepack.conditions import reads as condition_reads
from permitcheck.rulepack.kinds import Check, kind_of
from permitcheck.rulepack.shapes import PathProblem, Reads, Shape, Where, entries, keyed, shapes_at
from permitcheck.rulepack.sources import RuleModel, Source

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_RULE_ID = re.compile(r"^[a-z0-9]+(?:[.-][a-z0-9]+)+$")
KEY = r"^[a-z][a-z0-9_]*$"  # a pack's name, a heading's key, a template's name
GroupKey = Annotated[str, Field(pattern=KEY)]
RuleId = Annotated[str, Field(pattern=_RULE_ID.pattern)]


class Exemption(RuleModel):
    """A lawful alternative to the requirement, reported as `exempt`; or, with `status: warn`,
    one the source allows but the window may question, reported as a warning with its fix."""

    when: Condition = Field(description="The condition under which the exemption holds.")
    describe: Text = Field(
        description=(
            'Who or what the exemption is for, as messages name it ("Category A applicants").'
        )
    )
    message: Text = Field(description="What the finding says when the exemption holds.")
    status: Literal["exempt", "warn"] = Field(
        default="exempt",
        description=(
            "`exempt` (a lawful alternative), or `warn` (allowed, but the window may question it; "
            "needs `fix`)."
        ),
    )
    fix: Text | None = Field(default=None, description="What to do, for `status: warn`.")
    # The claimed category the alternative rests on (a Category A commitment): the points
    # table checks the claim, so that a commitment on an unsupported claim is not accepted.
    claim: Literal["A"] | None = Field(
        default=None,
        description=(
            "The claimed category it rests on: with no basis declared and too few points on the "
            "points table, the finding says so (a failure when the stated facts rule the claim "
            "out, a warning while facts are missing)."
        ),
    )
    sources: list[Source] = Field(min_length=1, description="The passages the exemption rests on.")

    @model_validator(mode="after")
    def _warning_says_what_to_do(self) -> Exemption:
        if self.status == "warn" and self.fix is None:
            raise bilingual_error(
                "fix",
                "an exemption with `status: warn` needs a `fix`",
                "`status: warn` 的豁免须有 `fix`",
            )
        return self


class Variant(RuleModel):
    """The words of a case the check tells apart (`on_the_day`: the reference date is the
    subject date itself), instead of the rule's message and fix."""

    message: Text = Field(description="The message of this case.")
    fix: Text = Field(description="The fix of this case.")


class Applies(RuleModel):
    procedures: list[Literal["new", "extension", "change", "cancellation"]] = Field(
        min_length=1,
        description="The procedures the rule applies to: new, extension, change, cancellation.",
    )
    categories: list[Literal["A", "B", "C"]] | None = Field(
        default=None,
        description=(
            "Only for these categories (A, B, C); a dossier of another or no category is skipped."
        ),
    )
    when: Condition | None = Field(default=None, description="Only when this condition holds.")


class Rule(RuleModel):
    id: str = Field(
        pattern=_RULE_ID.pattern,
        description=(
            "Stable id, dotted lower-case words (`nanjing.new.criminal-record.age`); a pack's ids "
            "start with its name."
        ),
    )
    title: Text = Field(
        description="What the rule requires, as a checklist line says it when it holds."
    )
    severity: Literal["error", "warning"] = Field(
        default="error",
        description="`error` blocks submission; `warning` blocks only with `--fail-on warning`.",
    )
    applies: Applies = Field(description="When the rule applies.")
    for_each: DottedPath | None = Field(
        default=None,
        description=(
            "A list (`family[*]`): the rule is evaluated once per entry; `[*]` in its other paths "
            "stands for that entry."
        ),
    )
    document: DottedPath | None = Field(
        default=None,
        description=(
            "The document the rule is about: when it is absent or only a commitment, the rule has "
            "nothing to check (skip)."
        ),
    )
    group: str | None = Field(
        default=None,
        description=(
            "The checklist heading (a key of `groups`), when not the subject's document or section."
        ),
    )
    subject: DottedPath | None = Field(
        default=None, description="The dossier path the check reads (from the top of the dossier)."
    )
    # Instead of a subject: every value written under this key anywhere in the dossier.
    for_each_key: str | None = Field(
        default=None,
        pattern=r"^[a-z_]+$",
        description=(
            "Instead of `subject`: every value written under this key anywhere in the dossier "
            "(`file`)."
        ),
    )
    # Replaces the rule with the same id of the pack this one extends.
    override: bool = Field(
        default=False,
        description="Replaces the rule with the same id of the pack this one extends.",
    )
    check: Check = Field(description="What is checked: one check kind with its parameters.")
    exemptions: list[Exemption] = Field(
        default=[],
        description="Lawful alternatives to the requirement, tried in order before the check.",
    )
    message: Text = Field(
        description=(
            "What a failure says; `{placeholders}` from the check kind and `{as_of}`, `{subject}`,"
            " `{authority}`."
        )
    )
    fix: Text = Field(description="How to fix a failure (same placeholders as `message`).")
    variants: dict[str, Variant] = Field(
        default={},
        description=(
            "Own words for the cases the check kind tells apart (`on_the_day`, `too_early`)."
        ),
    )
    description: Text = Field(
        description="The rule in full, with the readings chosen (`permitcheck explain`)."
    )
    sources: list[Source] = Field(
        min_length=1, description="The passages the rule rests on, quoted word for word."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Rule:
        kind = kind_of(self.check)
        allowed = set(kind.placeholders) | ENGINE_PARAMS
        for case in self.variants:
            if case not in kind.variants:
                listed = codes(kind.variants) or "—"
                raise bilingual_error(
                    "variant",
                    f"check kind {kind.name} has no case {case!r} to word; its cases: {listed}",
                    f"检查类型 {kind.name} 没有情形 {case!r}；可用的情形：{listed}",
                )
        texts = [("message", self.message), ("fix", self.fix)]
        for case, variant in self.variants.items():
            texts += [
                (f"variants.{case}.message", variant.message),
                (f"variants.{case}.fix", variant.fix),
            ]
        for name, text in texts:
            for language in ("en", "zh"):
                for placeholder in _PLACEHOLDER.findall(getattr(text, language)):
                    if placeholder not in allowed:
                        available = codes(sorted(allowed))
                        raise bilingual_error(
                            "placeholder",
                            f"{name}.{language} uses {{{placeholder}}}, which check kind "
                            f"{kind.name} does not provide; available: {available}",
                            f"{name}.{language} 使用了 {{{placeholder}}}，但检查类型 {kind.name} "
                            f"不提供该值；可用：{available}",
                        )
        if (self.subject is None) == (self.for_each_key is None):
            raise bilingual_error(
                "subject",
                "a rule needs either `subject` or `for_each_key`",
                "规则须有 `subject` 或 `for_each_key` 之一",
            )
        if self.for_each_key is not None and (self.for_each or self.document):
            raise bilingual_error(
                "for_each_key",
                "`for_each_key` takes no `for_each` or `document`",
                "`for_each_key` 不能与 `for_each` 或 `document` 同用",
            )
        subject = self.subject_text
        starred = "[*]" in subject or (self.document is not None and "[*]" in self.document)
        if starred and self.for_each is None:
            raise bilingual_error(
                "for_each", "a path with [*] needs `for_each`", "含 [*] 的路径需要 `for_each`"
            )
        if self.group is not None and self.group not in ("family",) and "." in self.group:
            raise bilingual_error(
                "group",
                "`group` is a heading key such as passport_copy",
                "`group` 须为标题键，例如 passport_copy",
            )
        if self.for_each is not None and not subject.startswith(self.for_each):
            raise bilingual_error(
                "for_each",
                "`subject` must lie inside `for_each`",
                "`subject` 须位于 `for_each` 之内",
            )
        return self

    @property
    def subject_text(self) -> str:
        """The subject as written, or `**.key` for a rule over every `key` in the dossier."""
        return self.subject if self.subject is not None else f"**.{self.for_each_key}"


# A rule template: keys a rule takes when it names the template (`template: translation`);
# the rule's own keys win. Written once in pack.yaml (for every rule file of the pack and of
# the packs that extend it) or at the top of a rule file (for that file).
Template = dict[str, Any]


class RuleFile(RuleModel):
    templates: dict[GroupKey, Template] = Field(
        default={}, description="Rule templates of this file (over those of pack.yaml)."
    )
    rules: list[Rule] = Field(min_length=1, description="The rules.")


# --- What a rule reads: paths of the dossier format, values its checks can read -------------

RuleFault = tuple[Where, Text, bool]  # where in the rule, what is wrong, point at the value


def rule_problems(rule: Rule, groups: Collection[str]) -> list[RuleFault]:
    """What is wrong with a rule that its schema alone cannot see: paths the dossier format
    does not have, checks and conditions on values they cannot read, [*] with no entry bound
    to it, headings the manifest does not declare. Each would fail or mislead at evaluation."""
    problems: list[RuleFault] = []

    def add(where: Where, text: Text, value: bool = True) -> None:
        if all(where != seen for seen, _, _ in problems):  # the first problem at a place
            problems.append((where, text, value))

    for_each = rule.for_each
    if for_each is not None and (for_each.count("[*]") != 1 or not for_each.endswith("[*]")):
        add(
            ("for_each",),
            t(
                "`for_each` names one list, with [*] at its end, such as `family[*]`",
                "`for_each` 须指向一个列表，并以 [*] 结尾，例如 `family[*]`",
            ),
        )
    for where_key, path in (
        ("for_each", for_each),
        ("document", rule.document),
        ("subject", rule.subject),
    ):
        if path is None:
            continue
        bound = _binding(path, for_each) if where_key != "for_each" else None
        if bound is not None:
            add((where_key,), bound)
        try:
            shapes_at(path)
        except PathProblem as exc:
            add((where_key,), exc.text)
    subject_at: Where = ("subject",) if rule.subject is not None else ("for_each_key",)
    subjects: list[tuple[str, tuple[Shape, ...]]] = []
    if rule.subject is not None:
        if all(where != subject_at for where, _, _ in problems):
            subjects = [(rule.subject, shapes_at(rule.subject))]
    else:
        name = rule.for_each_key or ""
        subjects = list(keyed(name))
        if not subjects:
            add(
                subject_at,
                t(
                    f"no field of the dossier format is named `{name}`",
                    f"档案格式中没有名为 `{name}` 的字段",
                ),
            )
    for number, read in enumerate(kind_of(rule.check).reads(rule.check)):
        found = _read_problem(read, subjects, for_each, ("check",), subject_at)
        if found is not None:
            add(*found, not read.key)
            if number == 0:
                subjects = []  # the subject cannot be read: its fields are beside the point
    conditions = [(("applies", "when"), rule.applies.when)] + [
        (("exemptions", number, "when"), exemption.when)
        for number, exemption in enumerate(rule.exemptions)
    ]
    for prefix, condition in conditions:
        for read in condition_reads(condition) if condition is not None else ():
            found = _read_problem(read, subjects, for_each, prefix, subject_at)
            if found is not None:
                add(*found)
    for where, text in _heading_problems(rule, groups, subject_at):
        add(where, text)
    return problems


def _binding(path: str, for_each: str | None) -> Text | None:
    """Why the [*] of `path` is bound to no entry (the engine binds it to `for_each`'s)."""
    if "[*]" not in path:
        return None
    if for_each is None:
        return t(
            f"`{path}` has [*], which stands for the entry `for_each` takes, but the rule "
            "has no `for_each`",
            f"`{path}` 含 [*]，它代表 `for_each` 所取的条目，但该规则没有 `for_each`",
        )
    if path.count("[*]") > 1 or not path.startswith(for_each):
        return t(
            f"`{path}` has [*] outside `for_each: {for_each}`; [*] stands only for the "
            "entry `for_each` takes",
            f"`{path}` 中的 [*] 不在 `for_each: {for_each}` 之内；[*] 只代表 `for_each` 所取的条目",
        )
    return None


def _read_problem(
    read: Reads,
    subjects: list[tuple[str, tuple[Shape, ...]]],
    for_each: str | None,
    prefix: Where,
    subject_at: Where,
) -> tuple[Where, Text] | None:
    """Why a check or condition cannot read what it reads, and where the rule says it."""
    at: Where = (*prefix, *read.at) if read.at else subject_at
    targets: list[tuple[str, tuple[Shape, ...]]] = []
    if read.absolute:
        bound = _binding(read.path, for_each)
        if bound is not None:
            return at, bound
        try:
            targets.append((read.path, shapes_at(read.path)))
        except PathProblem as exc:
            return at, exc.text
    else:
        for subject, shapes in subjects:
            if not read.path:
                targets.append((subject, shapes))
                continue
            try:
                targets.append((f"{subject}.{read.path}", shapes_at(read.path, shapes, subject)))
            except PathProblem as exc:
                if not read.optional:
                    return at, t(
                        f"{read.by.en} reads `{read.path}` of its subject: {exc.text.en}",
                        f"{read.by.zh} 读取检查对象的 `{read.path}`：{exc.text.zh}",
                    )
    if read.item is not None:
        items = []
        for shown_as, shapes in targets:
            try:
                items.append(
                    (
                        f"{shown_as}[*].{read.item}",
                        shapes_at(read.item, entries(shapes, shown_as), f"{shown_as}[*]"),
                    )
                )
            except PathProblem as exc:
                if not read.optional:
                    return at, t(
                        f"{read.by.en} reads `{read.item}` of each entry: {exc.text.en}",
                        f"{read.by.zh} 读取每一项的 `{read.item}`：{exc.text.zh}",
                    )
        targets = items
    need = read.need
    for shown_as, shapes in targets:
        for shape in shapes:
            if need is None or need.met_by(shape):
                continue
            if not read.absolute and not read.path and read.item is None:
                return at, t(
                    f"{read.by.en} needs {need.words.en} as its subject, but "
                    f"`{shown_as}` is {shape.words.en} in the dossier format",
                    f"{read.by.zh} 要求检查对象为{need.words.zh}，但档案格式中 "
                    f"`{shown_as}` 为{shape.words.zh}",
                )
            return at, t(
                f"{read.by.en} needs {need.words.en} at `{shown_as}`, but the dossier "
                f"format has {shape.words.en} there",
                f"{read.by.zh} 要求 `{shown_as}` 为{need.words.zh}，但档案格式中该处为"
                f"{shape.words.zh}",
            )
    allowed = _allowed([shape for _, shapes in targets for shape in shapes])
    if allowed is None or not targets:
        return None
    for position, value in enumerate(read.values):
        if value not in allowed:
            close = difflib.get_close_matches(value, allowed, n=1, cutoff=0.6)
            hint_en = f" (did you mean `{close[0]}`?)" if close else ""
            hint_zh = f"（是否应为 `{close[0]}`？）" if close else ""
            where = (*prefix, *read.values_at, *((position,) if read.listed else ()))
            path = targets[0][0]
            return where, t(
                f"{shown(value)} is never written at `{path}`: the dossier format allows only "
                f"{codes(allowed)}{hint_en}",
                f"档案格式中 `{path}` 不可能为 {shown(value)}：只允许 {codes(allowed)}{hint_zh}",
            )
    return None


def _allowed(shapes: list[Shape]) -> list[str] | None:
    """The only texts the model allows in these shapes (a list's entries), None if any text."""
    allowed: dict[str, None] = {}
    for shape in shapes:
        for inner in shape.items if shape.kind == "list" else (shape,):
            if inner.values is None:
                return None
            allowed.update(dict.fromkeys(inner.values))
    return list(allowed)


def _heading_problems(
    rule: Rule, groups: Collection[str], subject_at: Where
) -> Iterator[tuple[Where, Text]]:
    """Headings the rule's findings are listed under (as the engine groups them) that the
    manifest does not declare: the checklist would show a bare key instead of a title."""
    if rule.group is not None:
        if rule.group == "family":
            yield (
                ("group",),
                t(
                    "`group: family` is not a heading of its own: findings on `family[*]` are "
                    "listed under each family member when the rule has no `group`",
                    "`group: family` 不能单独作为标题：不写 `group` 时，针对 `family[*]` 的结果列在"
                    "各随行家属之下",
                ),
            )
        elif rule.group not in groups:
            # `family` is declared for the members' headings, never a rule's own `group`.
            yield (
                ("group",),
                _undeclared(
                    f"group `{rule.group}`",
                    f"分组 `{rule.group}`",
                    rule.group,
                    [g for g in groups if g != "family"],
                ),
            )
        return
    paths = (
        [rule.subject]
        if rule.subject is not None
        else [path for path, _ in keyed(rule.for_each_key or "")]
    )
    for path in paths:
        steps = [step.removesuffix("[*]") for step in path.split(".")]
        heading = steps[1] if steps[0] == "documents" and len(steps) > 1 else steps[0]
        if heading == "family" and not path.startswith("family[*]"):
            # `family` titles each member (`{name}`, `{number}`), not the list as a whole.
            yield (
                subject_at,
                t(
                    f"findings on `{path}` need a declared `group`: the `family` heading is the "
                    "title of each family member, for rules on `family[*]`",
                    f"针对 `{path}` 的结果须指定已声明的 `group`：`family` 标题用于各随行家属，"
                    "适用于针对 `family[*]` 的规则",
                ),
            )
            return
        if heading not in groups:
            yield (
                subject_at,
                _undeclared(
                    f"the heading `{heading}` this rule's findings are listed under "
                    f"(from `{path}`)",
                    f"该规则结果所属的标题 `{heading}`（来自 `{path}`）",
                    heading,
                    groups,
                    t(
                        "; declare it there, or give the rule a declared `group`",
                        "；请在其中声明，或为该规则指定已声明的 `group`",
                    ),
                ),
            )
            return


def _undeclared(
    what_en: str, what_zh: str, key: str, groups: Collection[str], more: Text | None = None
) -> Text:
    close = difflib.get_close_matches(key, list(groups), n=1, cutoff=0.6)
    hint_en = f"did you mean `{close[0]}`?" if close else f"declared: {codes(groups) or '—'}"
    hint_zh = f"是否应为 `{close[0]}`？" if close else f"已声明：{codes(groups) or '—'}"
    extra_en, extra_zh = (more.en, more.zh) if more is not None else ("", "")
    return t(
        f"{what_en} is not declared under `groups` in pack.yaml{extra_en}; {hint_en}",
        f"pack.yaml 的 `groups` 中没有声明{what_zh}{extra_zh}；{hint_zh}",
    )
