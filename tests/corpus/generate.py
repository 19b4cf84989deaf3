"""Generates the hostile inputs of the corpus: name -> bytes, deterministic (no randomness
without a fixed seed), shared by the test suite and bench/corpus.py."""

from __future__ import annotations

import copy
import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
HANDWRITTEN = Path(__file__).parent / "handwritten"
EXAMPLES = ROOT / "examples"


def _load(name: str) -> dict[str, Any]:
    from permitcheck.dossier import yaml_reader

    path = EXAMPLES / f"{name}.yaml"
    # Our own reader: dates and codes stay text, booleans and numbers stay what they are.
    data = yaml_reader.read(str(path), path.read_bytes()).data
    assert isinstance(data, dict)
    return data


# libyaml's emitter when PyYAML has it: the corpus is built at every test collection, and the
# pure-Python emitter took 9 s of it.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _dump(data: Any) -> bytes:
    text = yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=1000)
    return str(text).encode()


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    else:
        yield path, value


def _set(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    result = copy.deepcopy(data)
    target = result
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return result


def _name(path: tuple[Any, ...]) -> str:
    return ".".join(str(step) for step in path)


def wrong_types() -> Iterator[tuple[str, bytes]]:
    """Every scalar field of two examples replaced by a list, a mapping and a number."""
    for example in ("new-permit", "change"):
        data = _load(example)
        for path, value in _leaves(data):
            for label, wrong in (("list", ["x", "y"]), ("mapping", {"k": "v"}), ("number", 12345)):
                if path == ("permitcheck",) and label == "number":
                    continue  # 12345 is simply an unsupported version; covered elsewhere
                if label == "number" and type(value) in (int, float):
                    continue  # a number for a number (a salary) is no wrong type
                yield f"type-{example}-{_name(path)}-{label}", _dump(_set(data, path, wrong))


DATE_FIELDS = [
    ("application", "submission_date"),
    ("applicant", "date_of_birth"),
    ("applicant", "passport", "expiry_date"),
    ("documents", "criminal_record", "issued_on"),
    ("documents", "medical_exam", "issued_on"),
    ("family", 0, "date_of_birth"),
]
BAD_DATES = [
    "2026-02-30",
    "2026-13-01",
    "2026-00-10",
    "0000-01-01",
    "03/04/2026",
    "2026/04/31",  # year first is read, but April has 30 days
    "31.12.2026",
    "tomorrow",
    "",
    "26-1-1",
    "99999-01-01",
    "2027-02-29",
]


def bad_dates() -> Iterator[tuple[str, bytes]]:
    data = _load("new-permit")
    for path in DATE_FIELDS:
        for bad in BAD_DATES:
            yield f"date-{_name(path)}-{bad or 'empty'}", _dump(_set(data, path, bad))


CODE_FIELDS = [
    ("applicant", "nationality"),
    ("applicant", "passport", "issuing_country"),
    ("documents", "criminal_record", "issuing_country"),
    ("documents", "degree", "language"),
]


def bare_words() -> Iterator[tuple[str, bytes]]:
    """YAML 1.1 booleans written bare where codes are expected: text, never true/false."""
    text = (EXAMPLES / "new-permit.yaml").read_text(encoding="utf-8")
    replacements = {
        ("applicant", "nationality"): "nationality: DE",
        ("applicant", "passport", "issuing_country"): "issuing_country: DE, expiry_date",
        ("documents", "criminal_record", "issuing_country"): "issuing_country: FR",
        (
            "documents",
            "degree",
            "language",
        ): "    language: de\n    translation: {seal: translation_company}\n  criminal",
    }
    for path in CODE_FIELDS:
        old = replacements[path]
        for word in ("NO", "no", "yes", "Yes", "on", "off", "y", "n", "true", "null"):
            if path[-1] == "language":
                new = old.replace("language: de", f"language: {word}")
            else:
                new = old.replace(": DE", f": {word}").replace(": FR", f": {word}")
            assert old in text
            yield f"bare-{_name(path)}-{word}", text.replace(old, new, 1).encode()


def duplicates() -> Iterator[tuple[str, bytes]]:
    text = (EXAMPLES / "new-permit.yaml").read_text(encoding="utf-8")
    for key in (
        "permitcheck: 1\n",
        "  category: B\n",
        "  nationality: DE\n",
        "    issuer: police\n",
        "    photo: true\n",
    ):
        assert key in text
        yield f"duplicate-{key.strip().split(':')[0]}", text.replace(key, key + key, 1).encode()


def encodings() -> Iterator[tuple[str, bytes]]:
    base = (EXAMPLES / "change.yaml").read_bytes()
    yield "bom-utf8", b"\xef\xbb\xbf" + base
    # YAML allows UTF-16 and UTF-32 (with or without a byte order mark): read as dossiers.
    yield "utf16-le", base.decode().encode("utf-16")
    yield "utf16-be-no-bom", base.decode().encode("utf-16-be")
    yield "utf32-le", base.decode().encode("utf-32")
    yield "utf16-odd-length", base.decode().encode("utf-16")[:-1]
    yield "latin1-name", base.replace(b"Ana Souza", "Ana Sou\xe7a".encode("latin-1"))
    yield "invalid-continuation", base.replace(b"Ana", b"A\xc3\x28a")
    yield "nul-in-middle", base.replace(b"Ana", b"A\x00a")
    yield "control-character", base.replace(b"Ana", b"A\x07a")
    yield "crlf-line-ends", base.replace(b"\n", b"\r\n")
    yield "cr-only", base.replace(b"\n", b"\r")
    generator = random.Random(20261129)
    for number in range(10):
        yield f"binary-{number}", bytes(generator.randrange(256) for _ in range(512))
    yield "png-signature", b"\x89PNG\r\n\x1a\n" + bytes(64)
    yield "pdf-bytes", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def shapes() -> Iterator[tuple[str, bytes]]:
    yield "empty", b""
    yield "whitespace", b"   \n\t\n  \n"
    yield "comment-only", b"# nothing here\n# at all\n"
    yield "document-marker-only", b"---\n"
    yield "two-documents", b"permitcheck: 1\n---\npermitcheck: 1\n"
    yield "top-level-list", b"- permitcheck: 1\n- application: {}\n"
    yield "top-level-scalar", b"permitcheck\n"
    yield "top-level-number", b"42\n"
    yield "top-level-null", b"~\n"
    yield "top-level-true", b"true\n"
    yield "version-only", b"permitcheck: 1\n"
    yield "version-string", b'permitcheck: "1"\n'
    yield "version-two", b"permitcheck: 2\n"
    yield "version-list", b"permitcheck: [1]\n"
    yield "key-is-list", b"[a, b]: 1\n"
    yield "key-is-mapping", b"{a: 1}: 1\n"
    yield "merge-key", b"base: &b {type: new}\napplication:\n  <<: *b\npermitcheck: 1\n"


def nesting() -> Iterator[tuple[str, bytes]]:
    for depth in (61, 200, 1000, 10000):
        yield f"deep-flow-{depth}", b"permitcheck: 1\nx: " + b"[" * depth + b"]" * depth + b"\n"
    for depth in (70, 500):
        block = "".join(" " * level + f"k{level}:\n" for level in range(depth))
        yield f"deep-block-{depth}", ("permitcheck: 1\n" + block + " " * depth + "v: 1\n").encode()


def tags() -> Iterator[tuple[str, bytes]]:
    for tag in (
        "!!python/object/apply:os.system ['echo pwned']",
        "!!python/object/new:os.system ['echo pwned']",
        "!!python/name:os.system",
        "!!python/module:os",
        "!!binary aGVsbG8=",
        "!foo bar",
        "!!set {a, b}",
        "!!omap [{a: 1}]",
        "!!timestamp 2026-01-01",
        "!<tag:example.com,2000:x> y",
        "!!str 1",
        "!!int '12'",
    ):
        yield (
            f"tag-{tag.split()[0].strip('!<>').replace('/', '-')[:30]}",
            f"permitcheck: 1\napplication: {tag}\n".encode(),
        )


def bombs() -> Iterator[tuple[str, bytes]]:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 9):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    yield "billion-laughs", ("permitcheck: 1\n" + "\n".join(lines) + "\n").encode()
    yield (
        "alias-to-mapping",
        (b"permitcheck: 1\nx: &m {a: 1}\n" + b"".join(b"y%d: *m\n" % i for i in range(100))),
    )
    yield "undefined-alias", b"permitcheck: 1\napplication: *nothing\n"
    yield "recursive-anchor", b"permitcheck: 1\nx: &r [*r]\n"


