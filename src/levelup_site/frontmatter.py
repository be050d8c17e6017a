"""Split a case-study file into YAML front matter and Markdown, keeping line numbers.

python-frontmatter's YAML handler defines where front matter starts and ends; the
YAML itself is loaded here, with PyYAML's safe (C, when built) loader, so that every
key keeps the line it was written on and duplicate keys and aliases are refused
instead of being silently resolved.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml
from frontmatter.default_handlers import YAMLHandler

BOUNDARY = YAMLHandler.FM_BOUNDARY


if TYPE_CHECKING:
    _Loader = yaml.SafeLoader
else:  # the C loader where PyYAML was built with it
    _Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SafeLoader(_Loader):
    """The safe loader (C when built), resolving plain values by YAML 1.2's core schema.

    PyYAML follows YAML 1.1, which rewrites what people type: `1:30` becomes 90, `010`
    becomes 8, `yes` becomes true. Under the core schema only true/false are booleans
    and only decimal, 0o and 0x numbers are numbers. A number also remembers the text
    it was typed as (`TypedInt`, `TypedFloat`), so a text field given `1.10` holds
    "1.10", not "1.1". Dates (YYYY-MM-DD, with an optional time) are still read as
    dates, and an impossible date such as 2023-02-30 stays text, so validation can say
    which field is wrong.
    """


class TypedInt(int):
    """An integer from the front matter, with the text it was written as."""

    source: str

    def __new__(cls, value: int, source: str) -> TypedInt:
        number = super().__new__(cls, value)
        number.source = source
        return number

    def __reduce__(self):
        return TypedInt, (int(self), self.source)


class TypedFloat(float):
    """A number with a fraction or exponent from the front matter, with its text."""

    source: str

    def __new__(cls, value: float, source: str) -> TypedFloat:
        number = super().__new__(cls, value)
        number.source = source
        return number

    def __reduce__(self):
        return TypedFloat, (float(self), self.source)


def typed_text(value: object) -> str | None:
    """The text a number was typed as, or None for anything that is not a typed number."""
    return getattr(value, "source", None) if isinstance(value, (TypedInt, TypedFloat)) else None


# YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution), plus dates,
# and merge keys only so that they can be recognised and refused.
CORE_RESOLVERS = (
    ("tag:yaml.org,2002:merge", r"<<", "<"),
    ("tag:yaml.org,2002:null", r"~|null|Null|NULL|", "~nN"),
    ("tag:yaml.org,2002:bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
    ("tag:yaml.org,2002:int", r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", "-+0123456789"),
    ("tag:yaml.org,2002:float", r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                                r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)", "-+0123456789."),
    ("tag:yaml.org,2002:timestamp", r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
                                    r"(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
                                    r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::?[0-9]{2})?))?)?", "0123456789"),
)
SafeLoader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in CORE_RESOLVERS:
    SafeLoader.add_implicit_resolver(_tag, re.compile(f"^(?:{_pattern})$"), list(_first))


def _core_int(loader, node) -> TypedInt:
    text = loader.construct_scalar(node)
    digits = text.lstrip("+-")
    base = {"0o": 8, "0x": 16}.get(digits[:2], 10)
    value = int(digits[2:] if base != 10 else digits, base)
    return TypedInt(-value if text.startswith("-") else value, text)


def _core_float(loader, node) -> TypedFloat:
    text = loader.construct_scalar(node)
    return TypedFloat(float(text.lower().replace(".inf", "inf").replace(".nan", "nan")), text)


TIMESTAMP = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:(?:[Tt]|[ \t]+)(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d*))?"
                       r"(?:[ \t]*(Z|[-+]\d{1,2}(?::?\d{2})?))?)?")


def _timestamp_or_text(loader, node) -> dt.date | str:
    """A date, or a date and time with or without an offset (`2010-10-22 11:33:15 -0400`
    as well as `-04:00`); an impossible one stays text for validation to name."""
    text = loader.construct_scalar(node)
    match = TIMESTAMP.fullmatch(text)
    try:
        year, month, day, hour, minute, second, fraction, offset = match.groups()  # type: ignore[union-attr]
        date = dt.date(int(year), int(month), int(day))
        if hour is None:
            return date
        zone = None
        if offset == "Z":
            zone = dt.UTC
        elif offset:
            sign, digits = (-1 if offset[0] == "-" else 1), offset[1:].replace(":", "")
            hours, minutes = (digits[:-2], digits[-2:]) if len(digits) > 2 else (digits, "0")
            zone = dt.timezone(sign * dt.timedelta(hours=int(hours), minutes=int(minutes)))
        micro = int((fraction or "0")[:6].ljust(6, "0"))
        return dt.datetime(date.year, date.month, date.day, int(hour), int(minute), int(second), micro, zone)
    except (AttributeError, ValueError, OverflowError):
        return text


SafeLoader.add_constructor("tag:yaml.org,2002:int", _core_int)
SafeLoader.add_constructor("tag:yaml.org,2002:float", _core_float)
SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


class FrontMatterError(ValueError):
    """The file's front matter cannot be read at all."""

    def __init__(self, message: str, line: int | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.hint = hint


@dataclass(frozen=True)
class Document:
    data: dict[str, Any]
    lines: dict[str, int]  # "title" -> 2, "sources[0].url" -> 14 (1-based file lines)
    body: str
    body_line: int = 1  # the file line the body starts on


def split(text: str) -> Document:
    """Parse `---`-fenced YAML front matter and the Markdown after it."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    if not text.strip():
        raise FrontMatterError(
            "the file is empty",
            hint="start it with front matter between two '---' lines; `levelup new` writes one",
        )
    opening = BOUNDARY.match(text)
    if opening is None:
        raise FrontMatterError(
            "no front matter found",
            line=1,
            hint="the first line must be '---', followed by the fields, then another '---'",
        )
    closing = BOUNDARY.search(text, opening.end())
    if closing is None:
        raise FrontMatterError(
            "the front matter is never closed",
            line=1,
            hint="add a line with just '---' after the last field",
        )
    yaml_text = text[opening.end() : closing.start()]
    line_offset = text.count("\n", 0, opening.end())
    data, lines = load_yaml(yaml_text, line_offset)
    body = text[closing.end() :].lstrip("\n")
    return Document(data=data, lines=lines, body=body, body_line=text.count("\n", 0, len(text) - len(body)) + 1)


LONE_SURROGATE = re.compile("[\ud800-\udfff]")
MAX_DEPTH = 16  # front matter needs three levels; anything this deep is a mistake or an attack


def load_yaml(yaml_text: str, line_offset: int = 0) -> tuple[dict[str, Any], dict[str, int]]:
    """Safely load a YAML mapping; return it with the file line of every key."""

    # PyYAML also breaks lines at a lone \r, \x85, \u2028 and \u2029; editors count \n only.
    # Without those its own line count is the editor's (and saves counting for each key).
    yaml_lines = not any(brk in yaml_text for brk in ("\r", "\x85", "\u2028", "\u2029"))

    def line_of(mark) -> int:
        return (mark.line if yaml_lines else yaml_text.count("\n", 0, mark.index)) + 1 + line_offset

    # Text handed in as a str may hold lone surrogates, which no file on disk can; the
    # YAML reader would fail to encode them.
    invalid = LONE_SURROGATE.search(yaml_text)
    if invalid:
        raise FrontMatterError(f"contains U+{ord(invalid.group()):04X}, which is not a valid character",
                               line=yaml_text.count("\n", 0, invalid.start()) + 1 + line_offset,
                               hint="delete it, or type the character again")

    loader = SafeLoader(yaml_text)
    try:
        try:
            node = loader.get_single_node()
            if node is None:
                return {}, {}
            if not isinstance(node, yaml.MappingNode):
                raise FrontMatterError("the front matter must be a list of 'field: value' lines",
                                       line=line_of(node.start_mark))
            lines = _key_lines(node, line_of)
            try:
                data = loader.construct_document(node)
            except (ValueError, TypeError, OverflowError, RecursionError) as error:
                raise FrontMatterError(f"the YAML cannot be read: {error}", line=line_offset + 1) from None
        except yaml.YAMLError as error:
            raise _unreadable(error, yaml_text, line_of) from None
        except RecursionError:
            raise FrontMatterError("the YAML is nested too deeply to read", line=line_offset + 1) from None
    finally:
        loader.dispose()
    return data, lines


def _unreadable(error: yaml.YAMLError, yaml_text: str, line_of) -> FrontMatterError:
    """A YAML syntax error as an author can act on it: the commonest two causes, a tab
    and a quote never closed, are named on the line where they are."""
    problem_mark = getattr(error, "problem_mark", None)
    context_mark = getattr(error, "context_mark", None)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    if problem_mark is not None:
        line_text = yaml_text.split("\n")[problem_mark.line] if problem_mark.line < yaml_text.count("\n") + 1 else ""
        if "\t" in line_text[: problem_mark.column + 1]:
            return FrontMatterError("a tab character is used here; YAML allows only spaces for indenting",
                                    line=line_of(problem_mark),
                                    hint="replace the tab with spaces (most editors can show tabs)")
    context = getattr(error, "context", None) or ""
    if context_mark is not None and "quoted scalar" in context:
        quote = yaml_text[context_mark.index] if context_mark.index < len(yaml_text) else '"'
        return FrontMatterError(f"the quote ({quote}) that starts on this line is never closed",
                                line=line_of(context_mark),
                                hint=f"end the value with {quote}; to use {quote} inside it, "
                                     + ("write it twice ('')" if quote == "'" else 'write \\"'))
    mark = problem_mark or context_mark
    return FrontMatterError(
        f"the YAML cannot be read: {problem}",
        line=line_of(mark) if mark is not None else None,
        hint="check the indentation and quote any value that contains ': ' or starts with a special character",
    )


def _key_lines(root: yaml.Node, line_of) -> dict[str, int]:
    """Map "sources[0].url"-style paths to lines, refusing what a safe file never needs,
    and mark every plain key to be read as the text typed (a key is a name).

    Iterative, so that deeply nested input gives an error rather than a RecursionError.
    """
    lines: dict[str, int] = {}
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, str, int]] = [(root, "", 0)]
    while stack:
        node, path, depth = stack.pop()
        # An alias makes the composed tree share a node; refusing shared nodes refuses
        # anchors/aliases and with them "billion laughs" expansion bombs.
        if id(node) in seen:
            raise FrontMatterError("YAML anchors and aliases (& and *) are not allowed",
                                   line=line_of(node.start_mark), hint="write the value out in full")
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise FrontMatterError(f"the YAML is nested more than {MAX_DEPTH} levels deep",
                                   line=line_of(node.start_mark), hint="front matter needs at most three levels")
        if isinstance(node, yaml.MappingNode):
            keys: set[str] = set()
            for key_node, value_node in node.value:
                key = str(key_node.value)
                line = line_of(key_node.start_mark)
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise FrontMatterError("YAML merge keys (<<) are not allowed", line=line)
                if isinstance(key_node, yaml.ScalarNode):
                    # A key is a name, read as typed: `true:` is the field "true" (so an
                    # error names it and finds its line), not the boolean True.
                    key_node.tag = "tag:yaml.org,2002:str"
                if key in keys:
                    raise FrontMatterError(f"'{key}' is given twice", line=line,
                                           hint="keep one of them; a repeated field would silently replace the first")
                keys.add(key)
                child = f"{path}.{key}" if path else key
                lines[child] = line
                stack.append((value_node, child, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                child = f"{path}[{index}]"
                lines[child] = line_of(item.start_mark)
                stack.append((item, child, depth + 1))
    return lines
