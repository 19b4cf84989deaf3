"""Escaping of dossier-derived text for every output: terminals and CI logs, Markdown, JSON."""

from __future__ import annotations

import re

# Dossier text is written by whoever opens a pull request, and CI prints permitcheck's output
# into a log that GitHub reads for workflow commands. These characters could start a new line,
# drive the terminal, or make text display as something it is not, so they are never printed
# as themselves: C0 controls, DEL, C1 controls (U+0085 ends a line; U+009B is an 8-bit CSI),
# the line and paragraph separators, the bidirectional embeddings, overrides and isolates
# ("Trojan Source"), lone surrogates (an undecodable file name; raw bytes on a terminal) and the
# two noncharacters that XML 1.0 forbids.
_C0 = "\x00-\x1f"
_BEYOND_C0 = "\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff"
_UNSAFE = _C0 + _BEYOND_C0
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _shown(char: str) -> str:
    """One character as Python writes it in a string literal: `\\n`, `\\x1b`, `\\u202e`."""
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_CONTROL = re.compile(f"[{_UNSAFE}]")


def _controls(value: str) -> str:
    """`value` with every unsafe character shown as an escape (`\\n`, `\\x1b`, `\\u202e`)."""
    if value.isprintable():
        return value
    return _CONTROL.sub(lambda m: _shown(m[0]), value)


# GitHub's runner reads a workflow command from any line that starts with `::` after leading
# whitespace, and the legacy form `##[command]` anywhere in a line (as Azure Pipelines reads
# `##vso[command]`). Rich folds long lines at any character on a terminal, so a `::` anywhere in
# user text could come to start a line. The second character is shown escaped, as the controls
# are: visible, and never a command.
_LINE = re.compile(f"[{_UNSAFE}]|::|##(?=\\[|[vV][sS][oO]\\[)")
_COMMAND = {"::": ":\\x3a", "##": "#\\x23"}


def text(value: str, keep: str = "") -> str:
    """`value` as a line of plain text may show it (text reports, views, JUnit, annotations):
    unsafe characters escaped, and no workflow command can be read from it. The characters in
    `keep` stay as they are (`:` keeps `::`), for a format that encodes them itself."""
    # isprintable() is false for every unsafe character (and for a few harmless ones, such as
    # U+3000, which take the slow path): a fast test, as reports escape every segment.
    if value.isprintable() and "::" not in value and "##" not in value:
        return value

    def one(match: re.Match[str]) -> str:
        found = match[0]
        if found[0] in keep:
            return found
        return _COMMAND.get(found) or _shown(found)

    return _LINE.sub(one, value)


def html(value: str) -> str:
    """`value` inside raw HTML (`<summary>`, where Markdown is not read): as `text`, then
    `&`, `<`, `>` and quotes as entities."""
    # As html.escape(quote=True) does, without importing the html package on every start.
    escaped = text(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace('"', "&quot;").replace("'", "&#x27;")


# ---- JSON ----------------------------------------------------------------------------------

# What json.dumps(ensure_ascii=False) leaves raw: it escapes C0 controls in strings itself, so
# the C0 characters of a serialized document are its own layout. `\\uXXXX` keeps the value.
# JSON has `#` and these characters only inside strings, where a `\\u` escape is always valid.
_JSON = re.compile(f"[{_BEYOND_C0}]|##(?=\\[|[vV][sS][oO]\\[)")
_JSON_CHAR = re.compile(f"[{_BEYOND_C0}]")  # alone, a character class is searched much faster


def json(serialized: str) -> str:
    """A serialized JSON document with what json.dumps leaves raw escaped as `\\uXXXX`: C1
    controls, separators, bidirectional controls, lone surrogates, and the `##` of a legacy
    workflow command. The document's value is unchanged."""
    if "##" not in serialized and (
        "\x7f" not in serialized if serialized.isascii() else _JSON_CHAR.search(serialized) is None
    ):
        return serialized
    return _JSON.sub(lambda m: "#\\u0023" if m[0] == "##" else f"\\u{ord(m[0]):04x}", serialized)


# ---- GitHub workflow commands --------------------------------------------------------------


def github_data(value: str) -> str:
    """The message of a workflow command, escaped as the Actions toolkit does (`%`, CR, LF)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(value: str) -> str:
    """A property of a workflow command: data escaping plus `:` and `,`."""
    return github_data(value).replace(":", "%3A").replace(",", "%2C")


# ---- Markdown ------------------------------------------------------------------------------

# Backslash escapes for the ASCII punctuation that starts Markdown syntax inline: code, emphasis,
# links and images, headings, strikethrough and GitHub's `$` math; `|` only in a table cell,
# which it would end. `(` and `)` stay: they act only right after a `]`, which is always escaped
# (and an ordered list's `1)` only at the start, handled below). `<`, `>` and `&` become
# entities, so that no HTML tag (`</details>`) or entity can be written. Autolinks are broken
# where GitHub finds them: at the `:` of `://` and the `.` of `www.`. After `@` and `#` a
# zero-width space keeps GitHub from reading a mention (which notifies people) or an issue
# reference (which links the issue to the pull request), as Renovate does in its pull requests.
_MD_SPECIAL = re.compile(r"[\\`*_\[\]#!~$|&<>@]|:(?=//)|(?<=[wW]{3})\.")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_ZWSP = "&#8203;"
# At the start of the text, which could be a line's: list markers, a thematic break, a setext
# underline. The escape goes before the character, or after the digits of `1.` and `1)`.
_MD_START = re.compile(r"^(?:[-+=]|\d+(?=[.)]))")


def markdown(value: str, table: bool = False) -> str:
    """`value` as literal inline Markdown (GitHub Flavored Markdown): controls shown escaped,
    no markup, HTML, autolink, mention or issue reference; `table` for a table cell."""

    def one(match: re.Match[str]) -> str:
        char = match[0]
        if char in _ENTITIES:
            return _ENTITIES[char]
        if char == "@":
            return "@" + _ZWSP
        if char == "#":
            return "\\#" + _ZWSP
        if char == "|" and not table:
            return char
        return "\\" + char

    escaped = _MD_SPECIAL.sub(one, _controls(value))
    return _MD_START.sub(
        lambda m: "\\" + m[0] if not m[0].isdigit() else m[0] + "\\", escaped, count=1
    )


# What would be read as syntax (or look like it) if written raw: such code is written as an
# HTML `<code>` element with its text escaped, so no tag or link is ever in the output as written.
_CODE_SYNTAX = re.compile(r"[`\\<>&\[\]!#]|^ | $")


def markdown_code(value: str, table: bool = False) -> str:
    """`value` as inline code, shown literally (controls escaped, as in plain text); `table`
    for a table cell, where GitHub needs `\\|` even inside code."""
    content = text(value)
    if not content or _CODE_SYNTAX.search(content):
        return f"<code>{markdown(content, table)}</code>"
    return "`" + (content.replace("|", "\\|") if table else content) + "`"


def markdown_message(value: str, table: bool = False) -> str:
    """A message whose `backticked` parts are code (as permitcheck writes field names and
    values): each part escaped as code or as text. A backtick in a quoted value only moves
    where code starts; every part is escaped either way."""
    parts = value.split("`")
    if len(parts) % 2 == 0:
        # An unpaired backtick is shown as one, in the text around it.
        parts[-2:] = [parts[-2] + "`" + parts[-1]]
    return "".join(
        markdown_code(part, table) if number % 2 else markdown(part, table)
        for number, part in enumerate(parts)
    )
