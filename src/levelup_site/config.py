"""Site settings (content/site.yaml) and vocabularies (content/taxonomies.yaml).

Every key either file accepts is declared once, in the tables below (`SETTINGS`,
`TAXONOMY_KEYS`, `FIELD_KEYS`, and the `Words` dataclass): validation reports any
other key, and `reference.py` writes the README's configuration reference from them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from . import urls
from .errors import Problem, project_path
from .frontmatter import FrontMatterError, load_yaml
from .models import Field, Settings, Taxonomy, Term, Words
from .schema import (
    DECLARED_KINDS,
    ESSENTIAL,
    FIELDS,
    FIELDS_BY_NAME,
    SLUG_PATTERN,
    Schema,
    invisible_character,
    suggest,
)

SETTINGS_FILE = "site.yaml"
TAXONOMIES_FILE = "taxonomies.yaml"
# Top-level paths of the site's own pages: no taxonomy or plain page may take them.
RESERVED_PATHS = {"case-studies", "places", "static", "search", "data", "feed.xml", "sitemap.xml", "robots.txt",
                  "404.html", "page", urls.SEARCH_INDEX.strip("/")}  # the last: the search index's own folder

# A host a site may embed frames from: DNS labels joined by dots, at least two of them.
HOST_NAME = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")


@dataclass(frozen=True)
class Key:
    """One configuration key: its name, what it holds, its default and what it means."""

    name: str
    kind: str
    default: str
    meaning: str


SETTINGS: tuple[Key, ...] = (
    Key("title", "text", "required", "The site's name: the page titles, the header and the feed."),
    Key("description", "text", "required", "One or two sentences: the home page's lead and the description "
                                           "for search engines."),
    Key("base_url", "http(s) address", "required", "The address the site is published at (a sub-path works); "
                                                  "`--base-url` overrides it."),
    Key("language", "language tag", "`en-GB`", "The language of the content: the pages' `lang`, and how dates "
                                               "and numbers are written (en-GB \"14 December 2022\", "
                                               "en-US \"December 14, 2022\")."),
    Key("publisher", "text", "the title", "Who publishes the site: the footer, the feed and the JSON-LD."),
    Key("latest_count", "whole number", "`6`", "How many case studies the home page lists as the latest."),
    Key("page_size", "whole number", "`50`", "How many case studies a list page shows before continuing on "
                                             "the next."),
    Key("permalink", "address pattern", "`/case-studies/{slug}/`",
        "Where case studies live. It may use `{year}`, `{month}` and `{day}` of `published` "
        "(`/{year}/{month}/{slug}/`), must start and end with `/`, hold `{slug}` once, and not sit under "
        "another part of the site (`/places/`, `/static/`, ...): a site moving here can keep its old addresses."),
    Key("feed_size", "whole number", "`50`", "How many of the newest case studies `feed.xml` carries."),
    Key("contact", "email, web address or site path", "none",
        "How readers reach the site's editors (`team@example.org`, a web address, or `/contribute/`): "
        "linked from every page's footer and named in the feed."),
    Key("empty_term_pages", "true/false", "`false`",
        "true: terms that no case study uses get a page too; by default they have none, and no link leads "
        "to them (a large vocabulary has hundreds)."),
    Key("embeds", "list of host names", "none",
        "Hosts a body may embed frames from (`[www.youtube-nocookie.com, player.vimeo.com]`): an "
        "`<iframe src=\"https://HOST/...\" title=\"What it shows\">` from one of them is kept, sandboxed, "
        "and the pages' Content-Security-Policy allows frames from exactly these hosts. Any other iframe "
        "is removed with a warning."),
    Key("fields", "mapping", "none", "Changes to the built-in front-matter fields, and the site's own fields: "
                                     "see the keys of a field below."),
    Key("words", "mapping", "neutral words", "The words that name the site's domain: see the words below."),
)
TAXONOMY_KEYS: tuple[Key, ...] = (
    Key("name", "text", "required", "How the site names the vocabulary (\"Topics\"): menu, headings, facts."),
    Key("singular", "text", "required", "The name of one of its terms (\"Topic\")."),
    Key("field", "front-matter key", "required", "The front-matter key that holds a case study's term ids."),
    Key("multiple", "true/false", "`true`", "true: a list of ids; false: a single id."),
    Key("required", "true/false", "`true`", "Whether every case study must give it."),
    Key("min_terms", "whole number", "1 if required, else 0", "For a list: the fewest ids a case study may give."),
    Key("description", "text", "required", "Shown on the vocabulary's index page and the home page."),
    Key("terms", "list", "required", "Each term's `id` (lowercase words joined by hyphens), `name` and "
                                     "`description`, and optionally a `url` and `publisher` shown on its page."),
    Key("navigation", "true/false", "`false`", "Role: link the vocabulary's page from every page's menu."),
    Key("card_tags", "true/false", "`false`", "Role: show its terms as tags on every case study's card."),
    Key("matrix", "`rows` or `columns`", "none", "Role: the rows or the columns of the home page's matrix "
                                                 "(one of each, or no matrix)."),
    Key("related", "whole number", "none", "Role: rank related case studies by shared terms of this vocabulary; "
                                           "1 counts first, then 2, and so on. None: related case studies "
                                           "are not ranked by it."),
    Key("places", "true/false", "`false`", "Role: group the places page by this vocabulary (one at most)."),
)
FIELD_KEYS: tuple[Key, ...] = (
    Key("kind", "one of " + ", ".join(f"`{kind}`" for kind in DECLARED_KINDS), "required for a new field",
        "What the field holds: " + "; ".join(f"{kind}, {what}" for kind, what in DECLARED_KINDS.items()) + "."),
    Key("required", "true/false", "built in: as listed; new: `false`",
        "Whether every case study must give it (" + " and ".join(f"`{name}`" for name in ESSENTIAL)
        + " always must)."),
    Key("limit", "whole number", "`summary`: 300; others: none", "The most characters a text may have."),
    Key("label", "text", "the field's name", "How the case page's key facts name it."),
    Key("facts", "true/false", "`false`", "Show it among the key facts on the case page (a new field)."),
    Key("help", "text", "built in: as listed", "What to write: shown by `levelup new`, in error messages and "
                                               "in the front-matter reference."),
    Key("example", "text", "built in: as listed", "An example value, for the same places."),
)


def unknown_keys(data: dict, table: tuple[Key, ...], shown: str, lines: dict[str, int], prefix: str,
                 problems: list[Problem], what: str) -> None:
    """A problem, with a did-you-mean hint, for each key of `data` that `table` does not declare."""
    known = [key.name for key in table]
    for key in data:
        if str(key) not in known:
            hint = suggest(str(key), known, "field")
            problems.append(Problem(shown, lines.get(prefix + str(key)), prefix + str(key),
                                    f"unknown {what} '{key}'",
                                    hint if hint.startswith("did") else f"known {what}s: {', '.join(known)}"))


def read_yaml_file(path: Path, shown: str) -> tuple[dict[str, Any], dict[str, int], list[Problem]]:
    if not path.is_file():
        return {}, {}, [Problem(shown, None, None, "is missing", "every content folder needs this file")]
    try:
        data, lines = load_yaml(path.read_text(encoding="utf-8").removeprefix("\ufeff"))
    except UnicodeDecodeError:
        return {}, {}, [Problem(shown, None, None, "is not UTF-8 text", "save it as UTF-8")]
    except FrontMatterError as error:
        return {}, {}, [Problem(shown, error.line, None, error.message, error.hint)]
    return data, lines, []


def invisible_problem(text: str, shown: str, line: int | None, key: str, problems: list[Problem]) -> None:
    invisible = invisible_character(text)
    if invisible:
        problems.append(Problem(shown, line, key, f"contains the invisible character {invisible}",
                                "delete it (retype the text if it was pasted)"))


def load_settings(content_dir: Path, base_url: str | None = None) -> tuple[Settings | None, list[Problem]]:
    path = content_dir / SETTINGS_FILE
    shown = project_path(path, content_dir)
    data, lines, problems = read_yaml_file(path, shown)
    if problems:
        return None, problems

    def text(key: str, default: str | None = None) -> str:
        value = data.get(key, default)
        if not isinstance(value, str) or not value.strip():
            problems.append(Problem(shown, lines.get(key), key, "expected text" if key in data else "is missing"))
            return ""
        invisible_problem(value, shown, lines.get(key), key, problems)
        return " ".join(value.split())

    unknown_keys(data, SETTINGS, shown, lines, "", problems, "setting")
    url = base_url if base_url is not None else text("base_url")
    if url and not re.match(r"https?://[^/\s]+(/[^\s]*)?$", url):
        problems.append(Problem(shown if base_url is None else "--base-url", lines.get("base_url") if base_url is None else None,
                                "base_url", f"'{url}' is not an http(s) address",
                                "e.g. https://example.org/ or https://user.github.io/project/"))
    latest = data.get("latest_count", 6)
    if isinstance(latest, bool) or not isinstance(latest, int) or latest < 1:
        problems.append(Problem(shown, lines.get("latest_count"), "latest_count", "expected a whole number of 1 or more"))
        latest = 6
    page_size = data.get("page_size", 50)
    if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 1:
        problems.append(Problem(shown, lines.get("page_size"), "page_size", "expected a whole number of 1 or more",
                                "how many case studies a list page shows before continuing on the next"))
        page_size = 50
    settings = Settings(
        page_size=page_size,
        title=text("title"),
        description=text("description"),
        base_url=url.rstrip("/") + "/" if url else "/",
        language=text("language", "en-GB"),
        publisher=text("publisher", data.get("title", "")),
        latest_count=latest,
        words=_load_words(data.get("words"), shown, lines, problems),
        **_address_settings(data, lines, shown, problems),
    )
    return settings, problems


def _address_settings(data: dict[str, Any], lines: dict[str, int], shown: str,
                      problems: list[Problem]) -> dict[str, Any]:
    found: dict[str, Any] = {}

    def problem(key: str, message: str, hint: str | None = None) -> None:
        problems.append(Problem(shown, lines.get(key), key, message, hint))

    permalink = data.get("permalink", urls.DEFAULT_PERMALINK)
    wrong = ("expected text", f"e.g. {urls.DEFAULT_PERMALINK}") if not isinstance(permalink, str) \
        else urls.permalink_problem(permalink)
    if wrong is None and urls.permalink_root(permalink) in RESERVED_PATHS - {"case-studies"}:
        wrong = (f"'{urls.permalink_root(permalink)}/' holds other pages of the site",
                 f"choose another folder, e.g. {urls.DEFAULT_PERMALINK}")
    if wrong:
        problem("permalink", *wrong)
    else:
        found["permalink"] = permalink
    feed_size = data.get("feed_size", 50)
    if isinstance(feed_size, bool) or not isinstance(feed_size, int) or feed_size < 1:
        problem("feed_size", "expected a whole number of 1 or more", "how many of the newest case studies the feed carries")
    else:
        found["feed_size"] = feed_size
    contact = data.get("contact")
    if contact is not None:
        if not isinstance(contact, str) or not re.fullmatch(r"[^@\s/]+@[^@\s/]+\.[^@\s/]+|https?://\S+|/\S*", contact):
            problem("contact", f"'{contact}' is not an email address, a web address or a path on this site",
                    "e.g. team@example.org, https://github.com/owner/repo/issues or /contribute/")
        else:
            found["contact"] = contact
    empty = data.get("empty_term_pages", False)
    if not isinstance(empty, bool):
        problem("empty_term_pages", "expected true or false", "true gives terms without case studies pages too")
    else:
        found["empty_term_pages"] = empty
    embeds = data.get("embeds", [])
    hosts = embeds if isinstance(embeds, list) else [embeds]
    not_hosts = [host for host in hosts if not isinstance(host, str) or not HOST_NAME.fullmatch(host)]
    if not isinstance(embeds, list) or not_hosts:
        problem("embeds", "expected a list of host names" if not not_hosts else
                f"'{not_hosts[0]}' is not a host name", "e.g. `embeds: [www.youtube-nocookie.com, player.vimeo.com]` "
                "(the host alone: no https://, no path)")
    else:
        found["embeds"] = tuple(dict.fromkeys(host.lower() for host in hosts))
    return found


def _load_words(raw: Any, shown: str, lines: dict[str, int], problems: list[Problem]) -> Words:
    if raw is None:
        return Words()
    if not isinstance(raw, dict):
        problems.append(Problem(shown, lines.get("words"), "words", "expected a set of words, one per line",
                                "e.g. `case_study: report` under `words:`"))
        return Words()
    table = tuple(Key(f.name, "text", repr(f.default), f.metadata["help"]) for f in fields(Words))
    unknown_keys(raw, table, shown, lines, "words.", problems, "word")
    given = {}
    for name, value in raw.items():
        key = f"words.{name}"
        if name not in Words.__dataclass_fields__:
            continue
        if not isinstance(value, str):
            problems.append(Problem(shown, lines.get(key), key, "expected text"))
            continue
        invisible_problem(value, shown, lines.get(key), key, problems)
        given[name] = " ".join(value.split())
    return Words(**given)


def load_fields(content_dir: Path) -> tuple[tuple[Field, ...], list[Problem]]:
    """The site's front-matter field table: the built-in fields as site.yaml's `fields:`
    changes them, then the fields the site declares, in its order. A site.yaml that
    cannot be read gives the built-in fields: `load_settings` reports why."""
    path = content_dir / SETTINGS_FILE
    shown = project_path(path, content_dir)
    data, lines, problems = read_yaml_file(path, shown)
    raw = data.get("fields")
    if problems or raw is None:
        return FIELDS, []
    if not isinstance(raw, dict):
        return FIELDS, [Problem(shown, lines.get("fields"), "fields", "expected a set of fields, each with its "
                                                                      "settings", "e.g. `summary: {limit: 200}`")]
    table = {field.name: field for field in FIELDS}
    for name, spec in raw.items():
        prefix = f"fields.{name}"
        where = lines.get(prefix)
        if not isinstance(name, str) or not SLUG_PATTERN.fullmatch(name.replace("_", "-")):
            problems.append(Problem(shown, where, prefix, f"'{name}' cannot be a field name",
                                    "use lowercase words joined by underscores, e.g. `budget` or `start_date`"))
            continue
        if not isinstance(spec, dict):
            problems.append(Problem(shown, where, prefix, "expected the field's settings, e.g. `{required: false}`"))
            continue
        unknown_keys(spec, FIELD_KEYS, shown, lines, prefix + ".", problems, "field setting")
        field = _field(name, spec, table.get(name), shown, lines, problems)
        if field is not None:
            table[name] = field
    return tuple(table.values()), problems


def _field(name: str, spec: dict, builtin: Field | None, shown: str, lines: dict[str, int],
           problems: list[Problem]) -> Field | None:
    prefix = f"fields.{name}."

    def problem(key: str, message: str, hint: str | None = None) -> None:
        problems.append(Problem(shown, lines.get(prefix + key, lines.get(prefix[:-1])), prefix + key, message, hint))

    kind: Any = spec.get("kind", builtin.kind if builtin else None)  # as written in YAML
    if builtin is None and kind not in DECLARED_KINDS:
        problem("kind", "is missing" if kind is None else f"'{kind}' is not a kind of field",
                f"one of: {', '.join(DECLARED_KINDS)}")
        return None
    if builtin is not None and "kind" in spec and kind != builtin.kind:
        problem("kind", f"'{name}' is a built-in field; its kind cannot be changed",
                "declare a field with another name for other values")
        return None
    values: dict[str, Any] = {}
    for key in ("label", "help", "example"):
        if key in spec:
            value = spec[key]
            if not isinstance(value, str) or not value.strip():
                problem(key, "expected text")
                continue
            invisible_problem(value, shown, lines.get(prefix + key), prefix + key, problems)
            values[key] = " ".join(value.split())
    for key in ("required", "facts"):
        if key in spec:
            if not isinstance(spec[key], bool):
                problem(key, "expected true or false")
            else:
                values[key] = spec[key]
    if values.get("required") is False and name in ESSENTIAL:
        problem("required", f"'{name}' is always required", "every case study needs a title and a date")
        values.pop("required")
    if values.get("facts") and builtin is not None:
        problem("facts", f"'{name}' is a built-in field: the page shows it in its own place")
        values.pop("facts")
    if "limit" in spec:
        limit = spec["limit"]
        if kind != "text":
            problem("limit", "only a text field can have a limit")
        elif isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            problem("limit", "expected a whole number of 1 or more")
        else:
            values["limit"] = limit
    if builtin is not None:
        return replace(builtin, **values)
    return Field(name=name, kind=kind, required=values.get("required", False),
                 help=values.get("help", f"{DECLARED_KINDS[kind][:1].upper()}{DECLARED_KINDS[kind][1:]}."),
                 example=values.get("example", _EXAMPLES[kind]), label=values.get("label", name.replace("_", " ").capitalize()),
                 limit=values.get("limit"), facts=values.get("facts", False), declared=True)


_EXAMPLES = {"text": "Some text", "date": "2024-01-31", "url": "https://example.org/",
             "number": "12", "list": "[first, second]"}


def load_schema(content_dir: Path) -> tuple[Schema, list[Problem]]:
    """The front-matter schema: the site's fields and its vocabularies."""
    field_table, problems = load_fields(content_dir)
    taxonomies, found = load_taxonomies(content_dir, tuple(field.name for field in field_table))
    return Schema(field_table, taxonomies), problems + found


