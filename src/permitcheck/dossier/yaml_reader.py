"""Reading YAML safely: plain data, exact locations, no duplicate keys, tags or YAML 1.1 guesses."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from permitcheck.basemodel import shown
from permitcheck.i18n import Text, t
from permitcheck.problems import Location, Problem, Stop

try:  # libyaml's C parser is several times faster than the pure-Python one.
    _BaseLoader: type[Any] = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader

Path = tuple[str | int, ...]

# Limits that keep hostile files (alias bombs, deep nesting) from exhausting time or memory.
MAX_NODES = 50_000
MAX_DEPTH = 60
MAX_ITEMS = 1_000
MAX_BYTES = 5_000_000

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"

# Makes the exception raised for a problem: of a dossier, or of a rule pack (Stop.rules).
StopFor = Callable[[Text, str | None, Location | None], Stop]


class _Loader(_BaseLoader):  # type: ignore[misc]
    """A loader that resolves plain scalars the YAML 1.2 core-schema way.

    YAML 1.1 reads `NO` (Norway), `on` or `yes` as booleans and `2026-03-15` as a date object.
    Here only `true`/`false` are booleans and dates stay text, so codes are never turned into
    something the user did not write, and dates are parsed (and located) by the dossier model.
    """


def _resolve(self: Any, kind: Any, value: str, implicit: tuple[bool, bool]) -> str:
    """The tag of a node, remembered for short scalars: keys and values repeat in every
    dossier, and the resolver tries a regular expression on each."""
    if kind is not yaml.ScalarNode or len(value) > 40:
        return _RESOLVE(self, kind, value, implicit)  # type: ignore[no-any-return]
    key = (value, implicit)
    tag = _RESOLVED.get(key)
    if tag is None:
        tag = _RESOLVE(self, kind, value, implicit)
        if len(_RESOLVED) < 20_000:  # bounded: a hostile file has as many values as it likes
            _RESOLVED[key] = tag
    return tag


_RESOLVE = _BaseLoader.resolve
_RESOLVED: dict[tuple[str, tuple[bool, bool]], str] = {}
_Loader.resolve = _resolve

_Loader.yaml_implicit_resolvers = {}
_Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_implicit_resolver(_NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
_Loader.add_implicit_resolver(_INT, re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
_Loader.add_implicit_resolver(
    _FLOAT,
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)"
        r"|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _loc(mark: Any) -> Location:
    return Location(mark.line + 1, mark.column + 1)


@dataclass
class Document:
    """Plain data read from a YAML file; locations are looked up in the node tree on demand.

    Only the nodes a message needs are ever located: building the data records nothing.
    """

    path: str
    data: Any
    root: Any = None  # the composed YAML node tree
    # Problems found while reading that do not stop it (a duplicate key): reported beside the
    # problems of validation, so that one run shows them all.
    problems: list[Problem] = field(default_factory=list)

    # Each mapping's keys, indexed when first looked into: locating every problem of a file
    # with thousands of keys stays linear.
    _keys: dict[int, dict[str, tuple[Any, Any]]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _located: dict[tuple[Path, bool], Location] = field(
        default_factory=dict, repr=False, compare=False
    )

    def locate(self, path: Path, *, value: bool = False) -> Location:
        """Where `path` is written (its key, or with `value` its value); the nearest written
        ancestor when it is absent."""
        # Several rules judge the same subject: each path is looked up once.
        key = (path, value)
        found = self._located.get(key)
        if found is None:
            found = self._located[key] = self._locate(path, value)
        return found

    def _locate(self, path: Path, value: bool) -> Location:
        node = self.root
        if node is None:
            return Location(1, 1)
        found_key, found_value = None, node
        for step in path:
            child = self._child(found_value, step)
            if child is None:
                break
            found_key, found_value = child
        if value or found_key is None:
            return _loc(found_value.start_mark)
        return _loc(found_key.start_mark)

    def _child(self, node: Any, step: str | int) -> tuple[Any, Any] | None:
        """(key node, value node) of `step` inside `node`; for a list item, the item twice."""
        if isinstance(node, yaml.MappingNode) and isinstance(step, str):
            keys = self._keys.get(id(node))
            if keys is None:
                keys = {}
                for key_node, value_node in node.value:
                    if isinstance(key_node, yaml.ScalarNode):
                        # A duplicate key: the first is the one read (and located).
                        keys.setdefault(str(key_node.value), (key_node, value_node))
                self._keys[id(node)] = keys
            return keys.get(step)
        if isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            if 0 <= step < len(node.value):
                item = node.value[step]
                return item, item
        return None


class _Builder:
    """Turns a composed node tree into plain data, enforcing the limits above."""

    def __init__(self, doc: Document, error: StopFor, *, go_on: bool):
        self.doc = doc
        self.error = error
        self.go_on = go_on  # record a duplicate key and read on, rather than stop
        self.nodes = 0

    def fail(self, message: Text, node: Any) -> Stop:
        return self.error(message, self.doc.path, _loc(node.start_mark))

    def build(self, node: Any, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.fail(
                t(
                    f"the file expands to more than {MAX_NODES:,} values (anchors and aliases "
                    "included); a dossier is far smaller than that",
                    f"文件展开后超过 {MAX_NODES:,} 个值（含锚点和别名）；档案远小于此",
                ),
                node,
            )
        if depth > MAX_DEPTH:
            raise self.fail(_too_deep(), node)
        kind = type(node)
        if kind is yaml.ScalarNode:
            return self.scalar(node)
        if kind is yaml.SequenceNode:
            if node.tag != _SEQ:
                raise self.fail(_tag(node.tag), node)
            if len(node.value) > MAX_ITEMS:
                raise self.fail(
                    t(
                        f"a list of {len(node.value):,} items; a dossier lists at most "
                        f"{MAX_ITEMS:,} in one place",
                        f"列表有 {len(node.value):,} 项；档案中同一处最多 {MAX_ITEMS:,} 项",
                    ),
                    node,
                )
            return [self.build(item, depth + 1) for item in node.value]
        if kind is yaml.MappingNode:
            if node.tag != _MAP:
                raise self.fail(_tag(node.tag), node)
            return self.mapping(node, depth)
        raise self.fail(t("unsupported YAML node", "不支持的 YAML 节点"), node)  # pragma: no cover

    def mapping(self, node: Any, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(
                    t(
                        "a key must be a plain word, not a list or mapping",
                        "键必须是普通词语，不能是列表或映射",
                    ),
                    key_node,
                )
            if key_node.tag not in (_STR, _INT, _BOOL, _NULL, _FLOAT):
                raise self.fail(_tag(key_node.tag), key_node)
            # Keys are kept as written: `1:` or `on:` is the key "1" or "on", not a number or bool.
            key = str(key_node.value)
            if key in first_seen:
                before = first_seen[key].start_mark.line + 1
                stop = self.error(
                    t(
                        f"duplicate key {shown(key)} (first written at line {before}); "
                        "each key may appear once, remove or merge one of them",
                        f"重复的键 {shown(key)}（首次出现在第 {before} 行）；每个键只能出现一次，"
                        "请删除或合并其中之一",
                    ),
                    self.doc.path,
                    _loc(key_node.start_mark),
                )
                if not self.go_on:
                    raise stop
                # The first value is the one checked: the later one is reported, not guessed at.
                self.doc.problems.extend(stop.problems)
                continue
            first_seen[key] = key_node
            result[key] = self.build(value_node, depth + 1)
        return result

    def scalar(self, node: Any) -> Any:
        tag, text = node.tag, node.value
        if tag == _STR:
            bad = _CONTROL.search(text)
            if bad is not None:
                # Written as an escape ("\u0000"): invisible in every report, so refused.
                code = f"U+{ord(bad.group()):04X}"
                raise self.fail(
                    t(
                        f"the value contains the control character {code}; remove it",
                        f"该值含有控制字符 {code}；请删除",
                    ),
                    node,
                )
            return text
        if tag == _NULL:
            if text not in ("", "~", "null", "Null", "NULL"):
                raise self.fail(
                    t(f"{shown(text)} is not a null value", f"{shown(text)} 不是空值"), node
                )
            return None
        if tag == _BOOL:
            if text.lower() == "true":
                return True
            if text.lower() == "false":
                return False
            raise self.fail(
                t(
                    f"{shown(text)} is not a boolean; write true or false",
                    f"{shown(text)} 不是布尔值；请写 true 或 false",
                ),
                node,
            )
        if tag == _INT:
            try:
                return int(text, 10)
            except ValueError:
                raise self.fail(
                    t(f"{shown(text)} is not an integer", f"{shown(text)} 不是整数"), node
                ) from None
        if tag == _FLOAT:
            try:
                return float(text.replace(".inf", "inf").replace(".nan", "nan"))
            except ValueError:
                raise self.fail(
                    t(f"{shown(text)} is not a number", f"{shown(text)} 不是数字"), node
                ) from None
        raise self.fail(_tag(tag), node)


# libyaml's problems, in Chinese; anything else keeps the original wording in brackets.
_PROBLEMS_ZH = (
    ("did not find expected key", "缺少预期的键（多半是缩进不对）"),
    ("did not find expected ',' or ']'", "列表未闭合：缺少 ',' 或 ']'"),
    ("did not find expected ',' or '}'", "映射未闭合：缺少 ',' 或 '}'"),
    ("found character that cannot start any token", "出现了不能开始任何内容的字符（例如制表符）"),
    ("found a tab character", "缩进中出现了制表符；请改用空格缩进"),
    ("mapping values are not allowed", "此处不允许出现“键: 值”（多半是缺少空格或缩进不对）"),
    ("could not find expected ':'", "缺少预期的 ':'"),
    ("found undefined alias", "引用了未定义的别名"),
    ("did not find expected node content", "缺少预期的内容"),
    ("did not find expected '-' indicator", "缺少预期的列表项标记 '-'"),
    ("expected a single document", "文件只能包含一个 YAML 文档"),
    ("found unexpected end of stream", "文件意外结束（引号或括号未闭合）"),
    ("found unknown escape character", "未知的转义字符"),
    ("control characters are not allowed", "不允许出现控制字符"),
    ("found unexpected ':'", "出现了意外的 ':'"),
    ("found duplicate anchor", "重复的锚点"),
)


def _problem_zh(problem: str) -> str:
    for english, chinese in _PROBLEMS_ZH:
        if problem.startswith(english):
            return chinese
    return f"（{problem}）"


def _tag(tag: str) -> Text:
    return t(
        f"YAML tag {tag!r} is not allowed; write plain values without tags",
        f"不允许使用 YAML 标签 {tag!r}；请直接写值，不加标签",
    )


def _too_deep() -> Text:
    return t(
        f"nesting deeper than {MAX_DEPTH} levels; a dossier is not that deep",
        f"嵌套超过 {MAX_DEPTH} 层；档案没有这么深的结构",
    )


# YAML's own encoding detection (YAML 1.2, section 5.2): a byte order mark, else the pattern
# of zero bytes around the first character, which is ASCII in any dossier.
_ENCODINGS = (
    (b"\x00\x00\xfe\xff", "utf-32-be", 4),
    (b"\xff\xfe\x00\x00", "utf-32-le", 4),
    (b"\xfe\xff", "utf-16-be", 2),
    (b"\xff\xfe", "utf-16-le", 2),
    (b"\xef\xbb\xbf", "utf-8", 3),
)


def _encoding(raw: bytes) -> tuple[str, int]:
    """The encoding of a YAML stream and the length of its byte order mark."""
    for mark, name, size in _ENCODINGS:
        if raw.startswith(mark):
            return name, size
    head = raw[:4]
    if len(head) == 4 and head[:3] == b"\0\0\0" and head[3]:
        return "utf-32-be", 0
    if len(head) == 4 and head[0] and head[1:] == b"\0\0\0":
        return "utf-32-le", 0
    if len(head) >= 2 and not head[0] and head[1]:
        return "utf-16-be", 0
    if len(head) >= 2 and head[0] and not head[1]:
        return "utf-16-le", 0
    return "utf-8", 0


def decode(raw: bytes, path: str, error: StopFor = Stop.dossier) -> str:
    """The text of a YAML file (UTF-8, or UTF-16/32 as YAML allows), or a located error naming
    the first bad byte."""
    if len(raw) > MAX_BYTES:
        raise error(
            t(
                f"the file is {len(raw):,} bytes; a dossier is at most {MAX_BYTES:,} bytes",
                f"文件大小为 {len(raw):,} 字节；档案最多 {MAX_BYTES:,} 字节",
            ),
            path,
            Location(1, 1),
        )
    encoding, mark = _encoding(raw)
    raw = raw[mark:]
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode(encoding, errors="replace")
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        name = "UTF-8" if encoding == "utf-8" else encoding.upper()
        raise error(
            t(
                f"byte 0x{raw[exc.start]:02x} is not {name} text; save the file as UTF-8",
                f"字节 0x{raw[exc.start]:02x} 不是 {name} 文本；请将文件另存为 UTF-8 编码",
            ),
            path,
            Location(line, column),
        ) from None
    if "\x00" in text:
        offset = text.index("\x00")
        raise error(
            t(
                "the file contains a NUL byte; it is binary, not a YAML text file",
                "文件含有 NUL 字节；这是二进制文件，不是 YAML 文本文件",
            ),
            path,
            _position(text, offset),
        )
    return text


def _position(text: str, offset: int) -> Location:
    """The line and column of the character at `offset` in `text`."""
    line = text.count("\n", 0, offset) + 1
    return Location(line, offset - (text.rfind("\n", 0, offset) + 1) + 1)


def _tab_in_indentation(text: str, mark: Any) -> Location | None:
    """Where a tab sits in the indentation of the line PyYAML stopped at, if one does.

    PyYAML calls it "a character that cannot start any token"; the user needs to hear "tab".
    """
    if mark is None:
        return None
    lines = text.splitlines()
    if not 0 <= mark.line < len(lines):
        return None
    line = lines[mark.line]
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    if "\t" in indent:
        return Location(mark.line + 1, indent.index("\t") + 1)
    if 0 <= mark.column < len(line) and line[mark.column] == "\t":
        return Location(mark.line + 1, mark.column + 1)
    return None


def parse(text: str, path: str, error: StopFor = Stop.dossier, *, go_on: bool = False) -> Document:
    """Parse one YAML document into plain data with locations; `error` makes what is raised.

    With `go_on`, a duplicate key is recorded in `Document.problems` (the first value is kept)
    and reading goes on; the caller must report them. Otherwise it stops the reading.
    """
    doc = Document(path=path, data=None)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise error(
                t(
                    "the file is empty; expected a mapping (key: value lines)",
                    "文件为空；应为映射（“键: 值”形式的行）",
                ),
                path,
                Location(1, 1),
            )
        doc.root = node
        doc.data = _Builder(doc, error, go_on=go_on).build(node, 0)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        tab = _tab_in_indentation(text, mark)
        if tab is not None:
            raise error(
                t(
                    "a tab character in the indentation; YAML indents with spaces only: "
                    "replace the tab with spaces",
                    "缩进中有制表符（Tab）；YAML 只能用空格缩进：请把制表符换成空格",
                ),
                path,
                tab,
            ) from None
        problem = exc.problem or "invalid YAML"
        english = f"{problem} ({exc.context})" if exc.context else problem
        raise error(
            t(f"invalid YAML: {english}", f"YAML 语法错误：{_problem_zh(problem)}"),
            path,
            _loc(mark) if mark is not None else Location(1, 1),
        ) from None
    except yaml.reader.ReaderError as exc:
        # The reader counts characters of the text; the character itself is named, as it is
        # invisible.
        where = _position(text, exc.position) if 0 <= exc.position <= len(text) else Location(1, 1)
        found = exc.character  # a code point from libyaml, a character from the Python reader
        found = ord(found) if isinstance(found, str) and len(found) == 1 else found
        code = f" U+{found:04X}" if isinstance(found, int) else ""
        raise error(
            t(
                f"invalid YAML: {exc.reason} (found{code})",
                f"YAML 语法错误：{_problem_zh(exc.reason)}（出现{code.strip()}）",
            ),
            path,
            where,
        ) from None
    except yaml.YAMLError as exc:
        raise error(t(f"invalid YAML: {exc}", "YAML 语法错误"), path, Location(1, 1)) from None
    except RecursionError:
        raise error(_too_deep(), path, Location(1, 1)) from None
    finally:
        loader.dispose()
    return doc


def read(path: str, raw: bytes, error: StopFor = Stop.dossier) -> Document:
    """Decode and parse a file's bytes."""
    return parse(decode(raw, path, error), path, error)
