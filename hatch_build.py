"""Wheel build hook: compiles the shipped rule packs (and the country names) into the wheel.

A run then reads the packs already loaded and checked instead of parsing and validating their
YAML (see src/permitcheck/rulepack/compiled.py, which uses them only while they match the
YAML). An editable install keeps reading the YAML of the checkout, which may change at any
time. A pack with a problem fails the build.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileRulePacks(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        # The package being built, not one installed in the build environment.
        sys.path.insert(0, str(Path(self.root) / "src"))
        from permitcheck import i18n
        from permitcheck.rulepack import compiled, precompile

        self._folder = tempfile.mkdtemp(prefix="permitcheck-compiled-")
        target = Path(self._folder) / compiled.FILE.name
        precompile.write(target)
        build_data["force_include"][str(target)] = "permitcheck/rulepack/" + compiled.FILE.name
        # Country names in both languages, so that a run need not read Babel's whole locales.
        names = Path(self._folder) / i18n.TERRITORIES_FILE.name
        names.write_text(json.dumps(i18n.territory_table(), ensure_ascii=False), "utf-8")
        build_data["force_include"][str(names)] = "permitcheck/" + i18n.TERRITORIES_FILE.name

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        folder = getattr(self, "_folder", None)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