def load_taxonomies(content_dir: Path, field_names: tuple[str, ...] = tuple(FIELDS_BY_NAME),
                    ) -> tuple[tuple[Taxonomy, ...], list[Problem]]:
    """The vocabularies; `field_names` are the front-matter fields none of them may use."""
    path = content_dir / TAXONOMIES_FILE
    shown = project_path(path, content_dir)
    data, lines, problems = read_yaml_file(path, shown)
    taxonomies: list[Taxonomy] = []
    fields_seen: set[str] = set()
    for taxonomy_id, spec in data.items():
        where = lines.get(str(taxonomy_id))

        def problem(field: str, message: str, hint: str | None = None, key: str | None = None,
                    where: int | None = where) -> None:
            problems.append(Problem(shown, lines.get(key, where) if key else where, field, message, hint))

        if not isinstance(taxonomy_id, str) or not SLUG_PATTERN.fullmatch(taxonomy_id):
            problem(str(taxonomy_id), "a taxonomy id must be lowercase words joined by hyphens")
            continue
        if taxonomy_id in RESERVED_PATHS:
            problem(taxonomy_id, f"'{taxonomy_id}' is used by another page of the site", "choose another id")
            continue
        if not isinstance(spec, dict):
            problem(taxonomy_id, "expected name, field, terms and the other settings of a taxonomy")
            continue
        prefix = taxonomy_id + "."
        unknown_keys(spec, TAXONOMY_KEYS, shown, lines, prefix, problems, "taxonomy setting")
        field = spec.get("field")
        if not isinstance(field, str) or not field:
            problem(taxonomy_id + ".field", "is missing: which front-matter key holds this taxonomy's ids?")
            continue
        if field in field_names or field in fields_seen:
            problem(taxonomy_id + ".field", f"'{field}' is already used by another field", key=prefix + "field")
            continue
        fields_seen.add(field)
        terms = _load_terms(spec.get("terms"), prefix + "terms", lines, shown, problems)
        strings: dict[str, Any] = {}
        for key in ("name", "singular", "description"):
            value = spec.get(key)
            if not isinstance(value, str) or not value.strip():
                problem(prefix + key, "is missing" if value is None else "expected text", key=prefix + key)
            strings[key] = " ".join(str(value or "").split())
            invisible_problem(strings[key], shown, lines.get(prefix + key, where), prefix + key, problems)
        multiple = spec.get("multiple", True)
        required = spec.get("required", True)
        min_terms = spec.get("min_terms", 1 if required else 0)
        if not isinstance(multiple, bool) or not isinstance(required, bool):
            problem(prefix + "multiple", "multiple and required must be true or false")
        if isinstance(min_terms, bool) or not isinstance(min_terms, int) or min_terms < 0:
            problem(prefix + "min_terms", "expected a whole number of 0 or more", key=prefix + "min_terms")
            min_terms = 0
        if not terms:
            problem(prefix + "terms", "a taxonomy needs at least one term")
            continue
        taxonomies.append(Taxonomy(id=taxonomy_id, field=field, multiple=bool(multiple), required=bool(required),
                                   min_terms=min_terms, terms=terms, **strings,
                                   **_roles(spec, prefix, lines, shown, problems)))
    problems += _role_clashes(taxonomies, lines, shown)
    return tuple(taxonomies), problems


