"""Embedded frames: kept, sandboxed, only from the hosts a site allows in site.yaml's `embeds`."""

from __future__ import annotations

import re

from conftest import SETTINGS
from levelup_site.config import load_settings
from levelup_site.pipeline import Project, build

VIDEO = "https://www.youtube-nocookie.com/embed/abc123"
BODY = (
    "## The launch\n\n"
    f'<iframe src="{VIDEO}" title="Video of the launch" width="560" allow="autoplay"></iframe>\n\n'
    "## Elsewhere\n\n"
    '<iframe src="https://tracker.example.com/widget" title="A widget"></iframe>\n\n'
    "## Untitled\n\n"
    '<iframe src="https://player.vimeo.com/video/1"></iframe>\n'
)


def allow(site_folder, *hosts: str) -> None:
    site_folder.write_yaml("site.yaml", {**SETTINGS, "embeds": list(hosts)})


def page(site_folder, slug: str = "launch") -> str:
    return (site_folder.output / "case-studies" / slug / "index.html").read_text(encoding="utf-8")


def iframes(html: str) -> list[str]:
    return re.findall(r"<iframe\b[^>]*>", html)


def csp(html: str) -> str:
    return re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html).group(1)


def test_allowed_titled_embed_is_kept_sandboxed_and_others_are_removed_with_located_warnings(site_folder):
    allow(site_folder, "www.youtube-nocookie.com", "player.vimeo.com")
    path = site_folder.add("launch", body=BODY)
    result = build(Project.at(site_folder.content), site_folder.output)

    html = page(site_folder)
    [frame] = iframes(html)
    assert f'src="{VIDEO}"' in frame and 'title="Video of the launch"' in frame
    assert 'sandbox="allow-scripts allow-same-origin allow-presentation"' in frame
    assert 'loading="lazy"' in frame and 'referrerpolicy="strict-origin-when-cross-origin"' in frame
    assert "allowfullscreen" in frame and "allow=" not in frame
    assert "tracker.example.com" not in html and "player.vimeo.com/video" not in html

    lines = path.read_text(encoding="utf-8").splitlines()
    warned = {(w.line, w.message) for w in result.warnings if w.path.endswith("launch.md")}
    other = next(n for n, line in enumerate(lines, 1) if "tracker.example.com" in line)
    untitled = next(n for n, line in enumerate(lines, 1) if "player.vimeo.com" in line)
    assert any(line == other and "tracker.example.com is not among the hosts" in m for line, m in warned)
    assert any(line == untitled and "no title" in m for line, m in warned)


def test_content_security_policy_allows_frames_from_exactly_the_allowed_hosts(site_folder):
    site_folder.add("launch")
    build(Project.at(site_folder.content), site_folder.output)
    assert "frame-src 'none'" in csp(page(site_folder))

    allow(site_folder, "www.youtube-nocookie.com", "player.vimeo.com")
    build(Project.at(site_folder.content), site_folder.output)
    policy = csp(page(site_folder))
    assert "frame-src https://www.youtube-nocookie.com https://player.vimeo.com;" in policy
    assert csp((site_folder.output / "index.html").read_text(encoding="utf-8")) == policy


def test_without_embeds_no_iframe_survives(site_folder):
    site_folder.add("launch", body=BODY.replace("tracker.example.com", "www.youtube-nocookie.com")
                    + '\n<IFRAME SRC="https://www.youtube-nocookie.com/x" TITLE="Loud">\n')
    result = build(Project.at(site_folder.content), site_folder.output)
    html = page(site_folder)
    assert not iframes(html.lower())
    assert any("<iframe> is shown as text" in w.message for w in result.warnings)


def test_changing_the_allowed_hosts_renders_the_page_again_from_the_cache(site_folder):
    site_folder.add("launch", body=BODY)
    build(Project.at(site_folder.content), site_folder.output)
    assert not iframes(page(site_folder))

    allow(site_folder, "www.youtube-nocookie.com")
    build(Project.at(site_folder.content), site_folder.output)
    assert len(iframes(page(site_folder))) == 1

    allow(site_folder, "player.vimeo.com")
    result = build(Project.at(site_folder.content), site_folder.output)
    assert not iframes(page(site_folder))
    assert any("www.youtube-nocookie.com is not among the hosts" in w.message for w in result.warnings)


def test_embeds_setting_must_be_a_list_of_host_names(site_folder):
    for wrong in (["https://www.youtube.com/embed"], "www.youtube.com", [3]):
        site_folder.write_yaml("site.yaml", {**SETTINGS, "embeds": wrong})
        settings, problems = load_settings(site_folder.content)
        assert [(p.field, p.line) for p in problems] == [("embeds", 7)]  # the line after the six in conftest, wrong
    allow(site_folder, "Player.Vimeo.com", "player.vimeo.com")
    settings, problems = load_settings(site_folder.content)
    assert not problems and settings.embeds == ("player.vimeo.com",)
