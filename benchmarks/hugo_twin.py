"""The benchmark corpus as a Hugo project, so Hugo can build the same case studies.

`generate.py --hugo` calls `start_project` once and writes each case study to
`case_study_path`. The project DIR/hugo/ holds:

- hugo.toml: the site title and language, one Hugo taxonomy per vocabulary in
  taxonomies.yaml (its front-matter field as both singular and plural, so the term
  pages sit at /FIELD/TERM-ID/), lists paginated at PAGE_SIZE like levelup's, and
  outputs cut to what levelup writes: HTML pages, one feed (the home page's RSS)
  and the sitemap.
- content/case-studies/case-NNNNN.md: levelup's file unchanged. Hugo reads its YAML
  front matter as it is: title, summary, place, authority, sources, the term ids per
  vocabulary (Hugo reads a single id as one term), and `published`, which hugo.toml's
  [frontmatter] section makes the page date. content/FIELD/TERM-ID/_index.md gives
  each term its name; content/about.md is the About page.
- layouts/_default/: baseof; single (the case page: facts linking to term pages,
  the body, sources, and three related case studies, the newest others of its first
  theme); list and term (the same paginated list of cards, for the case-study
  section and for each term); taxonomy (a vocabulary's terms with counts);
  layouts/index.html (the latest five); partials for a card and the pager.
- static/: a copy of the repository's static/, as levelup copies it.

Related case studies come from the first theme's page list rather than Hugo's
`.Related`, whose cost grows with the number of pairs of pages (at 1,000 case
studies it took a cold build from 2.1 s to 5.6 s in one run here) while levelup
groups case studies by their themes and outcomes and stays linear; with `.Related`,
Hugo's cold build at 10,000 would be dominated by that one feature, and every ratio
to it flattered levelup.

No external theme. The pages are not levelup's byte for byte, and levelup writes some
the twin does not (see benchmarks/README.md, "The Hugo peer and the ratios").

Standard library only.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

PAGE_SIZE = 50  # levelup's default page_size
LATEST = 5  # levelup's latest_count in content/site.yaml
NEW_PAGINATION = (0, 128)  # Hugo versions from this one take [pagination] pagerSize


def hugo_version(hugo: str = "hugo") -> tuple[int, int] | None:
    """(major, minor) of the installed Hugo, or None if it is not installed."""
    try:
        text = subprocess.run([hugo, "version"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    match = re.search(r"v(\d+)\.(\d+)", text)
    return (int(match.group(1)), int(match.group(2))) if match else None


def toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def config(title: str, language: str, fields: list[str], version: tuple[int, int]) -> str:
    pagination = (f"[pagination]\n  pagerSize = {PAGE_SIZE}\n" if version >= NEW_PAGINATION
                  else f"paginate = {PAGE_SIZE}\n")
    taxonomies = "".join(f"  {field} = {toml_string(field)}\n" for field in fields)
    return (f'baseURL = "https://levelup.example.org/"\n'
            f"title = {toml_string(title)}\n"
            f"languageCode = {toml_string(language)}\n"
            f"{pagination}"
            f"disableKinds = [\"robotsTXT\"]\n\n"
            f"[frontmatter]\n  date = [\"published\", \":default\"]\n\n"
            f"[taxonomies]\n{taxonomies}\n"
            f"[outputs]\n  home = [\"HTML\", \"RSS\"]\n  section = [\"HTML\"]\n"
            f"  taxonomy = [\"HTML\"]\n  term = [\"HTML\"]\n  page = [\"HTML\"]\n")


# A paginated list of case studies: the case-study section, and each term's page.
CARD_LIST = """{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ $pager := .Paginate .Pages }}
<p class="count">{{ len .Pages }} case studies</p>
<ul class="card-list">{{ range $pager.Pages }}{{ partial "card.html" . }}{{ end }}</ul>
{{ partial "pager.html" $pager }}
{{ end }}
"""

LAYOUTS = {
    "_default/baseof.html": """<!DOCTYPE html>
<html lang="{{ site.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} – {{ end }}{{ site.Title }}</title>
<link rel="stylesheet" href="{{ "css/site.css" | relURL }}">
<link rel="alternate" type="application/rss+xml" href="{{ "index.xml" | absURL }}">
<link rel="canonical" href="{{ .Permalink }}">
</head>
<body>
<header><a href="{{ "" | relURL }}">{{ site.Title }}</a>
<nav aria-label="Main"><ul>
<li><a href="{{ "case-studies/" | relURL }}">Case studies</a></li>
{{ range $name, $_ := site.Taxonomies }}<li><a href="{{ printf "%s/" $name | relURL }}">{{ $name | humanize }}</a></li>
{{ end }}<li><a href="{{ "about/" | relURL }}">About</a></li>
</ul></nav></header>
<main id="main">
{{ block "main" . }}{{ end }}
</main>
<footer><p>{{ site.Title }}</p></footer>
</body>
</html>
""",
    "_default/single.html": """{{ define "main" }}
