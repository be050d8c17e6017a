"""The case-study front matter: one table of fields, and the validation it drives.

The field table is the single statement of the schema: validation, the `levelup new`
template and the README's reference are all made from it. `FIELDS` are the built-in
fields with their defaults; a site's table (`Schema.fields`) is those as site.yaml's
`fields:` relaxes them, plus the fields it declares. Taxonomy fields are added from
content/taxonomies.yaml, not listed here.
"""

from __future__ import annotations

import datetime as dt
import difflib
import html
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from .errors import Problem
from .frontmatter import typed_text
from .models import Field, Source, Taxonomy

SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SUMMARY_LIMIT = 300
# Built-in fields every case study needs whatever the site says: the page's heading and
# the date that orders every list and the feed.
ESSENTIAL = ("title", "published")
# The kinds of field a site may declare, with what each expects.
DECLARED_KINDS = {
    "text": "one line of text",
    "date": "a date like 2022-12-14",
    "url": "an http(s) address",
    "number": "a number such as 12 or 4.5",
    "list": "a list of short texts",
}

FIELDS: tuple[Field, ...] = (
    Field("title", "text", True, "The case study's headline, in sentence case.",
          "Transforming the bus service in Exampleton"),
    Field("place", "text", True, "The place the work is in, as people there would name it.",
          "Exampleton"),
    Field("authority", "text", True, "The organisation that led the work.",
          "Exampleton Community Trust"),
    Field("summary", "text", True,
          "One or two plain sentences shown on cards and in search results.",
          "How the trust set out to transform the town's bus service.", limit=SUMMARY_LIMIT),
    Field("published", "date", True, "When the case study was published, as YYYY-MM-DD.",
          "2022-12-14"),
    Field("sources", "sources", True,
          "Where the case study comes from: a list of entries, each with a title and an http(s) url.",
          '[{title: "Annual report", url: "https://example.org/report"}]'),
    Field("slug", "slug", False,
          "The page's web address, lowercase words joined by hyphens. Defaults to the file name.",
          "exampleton-buses"),
    Field("updated", "date", False, "When the case study was last revised, as YYYY-MM-DD.",
          "2023-01-31"),
    Field("image", "image", False,
          "A picture for the page: a file under static/images/ (e.g. images/bus.jpg) or an https address.",
          "images/bus.jpg"),
    Field("image_alt", "text", False,
          "What the picture shows, for people who cannot see it. Required when there is an image.",
          "A bus at a stop in the city centre"),
    Field("contact", "text", False, "Who to ask about the work: a team name or a public email address.",
          "transport@example.org"),
    Field("aliases", "paths", False,
          "Earlier addresses of this case study on this site, each a path from the site's root; "
          "each redirects here.", "[/2019/old-buses-page/]"),
    Field("draft", "bool", False, "true keeps the case study off the published site (it shows in previews).",
          "false"),
)

FIELDS_BY_NAME = {field.name: field for field in FIELDS}


@dataclass(frozen=True)
class Schema:
    """What a case study's front matter may hold: the site's field table and vocabularies."""

    fields: tuple[Field, ...] = FIELDS
    taxonomies: tuple[Taxonomy, ...] = ()


def help_text(field: Field) -> str:
    """A field's help, with its length limit when it has one."""
    return f"{field.help} At most {field.limit} characters." if field.limit else field.help


def validate(
    data: dict[str, Any],
    lines: dict[str, int],
    path: str,
    default_slug: str,
    schema: Schema,
) -> tuple[dict[str, Any], list[Problem]]:
    """Check front matter against the schema; return clean values and every problem.
    The site's declared fields' values are gathered under "extra"."""
    problems: list[Problem] = []
    values: dict[str, Any] = {"place": None, "authority": None, "summary": None, "sources": ()}
    extra: dict[str, Any] = {}
    taxonomies = schema.taxonomies

    def problem(field: str, message: str, hint: str | None = None, key: str | None = None) -> None:
        line = lines.get(key or field, 1)
        problems.append(Problem(path, line, field, message, hint))

    known = [*(f.name for f in schema.fields), *(t.field for t in taxonomies)]
    for key in data:
        if str(key) not in known:
            problem(str(key), f"unknown field '{key}'", suggest(str(key), known, "field"))

    for field in schema.fields:
        raw = data.get(field.name)
        if raw is None:
            if field.required:
                problem(field.name, "is missing", f"add a line like `{field.name}: {field.example}` ({help_text(field)})")
            continue
        check = _CHECKS[field.kind]
        value, message = check(raw)
        if not message and field.limit and len(value) > field.limit:
            problem(field.name, f"is {len(value)} characters long; the limit is {field.limit}",
                    "keep it to one or two sentences and move the detail into the body")
        elif message:
            problem(field.name, message, help_text(field))
        elif field.declared:
            extra[field.name] = value
        elif field.name != "sources":
            values[field.name] = value
    values["extra"] = extra

    if isinstance(data.get("sources"), list):
        values["sources"], source_problems = _check_sources(data["sources"], lines, path)
        problems.extend(source_problems)
        sources_required = any(f.name == "sources" and f.required for f in schema.fields)
        if not source_problems and not values["sources"] and sources_required:
            problem("sources", "is empty", "give at least one source so readers can check the facts")

    if values.get("image") and not values.get("image_alt"):
        problem("image_alt", "is missing: every image needs alternative text",
                "describe what the picture shows, e.g. `image_alt: A bus at a stop in the city centre`",
                key="image")
    values.setdefault("slug", default_slug)
    if not SLUG_PATTERN.fullmatch(values["slug"]):
        problem("slug", f"'{values['slug']}' cannot be used as a web address",
                "use lowercase letters and digits joined by single hyphens, e.g. `slug: milton-keynes-buses`"
                " (or rename the file)")

    terms: dict[str, tuple[str, ...]] = {}
    for taxonomy in taxonomies:
        ids, term_problems = _check_terms(taxonomy, data.get(taxonomy.field), lines, path)
        problems.extend(term_problems)
        terms[taxonomy.id] = ids
    values["terms"] = terms
    return values, problems


