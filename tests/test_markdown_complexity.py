"""Rendering takes time linear in the length of the text, for every known pathological input.

A case study comes from a stranger's pull request; a body crafted to take quadratic time would
stall the build for everyone. Each family below is rendered, sanitiser and notes included, at
three sizes four times apart, and its CPU time (not wall-clock time, which other processes on
the machine disturb) must grow about linearly. A sixteenfold longer text may cost at most 40
times as much (linear growth gives 16, quadratic 256), and no fourfold step more than 12
times: the whole span decides, so one noisy measurement of a few milliseconds cannot. The
fastest of a few runs is used, the sizes taking turns so that a slow spell of the machine
falls on all of them, and times under a floor count as the floor, so that timer noise on
tiny inputs cannot decide the outcome.
"""

from __future__ import annotations

import itertools
import time

import pytest

from levelup_site.markdown import MarkdownRenderer

SIZES = (10_000, 40_000, 160_000)
REPEATS = 5
FLOOR = 0.002  # seconds: below this a ratio measures the timer, not the renderer
MAX_SPAN_RATIO = 40.0  # smallest to largest (16 times the text)
MAX_STEP_RATIO = 12.0  # one fourfold step


def repeat_to(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def nested(opening: str, size: int, leaf: str = "x\n") -> str:
    """One line nested `depth` times deeper than the last, until the text has `size` characters."""
    lines, total, depth = [], 0, 0
    while total < size:
        line = opening * depth + leaf
        lines.append(line)
        total += len(line)
        depth = depth + 1 if depth < 200 else 0
    return "".join(lines)[:size]


def reference_definitions(size: int) -> str:
    count = size // 40
    definitions = "".join(f"[ref{i}]: https://example.org/{i}\n" for i in range(count))
    return (definitions + "\n" + " ".join(f"[ref{i}]" for i in range(count)))[:size]


def wide_table(size: int) -> str:
    # Full rows: short rows under a wide header are padded with empty cells, which cmark-gfm
    # caps at about half a million in all, so they cost the same at every size.
    columns = size // 6
    return ("|" + "a|" * columns + "\n|" + "-|" * columns + "\n|" + "x|" * columns + "\n")[:size]


def long_table(size: int) -> str:
    return ("| a | b | c |\n|---|:-:|--:|\n" + "| 1 | 2 | 3 |\n" * size)[:size]


FAMILIES = {
    "open brackets": lambda n: repeat_to("[", n),
    "brackets and links": lambda n: repeat_to("[a](", n),
    "image brackets": lambda n: repeat_to("![[]", n),
    "emphasis delimiters": lambda n: repeat_to("*_", n),
    "emphasis with words": lambda n: repeat_to("*a _b ", n),
    "strong and strikethrough": lambda n: repeat_to("**~~a", n),
    "backticks": lambda n: repeat_to("`a", n),
    "backtick runs": lambda n: "".join("`" * (i % 50 + 1) + "a" for i in range(n))[:n],
    "nested lists": lambda n: nested("  ", n, "- x\n"),
    "list markers on one line": lambda n: repeat_to("- ", n),
    "nested block quotes": lambda n: nested("> ", n),
    "block quote markers on one line": lambda n: repeat_to("> ", n),
    "link reference definitions": reference_definitions,
    "table with many columns": wide_table,
    "table with many rows": long_table,
    "less-than signs": lambda n: repeat_to("<", n),
    "unclosed tags": lambda n: repeat_to("<a ", n),
    "unclosed attribute values": lambda n: repeat_to('<a title="', n),
    "unclosed comments": lambda n: repeat_to("<!--", n),
    "deeply nested html": lambda n: repeat_to("<div>", n),
    "html lists left open": lambda n: repeat_to("<ul><li>", n),
    "html block of tags": lambda n: "<div>\n" + repeat_to('<b onclick="x">y</b> ', n),
    "filtered tags in code": lambda n: "```\n" + repeat_to("<script ", n),
    "autolink candidates": lambda n: repeat_to("www.a.", n),
    "e-mail candidates": lambda n: repeat_to("a@", n),
    "footnote references": lambda n: repeat_to("[^a] and a word. ", n) + "\n\n[^a]: note\n",
    "headings": lambda n: repeat_to("## a\n", n),
    "entities": lambda n: repeat_to("&amp", n),
}


def cpu_times(renderer: MarkdownRenderer, texts: list[str]) -> list[float]:
    """The fastest CPU time of each text. The sizes take turns, one run of each per
    round, so that a spell in which the machine is slow falls on every size alike
    rather than on all the runs of one."""
    best = [float("inf")] * len(texts)
    for _ in range(REPEATS):
        for index, text in enumerate(texts):
            start = time.process_time()
            renderer.render_with_notes(text)
            best[index] = min(best[index], time.process_time() - start)
    return [max(time_taken, FLOOR) for time_taken in best]


@pytest.mark.parametrize("family", FAMILIES)
def test_rendering_time_grows_linearly(family):
    renderer = MarkdownRenderer()
    texts = [FAMILIES[family](size) for size in SIZES]
    assert all(size <= len(text) <= size + 30 for size, text in zip(SIZES, texts))
    times = cpu_times(renderer, texts)
    ratios = [later / earlier for earlier, later in itertools.pairwise(times)]
    assert times[-1] / times[0] < MAX_SPAN_RATIO and max(ratios) < MAX_STEP_RATIO, (
        f"{family}: CPU time {', '.join(f'{t * 1000:.1f} ms' for t in times)} for "
        f"{', '.join(f'{s:,}' for s in SIZES)} characters grows faster than linearly")