def _roles(spec: dict, prefix: str, lines: dict[str, int], shown: str, problems: list[Problem]) -> dict[str, Any]:
    """The parts of the site a vocabulary drives, from its role keys."""
    roles: dict[str, Any] = {}
    for key in ("navigation", "card_tags", "places"):
        value = spec.get(key, False)
        if not isinstance(value, bool):
            problems.append(Problem(shown, lines.get(prefix + key), prefix + key, "expected true or false"))
            value = False
        roles[key] = value
    matrix = spec.get("matrix")
    if matrix not in (None, "rows", "columns"):
        problems.append(Problem(shown, lines.get(prefix + "matrix"), prefix + "matrix",
                                f"expected rows or columns, got '{matrix}'",
                                "one vocabulary gives the matrix's rows and another its columns"))
        matrix = None
    related = spec.get("related")
    if related is not None and (isinstance(related, bool) or not isinstance(related, int) or related < 1):
        problems.append(Problem(shown, lines.get(prefix + "related"), prefix + "related",
                                "expected a whole number of 1 or more",
                                "1 for the vocabulary that ranks related case studies first, 2 for the next"))
        related = None
    return {**roles, "matrix": matrix, "related": related}


def _role_clashes(taxonomies: list[Taxonomy], lines: dict[str, int], shown: str) -> list[Problem]:
    """A role that only one vocabulary can play, claimed by several (or half a matrix)."""
    problems = []
    claims = {
        "matrix": [(t, "rows") for t in taxonomies if t.matrix == "rows"]
        + [(t, "columns") for t in taxonomies if t.matrix == "columns"],
        "places": [(t, "true") for t in taxonomies if t.places],
        "related": [(t, str(t.related)) for t in taxonomies if t.related],
    }
    for role, claimed in claims.items():
        values = [value for _, value in claimed]
        for taxonomy, value in claimed:
            if values.count(value) > 1:
                others = ", ".join(t.id for t, v in claimed if v == value and t is not taxonomy)
                problems.append(Problem(shown, lines.get(f"{taxonomy.id}.{role}"), f"{taxonomy.id}.{role}",
                                        f"{role}: {value} is also set on {others}", "give each value to one vocabulary"))
    sides = {t.matrix for t in taxonomies if t.matrix}
    if len(sides) == 1:
        taxonomy = next(t for t in taxonomies if t.matrix)
        missing = "columns" if taxonomy.matrix == "rows" else "rows"
        problems.append(Problem(shown, lines.get(f"{taxonomy.id}.matrix"), f"{taxonomy.id}.matrix",
                                f"the matrix has {taxonomy.matrix} but no {missing}",
                                f"set `matrix: {missing}` on another vocabulary, or remove this line for no matrix"))
    return problems