def sizes() -> Iterator[tuple[str, bytes]]:
    data = _load("new-permit")
    yield "long-name-1mb", _dump(_set(data, ("applicant", "name"), "A" * 1_000_000))
    yield "long-key", _dump({**data, "k" * 100_000: 1})
    yield "long-date", _dump(_set(data, ("application", "submission_date"), "2" * 100_000))
    yield "long-country", _dump(_set(data, ("applicant", "nationality"), "D" * 100_000))
    too_big = _dump(_set(data, ("applicant", "name"), "A" * 6_000_000))
    yield "over-five-megabytes", too_big
    entry = data["documents"]["work_experience"][0]
    many = _set(data, ("documents", "work_experience"), [entry] * 10_000)
    yield "ten-thousand-documents", _dump(many)
    family = data["family"][1]
    yield "thousand-family-members", _dump(_set(data, ("family",), [family] * 1_000))
    yield "many-unknown-keys", _dump({**data, **{f"extra{i}": i for i in range(5000)}})


def syntax() -> Iterator[tuple[str, bytes]]:
    base = (EXAMPLES / "change.yaml").read_text(encoding="utf-8")
    broken = {
        "unclosed-flow-list": ("fields: [passport_number]", "fields: [passport_number"),
        "unclosed-flow-map": (
            "{signed_by_applicant: true, employer_seal: true}",
            "{signed_by_applicant: true, employer_seal: true",
        ),
        "unterminated-double-quote": (
            'number: "320100202398765432"',
            'number: "320100202398765432',
        ),
        "unterminated-single-quote": ("name: Ana Souza", "name: 'Ana Souza"),
        "bad-indent": ("  nationality: BR", "   nationality: BR"),
        "tab-indent": ("  nationality: BR", "\tnationality: BR"),
        "missing-colon-space": ("  nationality: BR", "  nationality:BR:x: y"),
        "stray-dash": ("  position: Export Manager", "  - position: Export Manager"),
        "colon-in-plain": ("  position: Export Manager", "  position: Export: Manager"),
        "unbalanced-brace": ("passport: {number", "passport: }{number"),
        "anchor-without-node": ("  type: change", "  type: &"),
        "directive-in-middle": ("change:\n", "%YAML 1.2\nchange:\n"),
        "question-mark-key": ("  type: change", "  ? type\n  : change\n  ? [x]\n  : y"),
        "block-scalar": ("  position: Export Manager", "  position: |\n   Export\n  Manager"),
        "bad-escape": ("name: Ana Souza", 'name: "Ana \\q Souza"'),
        "reserved-indicator": ("name: Ana Souza", "name: @Ana"),
        "backtick-indicator": ("name: Ana Souza", "name: `Ana`"),
        "trailing-garbage": ("permitcheck: 1", "permitcheck: 1 ]"),
    }
    for name, (old, new) in broken.items():
        assert old in base, name
        yield f"syntax-{name}", base.replace(old, new, 1).encode()


