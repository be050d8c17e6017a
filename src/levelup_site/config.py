"""Site settings (content/site.yaml) and vocabularies (content/taxonomies.yaml)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from . import urls
from .errors import Problem, project_path
from .frontmatter import FrontMatterError, load_yaml
from .models import Settings, Taxonomy, Term
from .schema import FIELDS_BY_NAME, SLUG_PATTERN, invisible_character

SETTINGS_FILE = "site.yaml"
TAXONOMIES_FILE = "taxonomies.yaml"
# Top-level paths of the site's own pages: no taxonomy or plain page may take them.
RESERVED_PATHS = {"case-studies", "places", "static", "search", "data", "feed.xml", "sitemap.xml", "robots.txt",
                  "404.html", "page"}


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

    known = {"title", "description", "base_url", "language", "publisher", "latest_count", "page_size",
             *ADDRESS_SETTINGS}
    for key in data:
        if key not in known:
            problems.append(Problem(shown, lines.get(str(key)), str(key), f"unknown setting '{key}'",
                                    f"known settings: {', '.join(sorted(known))}"))
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
        **_address_settings(data, lines, shown, problems),
    )
    return settings, problems


# Where pages live, what the feed carries and who to contact: see README "Site settings".
ADDRESS_SETTINGS = ("permalink", "feed_size", "contact", "empty_term_pages")


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
    return found


def load_taxonomies(content_dir: Path) -> tuple[tuple[Taxonomy, ...], list[Problem]]:
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
        field = spec.get("field")
        if not isinstance(field, str) or not field:
            problem(taxonomy_id + ".field", "is missing: which front-matter key holds this taxonomy's ids?")
            continue
        if field in FIELDS_BY_NAME or field in fields_seen:
            problem(taxonomy_id + ".field", f"'{field}' is already used by another field", key=prefix + "field")
            continue
        fields_seen.add(field)
        terms = _load_terms(spec.get("terms"), prefix + "terms", lines, shown, problems)
        strings = {}
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
                                   min_terms=min_terms, terms=terms, **strings))
    return tuple(taxonomies), problems


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
