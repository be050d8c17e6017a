"""Property tests: whatever a contributor's file holds, reading it ends in a Document or a
located problem, and loading a site ends in a site or a SiteError; never another exception.
And the slug rule is exactly `[a-z0-9]+(-[a-z0-9]+)*`, every such slug giving its page."""

from __future__ import annotations

import shutil
import string
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import REPO, SETTINGS, TAXONOMIES, case_study, front_matter_file
from levelup_site.content import read_document
from levelup_site.errors import Problem, SiteError
from levelup_site.frontmatter import Document, FrontMatterError, split
from levelup_site.pipeline import Loaded, Project, build, load, settle
from levelup_site.schema import FIELDS, SLUG_PATTERN

BOUNDED = settings(max_examples=150, deadline=None, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SLUG_CHARS = string.ascii_lowercase + string.digits


# --- strategies ---------------------------------------------------------------------------------------

# Characters that mean something to YAML, Markdown or the front-matter fence, plus a few that
# are line breaks to YAML but not to str.count("\n").
SPECIAL = list(":-[]{}&*!|>'\"#%@`,?<=~\\/.\t\r\n ") + ["\ufeff", "\x85", "\u2028", "\x0b", "\x0c", "\x00"]
yamlish = st.text(alphabet=st.one_of(st.sampled_from(SPECIAL), st.sampled_from("abtx019"), st.characters()),
                  max_size=120)
fences = st.sampled_from(["---\n", "---", "--- \n", "----\n", "---\r\n", "\ufeff---\n", "\n---\n", "+++\n"])


@st.composite
def fenced(draw) -> str:
    """Text shaped like a case study: a fence, some YAML-ish lines, maybe a fence, a body."""
    lines = draw(st.lists(st.one_of(
        yamlish,
        st.builds(lambda k, v: f"{k}: {v}", st.sampled_from([f.name for f in FIELDS] + ["themes", "x", "<<"]),
                  yamlish),
        st.sampled_from(["- a", "  - b", "a: &x 1", "b: *x", "? [a]", ": 1", "!!python/name:os.system",
                         "c: !!binary aGk=", "d: 2023-02-30", "e: 0o17", "f: 1:2:3", "g: .inf", "...", "---"]),
    ), max_size=8))
    closing = draw(st.sampled_from(["---\n", "---", "", "...\n", "--- \n"]))
    return draw(fences) + "\n".join(lines) + "\n" + closing + draw(yamlish)


any_text = st.one_of(st.text(), yamlish, fenced())
any_bytes = st.one_of(
    st.binary(max_size=600),
    any_text.map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.tuples(fenced(), st.binary(max_size=40)).map(lambda pair: pair[0].encode("utf-8", "surrogatepass") + pair[1]),
    any_text.map(lambda text: text.encode("utf-16", "surrogatepass")),
)

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10 ** 40), 10 ** 40), st.floats(allow_nan=True),
    st.text(max_size=40), st.dates(), st.datetimes(), st.sampled_from(["", " ", "2023-02-30", "javascript:alert(1)"]),
)
# Mapping keys are text: an int key beside a text key in a source is the known TypeError,
# pinned by tests/hostile/yaml-source-mixed-keys.md, and would otherwise be all this finds.
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)), max_leaves=8)
term_ids = st.sampled_from(["transport", "parks", "housing", "economy", "health", "climate", "north-west",
                            "london", "Transport", "atlantis", ""])


def valid(name: str):
    """A value the schema accepts for the field, mostly."""
    fixed = case_study()
    choices = {
        "sources": st.lists(st.fixed_dictionaries(
            {"title": st.text(min_size=1, max_size=20), "url": st.sampled_from(
                ["https://example.org/report", "http://x.example/a?b=c", "https://a.b/<script>"])},
            optional={"extra": values}), max_size=3),
        "themes": st.lists(term_ids, max_size=3),
        "outcomes": st.lists(term_ids, max_size=3),
        "region": term_ids,
        "slug": st.sampled_from(["buses", "a-b", "Buses", "../x", "a--b", ""]),
        "updated": st.dates(), "published": st.dates(),
        "draft": st.booleans(),
        "image": st.sampled_from(["images/bus.jpg", "https://x.example/a.png", "../etc/passwd", "//evil/x.png",
                                  "javascript:alert(1)", "http://x.example/a.png"]),
    }
    if name in choices:
        return choices[name]
    return st.one_of(st.just(fixed.get(name, "Some text")), st.text(max_size=60))