<article class="case-study">
<h1>{{ .Title }}</h1>
<p class="lead">{{ .Summary }}</p>
{{ if .Params.authority }}
<dl class="summary-list">
<div class="summary-list__row"><dt>Place</dt><dd>{{ .Params.place }} · {{ .Params.authority }}</dd></div>
{{ range $name, $_ := site.Taxonomies }}{{ with $.GetTerms $name }}
<div class="summary-list__row"><dt>{{ $name | humanize }}</dt><dd>{{ range $i, $t := . }}{{ if $i }}, {{ end }}<a href="{{ $t.RelPermalink }}">{{ $t.LinkTitle }}</a>{{ end }}</dd></div>
{{ end }}{{ end }}
<div class="summary-list__row"><dt>Published</dt><dd><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time></dd></div>
</dl>
{{ end }}
<div class="prose">
{{ .Content }}
</div>
{{ with .Params.sources }}
<h2>Sources</h2>
<ul class="sources">{{ range . }}<li><a href="{{ .url }}">{{ .title }}</a></li>{{ end }}</ul>
{{ end }}
</article>
{{ with .GetTerms "themes" }}{{ with first 3 (where (first 4 (index . 0).Pages) "RelPermalink" "ne" $.RelPermalink) }}
<aside class="related"><h2>Related case studies</h2>
<ul class="card-list">{{ range . }}{{ partial "card.html" . }}{{ end }}</ul>
</aside>
{{ end }}{{ end }}
{{ end }}
""",
    "_default/list.html": CARD_LIST,
    "_default/term.html": CARD_LIST,  # Hugo would pick taxonomy.html for a term page
    "_default/taxonomy.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul class="term-list">
{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>
{{ end }}</ul>
{{ end }}
""",
    "index.html": """{{ define "main" }}
<h1>{{ site.Title }}</h1>
<h2>Latest case studies</h2>
<ul class="card-list">{{ range first LATEST (where site.RegularPages "Section" "case-studies") }}{{ partial "card.html" . }}{{ end }}</ul>
<p><a href="{{ "case-studies/" | relURL }}">All {{ len (where site.RegularPages "Section" "case-studies") }} case studies</a></p>
{{ end }}
""".replace("LATEST", str(LATEST)),
    "partials/card.html": """<li class="card">
<h2 class="card__title"><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p class="card__meta">{{ .Params.place }} · {{ .Params.authority }} · <time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time></p>
<p class="card__summary">{{ .Summary }}</p>
<ul class="tags">{{ range .GetTerms "themes" }}<li><a class="tag" href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}{{ range .GetTerms "outcomes" }}<li><a class="tag" href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
</li>
""",
    "partials/pager.html": """{{ if gt .TotalPages 1 }}
<nav class="pagination" aria-label="Pages"><ul>
{{ if .HasPrev }}<li><a href="{{ .Prev.URL }}" rel="prev">Previous</a></li>{{ end }}
<li>Page {{ .PageNumber }} of {{ .TotalPages }}</li>
{{ if .HasNext }}<li><a href="{{ .Next.URL }}" rel="next">Next</a></li>{{ end }}
</ul></nav>
{{ end }}
""",
}


def start_project(directory: Path, title: str, language: str, about_title: str, about_body: str,
                  vocabularies: list[tuple[str, list[tuple[str, str]]]], static: Path,
                  version: tuple[int, int]) -> None:
    """Write DIR's configuration, layouts, term pages, About page and static files.

    `vocabularies` is (front-matter field, [(term id, term name), ...]) per vocabulary.
    """
    fields = [field for field, _ in vocabularies]
    directory.mkdir(parents=True)
    (directory / "hugo.toml").write_text(config(title, language, fields, version), encoding="utf-8")
    for name, text in LAYOUTS.items():
        path = directory / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    content = directory / "content"
    (content / "case-studies").mkdir(parents=True)
    (content / "case-studies" / "_index.md").write_text('+++\ntitle = "Case studies"\n+++\n', encoding="utf-8")
    for field, terms in vocabularies:
        for term_id, name in terms:
            term = content / field / term_id
            term.mkdir(parents=True)
            (term / "_index.md").write_text(f"+++\ntitle = {toml_string(name)}\n+++\n", encoding="utf-8")
    (content / "about.md").write_text(f"+++\ntitle = {toml_string(about_title)}\n+++\n\n{about_body}",
                                      encoding="utf-8")
    shutil.copytree(static, directory / "static")


def case_study_path(directory: Path, slug: str) -> Path:
    """Where case study SLUG lives: its text is levelup's file as it stands, since
    Hugo reads that front matter as it is (hugo.toml maps `published` to the date)."""
    return directory / "content" / "case-studies" / f"{slug}.md"
