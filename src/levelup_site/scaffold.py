"""`levelup new`: write a case-study file with every field present and explained."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

from .config import TAXONOMIES_FILE, load_schema
from .content import CASE_STUDY_DIR
from .errors import Problem, SiteError, display_path
from .schema import Schema, help_text, suggest

SLUG_MAX = 60
# The guidance `new` writes in place of the case study's text; a build warns while any
# of it is still there.
PLACEHOLDERS = (
    "What was done, for whom, and why.",
    "What worked, what was hard, and what others would need to do the same.",
)
APOSTROPHES = re.compile("['\u2019\u02bc]")
# How many of a vocabulary's ids the new file lists: all of a short one; of a long one
# (a thousand authors) the first few and where to find the rest, not a 1,100-line file.
LISTED_TERMS = 20


def slugify(title: str) -> str:
    """'Transforming the bus service in Milton Keynes' -> 'transforming-the-bus-service-in-milton-keynes';
    an apostrophe joins the letters either side of it ("Bristol's parks" -> 'bristols-parks')."""
    ascii_title = unicodedata.normalize("NFKD", APOSTROPHES.sub("", title)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    if len(slug) > SLUG_MAX:
        slug = slug[:SLUG_MAX].rsplit("-", 1)[0]
    return slug


def new_case_study(content_dir: Path, title: str, options: dict[str, str],
                   today: dt.date | None = None) -> Path:
    """Write content/case-studies/<slug>.md; refuse to overwrite; return its path.
    `options` fill in fields by name; a vocabulary's ids are separated by commas."""
    schema, problems = load_schema(content_dir)
    taxonomies = schema.taxonomies
    by_field = {taxonomy.field: taxonomy for taxonomy in taxonomies}
    names = [field.name for field in schema.fields if field.kind not in ("sources", "bool")] + list(by_field)
    values: dict[str, str | list[str]] = {}
    for name, given in options.items():
        taxonomy = by_field.get(name)
        if name not in names or name == "title":
            problems.append(Problem(f"--{name}", None, name, f"'--{name}' is not a field `new` can fill in",
                                    suggest(name, [n for n in names if n != "title"], "field")))
        elif taxonomy is None:
            values[name] = given
        else:
            ids = [part.strip() for part in given.split(",") if part.strip()]
            values[name] = ids if taxonomy.multiple else ",".join(ids)
    slug = slugify(title)
    if not slug:
        problems.append(Problem("title", None, "title", f"'{title}' has no letters or digits to make an address from",
                                "give the case study a title in words"))
    for taxonomy in taxonomies:
        chosen = values.get(taxonomy.field)
        for term_id in ([chosen] if isinstance(chosen, str) else chosen or []):
            if term_id not in taxonomy.term_ids:
                problems.append(Problem(f"--{taxonomy.field}", None, taxonomy.field,
                                        f"unknown {taxonomy.singular.lower()} '{term_id}'",
                                        suggest(term_id, taxonomy.term_ids, taxonomy.singular.lower())))
    if problems:
        raise SiteError(problems)
    path = content_dir / CASE_STUDY_DIR / f"{slug}.md"
    text = template(title, values, schema, today or dt.date.today())
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as file:  # "x": never overwrite
            file.write(text)
    except FileExistsError:
        raise SiteError([Problem(display_path(path), None, None, "already exists; nothing was changed",
                                 "edit that file, or choose a different title")]) from None
    return path


def template(title: str, values: dict, schema: Schema, today: dt.date) -> str:
    lines = [
        "---",
        "# A new case study. Fill in every field that is empty, keep the ones that are",
        "# optional only if you need them, and write the case study below the closing ---.",
        "# Check your work with `levelup check`; preview it with `levelup serve`.",
        "",
    ]
    preset = {"title": title, "published": today.isoformat(), **{k: v for k, v in values.items() if v}}
    for field in schema.fields:
        lines.append(f"# {help_text(field)}")
        if field.name == "sources" and field.required:
            lines += [
                "sources:",
                '  - title: ""  # e.g. the report or web page the facts come from',
                '    url: ""    # its full address, starting https://',
            ]
        elif field.name in preset:
            lines.append(f"{field.name}: {_yaml_scalar(preset[field.name])}")
        elif field.required:
            lines.append(f'{field.name}: ""')
        else:
            lines.append(f"# {field.name}: {field.example}")
        lines.append("")
    for taxonomy in schema.taxonomies:
        optional = "" if taxonomy.required else " (optional)"
        count = "one or more" if taxonomy.multiple else "exactly one"
        lines.append(f"# {taxonomy.name}{optional}: {count} of the ids below.")
        for term in taxonomy.terms[:LISTED_TERMS]:
            lines.append(f"#   {term.id}: {term.name}")
        if len(taxonomy.terms) > LISTED_TERMS:
            lines.append(f"#   ... and {len(taxonomy.terms) - LISTED_TERMS:,} more: every id is in "
                         f"content/{TAXONOMIES_FILE} (under {taxonomy.id}:)")
        given = values.get(taxonomy.field)
        if taxonomy.multiple:
            ids = given if isinstance(given, list) else ([given] if given else [])
            value = "[" + ", ".join(ids) + "]"
        else:
            value = given or '""'
        prefix = "" if taxonomy.required or given else "# "
        lines += [f"{prefix}{taxonomy.field}: {value}", ""]
    lines += [
        "---",
        "",
        "## About this case study",
        "",
        f"{PLACEHOLDERS[0]} Write in your own words from the sources,",
        "and include no figures, quotes or results that the sources do not give.",
        "",
        "## What others can learn",
        "",
        PLACEHOLDERS[1],
        "",
    ]
    return "\n".join(lines)


def _yaml_scalar(value) -> str:
    text = str(value)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