FIELD_NAMES = [f.name for f in FIELDS] + ["themes", "outcomes", "region"]


@st.composite
def front_matter(draw) -> dict:
    data = {}
    for name in FIELD_NAMES:
        how = draw(st.sampled_from(["valid", "valid", "valid", "random", "absent"]))
        if how == "valid":
            data[name] = draw(valid(name))
        elif how == "random":
            data[name] = draw(values)
    data.update(draw(st.dictionaries(st.text(min_size=1, max_size=8), values, max_size=2)))
    return data


# --- (a) splitting and reading a file --------------------------------------------------------------------

@BOUNDED
@given(text=any_text)
def test_split_gives_a_document_or_a_front_matter_error(text):
    try:
        document = split(text)
    except FrontMatterError as error:
        assert error.message and (error.line is None or error.line >= 1)
    else:
        assert isinstance(document, Document) and isinstance(document.data, dict)
        assert isinstance(document.body, str)
        assert all(isinstance(line, int) and line >= 1 for line in document.lines.values())


@pytest.mark.parametrize("text", ["---\n\ud800\n---\n", "---\ntitle: a\udfffb\n---\nBody\n"])
def test_invalid_unicode_in_front_matter_is_a_located_problem(text):
    with pytest.raises(FrontMatterError) as raised:
        split(text)
    assert raised.value.line == 2 and "U+D" in raised.value.message


@pytest.fixture(scope="module")
def content_dir(tmp_path_factory) -> Path:
    content = tmp_path_factory.mktemp("project") / "content"
    (content / "case-studies").mkdir(parents=True)
    (content / "site.yaml").write_text(yaml.safe_dump(SETTINGS), encoding="utf-8")
    (content / "taxonomies.yaml").write_text(yaml.safe_dump(TAXONOMIES, sort_keys=False), encoding="utf-8")
    return content


def only_file(content: Path, data: bytes, stem: str = "study") -> Path:
    folder = content / "case-studies"
    for old in folder.iterdir():
        old.unlink()
    path = folder / f"{stem}.md"
    path.write_bytes(data)
    return path


@BOUNDED
@given(data=any_bytes)
def test_read_document_gives_a_document_or_a_problem(content_dir, data):
    path = only_file(content_dir, data)
    document, problem = read_document(path, content_dir)
    assert (document is None) != (problem is None)
    if problem is not None:
        assert isinstance(problem, Problem) and problem.message
        assert problem.line is None or problem.line >= 1
    else:
        assert isinstance(document, Document)


# --- (b) loading a whole site ------------------------------------------------------------------------------

def loads_or_site_error(content: Path) -> Loaded | SiteError:
    try:
        loaded = load(Project.at(content))
        settle(list(loaded.problems), strict=False)  # as build and check do
        return loaded
    except SiteError as error:
        assert error.problems and all(isinstance(p, Problem) and p.message for p in error.problems)
        return error
    except Exception as error:  # noqa: BLE001 - the property under test
        pytest.fail(f"load raised {type(error).__name__}: {str(error)[:300]}")


@BOUNDED
@given(data=any_bytes)
def test_a_file_of_any_bytes_loads_or_is_a_site_error(content_dir, data):
    only_file(content_dir, data)
    loads_or_site_error(content_dir)


@BOUNDED
@given(data=front_matter(), body=st.text(max_size=200))
def test_random_front_matter_loads_or_is_a_site_error(content_dir, data, body):
    try:
        text = "---\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True) + "---\n" + body
    except yaml.YAMLError:
        assume(False)
    only_file(content_dir, text.encode("utf-8", "surrogatepass"))
    result = loads_or_site_error(content_dir)
    if isinstance(result, Loaded):
        (study,) = result.site.case_studies or (None,)
        assert study is None or study.draft is False  # drafts stay off the published site
        assert study is None or SLUG_PATTERN.fullmatch(study.slug)


@BOUNDED
@given(lines=st.lists(st.tuples(st.sampled_from(FIELD_NAMES), yamlish.filter(lambda v: "\n" not in v)),
                      max_size=len(FIELD_NAMES)), body=st.text(max_size=100))
