"""`permitcheck config`: the settings `validate` runs with, where each comes from, the waivers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from permitcheck.config.load import COMMAND_LINE, DEFAULT, Setting
from permitcheck.findings import RenderOptions
from permitcheck.i18n import COLON, say, t
from permitcheck.render import escape
from permitcheck.render.shared import json_document
from permitcheck.settings import WaiverEntry


@dataclass(frozen=True)
class ConfigView:
    """The configuration file in use (None: none), the files it hides, every setting, and the
    waivers it holds."""

    path: str | None
    hidden: tuple[str, ...]
    searched_from: str
    isolated: bool
    settings: dict[str, Setting]
    waivers: tuple[WaiverEntry, ...]


_FILE = t("Configuration", "配置文件")
_NONE = t(
    "none (no permitcheck.yaml, .permitcheck.yaml or pyproject.toml with [tool.permitcheck] "
    "from {folder} up)",
    "无（从 {folder} 向上没有 permitcheck.yaml、.permitcheck.yaml 或含 [tool.permitcheck] 的 "
    "pyproject.toml）",
)
_ISOLATED = t("none (--isolated)", "无（--isolated）")
_HIDDEN = t("also found, not read: {files}", "另找到但未读取：{files}")
_SETTINGS = t("Settings of `validate`", "`validate` 的设置")
_WAIVERS = t("Waivers", "豁免")
_NO_WAIVERS = t("none", "无")
_ORIGINS = {COMMAND_LINE: t("command line", "命令行"), DEFAULT: t("default", "默认")}
_WAIVER = t(
    "{rule}{subject}: until {date}, approved by {who}: {reason}",
    "{rule}{subject}：有效至 {date}，批准人 {who}：{reason}",
)


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) if value else "[]"
    return str(value)


def render_text(view: ConfigView, options: RenderOptions) -> str:
    lang = options.lang
    colon = COLON.get(lang)
    if view.path is not None:
        where = view.path
    elif view.isolated:
        where = _ISOLATED.get(lang)
    else:
        where = say(_NONE, lang, folder=view.searched_from)
    lines = [f"{_FILE.get(lang)}{colon}{where}"]
    if view.hidden:
        lines.append("  " + say(_HIDDEN, lang, files=", ".join(view.hidden)))
    lines += ["", _SETTINGS.get(lang) + colon.rstrip()]
    width = max(len(name) for name in view.settings)
    value_width = min(40, max(len(_shown(s.value)) for s in view.settings.values()))
    for name, setting in view.settings.items():
        origin = _ORIGINS.get(setting.origin)
        lines.append(
            f"  {name:<{width}}  {_shown(setting.value):<{value_width}}  "
            f"{origin.get(lang) if origin else setting.origin}"
        )
    lines += ["", f"{_WAIVERS.get(lang)} ({len(view.waivers)}){colon.rstrip()}"]
    if not view.waivers:
        lines.append("  " + _NO_WAIVERS.get(lang))
    for waiver in view.waivers:
        text = say(
            _WAIVER,
            lang,
            rule=waiver.rule,
            subject=f" ({waiver.subject})" if waiver.subject else "",
            date=waiver.expires.isoformat(),
            who=waiver.approved_by,
            reason=waiver.reason,
        )
        paths = f" [{', '.join(waiver.paths)}]" if waiver.paths else ""
        lines.append(f"  {waiver.origin}{colon}{text}{paths}")
    return "\n".join(escape.text(line) for line in lines) + "\n"


def render_json(view: ConfigView, options: RenderOptions) -> str:
    return json_document(
        {
            "config": view.path,
            "hidden": list(view.hidden),
            "isolated": view.isolated,
            "settings": {
                name: {"value": setting.value, "source": setting.origin}
                for name, setting in view.settings.items()
            },
            "waivers": [
                {
                    "rule": waiver.rule,
                    "subject": waiver.subject,
                    "paths": None if waiver.paths is None else list(waiver.paths),
                    "reason": waiver.reason,
                    "approved_by": waiver.approved_by,
                    "expires": waiver.expires.isoformat(),
                    "source": waiver.origin,
                }
                for waiver in view.waivers
            ],
        }
    )