# Invisible characters that a one-line field never needs: controls, and formatting
# characters such as the bidirectional overrides and isolates (U+202A-U+202E,
# U+2066-U+2069) that make "Tower Hamlets \u202e!dekcah\u202c" display as "...hacked!".
# A zero-width joiner (inside emoji) and a soft hyphen change no meaning, so they stay.
HARMLESS_FORMAT = {"\u200d", "\u00ad"}


def invisible_character(text: str) -> str | None:
    """A description of the first invisible control or format character in `text`, or None."""
    if text.isprintable():  # no control or format character at all: the common case, told in C
        return None
    for char in text:
        if unicodedata.category(char) in ("Cc", "Cf") and char not in HARMLESS_FORMAT and not char.isspace():
            name = unicodedata.name(char, "a control character")
            return f"U+{ord(char):04X} ({name})"
    return None


def _check_text(raw: Any) -> tuple[Any, str | None]:
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        return None, f"expected text, got {_describe(raw)}"
    # A number keeps the digits typed. Text copied from a web page may carry HTML
    # entities ("Cemetery&#8217;s"): they are decoded here, once, and every template
    # escapes the text again on output.
    text = " ".join(html.unescape(typed_text(raw) or str(raw)).split())
    invisible = invisible_character(text)
    if invisible:
        return None, (f"contains the invisible character {invisible}, which can change how the text "
                      "is shown; delete it (retype the text if it was pasted)")
    if not text:
        return None, "is empty"
    return text, None


def _check_date(raw: Any) -> tuple[Any, str | None]:
    if isinstance(raw, dt.datetime):
        return raw.date(), None
    if isinstance(raw, dt.date):
        return raw, None
    if isinstance(raw, str):
        try:
            return dt.date.fromisoformat(raw.strip()), None
        except ValueError:
            if re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", raw):
                return None, f"'{raw}' is not a real date"
    return None, f"expected a date like 2022-12-14, got {_describe(raw)}"


def _check_bool(raw: Any) -> tuple[Any, str | None]:
    if isinstance(raw, bool):
        return raw, None
    return None, f"expected true or false, got {_describe(raw)}"


def _check_slug(raw: Any) -> tuple[Any, str | None]:
    if not isinstance(raw, str):
        return None, f"expected text, got {_describe(raw)}"
    return raw, None  # the pattern is checked after the default is applied


def _check_image(raw: Any) -> tuple[Any, str | None]:
    value, message = _check_text(raw)
    if message:
        return value, message
    if value.startswith(("http://", "//")) or ("://" in value and not value.startswith("https://")):
        return None, f"'{value}' must be an https address or a path under static/"
    if ".." in value.split("/"):
        return None, f"'{value}' must not step outside static/ with '..'"
    return value, None


def _check_url(raw: Any) -> tuple[Any, str | None]:
    value, message = _check_text(raw)
    if message:
        return value, message
    if not re.match(r"https?://[^\s/]+\.[^\s]+$", value):
        return None, f"'{value}' is not an http(s) web address"
    return value, None


def _check_number(raw: Any) -> tuple[Any, str | None]:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or raw != raw or raw in (float("inf"), -float("inf")):
        return None, f"expected a number, got {_describe(raw)}"
    return raw, None


def _check_list(raw: Any) -> tuple[Any, str | None]:
    if not isinstance(raw, list):
        return None, f"expected a list such as [first, second], got {_describe(raw)}"
    items = []
    for index, item in enumerate(raw):
        value, message = _check_text(item)
        if message:
            return None, f"item {index + 1} {message}" if message.startswith("is ") else f"item {index + 1}: {message}"
        items.append(value)
    return tuple(items), None


