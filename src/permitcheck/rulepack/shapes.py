"""What the dossier model holds at a dotted path, and what a check needs there (pack loading)."""

from __future__ import annotations

import difflib
import types
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

from pydantic import AfterValidator, BaseModel, PlainValidator, WrapValidator

from permitcheck.basemodel import codes
from permitcheck.i18n import Text, t

# A rule pack names dossier paths (subjects, condition paths, check parameters). Whether each
# exists, and holds what the check or condition can read, is decided once when the pack loads,
# from the dossier's own Pydantic models: no hand-kept table to drift from the format.

ShapeKind = Literal["text", "date", "bool", "number", "list", "mapping", "any"]
_KIND_WORDS: dict[str, tuple[str, str]] = {
    "text": ("text", "文本"),
    "date": ("a date", "日期"),
    "bool": ("true or false", "布尔值（true 或 false）"),
    "number": ("a number", "数字"),
    "mapping": ("a mapping of fields", "含字段的映射"),
    "any": ("a value", "值"),
}


@dataclass(frozen=True)
class Shape:
    """What the dossier model declares at a path: the kind of value, the shapes of a list's
    entries, a mapping's model, and the only values a text may take (a Literal), if it says."""

    kind: ShapeKind
    items: tuple[Shape, ...] = ()
    model: type[BaseModel] | None = None
    values: tuple[str, ...] | None = None

    @property
    def words(self) -> Text:
        if self.kind == "list":
            inner = _words(self.items)
            return t(f"a list of entries that are each {inner.en}", f"列表（每项为{inner.zh}）")
        en, zh = _KIND_WORDS[self.kind]
        return t(en, zh)


ANY = Shape("any")  # a value the model does not describe: nothing is required of it


def _words(shapes: tuple[Shape, ...]) -> Text:
    words = list(dict.fromkeys(shape.words for shape in shapes)) or [ANY.words]
    return t(" or ".join(w.en for w in words), "或".join(w.zh for w in words))


class PathProblem(Exception):
    """Why a dotted path names nothing the dossier model has, in both languages."""

    def __init__(self, text: Text):
        super().__init__(text.en)
        self.text = text


_VALIDATORS = (AfterValidator, PlainValidator, WrapValidator)


def _produces(function: Any) -> Any:
    """The type a validator function says it returns, or None when it does not say."""
    try:
        return get_type_hints(function).get("return")
    except Exception:  # hints that do not resolve say nothing about the value either
        return None


def _shapes(annotation: Any, metadata: tuple[Any, ...] = ()) -> tuple[Shape, ...]:
    """The shapes a field annotation allows (None aside), after its validators have run."""
    if get_origin(annotation) is Annotated:
        base, *inner = get_args(annotation)
        return _shapes(base, (*inner, *metadata))
    # The last validator that says what it returns decides what the field holds (the
    # mapping form of work_experience is turned into a list of one entry, say).
    for item in reversed(metadata):
        if isinstance(item, _VALIDATORS):
            produced = _produces(item.func)
            if produced is not None:
                return _shapes(produced)
    origin = get_origin(annotation)
    if origin is Union or origin is types.UnionType:
        found = [
            shape for arg in get_args(annotation) if arg is not type(None) for shape in _shapes(arg)
        ]
        return tuple(dict.fromkeys(found))
    if origin is Literal:
        values = get_args(annotation)
        if all(isinstance(value, bool) for value in values):
            return (Shape("bool"),)
        if all(isinstance(value, str) for value in values):
            return (Shape("text", values=tuple(str(value) for value in values)),)
        if all(isinstance(value, int) for value in values):
            return (Shape("number"),)
        return (ANY,)
    if origin in (list, tuple, set, frozenset):
        args = get_args(annotation)
        return (Shape("list", items=_shapes(args[0]) if args else (ANY,)),)
    if isinstance(annotation, type):
        # bool before int (a bool is an int), date covers datetime.
        for base_type, kind in (
            (bool, "bool"),
            (date, "date"),
            (str, "text"),
            (int, "number"),
            (float, "number"),
        ):
            if issubclass(annotation, base_type):
                return (Shape(kind),)  # type: ignore[arg-type]
        if issubclass(annotation, BaseModel):
            return (Shape("mapping", model=annotation),)
        if issubclass(annotation, dict):
            return (Shape("mapping"),)
    return (ANY,)


@cache
def _fields(model: type[BaseModel]) -> dict[str, tuple[Shape, ...]]:
    """The fields of a model by the key a dossier writes (its alias), with their shapes."""
    return {
        info.alias or name: _shapes(info.annotation, tuple(info.metadata))
        for name, info in model.model_fields.items()
    }


def _root() -> tuple[Shape, ...]:
    from permitcheck.dossier.model import Dossier  # the dossier format, only when a pack is checked

    return (Shape("mapping", model=Dossier),)


