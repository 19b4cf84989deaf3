"""Makes tests/helpers.py importable as `helpers`, and fixes the day the CLI takes as today."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

# The examples are dated for December 2026. Without --as-of a dossier is checked on its planned
# submission date, unless that date has passed; so that no test changes its verdict as the real
# calendar moves on, every CLI run of the tests (in process or as a subprocess) takes this day as
# today. Tests of the clock itself set PERMITCHECK_TODAY to other days.
TODAY = "2026-11-29"
os.environ["PERMITCHECK_TODAY"] = TODAY

# Under GitHub Actions `validate`'s default format is github annotations; the tests that expect
# the text checklist by default must pass on a GitHub runner too (those about it set it).
os.environ.pop("GITHUB_ACTIONS", None)