def _check_sources_shape(raw: Any) -> tuple[Any, str | None]:
    if not isinstance(raw, list):
        return None, f"expected a list of sources (each with title and url), got {_describe(raw)}"
    return raw, None


def _check_paths(raw: Any) -> tuple[Any, str | None]:
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        return None, f"expected a list of paths such as [/old/address/], got {_describe(raw)}"
    return tuple(raw), None  # which paths a site can take is checked with its other addresses


_CHECKS = {
    "text": _check_text,
    "date": _check_date,
    "bool": _check_bool,
    "slug": _check_slug,
    "image": _check_image,
    "sources": _check_sources_shape,
    "url": _check_url,
    "number": _check_number,
    "list": _check_list,
    "paths": _check_paths,
}


def _check_sources(items: list, lines: dict[str, int], path: str) -> tuple[tuple[Source, ...], list[Problem]]:
    sources: list[Source] = []
    problems: list[Problem] = []
    for index, item in enumerate(items):
        key = f"sources[{index}]"
        if not isinstance(item, dict):
            problems.append(Problem(path, lines.get(key, lines.get("sources")), key,
                                    f"expected a title and a url, got {_describe(item)}",
                                    "write each source as `- title: ...` with `url: https://...` below it"))
            continue
        title, title_message = _check_text(item.get("title")) if item.get("title") is not None else (None, "is missing")
        url, url_message = _check_text(item.get("url")) if item.get("url") is not None else (None, "is missing")
        if title_message:
            problems.append(Problem(path, lines.get(f"{key}.title", lines.get(key)), f"{key}.title",
                                    title_message, "name the document or page the facts come from"))
        if url is not None and not re.match(r"https?://[^\s/]+\.[^\s]+$", url):
            url_message = f"'{url}' is not an http(s) web address"
        if url_message:
            problems.append(Problem(path, lines.get(f"{key}.url", lines.get(key)), f"{key}.url",
                                    url_message, "give the full address, starting https://"))
        extra = sorted({str(key) for key in item} - {"title", "url"})
        for name in extra:
            problems.append(Problem(path, lines.get(f"{key}.{name}", lines.get(key)), f"{key}.{name}",
                                    f"unknown field '{name}'", "a source has only a title and a url"))
        if title is not None and url is not None and not url_message:
            sources.append(Source(title=title, url=url))
    return tuple(sources), problems


def _check_terms(taxonomy: Taxonomy, raw: Any, lines: dict[str, int], path: str) -> tuple[tuple[str, ...], list[Problem]]:
    field = taxonomy.field
    noun = taxonomy.singular.lower()
    valid = taxonomy.term_ids
    problems: list[Problem] = []

    def problem(message: str, hint: str | None, key: str = field) -> None:
        problems.append(Problem(path, lines.get(key, lines.get(field, 1)), field, message, hint))

    if raw is None:
        if taxonomy.required:
            example = f"[{valid[0]}]" if taxonomy.multiple else valid[0]
            problem("is missing", f"add a line like `{field}: {example}`; valid ids: {', '.join(valid)}")
        return (), problems
    if taxonomy.multiple:
        if not isinstance(raw, list):
            problem(f"expected a list of {noun} ids, got {_describe(raw)}",
                    f"write it as a list, e.g. `{field}: [{valid[0]}]`")
            return (), problems
        items = [(item, f"{field}[{index}]") for index, item in enumerate(raw)]
    else:
        if isinstance(raw, list):
            problem(f"expected one {noun} id, got a list", f"give exactly one, e.g. `{field}: {valid[0]}`")
            return (), problems
        items = [(raw, field)]

    ids: list[str] = []
    for item, key in items:
        if item == "":
            problem("is empty", f"valid ids: {', '.join(valid)}", key)
        elif not isinstance(item, str):
            problem(f"expected a {noun} id, got {_describe(item)}", f"valid ids: {', '.join(valid)}", key)
        elif item not in valid:
            problem(f"unknown {noun} '{item}'", suggest(item, valid, noun), key)
        elif item in ids:
            problem(f"'{item}' is listed twice", "list each id once", key)
        else:
            ids.append(item)
    if taxonomy.multiple and len(ids) < taxonomy.min_terms and not problems:
        problem(f"needs at least {taxonomy.min_terms} {noun} id(s)", f"valid ids: {', '.join(valid)}")
    return tuple(ids), problems


def suggest(word: str, choices, noun: str) -> str:
    choices = list(choices)
    close = difflib.get_close_matches(word.lower(), choices, n=3, cutoff=0.6)
    if close:
        return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    return f"valid {noun} ids: {', '.join(choices)}" if noun != "field" else f"known fields: {', '.join(choices)}"


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, (int, float)):
        try:
            return f"the number {value}"
        except ValueError:  # more digits than Python will print
            return "a very large number"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of fields"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    return type(value).__name__
