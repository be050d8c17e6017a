"""Generate a synthetic levelup project for benchmarking.

    python benchmarks/generate.py N DIR [--seed S] [--theme] [--pelican] [--hugo]

writes DIR/content/ with copies of the repository's site.yaml, taxonomies.yaml and
pages/about.md, and N case studies DIR/content/case-studies/case-NNNNN.md of about
5 KB each. Their front matter is valid and uses the real vocabulary ids from
taxonomies.yaml; their bodies are pseudo-random Markdown (headings, paragraphs, a
bullet list, sometimes a table or a link).

The output depends only on N and the seed. Each case study is drawn from its own
random stream, so the first 100 files of a 1,000-file corpus are the 100 files of a
100-file corpus with the same seed.

By default templates/ and static/ are not copied: levelup then falls back to the
repository's own. --theme copies them into DIR (the benchmark's template-change
scenario edits DIR/templates/base.html). --pelican also writes DIR/pelican/, the
same corpus as a Pelican project; --hugo writes DIR/hugo/, the same corpus as a Hugo
project (hugo_twin.py; it needs `hugo` installed, to choose the settings its
version understands).

DIR must be empty, missing, or a folder this script generated before (it holds a
.levelup-benchmark marker); such a folder is replaced entirely.

Standard library only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import hugo_twin

REPO = Path(__file__).resolve().parents[1]
MARKER = ".levelup-benchmark"
BODY_TARGET = 5000  # characters of Markdown per case study
FIRST_YEAR, LAST_YEAR = 2012, 2024

WORDS = ["access", "action", "adult", "advice", "agency", "air", "allotment", "ambition", "area", "asset", "authority", "balance", "benefit", "borough", "bridge", "budget", "bus", "business", "care", "carbon", "centre", "challenge", "change", "child", "city", "climate", "coast", "college", "commission", "community", "connect", "council", "county", "culture", "cycle", "data", "deliver", "demand", "design", "development", "district", "economy", "education", "energy", "engage", "environment", "equality", "estate", "evidence", "evaluate", "facility", "family", "flood", "forest", "fund", "garden", "grant", "green", "growth", "guidance", "harbour", "health", "heritage", "home", "household", "housing", "impact", "improve", "income", "infrastructure", "innovation", "investment", "journey", "land", "landscape", "learning", "leisure", "library", "local", "market", "measure", "network", "neighbourhood", "nature", "office", "officer", "open", "outcome", "park", "partner", "partnership", "pathway", "people", "place", "plan", "planning", "policy", "practice", "programme", "project", "provider", "public", "quality", "rail", "recovery", "region", "resident", "resilience", "retrofit", "review", "river", "road", "route", "rural", "school", "service", "skill", "social", "space", "sport", "strategy", "street", "support", "sustainable", "team", "town", "training", "transport", "travel", "trust", "urban", "village", "vision", "volunteer", "walk", "ward", "water", "wellbeing", "woodland", "work", "worker", "young", "youth", "zone"]

PLACE_STARTS = ["Ash", "Bar", "Brook", "Castle", "Dale", "East", "Elm", "Fair", "Glen", "Hart", "High", "Kings", "Lang", "Marsh", "Mill", "North", "Oak", "Red", "Stone", "West"]
PLACE_ENDS = ["bridge", "bury", "by", "caster", "field", "ford", "ham", "ley", "mouth", "ton", "wick", "worth"]
AUTHORITY_KINDS = ("Borough Council", "City Council", "County Council", "District Council",
                   "Combined Authority")


@dataclass(frozen=True)
class Taxonomy:
    """What the generator needs from one vocabulary in taxonomies.yaml."""

    key: str
    field: str
    multiple: bool
    required: bool
    min_terms: int
    terms: tuple[tuple[str, str], ...]  # (id, name)


@dataclass(frozen=True)
class CaseStudy:
    """One generated case study: its front-matter values and Markdown body."""

    slug: str
    title: str
    place: str
    authority: str
    summary: str
    published: dt.date
    values: dict[str, str | list[str]]  # taxonomy field -> id or ids
    source_url: str
    body: str


def read_taxonomies(path: Path) -> list[Taxonomy]:
    """Read the vocabularies from taxonomies.yaml without a YAML library.

    The file's layout is fixed (README.md, "Vocabularies"): top-level keys at column 0,
    settings indented two spaces, terms as `- id:` items followed by `name:`.
    """
    found: list[Taxonomy] = []
    current: dict | None = None

    def finish() -> None:
        if current is not None:
            found.append(Taxonomy(current["key"], current.get("field", current["key"]),
                                  current.get("multiple", False), current.get("required", False),
                                  current.get("min_terms", 0), tuple(current["terms"])))

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        top = re.fullmatch(r"([A-Za-z_][\w-]*):\s*", line)
        if top:
            finish()
            current = {"key": top.group(1), "terms": []}
            continue
        if current is None:
            continue
        setting = re.fullmatch(r"  (field|multiple|required|min_terms):\s*(\S+)\s*", line)
        if setting:
            name, value = setting.groups()
            current[name] = (value == "true" if name in ("multiple", "required")
                             else int(value) if name == "min_terms" else value)
            continue
        term = re.fullmatch(r"\s+- id:\s*(\S+)\s*", line)
        if term:
            current["terms"].append([term.group(1), term.group(1)])
            continue
        name = re.fullmatch(r"\s{6,}name:\s*(.+?)\s*", line)
        if name and current["terms"]:
            current["terms"][-1][1] = name.group(1).strip("\"'")
    finish()
    result = [t for t in found if t.terms]
    fields = {t.field for t in result}
    missing = {"themes", "outcomes", "region", "publication"} - fields
    if missing:
        raise SystemExit(f"{path}: could not read the vocabularies for {', '.join(sorted(missing))}")
    return [Taxonomy(t.key, t.field, t.multiple, t.required, t.min_terms,
                     tuple(tuple(term) for term in t.terms)) for t in result]


def sentence(rng: random.Random, low: int = 8, high: int = 20) -> str:
    words = rng.choices(WORDS, k=rng.randint(low, high))
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, link: bool = False) -> str:
    sentences = [sentence(rng) for _ in range(rng.randint(3, 6))]
    if link:
        word = rng.choice(WORDS)
        sentences.insert(rng.randrange(len(sentences) + 1),
                         f"See [the {word} guidance](https://example.org/{word}/) for more.")
    return " ".join(sentences)


def bullet_list(rng: random.Random) -> str:
    return "\n".join(f"- {sentence(rng, 3, 9)}" for _ in range(rng.randint(3, 6)))


def table(rng: random.Random) -> str:
    columns = rng.sample(WORDS, 3)
    rows = ["| " + " | ".join(c.capitalize() for c in columns) + " |", "|---|---|--:|"]
    for _ in range(rng.randint(3, 6)):
        rows.append(f"| {rng.choice(WORDS)} | {rng.choice(WORDS)} {rng.choice(WORDS)} | {rng.randint(1, 999)} |")
    return "\n".join(rows)


def markdown_body(rng: random.Random) -> str:
    """About BODY_TARGET characters: ## sections of paragraphs, one bullet list,
    a table in about one file in four and a link in about one in three."""
    want_table = rng.random() < 0.25
    want_link = rng.random() < 0.33
    blocks: list[str] = []
    size = 0
    section = 0
    while size < BODY_TARGET:
        section += 1
        blocks.append(f"## {' '.join(rng.sample(WORDS, rng.randint(2, 4))).capitalize()}")
        for _ in range(rng.randint(1, 3)):
            blocks.append(paragraph(rng, link=want_link and section == 2))
        if section == 2:
            blocks.append(bullet_list(rng))
        if section == 3 and want_table:
            blocks.append(table(rng))
        size = sum(len(b) + 2 for b in blocks)
    return "\n\n".join(blocks) + "\n"


def pick_terms(rng: random.Random, taxonomy: Taxonomy) -> str | list[str] | None:
    ids = [term_id for term_id, _ in taxonomy.terms]
    if not taxonomy.multiple:
        return rng.choice(ids)
    if taxonomy.field == "themes":
        low, high = max(1, taxonomy.min_terms), 3
    elif taxonomy.field == "outcomes":
        low, high = taxonomy.min_terms, 3
    else:
        low, high = taxonomy.min_terms if taxonomy.required else 0, 2
    count = rng.randint(low, min(high, len(ids)))
    if count == 0 and not taxonomy.required:
        return None
    return sorted(rng.sample(ids, count), key=ids.index)


def case_study(number: int, seed: int, taxonomies: list[Taxonomy]) -> CaseStudy:
    """Case study `number` (1-based) for `seed`, from its own random stream."""
    rng = random.Random(f"levelup-benchmark:{seed}:{number}")
    place = rng.choice(PLACE_STARTS) + rng.choice(PLACE_ENDS)
    authority = f"{place} {rng.choice(AUTHORITY_KINDS)}"
    topic = " ".join(rng.sample(WORDS, 3))
    values = {}
    for taxonomy in taxonomies:
        chosen = pick_terms(rng, taxonomy)
        if chosen is not None:
            values[taxonomy.field] = chosen
    start = dt.date(FIRST_YEAR, 1, 1).toordinal()
    published = dt.date.fromordinal(rng.randint(start, dt.date(LAST_YEAR, 12, 31).toordinal()))
    slug = f"case-{number:05d}"
    return CaseStudy(
        slug=slug,
        title=f"{topic.capitalize()} in {place} (case {number})",
        place=place,
        authority=authority,
        summary=f"How {authority} worked on {topic}. {sentence(rng, 6, 14)}",
        published=published,
        values=values,
        source_url=f"https://example.org/case-studies/{slug}",
        body=markdown_body(rng),
    )


def yaml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def levelup_markdown(study: CaseStudy, taxonomies: list[Taxonomy]) -> str:
    lines = ["---", f"title: {yaml_string(study.title)}", f"place: {yaml_string(study.place)}",
             f"authority: {yaml_string(study.authority)}"]
    for taxonomy in taxonomies:
        value = study.values.get(taxonomy.field)
        if value is None:
            continue
        lines.append(f"{taxonomy.field}: [{', '.join(value)}]" if isinstance(value, list)
                     else f"{taxonomy.field}: {value}")
    lines += [f"summary: {yaml_string(study.summary)}", f"published: {study.published.isoformat()}",
              "sources:", f"  - title: {yaml_string('Source for ' + study.title)}",
              f"    url: {study.source_url}", "---", "", study.body]
    return "\n".join(lines)


def pelican_markdown(study: CaseStudy, taxonomies: list[Taxonomy]) -> str:
    """The same case study with Pelican metadata: the region as the category, the
    theme and outcome names as tags."""
    names = {(t.field, term_id): name for t in taxonomies for term_id, name in t.terms}
    tags = [names["themes", i] for i in study.values.get("themes", [])]
    tags += [names["outcomes", i] for i in study.values.get("outcomes", [])]
    return "\n".join([
        f"Title: {study.title}",
        f"Date: {study.published.isoformat()}",
        f"Category: {names['region', study.values['region']]}",
        f"Tags: {', '.join(tags)}",
        f"Slug: {study.slug}",
        f"Summary: {study.summary}",
        "",
        study.body,
    ])


PELICAN_CONF = '''"""Pelican settings for the levelup benchmark corpus (generated)."""

SITENAME = "Levelling Up in Place"
SITEURL = "https://levelup.example.org"
RELATIVE_URLS = False
PATH = "content"
TIMEZONE = "Europe/London"
DEFAULT_LANG = "en"
# Feeds: Pelican's defaults (all articles, per category), nothing more.
# Theme: the default (notmyidea). Pagination: the default (off).

CACHE_CONTENT = True
CONTENT_CACHING_LAYER = "reader"
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
'''


def front_matter_value(text: str, key: str) -> str:
    match = re.search(rf"^{key}:\s*(.+)$", text, re.MULTILINE)
    return match.group(1).strip() if match else ""


def prepare(directory: Path) -> None:
    """Make `directory` an empty folder, refusing to clear one we did not generate."""
    if directory.exists():
        if not directory.is_dir():
            raise SystemExit(f"{directory} exists and is not a folder")
        if any(directory.iterdir()):
            if not (directory / MARKER).is_file():
                raise SystemExit(f"{directory} is not empty and was not made by generate.py; "
                                 f"choose another folder")
            shutil.rmtree(directory)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / MARKER).write_text("Generated by benchmarks/generate.py; safe to delete.\n")


def start_hugo_twin(directory: Path, taxonomies: list[Taxonomy], version: tuple[int, int]) -> None:
    source = REPO / "content"
    site = (source / "site.yaml").read_text(encoding="utf-8")
    _, front, body = (source / "pages" / "about.md").read_text(encoding="utf-8").split("---\n", 2)
    hugo_twin.start_project(
        directory, title=front_matter_value(site, "title"), language=front_matter_value(site, "language"),
        about_title=front_matter_value(front, "title").strip("\"'"), about_body=body.lstrip(),
        vocabularies=[(t.field, list(t.terms)) for t in taxonomies], static=REPO / "static", version=version)


def generate(n: int, directory: Path | str, seed: int = 0, theme: bool = False,
             pelican: bool = False, hugo: tuple[int, int] | None = None) -> dict:
    """Write the project; return a summary (file count, bytes, where things are).

    `hugo` is the installed Hugo's (major, minor) version, to write DIR/hugo/ for it."""
    directory = Path(directory)
    source = REPO / "content"
    taxonomies = read_taxonomies(source / "taxonomies.yaml")
    prepare(directory)
    content = directory / "content"
    (content / "case-studies").mkdir(parents=True)
    (content / "pages").mkdir()
    for name in ("site.yaml", "taxonomies.yaml", "pages/about.md"):
        shutil.copyfile(source / name, content / name)
    if theme:
        shutil.copytree(REPO / "templates", directory / "templates")
        shutil.copytree(REPO / "static", directory / "static")
    if pelican:
        pelican_dir = directory / "pelican"
        (pelican_dir / "content" / "pages").mkdir(parents=True)
        (pelican_dir / "pelicanconf.py").write_text(PELICAN_CONF, encoding="utf-8")
        about = (source / "pages" / "about.md").read_text(encoding="utf-8")
        _, front, body = about.split("---\n", 2)
        (pelican_dir / "content" / "pages" / "about.md").write_text(
            f"Title: {front_matter_value(front, 'title')}\nSlug: about\n"
            f"Summary: {front_matter_value(front, 'summary')}\n\n{body.lstrip()}", encoding="utf-8")
    if hugo:
        start_hugo_twin(directory / "hugo", taxonomies, hugo)
    total = 0
    for number in range(1, n + 1):
        study = case_study(number, seed, taxonomies)
        text = levelup_markdown(study, taxonomies)
        (content / "case-studies" / f"{study.slug}.md").write_text(text, encoding="utf-8")
        total += len(text.encode("utf-8"))
        if hugo:
            hugo_twin.case_study_path(directory / "hugo", study.slug).write_text(text, encoding="utf-8")
        if pelican:
            (directory / "pelican" / "content" / f"{study.slug}.md").write_text(
                pelican_markdown(study, taxonomies), encoding="utf-8")
    return {"n": n, "seed": seed, "directory": str(directory), "content": str(content),
            "case_study_bytes": total, "theme": theme, "pelican": pelican, "hugo": bool(hugo)}


def case_study_path(directory: Path | str, number: int) -> Path:
    return Path(directory) / "content" / "case-studies" / f"case-{number:05d}.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, metavar="N", help="how many case studies to write")
    parser.add_argument("directory", type=Path, metavar="DIR", help="the project folder to write")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
    parser.add_argument("--theme", action="store_true",
                        help="also copy the repository's templates/ and static/ into DIR")
    parser.add_argument("--pelican", action="store_true",
                        help="also write DIR/pelican/, the same corpus as a Pelican project")
    parser.add_argument("--hugo", action="store_true",
                        help="also write DIR/hugo/, the same corpus as a Hugo project (needs hugo installed)")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    version = hugo_twin.hugo_version() if args.hugo else None
    if args.hugo and version is None:
        parser.error("--hugo needs Hugo installed (the `hugo` command was not found)")
    summary = generate(args.n, args.directory, args.seed, args.theme, args.pelican, version)
    print(f"Wrote {summary['n']} case studies ({summary['case_study_bytes'] / 1e6:.1f} MB) "
          f"to {summary['content']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
