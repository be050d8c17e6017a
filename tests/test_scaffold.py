"""`levelup new` and `levelup check`, as a contributor uses them."""

from __future__ import annotations

import datetime as dt

import pytest

from levelup_site.cli import main
from levelup_site.errors import SiteError
from levelup_site.scaffold import new_case_study, slugify


@pytest.mark.parametrize(("title", "slug"), [
    ("Transforming the bus service in Milton Keynes", "transforming-the-bus-service-in-milton-keynes"),
    ("Tower Hamlets' approach to parks & green spaces", "tower-hamlets-approach-to-parks-green-spaces"),
    ("Café culture in Brighton", "cafe-culture-in-brighton"),
    ("  Spaces   and --- hyphens  ", "spaces-and-hyphens"),
    ("Bristol's parks", "bristols-parks"),
    ("Bristol\u2019s parks", "bristols-parks"),
])
def test_slugs_from_titles(title, slug):
    assert slugify(title) == slug


def fill_in(path, **values) -> None:
    text = path.read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f'{key}: ""', f"{key}: {value}", 1)
    path.write_text(text, encoding="utf-8")


def test_new_edit_check_build_round_trip(site_folder, capsys):
    code = main(["new", "Better buses in Testford", "--content", str(site_folder.content),
                 "--place", "Testford", "--region", "north-west", "--themes", "transport,parks"])
    out = capsys.readouterr().out
    path = site_folder.content / "case-studies" / "better-buses-in-testford.md"
    assert code == 0 and f"Wrote {path}" in out
    assert "levelup check" in out
    text = path.read_text(encoding="utf-8")
    for explained in ("# The organisation that led the work", "#   transport: Transport", "#   london: London"):
        assert explained in text
    assert "themes: [transport, parks]" in text and "region: north-west" in text

    # Straight from the template, check lists what is left to fill in, with lines.
    assert main(["check", "--content", str(site_folder.content)]) == 1
    err = capsys.readouterr().err
    lines = text.splitlines()
    for field in ("authority", "summary"):
        line = next(n for n, row in enumerate(lines, 1) if row.startswith(f"{field}:"))
        assert f"better-buses-in-testford.md:{line}: {field}: is empty" in err

    fill_in(path, authority="Testford Council", summary="How Testford made its buses better.")
    text = path.read_text(encoding="utf-8").replace('  - title: ""', "  - title: Council report")
    text = text.replace('    url: ""', "    url: https://example.org/report")
    path.write_text(text, encoding="utf-8")
    assert main(["check", "--content", str(site_folder.content)]) == 0, capsys.readouterr().err
    assert main(["build", "--content", str(site_folder.content), "--output", str(site_folder.output)]) == 0
    page = (site_folder.output / "case-studies" / "better-buses-in-testford" / "index.html").read_text()
    assert "Better buses in Testford" in page and "Testford Council" in page


def test_new_never_overwrites(site_folder):
    path = site_folder.add("better-buses", title="Better buses")
    before = path.read_bytes()
    with pytest.raises(SiteError) as caught:
        new_case_study(site_folder.content, "Better buses", {})
    assert "already exists; nothing was changed" in caught.value.report()
    assert path.read_bytes() == before


def test_new_refuses_unknown_vocabulary_with_a_suggestion(site_folder, capsys):
    code = main(["new", "Parks", "--content", str(site_folder.content), "--themes", "prks"])
    assert code == 1
    assert "unknown theme 'prks'" in capsys.readouterr().err
    assert not (site_folder.content / "case-studies" / "parks.md").exists()


def test_new_dates_the_case_study_today(site_folder):
    path = new_case_study(site_folder.content, "Dated", {}, today=dt.date(2024, 2, 29))
    assert 'published: "2024-02-29"' in path.read_text(encoding="utf-8")


def test_check_reports_two_files_with_lines_and_github_annotations(site_folder, capsys, monkeypatch):
    first = site_folder.add("first", themes=["transprot"])
    second = site_folder.add("second", published="2023-02-30")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["check", "--content", str(site_folder.content)]) == 1
    captured = capsys.readouterr()

    def line_of(path, prefix):
        return next(n for n, row in enumerate(path.read_text().splitlines(), 1) if row.startswith(prefix))

    theme_line = line_of(first, "- transprot")
    date_line = line_of(second, "published:")
    assert f"first.md:{theme_line}: themes: unknown theme 'transprot'" in captured.err
    assert f"second.md:{date_line}: published: '2023-02-30' is not a real date" in captured.err
    annotations = [row for row in captured.out.splitlines() if row.startswith("::error ")]
    assert len(annotations) == 2
    assert any(f"first.md,line={theme_line},title=themes::unknown theme 'transprot' (did you mean 'transport'?)"
               in row for row in annotations)
    assert any(f"second.md,line={date_line},title=published::" in row for row in annotations)


def test_check_without_github_prints_no_annotations(site_folder, capsys, monkeypatch):
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    site_folder.add("first", themes=["transprot"])
    main(["check", "--content", str(site_folder.content)])
    assert "::error" not in capsys.readouterr().out


def test_check_finds_a_broken_link_between_pages(site_folder, capsys):
    site_folder.add("buses", body="See [the parks case](/case-studies/parkz/) too.\n")
    site_folder.add("parks", title="Parks")
    assert main(["check", "--content", str(site_folder.content)]) == 1
    err = capsys.readouterr().err
    assert "buses.md:" in err and "the link '/case-studies/parkz/' leads to no page of this site" in err
    assert "did you mean '/case-studies/parks/'?" in err
