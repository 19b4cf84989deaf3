"""The commands run most, started without Typer's machinery when their words are plain."""

# A hook or an editor runs `permitcheck validate FILE` many times a day. Typer builds its Click
# command and a Pydantic adapter for every parameter of the command it runs: as much time as
# checking the dossier. Here the words of the command line are read against the command's own
# declarations (the same Annotated options Typer reads) and the command's function is called
# with the values Typer would give it (a test compares both for many command lines). Anything
# not plainly understood (help, completion, an unknown or repeated option, a value that does
# not convert, a missing argument) is left to Typer, which says it as always: this path never
# reports an error of its own.

from __future__ import annotations

import enum
import inspect
import os
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer
from typer.models import ArgumentInfo, OptionInfo, ParameterInfo

# The commands taken this way; the others are rarer and have options of other kinds.
COMMANDS = ("validate", "where", "steps", "explain", "timeline")


class _NotPlain(Exception):
    """A word or a declaration this path does not read: Typer takes the command line."""


# Declarations whose meaning this path does not give: a command with one is left to Typer.
_UNSUPPORTED = {
    "callback": None,
    "is_eager": False,
    "envvar": None,
    "default_factory": None,
    "parser": None,
    "clamp": False,
    "formats": None,
    "exists": False,
    "file_okay": True,
    "dir_okay": True,
    "writable": False,
    "resolve_path": False,
    "allow_dash": False,
    "case_sensitive": True,
    "expose_value": True,
    "prompt": False,
    "count": False,
}


@dataclass
class _Param:
    """One parameter of a command as the command line writes it."""

    name: str
    argument: bool
    convert: Callable[[str], Any]
    many: bool
    required: bool
    default: Any
    flag: bool = False
    on: tuple[str, ...] = ()  # the words that set it (a flag: true)
    off: tuple[str, ...] = ()  # a flag's words for false (`--no-progress`)
    minimum: float | None = None
    maximum: float | None = None


@dataclass
class _Command:
    function: Callable[..., Any]
    params: list[_Param]
    by_word: dict[str, _Param] = field(default_factory=dict)


def _leaf(annotation: Any) -> tuple[Any, bool, bool]:
    """The type of one value, whether a list of them is taken, and whether None is allowed."""
    optional = False
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(members) != 1:
            raise _NotPlain
        annotation, optional = members[0], True
        origin = typing.get_origin(annotation)
    if origin is list:
        (inner,) = typing.get_args(annotation)
        return inner, True, optional
    return annotation, False, optional


def _converter(kind: Any) -> Callable[[str], Any]:
    if kind is str:
        return str
    if kind is Path:
        return Path
    if kind is int:
        return _integer
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        choices = {str(member.value): member for member in kind}

        def choice(word: str) -> Any:
            if word not in choices:
                raise _NotPlain
            return choices[word]

        return choice
    raise _NotPlain


def _integer(word: str) -> int:
    # Digits only: whatever else Python's int() or Typer accepts (other scripts' digits,
    # spaces, underscores) Typer reads itself.
    if not word.isascii() or not word.isdigit():
        raise _NotPlain
    return int(word)


def _param(parameter: inspect.Parameter) -> _Param:
    annotation = parameter.annotation
    if typing.get_origin(annotation) is not typing.Annotated:
        raise _NotPlain
    kind, *extras = typing.get_args(annotation)
    infos = [extra for extra in extras if isinstance(extra, ParameterInfo)]
    if len(infos) != 1:
        raise _NotPlain
    (info,) = infos
    for name, plain in _UNSUPPORTED.items():
        if getattr(info, name, plain) != plain:
            raise _NotPlain
    leaf, many, _ = _leaf(kind)
    required = parameter.default is inspect.Parameter.empty
    default = None if required else parameter.default
    if isinstance(info, ArgumentInfo):
        return _Param(parameter.name, True, _converter(leaf), many, required, default)
    if not isinstance(info, OptionInfo) or required:
        raise _NotPlain
    # In Annotated, Typer reads Option's first positional value as the first option name.
    first = () if info.default is ... or info.default is None else (info.default,)
    decls = tuple(str(word) for word in (*first, *(info.param_decls or ())))
    if not decls:
        raise _NotPlain  # a name Typer derives from the parameter's
    if leaf is bool:
        if many:
            raise _NotPlain
        on = tuple(w for d in decls for w in d.split("/")[:1])
        off = tuple(d.split("/", 1)[1] for d in decls if "/" in d)
        return _Param(parameter.name, False, bool, False, False, default, True, on, off)
    return _Param(
        parameter.name,
        False,
        _converter(leaf),
        many,
        False,
        default,
        on=decls,
        minimum=info.min,
        maximum=info.max,
    )