def test_front_matter_of_raw_yaml_scalars_loads_or_is_a_site_error(content_dir, lines, body):
    """Values written as YAML text, so the resolver sees dates, octals, base-60 numbers, tags..."""
    base = yaml.safe_dump(case_study(), sort_keys=False)
    text = "---\n" + base + "".join(f"{key}: {value}\n" for key, value in lines) + "---\n" + body
    only_file(content_dir, text.encode("utf-8", "surrogatepass"))
    loads_or_site_error(content_dir)


# --- (c) slugs -----------------------------------------------------------------------------------------------

def is_slug(text: str) -> bool:
    """The slug rule, written without a regular expression."""
    return bool(text) and all(part and all(c in SLUG_CHARS for c in part) for part in text.split("-"))


slugs = st.lists(st.text(alphabet=SLUG_CHARS, min_size=1, max_size=12), min_size=1, max_size=6).map("-".join)
near_slugs = st.text(alphabet=SLUG_CHARS[:4] + "09-" + "A_ .é\n\t/ı", max_size=16)


@BOUNDED
@given(text=st.one_of(st.text(max_size=30), near_slugs, slugs,
                     st.from_regex(r"[a-z0-9]+(-[a-z0-9]+)*", fullmatch=True)))
def test_the_slug_pattern_is_exactly_the_rule(text):
    assert bool(SLUG_PATTERN.fullmatch(text)) == is_slug(text)


def test_the_slug_rule_examples():
    for good in ("a", "0", "milton-keynes-buses", "a1-b2-c3"):
        assert SLUG_PATTERN.fullmatch(good) and is_slug(good)
    for bad in ("", "-", "a-", "-a", "a--b", "A", "a_b", "a b", "café", "a\n", "../a", "a/b", "ı"):
        assert not SLUG_PATTERN.fullmatch(bad) and not is_slug(bad)


@pytest.fixture(scope="module")
def slug_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("slugs") / "project"
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "static", root / "static")
    content = root / "content"
    (content / "case-studies").mkdir(parents=True)
    (content / "site.yaml").write_text(yaml.safe_dump(SETTINGS), encoding="utf-8")
    (content / "taxonomies.yaml").write_text(yaml.safe_dump(TAXONOMIES, sort_keys=False), encoding="utf-8")
    return root


@BOUNDED
@given(slug=slugs)
def test_a_file_named_after_any_slug_builds_to_its_page(slug_site, slug):
    content, output = slug_site / "content", slug_site / "_site"
    only_file(content, front_matter_file(case_study(title=f"About {slug}")).encode("utf-8"), stem=slug)
    build(Project.at(content), output)
    page = output / "case-studies" / slug / "index.html"
    assert page.is_file()
    assert f"About {slug}" in page.read_text(encoding="utf-8")
    assert sorted(p.name for p in (output / "case-studies").iterdir() if p.is_dir()) == [slug]


file_stems = st.text(alphabet=st.one_of(st.sampled_from(SLUG_CHARS[:3] + "-09A_ .é"), st.characters(
    blacklist_characters="/\x00", blacklist_categories=("Cs",))), min_size=1, max_size=20)


@BOUNDED
@given(stem=file_stems)
def test_a_file_whose_name_is_not_a_slug_is_refused(content_dir, stem):
    assume(stem not in (".", "..") and len(f"{stem}.md".encode()) <= 255)
    only_file(content_dir, front_matter_file(case_study()).encode("utf-8"), stem=stem)
    result = loads_or_site_error(content_dir)
    if is_slug(stem):
        assert isinstance(result, Loaded) and [s.slug for s in result.site.case_studies] == [stem]
    else:
        assert isinstance(result, SiteError)
        assert any(p.field == "slug" and "cannot be used as a web address" in p.message for p in result.problems)


@pytest.mark.parametrize("breaker", ["\r", "\x85", "\u2028"])
def test_lines_are_counted_as_the_file_is_split(breaker):
    document = split(f'---\nsummary: "How Testford{breaker}improved"\ntitle: Buses\n---\nBody.\n')
    assert document.data["title"] == "Buses"
    assert document.lines == {"summary": 2, "title": 3}  # as split, git and GitHub count lines
