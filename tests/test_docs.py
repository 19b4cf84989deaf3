"""docs/rule-packs.md: its tables come from the rule language's models, and stay equal to them.

Re-record after a deliberate change: PERMITCHECK_RECORD_DOCS=1 python -m pytest tests/test_docs.py
"""

from __future__ import annotations

import os
import re

from helpers import ROOT
from permitcheck.rulepack import reference

DOC = ROOT / "docs" / "rule-packs.md"
_BLOCK = re.compile(r"(<!-- generated: ([a-z-]+) -->\n)(.*?)(<!-- end: \2 -->)", re.S)


def test_the_generated_tables_of_the_rule_pack_guide_are_current() -> None:
    text = DOC.read_text(encoding="utf-8")
    tables = reference.tables()
    found = [match[2] for match in _BLOCK.finditer(text)]
    assert sorted(found) == sorted(tables), "every table has one marked place in the guide"
    current = _BLOCK.sub(lambda m: m[1] + tables[m[2]] + m[4], text)
    if os.environ.get("PERMITCHECK_RECORD_DOCS"):
        DOC.write_text(current, encoding="utf-8")
        return
    assert text == current, (
        "run: PERMITCHECK_RECORD_DOCS=1 python -m pytest tests/test_docs.py -n 0"
    )


def test_the_guide_links_only_to_files_that_exist() -> None:
    text = DOC.read_text(encoding="utf-8")
    for target in re.findall(r"\]\((\.\./[^)#]+)\)", text):
        assert (DOC.parent / target).exists(), target


def test_the_readme_links_the_guide() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](docs/rule-packs.md)" in readme
