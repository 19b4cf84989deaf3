"""Reading YAML safely: plain data, exact locations, no duplicate keys, tags or YAML 1.1 guesses."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from permitcheck.errors import DossierError, Location, PermitcheckError

try:  # libyaml's C parser is several times faster than the pure-Python one.
    _BaseLoader: type[Any] = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader

Path = tuple[str | int, ...]

# Limits that keep hostile files (alias bombs, deep nesting) from exhausting time or memory.
MAX_NODES = 200_000
MAX_DEPTH = 60
MAX_BYTES = 5_000_000

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class _Loader(_BaseLoader):  # type: ignore[misc]
    """A loader that resolves plain scalars the YAML 1.2 core-schema way.

    YAML 1.1 reads `NO` (Norway), `on` or `yes` as booleans and `2026-03-15` as a date object.
    Here only `true`/`false` are booleans and dates stay text, so codes are never turned into
    something the user did not write, and dates are parsed (and located) by the dossier model.
    """


_Loader.yaml_implicit_resolvers = {}
_Loader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))
_Loader.add_implicit_resolver(_NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
_Loader.add_implicit_resolver(_INT, re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
_Loader.add_implicit_resolver(
    _FLOAT,
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)"
               r"|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."),
)


def _loc(mark: Any) -> Location:
    return Location(mark.line + 1, mark.column + 1)


@dataclass
class Document:
    """Plain data read from a YAML file, with the location of every key and value in it."""

    path: str
    data: Any
    key_locations: dict[Path, Location] = field(default_factory=dict)
    value_locations: dict[Path, Location] = field(default_factory=dict)

    def locate(self, path: Path, *, value: bool = False) -> Location:
        """Where `path` is written; the nearest written ancestor when it is absent."""
        table = self.value_locations if value else self.key_locations
        for end in range(len(path), 0, -1):
            found = table.get(path[:end]) or self.key_locations.get(path[:end])
            if found is not None:
                return found
        return self.value_locations.get((), Location(1, 1))


class _Builder:
    """Turns a composed node tree into plain data, enforcing the limits above."""

    def __init__(self, doc: Document, error: type[PermitcheckError]):
        self.doc = doc
        self.error = error
        self.nodes = 0

    def fail(self, message: str, node: Any) -> PermitcheckError:
        return self.error(message, self.doc.path, _loc(node.start_mark))

    def build(self, node: Any, path: Path) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.fail(
                f"the file expands to more than {MAX_NODES:,} values (anchors and aliases "
                "included); a dossier is far smaller than that", node)
        if len(path) > MAX_DEPTH:
            raise self.fail(f"nesting deeper than {MAX_DEPTH} levels; a dossier is not that deep",
                            node)
        self.doc.value_locations.setdefault(path, _loc(node.start_mark))
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                raise self.fail(f"YAML tag {node.tag!r} is not allowed in a dossier", node)
            items = []
            for index, item in enumerate(node.value):
                self.doc.key_locations.setdefault((*path, index), _loc(item.start_mark))
                items.append(self.build(item, (*path, index)))
            return items
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP:
                raise self.fail(f"YAML tag {node.tag!r} is not allowed in a dossier", node)
            return self.mapping(node, path)
        raise self.fail("unsupported YAML node", node)  # pragma: no cover

    def mapping(self, node: Any, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, Location] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail("a key must be a plain word, not a list or mapping", key_node)
            if key_node.tag not in (_STR, _INT, _BOOL, _NULL, _FLOAT):
                raise self.fail(f"YAML tag {key_node.tag!r} is not allowed in a dossier", key_node)
            # Keys are kept as written: `1:` or `on:` is the key "1" or "on", not a number or bool.
            key = str(key_node.value)
            where = _loc(key_node.start_mark)
            if key in first_seen:
                before = first_seen[key]
                raise self.error(
                    f"duplicate key {key!r} (first written at line {before.line}); "
                    "each key may appear once, remove or merge one of them",
                    self.doc.path, where)
            first_seen[key] = where
            self.doc.key_locations[(*path, key)] = where
            result[key] = self.build(value_node, (*path, key))
        return result

    def scalar(self, node: Any) -> Any:
        tag, text = node.tag, node.value
        if tag == _STR:
            return text
        if tag == _NULL:
            if text not in ("", "~", "null", "Null", "NULL"):
                raise self.fail(f"{text!r} is not a null value", node)
            return None
        if tag == _BOOL:
            if text.lower() == "true":
                return True
            if text.lower() == "false":
                return False
            raise self.fail(f"{text!r} is not a boolean; write true or false", node)
        if tag == _INT:
            try:
                return int(text, 10)
            except ValueError:
                raise self.fail(f"{text!r} is not an integer", node) from None
        if tag == _FLOAT:
            try:
                return float(text.replace(".inf", "inf").replace(".nan", "nan"))
            except ValueError:
                raise self.fail(f"{text!r} is not a number", node) from None
        raise self.fail(f"YAML tag {tag!r} is not allowed in a dossier; "
                        "write plain values without tags", node)


def decode(raw: bytes, path: str, error: type[PermitcheckError] = DossierError) -> str:
    """UTF-8 text (a BOM is allowed), or a located error naming the first bad byte."""
    if len(raw) > MAX_BYTES:
        raise error(f"the file is {len(raw):,} bytes; a dossier is at most "
                           f"{MAX_BYTES:,} bytes", path, Location(1, 1))
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise error(
            f"byte 0x{raw[exc.start]:02x} is not UTF-8 text; save the file as UTF-8",
            path, Location(line, column)) from None
    if "\x00" in text:
        offset = text.index("\x00")
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        raise error("the file contains a NUL byte; it is binary, not a YAML text file",
                           path, Location(line, column))
    return text


def parse(text: str, path: str, error: type[PermitcheckError] = DossierError) -> Document:
    """Parse one YAML document into plain data with locations; `error` is the class raised."""
    doc = Document(path=path, data=None)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise error("the file is empty; expected a mapping", path, Location(1, 1))
        doc.data = _Builder(doc, error).build(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{problem} ({exc.context})"
        raise error(f"invalid YAML: {problem}", path,
                    _loc(mark) if mark is not None else Location(1, 1)) from None
    except yaml.YAMLError as exc:
        raise error(f"invalid YAML: {exc}", path, Location(1, 1)) from None
    except RecursionError:
        raise error(f"nesting deeper than {MAX_DEPTH} levels; a dossier is not that deep",
                    path, Location(1, 1)) from None
    finally:
        loader.dispose()
    return doc


def read(path: str, raw: bytes, error: type[PermitcheckError] = DossierError) -> Document:
    """Decode and parse a file's bytes."""
    return parse(decode(raw, path, error), path, error)
