"""The report of `permitcheck pack test`: what the pack's cases, quotes and texts came to."""

from __future__ import annotations

from permitcheck.findings import PackTestReport, RenderOptions
from permitcheck.i18n import say, t
from permitcheck.problems import Problem
from permitcheck.render import escape
from permitcheck.render.shared import json_document

_SUMMARY = t(
    "pack {pack} ({directory}): {rules}, {passed} of {cases} cases hold",
    "规则包 {pack}（{directory}）：{rules}，{cases} 个用例中 {passed} 个成立",
)
_RULES = t("{n} rule{s}", "{n} 条规则")
_OK = t(
    "OK: every case holds, every rule has a passing and a failing case, every quote is in its "
    "source word for word, every text is in each language of the pack.",
    "通过：所有用例成立，每条规则均有通过和不通过的用例，所有引文与原文逐字一致，所有文本均有规则包声明的各语言版本。",
)
_FAILED = t("{n} problem{s} to fix:", "需修正的问题 {n} 个：")


def render_text(report: PackTestReport, options: RenderOptions) -> str:
    lang = options.lang
    lines = [
        say(
            _SUMMARY,
            lang,
            pack=report.pack,
            directory=report.directory,
            rules=say(_RULES, lang, n=report.rules),
            cases=report.cases,
            passed=report.passed,
        )
    ]
    found = [*report.errors, *report.failures]
    if found:
        lines.append(say(_FAILED, lang, n=len(found)))
        lines += [f"  {escape.text(problem.located(lang))}" for problem in found]
    else:
        lines.append(_OK.get(lang))
    return "\n".join(lines) + "\n"


def render_json(report: PackTestReport, options: RenderOptions) -> str:
    lang = options.lang

    def problem_json(problem: Problem) -> dict[str, object]:
        location = problem.location
        return {
            "path": problem.path,
            "line": location.line if location else None,
            "column": location.column if location else None,
            "message": problem.text.get(lang),
        }

    return json_document(
        {
            "pack": report.pack,
            "directory": report.directory,
            "ok": report.ok,
            "rules": report.rules,
            "cases": report.cases,
            "passed": report.passed,
            "failures": [problem_json(p) for p in report.failures],
            "errors": [problem_json(p) for p in report.errors],
        }
    )