def _command(name: str) -> _Command | None:
    from permitcheck.cli import app

    function = getattr(app, name, None)
    if function is None:
        return None
    try:
        signature = inspect.signature(function, eval_str=True)
        params = [_param(parameter) for parameter in signature.parameters.values()]
    except (_NotPlain, NameError, TypeError, ValueError):
        return None
    found = _Command(function, params)
    for param in params:
        for word in (*param.on, *param.off):
            if not word.startswith("-") or word in found.by_word:
                return None
            found.by_word[word] = param
    return found


def parse(argv: list[str]) -> tuple[Callable[..., Any], dict[str, Any]] | None:
    """The function of the command `argv` names and the values of its parameters, as Typer
    would give them; None when Typer must read this command line."""
    if not argv or argv[0] not in COMMANDS or os.environ.get("_PERMITCHECK_COMPLETE"):
        return None
    command = _command(argv[0])
    if command is None:
        return None
    try:
        return command.function, _values(command, argv[1:])
    except (_NotPlain, ValueError):
        return None


def _values(command: _Command, words: list[str]) -> dict[str, Any]:
    given: dict[str, Any] = {}
    positional: list[str] = []
    only_positional = False
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        if only_positional or word == "-" or not word.startswith("-"):
            positional.append(word)
            continue
        if word == "--":
            only_positional = True
            continue
        written, equals, attached = word.partition("=") if word.startswith("--") else (word, "", "")
        param = command.by_word.get(written)
        if param is None:
            raise _NotPlain  # help, an unknown option, short options run together
        if param.flag:
            if equals or param.name in given:
                raise _NotPlain
            given[param.name] = written in param.on
            continue
        if equals:
            value = attached
        else:
            if index >= len(words):
                raise _NotPlain
            value = words[index]
            index += 1
        if value.startswith("-") and value != "-":
            raise _NotPlain  # Click would read it as a value; a user may have meant an option
        converted = _bounded(param, param.convert(value))
        if param.many:
            given.setdefault(param.name, []).append(converted)
        elif param.name in given:
            raise _NotPlain
        else:
            given[param.name] = converted
    _place(command, positional, given)
    return {
        param.name: given[param.name] if param.name in given else _unset(param)
        for param in command.params
    }


def _unset(param: _Param) -> Any:
    # An option that may be repeated, or an argument that takes many words (`validate`'s
    # dossiers, which the configuration may give), not given is empty, whatever its default
    # (Click).
    return () if param.many else param.default


def _bounded(param: _Param, value: Any) -> Any:
    if param.minimum is not None and value < param.minimum:
        raise _NotPlain
    if param.maximum is not None and value > param.maximum:
        raise _NotPlain
    return value


def _place(command: _Command, positional: list[str], given: dict[str, Any]) -> None:
    """The positional words, given to the arguments in order (one argument may take many)."""
    arguments = [param for param in command.params if param.argument]
    if sum(1 for param in arguments if param.many) > 1:
        raise _NotPlain
    for param in arguments:
        if param.many:
            taken, positional = positional, []
            if not taken and param.required:
                raise _NotPlain
            if taken:
                given[param.name] = [param.convert(word) for word in taken]
        elif positional:
            given[param.name] = param.convert(positional.pop(0))
        elif param.required:
            raise _NotPlain
    if positional:
        raise _NotPlain


def run(argv: list[str]) -> int | None:
    """Run the command `argv` names, if this path reads it: its exit code; else None (nothing
    was run, nothing was written)."""
    parsed = parse(argv)
    if parsed is None:
        return None
    function, values = parsed
    if values.get("traceback"):
        return None  # for bug reports, Typer's own handling of what goes wrong
    from permitcheck.cli.app import stop_on_signals

    stop_on_signals()
    try:
        function(**values)
    except typer.Exit as exc:
        return int(exc.exit_code)
    return 0