def _field(shapes: tuple[Shape, ...], name: str, where: str) -> tuple[Shape, ...]:
    found: list[Shape] = []
    known: list[str] = []
    for shape in shapes:
        if shape.kind == "any" or (shape.kind == "mapping" and shape.model is None):
            found.append(ANY)
        elif shape.kind == "list":
            raise PathProblem(
                t(
                    f"`{where}` is a list in the dossier format: write `{where}[*].{name}` for a "
                    "field of each entry",
                    f"档案格式中 `{where}` 为列表：各项的字段请写作 `{where}[*].{name}`",
                )
            )
        elif shape.kind != "mapping" or shape.model is None:
            raise PathProblem(
                t(
                    f"`{where}` is {shape.words.en} in the dossier format "
                    f"and has no field `{name}`",
                    f"档案格式中 `{where}` 为{shape.words.zh}，没有字段 `{name}`",
                )
            )
        else:
            fields = _fields(shape.model)
            if name in fields:
                found.extend(fields[name])
            else:
                known.extend(fields)
    if not found:
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint_en = f"did you mean `{close[0]}`?" if close else f"expected one of: {codes(known)}"
        hint_zh = f"是否应为 `{close[0]}`？" if close else f"可用的字段：{codes(known)}"
        if not where:
            raise PathProblem(
                t(
                    f"the dossier format has no section `{name}`; {hint_en}",
                    f"档案格式中没有 `{name}` 部分；{hint_zh}",
                )
            )
        raise PathProblem(
            t(
                f"`{where}` has no field `{name}` in the dossier format; {hint_en}",
                f"档案格式中 `{where}` 没有字段 `{name}`；{hint_zh}",
            )
        )
    return tuple(dict.fromkeys(found))


def entries(shapes: tuple[Shape, ...], where: str) -> tuple[Shape, ...]:
    """The shapes of the entries of the list at `where`; PathProblem if it is not a list."""
    found: list[Shape] = []
    for shape in shapes:
        if shape.kind == "any":
            found.append(ANY)
        elif shape.kind != "list":
            raise PathProblem(
                t(
                    f"`{where}` is {shape.words.en} in the dossier format, not a list; [*] takes "
                    "each entry of a list",
                    f"档案格式中 `{where}` 为{shape.words.zh}，不是列表；[*] 用于列表的每一项",
                )
            )
        else:
            found.extend(shape.items)
    return tuple(dict.fromkeys(found))


@lru_cache(maxsize=4096)
def shapes_at(
    dotted: str, start: tuple[Shape, ...] | None = None, shown_as: str = ""
) -> tuple[Shape, ...]:
    """What the dossier model holds at `dotted`: from the dossier itself, or from `start`, the
    shapes of a value at `shown_as` (for a field of a rule's subject). PathProblem if nothing."""
    current = _root() if start is None else start
    where = shown_as
    for segment in dotted.split(".") if dotted else ():
        name = segment.removesuffix("[*]")
        current = _field(current, name, where)
        where = f"{where}.{name}" if where else name
        if segment.endswith("[*]"):
            current = entries(current, where)
            where += "[*]"
    return current


@lru_cache(maxsize=64)
def keyed(key: str) -> tuple[tuple[str, tuple[Shape, ...]], ...]:
    """Every path of the dossier model that ends in a field `key` (written with [*] for list
    entries), with its shapes: what a rule with `for_each_key` reads."""
    found: dict[str, list[Shape]] = {}

    def visit(shapes: tuple[Shape, ...], where: str, seen: frozenset[type[BaseModel]]) -> None:
        for shape in shapes:
            if shape.kind == "list":
                visit(shape.items, f"{where}[*]", seen)
            elif shape.kind == "mapping" and shape.model is not None and shape.model not in seen:
                for name, inner in _fields(shape.model).items():
                    path = f"{where}.{name}" if where else name
                    if name == key:
                        found.setdefault(path, []).extend(inner)
                    else:  # like the engine, which does not look inside a value it found
                        visit(inner, path, seen | {shape.model})

    visit(_root(), "", frozenset())
    return tuple((path, tuple(dict.fromkeys(shapes))) for path, shapes in found.items())


@dataclass(frozen=True)
class Need:
    """What a check or condition must find at a path to read it, in words, and its test."""

    words: Text
    test: Callable[[Shape], bool]

    def met_by(self, shape: Shape) -> bool:
        return shape.kind == "any" or self.test(shape)


def _list_of(kind: ShapeKind) -> Callable[[Shape], bool]:
    return lambda shape: (
        shape.kind == "list" and all(item.kind in (kind, "any") for item in shape.items)
    )


TEXT = Need(t("text (a code or a name)", "文本（代码或名称）"), lambda shape: shape.kind == "text")
DATE = Need(t("a date", "日期"), lambda shape: shape.kind == "date")
BOOL = Need(t("true or false", "布尔值（true 或 false）"), lambda shape: shape.kind == "bool")
NUMBER = Need(t("a number", "数字"), lambda shape: shape.kind == "number")
MAPPING = Need(
    t("a mapping of fields (a document or a section)", "含字段的映射（材料或部分）"),
    lambda shape: shape.kind == "mapping",
)
LIST_OF_TEXT = Need(t("a list of codes", "由代码组成的列表"), _list_of("text"))
LIST_OF_MAPPINGS = Need(
    t("a list of entries with fields", "由含字段的条目组成的列表"), _list_of("mapping")
)
DOCUMENT = Need(
    t("a document (a mapping, or a list of entries)", "材料（映射或条目列表）"),
    lambda shape: shape.kind == "mapping" or _list_of("mapping")(shape),
)

Where = tuple[str | int, ...]


@dataclass(frozen=True)
class Reads:
    """A value a check or condition reads from a dossier, for the pack loader to verify against
    the dossier model: `path` (the subject itself when empty; a field of the subject, or with
    `absolute` a dossier path; with `item`, that field of each entry of the list there), what
    it needs there, the values compared with it (each must be one the model allows), and where
    the rule file says so (`at`; `values_at` for the values, indexed unless not `listed`)."""

    by: Text  # who reads it: "check kind `max_age`", "condition `age_at_least`"
    at: Where = ()
    path: str = ""
    need: Need | None = None
    absolute: bool = False
    item: str | None = None
    values: tuple[str, ...] = ()
    values_at: Where = ()
    listed: bool = True
    optional: bool = False  # read only where the model has it (`value.get(...)`)
    key: bool = False  # `at` is a key the rule writes (`expect: {field: ...}`): point at it