def _load_terms(raw: Any, key: str, lines: dict[str, int], shown: str, problems: list[Problem]) -> tuple[Term, ...]:
    if not isinstance(raw, list):
        problems.append(Problem(shown, lines.get(key), key, "expected a list of terms"))
        return ()
    terms: list[Term] = []
    for index, item in enumerate(raw):
        item_key = f"{key}[{index}]"
        line = lines.get(item_key)
        if not isinstance(item, dict):
            problems.append(Problem(shown, line, item_key, "expected id, name and description"))
            continue
        term_id = item.get("id")
        if not isinstance(term_id, str) or not SLUG_PATTERN.fullmatch(term_id):
            problems.append(Problem(shown, line, item_key + ".id", f"'{term_id}' is not a valid id",
                                    "use lowercase letters and digits joined by hyphens"))
            continue
        if any(term.id == term_id for term in terms):
            problems.append(Problem(shown, line, item_key + ".id", f"'{term_id}' is declared twice"))
            continue
        values = {}
        for name in ("name", "description", "url", "publisher"):
            value = item.get(name)
            if value is None and name in ("url", "publisher"):
                continue
            if not isinstance(value, str) or not value.strip():
                problems.append(Problem(shown, lines.get(f"{item_key}.{name}", line), f"{item_key}.{name}",
                                        "is missing" if value is None else "expected text"))
                value = ""
            values[name] = " ".join(value.split())
            invisible_problem(values[name], shown, lines.get(f"{item_key}.{name}", line), f"{item_key}.{name}",
                              problems)
        if values.get("url") and not re.match(r"https?://", values["url"]):
            problems.append(Problem(shown, lines.get(f"{item_key}.url", line), f"{item_key}.url",
                                    "expected an http(s) address"))
        terms.append(Term(id=term_id, **values))
    return tuple(terms)
