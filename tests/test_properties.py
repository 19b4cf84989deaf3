"""Property-based tests: mutated valid dossiers never crash; errors are always located."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import EXAMPLES, load_pack, to_yaml
from permitcheck.dossier import loader, yaml_reader
from permitcheck.engine import evaluate

NAMES = sorted(path.stem for path in EXAMPLES.glob("*.yaml"))
DATA = {
    name: yaml_reader.read(name, (EXAMPLES / f"{name}.yaml").read_bytes()).data for name in NAMES
}
RAW = {name: (EXAMPLES / f"{name}.yaml").read_bytes() for name in NAMES}
PACK = load_pack("nanjing")
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True),
    st.text(max_size=40),
    st.sampled_from(
        ["NO", "yes", "on", "2026-02-30", "03/04/2026", "2026-12-07", "zh", "DE", "", "~", "true"]
    ),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)).map(str),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


def _apply(data: Any, path: tuple[Any, ...], action: str, new: Any) -> Any:
    result = copy.deepcopy(data)
    target = result
    for step in path[:-1]:
        target = target[step]
    last = path[-1]
    if action == "delete":
        del target[last]
    elif action == "replace":
        target[last] = new
    elif action == "add" and isinstance(target, dict):
        target[f"{last}_extra"] = new
    return result


def outcome(raw: bytes) -> None:
    """Loading and evaluating either works or gives located problems."""
    dossier = loader.load_bytes(raw, "mutated.yaml")
    if isinstance(dossier, tuple):
        for each in dossier:
            assert each.text.en and each.text.zh
            assert each.location is not None and each.location.line >= 1
            assert each.located().startswith("mutated.yaml:")
        return
    result = evaluate(dossier, PACK, date(2026, 12, 7))
    assert result.findings
    for finding in result.findings:
        assert finding.location.line >= 1 and finding.message.en and finding.message.zh


@SETTINGS
@given(name=st.sampled_from(NAMES), data=st.data())
def test_structural_mutations(name: str, data: st.DataObject) -> None:
    document = DATA[name]
    mutated = document
    for _ in range(data.draw(st.integers(1, 3))):
        paths = _paths(mutated)
        if not paths:
            break
        path = data.draw(st.sampled_from(paths))
        action = data.draw(st.sampled_from(["delete", "replace", "add"]))
        mutated = _apply(mutated, path, action, data.draw(values))
    outcome(to_yaml(mutated))


@SETTINGS
@given(name=st.sampled_from(NAMES), data=st.data())
def test_byte_mutations(name: str, data: st.DataObject) -> None:
    raw = bytearray(RAW[name])
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(raw)))
        kind = data.draw(st.sampled_from(["insert", "delete", "replace"]))
        chunk = data.draw(
            st.binary(min_size=1, max_size=4)
            | st.sampled_from(
                [b":", b"-", b"[", b"{", b"\t", b"\n", b"  ", b"&a", b"*a", b"!!", b"#", b'"']
            )
        )
        if kind == "insert":
            raw[position:position] = chunk
        elif kind == "delete":
            del raw[position : position + len(chunk)]
        else:
            raw[position : position + len(chunk)] = chunk
    outcome(bytes(raw))


@SETTINGS
@given(value=values)
def test_any_yaml_value_at_the_top(value: Any) -> None:
    outcome(to_yaml(value) if isinstance(value, dict) else to_yaml({"permitcheck": value}))
