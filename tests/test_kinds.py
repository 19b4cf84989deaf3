"""The registry of check kinds: one module and one entry per member of `Check`, flags as used."""

from __future__ import annotations

import importlib
import pkgutil
from collections import Counter
from typing import get_args

import pytest

from helpers import EXAMPLES, evaluate_data, example_data
from permitcheck.rulepack import kinds, reference
from permitcheck.rulepack.kinds import KINDS, kind_of
from permitcheck.rulepack.kinds.authentication import Authentication
from permitcheck.rulepack.kinds.base import Kind, Params

MEMBERS = get_args(get_args(kinds.Check)[0])  # Annotated[Union[...], Field(...)]
MODULES = sorted(name for _, name, _ in pkgutil.iter_modules(kinds.__path__) if name != "base")


def _named(flag: str) -> set[str]:
    return {name for name, kind in KINDS.items() if getattr(kind, flag)}


def test_every_member_of_check_has_one_kind_and_every_kind_is_a_member() -> None:
    registered = Counter(kind.params for kind in KINDS.values())
    assert set(registered) == set(MEMBERS)
    assert len(KINDS) == len(MEMBERS) == len(registered)
    for name, kind in KINDS.items():
        # The name a rule file writes is the tag of the parameters' `kind` field.
        assert kind.name == name
        assert get_args(kind.params.model_fields["kind"].annotation) == (name,)
        assert kind_of(kind.params.model_construct(kind=name)) is kind


def test_the_registry_lists_kinds_in_the_order_of_the_union() -> None:
    # Pydantic names the kinds in the union's order when a rule names an unknown one.
    assert [kind.params for kind in KINDS.values()] == list(MEMBERS)


@pytest.mark.parametrize("module_name", MODULES)
def test_every_kind_module_holds_one_registered_kind(module_name: str) -> None:
    module = importlib.import_module(f"{kinds.__name__}.{module_name}")
    kind = getattr(module, "KIND", None)
    assert isinstance(kind, Kind), f"{module_name} defines no KIND"
    assert KINDS.get(kind.name) is kind
    assert module_name == kind.name
    params = kind.params
    assert issubclass(params, Params) and params.__module__ == module.__name__
    # The class docstring is the kind's user documentation: its own, naming what it takes.
    doc = params.__dict__.get("__doc__")
    assert doc and doc.strip(), f"{params.__name__} has no docstring"
    for field in params.model_fields:
        if field != "kind":
            assert f"`{field}`" in doc, (params.__name__, field)
    for placeholder in kind.placeholders:
        assert f"{{{placeholder}}}" in doc, (params.__name__, placeholder)
    for case in kind.variants:
        assert f"`{case}`" in doc, (params.__name__, case)


def test_every_kind_of_the_registry_has_its_module() -> None:
    assert sorted(KINDS) == MODULES


def test_the_flags_say_what_the_engine_and_reporters_expect() -> None:
    # Presence: other rules on the document wait for it; reporters count missing documents.
    assert _named("about_presence") == {"present"}
    # The early warning says "obtain a new document" only for a document's own validity.
    assert _named("document_validity") == {"max_age", "min_validity"}
    assert _named("time_window") == {"max_age", "min_validity", "before_date", "working_days"}
    assert _named("judges_absence") == {
        "present",
        "includes",
        "evidence_covers",
        "condition",
        "acceptance_window",
    }
    assert {name: kind.variants for name, kind in KINDS.items() if kind.variants} == {
        "before_date": ("on_the_day", "too_early"),
        "category_points": ("unconfirmed",),
    }
    # Only the points check needs the pack's points tables (the loader refuses a pack without).
    assert _named("needs_points") == {"category_points"}


def test_only_authentication_accepting_apostilles_cites_the_convention() -> None:
    accepts = Authentication(
        kind="authentication", country_field="origin", foreign=["apostille"], regions=[]
    )
    assert kind_of(accepts).cites_apostille(accepts)
    consular = accepts.model_copy(update={"foreign": ["consular"]})
    assert not kind_of(consular).cites_apostille(consular)
    for name, kind in KINDS.items():
        if name != "authentication":
            assert not kind.cites_apostille(kind.params.model_construct(kind=name)), name


@pytest.mark.parametrize("name", sorted(path.stem for path in EXAMPLES.glob("*.yaml")))
def test_findings_carry_the_flags_of_their_kind(name: str) -> None:
    for found in evaluate_data(example_data(name)).findings:
        if not found.check:
            continue  # a finding of the engine's own (the file name), not of a rule's check
        kind = KINDS[found.check]
        assert found.about_presence == kind.about_presence
        if found.window_end is not None:
            assert kind.time_window, (found.rule, found.check)


def test_a_kind_refuses_the_parameters_of_another() -> None:
    with pytest.raises(TypeError):
        KINDS["max_age"].describe(KINDS["present"].params.model_construct(kind="present"), "x")


def test_the_reference_table_lists_every_kind() -> None:
    table = reference.kinds_table()
    rows = table.splitlines()
    assert rows[0].startswith("| Kind |") and len(rows) == 2 + len(KINDS)
    for row, (name, kind) in zip(rows[2:], KINDS.items(), strict=True):
        assert row.startswith(f"| `{name}` |")
        assert row.count(" | ") == 4  # five cells: no stray `|` inside one
        for placeholder in kind.placeholders:
            assert f"`{{{placeholder}}}`" in row
        for field in kind.params.model_fields:
            if field != "kind":
                assert f"`{field}` (" in row
    assert "`opens` (days, 1 to 36,600 or null; default `null`)" in table
