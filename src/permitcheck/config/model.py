"""What a configuration file (`permitcheck.yaml`, `[tool.permitcheck]`) may say, nothing else."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field
from pydantic.json_schema import SkipJsonSchema

from permitcheck.basemodel import Strict, bilingual_error
from permitcheck.dossier.model import MAX_CHOICES, Waivers

ReportFormat = Literal["auto", "text", "json", "junit", "sarif", "github", "markdown", "html"]
Paths = Annotated[list[str], Field(max_length=MAX_CHOICES)]


def _no_as_of(value: Any) -> None:
    raise bilingual_error(
        "as_of_in_config",
        "a reference date cannot be set in the configuration: a date fixed in a file would "
        "judge every later run on a stale day; give --as-of on the command line instead",
        "配置文件中不能设置参考日期：写死的日期会让以后每次运行都按过时的日期判断；"
        "请改在命令行使用 --as-of",
    )


class ConfigFile(Strict):
    """The keys of a configuration file: `validate`'s options by their long names (with `_`
    for `-`), the dossiers to check and to leave out, and waivers (docs/configuration.md).

    There is no `as_of`: a date fixed in a file would judge every later run on a stale day,
    the one way a configuration could make a dossier look ready when it is not."""

    format: ReportFormat | Annotated[list[ReportFormat], Field(max_length=MAX_CHOICES)] | None = (
        None
    )
    output: str | Paths | None = None
    fail_on: Literal["error", "warning"] | None = None
    warn_days: Annotated[int, Field(ge=0, le=3660)] | None = None
    lang: Literal["en", "zh"] | None = None
    color: Literal["auto", "always", "never"] | None = None
    verbose: bool | None = None
    quiet: bool | None = None
    show_personal_data: bool | None = None
    skip_non_dossiers: bool | None = None
    jobs: Annotated[int, Field(ge=1, le=1024)] | None = None
    progress: bool | None = None
    rules: str | None = None
    paths: Paths | None = None
    exclude: Paths | None = None
    waivers: Waivers = []
    # Refused with its reason (above), rather than as an unknown key.
    as_of: SkipJsonSchema[Annotated[Any, BeforeValidator(_no_as_of)]] = None
