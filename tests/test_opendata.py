"""Open data, structured data and search metadata, as other software reads them."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from levelup_site.pipeline import Project, build

BASE = "https://example.org/sub/"


@pytest.fixture
def site(site_folder):
    site_folder.add("buses", title="Better buses", themes=["transport", "parks"], outcomes=["economy"],
                    updated="2023-05-01", contact="transport@example.org")
    site_folder.add("formula", title="=HYPERLINK(\"https://evil.example\")", place="@Testford",
                    summary="-1+2 </script><script>alert(1)</script>", outcomes=[], region="london",
                    sources=[{"title": "A, \"quoted\"; report", "url": "https://example.org/a?b=1&c=2"}])
    build(Project.at(site_folder.content), site_folder.output, base_url=BASE)
    return site_folder


def expected(path) -> dict:
    """The front matter of a fixture case study, as the data files should give it back."""
    import yaml

    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


def test_json_gives_back_every_front_matter_field(site):
    data = json.loads((site.output / "data" / "case-studies.json").read_text(encoding="utf-8"))
    records = {record["slug"]: record for record in data["case_studies"]}
    assert set(records) == {"buses", "formula"}
    for slug, record in records.items():
        fields = expected(site.content / "case-studies" / f"{slug}.md")
        for key, value in fields.items():
            assert record[key] == value, key
        assert record["url"] == f"{BASE}case-studies/{slug}/"


def test_csv_round_trips_and_never_starts_a_formula(site):
    text = (site.output / "data" / "case-studies.csv").read_text(encoding="utf-8")
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(text, newline=""))}
    for slug, row in rows.items():
        fields = expected(site.content / "case-studies" / f"{slug}.md")
        for key, value in fields.items():
            cell = row[key]
            assert not cell.startswith(("=", "+", "-", "@")), (key, cell)
            cell = cell.removeprefix("'")  # the documented escape
            if key == "sources":
                assert json.loads(cell) == value
            elif isinstance(value, list):
                assert (cell.split("; ") if cell else []) == value, key
            else:
                assert cell == str(value), key


def test_json_ld_cannot_be_broken_out_of(site):
    page = (site.output / "case-studies" / "formula" / "index.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert data["description"] == "-1+2 </script><script>alert(1)</script>"
    assert data["@type"] == "Article" and data["url"] == f"{BASE}case-studies/formula/"
    assert page.count("<script") == 1  # the JSON-LD block; the summary's script stayed text


def test_case_pages_carry_social_and_canonical_metadata(site):
    page = (site.output / "case-studies" / "buses" / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{BASE}case-studies/buses/">' in page
    assert '<meta property="og:title" content="Better buses">' in page
    assert '<meta property="og:type" content="article">' in page
    assert '<meta name="twitter:card" content="summary">' in page


def test_case_pages_carry_search_filters(site):
    page = (site.output / "case-studies" / "buses" / "index.html").read_text(encoding="utf-8")
    assert "data-pagefind-body" in page
    for value in ("theme:transport", "theme:parks", "outcome:economy", "region:north-west"):
        assert f'data-pagefind-filter="{value}"' in page


def test_the_data_is_linked_from_the_site(site):
    home = (site.output / "index.html").read_text(encoding="utf-8")
    assert 'href="/sub/data/case-studies.json"' in home and 'href="/sub/data/case-studies.csv"' in home


@pytest.mark.search
def test_the_search_index_is_built_and_kept_when_pages_do_not_change(site):
    bundle = site.output / "pagefind"
    assert (bundle / "pagefind.js").is_file() and list((bundle / "fragment").iterdir())
    before = {p: p.stat().st_mtime_ns for p in bundle.rglob("*") if p.is_file()}
    result = build(Project.at(site.content), site.output, base_url=BASE)
    assert result.search_seconds is None
    assert {p: p.stat().st_mtime_ns for p in bundle.rglob("*") if p.is_file()} == before
