"""The case studies as open data: /data/case-studies.json and /data/case-studies.csv.

One record per case study with every front-matter field (the site's own fields
after the built-in ones) and absolute URLs. In the CSV, lists are joined with "; ",
sources are a JSON array, and a cell that a spreadsheet would run as a formula is
made inert with a leading apostrophe.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

from . import urls
from .models import CaseStudy, Site

JSON_PATH = "data/case-studies.json"
CSV_PATH = "data/case-studies.csv"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def records(site: Site, links: urls.Urls) -> list[dict[str, Any]]:
    return [record(study, site, links) for study in site.case_studies]


def record(study: CaseStudy, site: Site, links: urls.Urls) -> dict[str, Any]:
    image = study.image
    if image and not image.startswith("https://"):
        image = links.absolute(urls.STATIC + image.lstrip("/"))
    fields: dict[str, Any] = {
        "slug": study.slug,
        "url": links.absolute(links.case_study(study)),
        "title": study.title,
        "place": study.place,
        "authority": study.authority,
        "summary": study.summary,
        "published": study.published.isoformat(),
        "updated": study.updated.isoformat() if study.updated else None,
    }
    for taxonomy in site.taxonomies:
        ids = list(study.terms.get(taxonomy.id, ()))
        fields[taxonomy.field] = ids if taxonomy.multiple else (ids[0] if ids else None)
    fields.update({
        "sources": [{"title": source.title, "url": source.url} for source in study.sources],
        "image": image,
        "image_alt": study.image_alt,
        "contact": study.contact,
    })
    for field in site.declared_fields:
        fields[field.name] = _plain(study.extra.get(field.name))
    fields["draft"] = study.draft
    return fields


def _plain(value: Any) -> Any:
    """A declared field's value as JSON holds it: a date as 2022-12-14, a list as a list."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def as_json(site: Site, links: urls.Urls, rows: list[dict[str, Any]] | None = None) -> bytes:
    """One case study per line: a reader can scan the file and a diff shows which changed.
    (It is also many times quicker to write than indented JSON, which Python's JSON
    encoder writes in Python rather than in C.)"""
    rows = records(site, links) if rows is None else rows
    head = json.dumps({"title": site.settings.title, "url": links.absolute(urls.HOME)}, ensure_ascii=False)
    lines = ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows)
    return f'{head[:-1]},\n"case_studies": [\n{lines}\n]}}\n'.encode()


def as_csv(site: Site, links: urls.Urls, rows: list[dict[str, Any]] | None = None) -> bytes:
    rows = records(site, links) if rows is None else rows
    buffer = io.StringIO(newline="")
    columns = list(rows[0]) if rows else ["slug", "url", "title"]
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: csv_cell(value, key) for key, value in row.items()})
    return buffer.getvalue().encode("utf-8")


def csv_cell(value: Any, key: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif key == "sources":
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, list):
        text = "; ".join(value)
    else:
        text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