EXTREME_DATES = ["9999-12-31", "0001-01-01", "1899-12-31", "2201-01-01"]


def extreme_dates() -> Iterator[tuple[str, bytes]]:
    """Dates that parse but that no dossier can mean; month arithmetic on them overflowed."""
    data = _load("new-permit")
    for path in [*DATE_FIELDS, ("applicant", "residence_history", 0, "from")]:
        for extreme in EXTREME_DATES:
            if path[1] == "residence_history":
                changed = _set(data, path[:2], [{"country": "DE", "from": extreme}])
            else:
                changed = _set(data, path, extreme)
            yield f"extreme-{_name(path)}-{extreme}", _dump(changed)


def leaks() -> Iterator[tuple[str, bytes]]:
    """Passport and permit numbers written where a message would quote them."""
    text = (EXAMPLES / "new-permit.yaml").read_text(encoding="utf-8")
    passport = "{number: C01X00T47, issuing_country: DE, expiry_date: 2031-05-01}"
    spellings = {
        "no-space": "{number:C01X00T47, issuing_country: DE, expiry_date: 2031-05-01}",
        "number-as-key": "{C01X00T47: 1, issuing_country: DE, expiry_date: 2031-05-01}",
        "in-country": "{issuing_country: C01X00T47, expiry_date: 2031-05-01}",
        "in-expiry": "{number: C01X00T47, issuing_country: DE, expiry_date: C01X00T47}",
        "int-tag": "{number: !!int C01X00T47, issuing_country: DE, expiry_date: 2031-05-01}",
        "float-tag": "{number: !!float C01X00T47, issuing_country: DE, expiry_date: 2031-05-01}",
        "bool-tag": "{number: !!bool C01X00T47, issuing_country: DE, expiry_date: 2031-05-01}",
        "as-list": "[C01X00T47, DE, 2031-05-01]",
    }
    assert passport in text
    for name, spelling in spellings.items():
        yield f"leak-{name}", text.replace(passport, spelling, 1).encode()


