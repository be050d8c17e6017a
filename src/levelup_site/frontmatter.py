"""Split a case-study file into YAML front matter and Markdown, keeping line numbers.

python-frontmatter's YAML handler defines where front matter starts and ends; the
YAML itself is loaded here, with PyYAML's safe (C, when built) loader, so that every
key keeps the line it was written on and duplicate keys and aliases are refused
instead of being silently resolved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

BOUNDARY = YAMLHandler.FM_BOUNDARY


class SafeLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The safe loader (C when built), except that an impossible date such as
    2023-02-30 stays text, so validation can say which field is wrong."""


def _timestamp_or_text(loader, node):
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


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
    return Document(data=data, lines=lines, body=body)


LONE_SURROGATE = re.compile("[\ud800-\udfff]")
MAX_DEPTH = 16  # front matter needs three levels; anything this deep is a mistake or an attack


def load_yaml(yaml_text: str, line_offset: int = 0) -> tuple[dict[str, Any], dict[str, int]]:
    """Safely load a YAML mapping; return it with the file line of every key."""

    def line_of(mark) -> int:
        # PyYAML also breaks lines at a lone \r, \x85 and \u2028; editors count \n.
        return yaml_text.count("\n", 0, mark.index) + 1 + line_offset

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
            mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
            problem = getattr(error, "problem", None) or str(error).splitlines()[0]
            raise FrontMatterError(
                f"the YAML cannot be read: {problem}",
                line=line_of(mark) if mark is not None else None,
                hint="check the indentation and quote any value that contains ': ' or starts with a special character",
            ) from None
        except RecursionError:
            raise FrontMatterError("the YAML is nested too deeply to read", line=line_offset + 1) from None
    finally:
        loader.dispose()
    return data, lines


def _key_lines(root: yaml.Node, line_of) -> dict[str, int]:
    """Map "sources[0].url"-style paths to lines, refusing what a safe file never needs.

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