def injections() -> Iterator[tuple[str, bytes]]:
    """Names that try to write a workflow command, close the Markdown report or move text."""
    data = _load("new-permit")
    names = {
        "workflow-command": "Maria\n::error file=README.md,line=1::pwned",
        "markdown-details": "</details>\n\n## All dossiers ready\n[click](https://evil.example)",
        "ansi-escape": "Maria \x1b[2J\x1b[31mcleared",
        "bidi-override": "Maria \u202eKeller",
        "rich-markup": "[bold red]Maria[/] [link=https://evil.example]x[/link]",
        "carriage-return": "Ready: all fine\rMaria",
    }
    for label, name in names.items():
        for where in (("applicant", "name"), ("family", 0, "name"), ("employer", "name")):
            yield f"inject-{label}-{_name(where)}", _dump(_set(data, where, name))


def many_errors() -> Iterator[tuple[str, bytes]]:
    """Thousands of wrong values in one file: 49 documents of 1,000 wrong choices each."""
    data = _load("change")
    evidence = [{"supports": ["nonsense"] * 1000} for _ in range(49)]
    yield (
        "errors-49000-wrong-choices",
        _dump(_set(data, ("documents", "change_evidence"), evidence)),
    )
    yield (
        "errors-unknown-keys-everywhere",
        _dump(
            _set(
                data,
                ("applicant", "residence_history"),
                [{"country": "DE", "from": "2020-01-01", f"k{n}": 1} for n in range(50)],
            )
        ),
    )


def versions() -> Iterator[tuple[str, bytes]]:
    text = (EXAMPLES / "change.yaml").read_text(encoding="utf-8")
    for version in ("true", "1.0", "'1'", "0x1", "2", "null", "[1]"):
        yield (
            f"version-{version}",
            text.replace("permitcheck: 1", f"permitcheck: {version}", 1).encode(),
        )


def handwritten() -> Iterator[tuple[str, bytes]]:
    for path in sorted(HANDWRITTEN.glob("*")):
        yield f"hand-{path.stem}", path.read_bytes()


GENERATORS = (
    wrong_types,
    bad_dates,
    bare_words,
    duplicates,
    encodings,
    shapes,
    nesting,
    tags,
    bombs,
    sizes,
    syntax,
    extreme_dates,
    leaks,
    injections,
    many_errors,
    versions,
    handwritten,
)


# Hostile file systems: each builds its files in an empty folder and gives the arguments of
# `permitcheck validate` (run from that folder). Dossiers in them are valid and ready.
def _ready() -> bytes:
    return (EXAMPLES / "change.yaml").read_bytes()


def _fifo(root: Path) -> list[str]:
    os.mkfifo(root / "pipe.yaml")
    (root / "ok.yaml").write_bytes(_ready())
    return ["pipe.yaml", "ok.yaml"]


def _fifo_in_folder(root: Path) -> list[str]:
    (root / "d").mkdir()
    os.mkfifo(root / "d" / "pipe.yaml")
    (root / "d" / "ok.yaml").write_bytes(_ready())
    return ["d"]


def _device(root: Path) -> list[str]:
    (root / "zero.yaml").symlink_to("/dev/zero")
    (root / "ok.yaml").write_bytes(_ready())
    return ["zero.yaml", "ok.yaml"]


def _sparse(root: Path) -> list[str]:
    with open(root / "sparse.yaml", "wb") as handle:
        handle.truncate(6 * 1024**3)
    return ["sparse.yaml"]


def _link_loop(root: Path) -> list[str]:
    (root / "loop.yaml").symlink_to("loop.yaml")
    (root / "a.yaml").symlink_to("b.yaml")
    (root / "b.yaml").symlink_to("a.yaml")
    (root / "ok.yaml").write_bytes(_ready())
    return ["loop.yaml", "a.yaml", "ok.yaml"]


def _link_farm(root: Path) -> list[str]:
    (root / "g" / "sub").mkdir(parents=True)
    (root / "g" / "sub" / "ok.yaml").write_bytes(_ready())
    for index in range(3):
        (root / "g" / f"l{index}").symlink_to(".")
    (root / "g" / "sub" / "up").symlink_to("..")
    (root / "g" / "root").symlink_to("/")
    return ["g/**/*.yaml", "g"]


FILESYSTEMS = {
    "fs-fifo-named": _fifo,
    "fs-fifo-in-folder": _fifo_in_folder,
    "fs-dev-zero-link": _device,
    "fs-sparse-6gb": _sparse,
    "fs-symlink-loops": _link_loop,
    "fs-link-farm": _link_farm,
}


def corpus() -> dict[str, bytes]:
    cases: dict[str, bytes] = {}
    for generator in GENERATORS:
        for name, raw in generator():
            assert name not in cases, name
            cases[name] = raw
    return cases
