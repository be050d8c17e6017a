"""Time `levelup build` on synthetic corpora, beside Hugo and Pelican on the same corpora.

    python benchmarks/run.py [--sizes 100,1000,10000] [--runs 3] [--json results.json]
                             [--work DIR] [--seed S] [--no-hugo] [--no-pelican]

For each size N the corpus is generated once (benchmarks/generate.py, with its own
copy of templates/ and static/, a Hugo twin when `hugo` is installed and a Pelican
twin when Pelican is importable). Then, --runs times, one round of each tool after
the other, so that a change in the machine's load falls on all of them alike. Each
round starts by deleting every tool's output and cache together (clear_outputs):

    hugo cold        `hugo --quiet` (its output and resources/ deleted at the round's start)
    levelup:
      cold             delete DIR/.levelup-cache and the output folder, then build
      no-change        build again at once
      one-change       append a sentence to one case study, then build
      template-change  append an HTML comment to DIR/templates/base.html, then build
      cold+search      delete the cache and output, then build with the search index
    pelican: cold, no-change, one-change (the same sentence appended to the same article)

All levelup builds but cold+search pass --no-search-index, so Pagefind's indexing
shows as a figure of its own: cold+search minus cold, in time and in peak memory.
Hugo always builds everything, so only its cold build is timed.

Then the preview servers: `levelup serve` (and `hugo server`, where installed) is
started on a free port; once it serves the edited case study's page, a sentence is
appended to that case study --runs times, and the time until the served page shows
it is measured by polling it over HTTP every 20 ms (serve_latency.py).

Every build is a separate process. Its wall time covers the whole process,
interpreter start included; its peak memory is that of its whole process tree (the
process and every worker it starts, their RSS summed, sampled every 50 ms:
measure.py). The table reports the median time with the min-max range, the largest
tree peak over the runs, levelup's median as a ratio to Hugo's cold median for the
same corpus, and Pelican's median and pelican_median / levelup_median. The targets
follow the table. The JSON also records CPU time (user + system, workers included)
and the largest single process's maximum RSS.

The repository's own content (the bundled site) is timed too, cold, no-change and
cold+search, from a copy in the work folder so that no cache is written inside the
repository.

"Cold" means no build cache and no output; the operating system's file cache is
warm, since the corpus has just been written.

Standard library only (plus Hugo and Pelican, run as subprocesses, where installed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

import hugo_twin
import report
import serve_latency
from generate import REPO, case_study_path, generate, prepare
from measure import BuildFailed, Sample, timed

LEVELUP_SCENARIOS = ("cold", "no-change", "one-change", "template-change", "cold+search")
PELICAN_SCENARIOS = ("cold", "no-change", "one-change")
BUNDLED_SCENARIOS = ("cold", "no-change", "cold+search")
# ext4 skips an inode deleted less than 30 s ago when it makes a new file, searching on
# for another: right after a large site is deleted, making the next one costs seconds more.
SETTLE_SECONDS = 35
SETTLE_FROM = 5000  # case studies: below this, a round's deletions are too few to matter
Samples = dict[str, list[Sample]]


def levelup_command() -> list[str]:
    """The `levelup` script installed beside this interpreter (not a pyenv or similar
    shim, whose own start-up would be timed too), else the one on PATH, else the one in
    the repository's .venv (made by scripts/venv), else the module."""
    beside = Path(sys.executable).parent / "levelup"
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    found = shutil.which("levelup")
    if found:
        return [found]
    in_venv = REPO / ".venv" / "bin" / "levelup"
    if in_venv.is_file() and os.access(in_venv, os.X_OK):
        return [str(in_venv)]
    return [sys.executable, "-m", "levelup_site.cli"]


def compile_levelup(levelup: list[str]) -> None:
    """Write the bytecode of levelup's modules, as installing a package from a wheel does,
    so that no timing includes compiling them: an editable install writes it only when a
    module is first used, and not at all where PYTHONDONTWRITEBYTECODE is set."""
    python = levelup[0]
    if len(levelup) == 1:  # a script: its interpreter is on its first line
        first = Path(levelup[0]).read_bytes().split(b"\n", 1)[0]
        if first.startswith(b"#!"):
            python = first[2:].decode().strip()
    subprocess.run([python, "-c", "import compileall, os, levelup_site; "
                    "compileall.compile_dir(os.path.dirname(levelup_site.__file__), quiet=1)"], check=True)


def remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as file:
        file.write(text)


def edit_sentence(run: int) -> str:
    return f"\n\nBenchmark edit {run + 1}: one more sentence about the work.\n"


def note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def serve_sentence(run: int) -> str:
    return f"Served edit {run + 1}: a sentence written while the preview server ran."


def check_levelup_output(sample: Sample, n: int, output: Path) -> None:
    """Warn if a build did not report or write n case studies."""
    match = re.search(r"Built (\d+) case studies", sample.output)
    if match and int(match.group(1)) != n:
        note(f"  warning: levelup reported {match.group(1)} case studies, expected {n}")
    written = sum(1 for p in (output / "case-studies").glob("case-*/index.html"))
    if written != n:
        note(f"  warning: {written} case-study pages in {output}, expected {n}")


def levelup_build(project: Path, levelup: list[str], search: bool = False) -> list[str]:
    command = [*levelup, "build", "--content", str(project / "content"), "--output", str(project / "_site")]
    # Search indexing (Pagefind) is timed as a scenario of its own, not in the others.
    return command if search else [*command, "--no-search-index"]


def levelup_round(project: Path, n: int, run: int, levelup: list[str]) -> dict[str, Sample]:
    output = project / "_site"
    cache = project / ".levelup-cache"
    command = levelup_build(project, levelup)
    remove(cache)
    remove(output)
    cold = timed(command)
    if run == 0:
        check_levelup_output(cold, n, output)
    no_change = timed(command)
    append(case_study_path(project, (n + 1) // 2), edit_sentence(run))
    one_change = timed(command)
    append(project / "templates" / "base.html", f"<!-- benchmark edit {run + 1} -->\n")
    template_change = timed(command)
    remove(cache)
    remove(output)
    return {"cold": cold, "no-change": no_change, "one-change": one_change,
            "template-change": template_change, "cold+search": timed(levelup_build(project, levelup, search=True))}


def clear_outputs(project: Path, n: int) -> None:
    """Delete every tool's output and cache at once before a round and, for a large corpus,
    let the file system settle: each cold build then starts from the same state of the
    disk. (Deleted one by one, each tool's output straight before its own cold build, the
    tool with the larger output, levelup's with its search index from the round before,
    would pay the more for ext4's slowness in making files just after many were deleted.)"""
    for path in (project / "hugo" / "out", project / "hugo" / "resources", project / "_site",
                 project / ".levelup-cache", project / "pelican" / "out", project / "pelican" / "cache"):
        remove(path)
    if n >= SETTLE_FROM:
        if hasattr(os, "sync"):
            os.sync()
        time.sleep(SETTLE_SECONDS)


def hugo_round(project: Path, n: int, run: int) -> dict[str, Sample]:
    site = project / "hugo"
    output = site / "out"
    remove(output)
    remove(site / "resources")
    cold = timed(["hugo", "--quiet", "-s", str(site), "-d", str(output)])
    if run == 0:
        written = sum(1 for _ in (output / "case-studies").glob("case-*/index.html"))
        if written != n:
            note(f"  warning: Hugo wrote {written} case-study pages, expected {n}")
    return {"cold": cold}


def pelican_round(project: Path, n: int, run: int) -> dict[str, Sample]:
    site = project / "pelican"
    edited = site / "content" / case_study_path(project, (n + 1) // 2).name
    command = [sys.executable, "-m", "pelican", "content", "-o", "out", "-s", "pelicanconf.py", "-q"]
    remove(site / "cache")
    remove(site / "out")
    cold = timed(command, cwd=site)
    if run == 0:
        written = sum(1 for _ in (site / "out").glob("case-*.html"))
        if written != n:
            note(f"  warning: Pelican wrote {written} article pages, expected {n}")
    no_change = timed(command, cwd=site)
    append(edited, edit_sentence(run))
    return {"cold": cold, "no-change": no_change, "one-change": timed(command, cwd=site)}


def serve_levelup(project: Path, n: int, runs: int, levelup: list[str]) -> serve_latency.ServeRun:
    port = serve_latency.free_port()
    slug = case_study_path(project, (n + 1) // 2).stem
    command = [*levelup, "serve", "--content", str(project / "content"), "--output", str(project / "_preview"),
               "--port", str(port)]
    return serve_latency.measure(command, f"http://127.0.0.1:{port}/case-studies/{slug}/",
                                 case_study_path(project, (n + 1) // 2),
                                 [serve_sentence(run) for run in range(runs)], start_limit=max(120, n * 0.03))


def serve_hugo(project: Path, n: int, runs: int) -> serve_latency.ServeRun:
    port = serve_latency.free_port()
    slug = case_study_path(project, (n + 1) // 2).stem
    command = ["hugo", "server", "-s", str(project / "hugo"), "--bind", "127.0.0.1", "--port", str(port),
               "--baseURL", f"http://127.0.0.1:{port}/", "--disableLiveReload"]
    return serve_latency.measure(command, f"http://127.0.0.1:{port}/case-studies/{slug}/",
                                 hugo_twin.case_study_path(project / "hugo", slug),
                                 [serve_sentence(run) for run in range(runs)], start_limit=max(120, n * 0.03))


def bench_bundled(work: Path, runs: int, levelup: list[str]) -> Samples:
    """The repository's own content, copied so the cache lands in the work folder."""
    project = work / "bundled"
    prepare(project)
    shutil.copytree(REPO / "content", project / "content")
    command = levelup_build(project, levelup)
    samples: Samples = {s: [] for s in BUNDLED_SCENARIOS}
    for _ in range(runs):
        remove(project / ".levelup-cache")
        remove(project / "_site")
        samples["cold"].append(timed(command))
        samples["no-change"].append(timed(command))
        remove(project / ".levelup-cache")
        remove(project / "_site")
        samples["cold+search"].append(timed(levelup_build(project, levelup, search=True)))
    return samples


def bench_size(project: Path, n: int, runs: int, levelup: list[str], use_hugo: bool,
               use_pelican: bool) -> dict:
    """Every measurement for one corpus, summarised."""
    rounds = [("levelup", lambda run: levelup_round(project, n, run, levelup))]
    if use_hugo:
        rounds.insert(0, ("hugo", lambda run: hugo_round(project, n, run)))
    if use_pelican:
        rounds.append(("pelican", lambda run: pelican_round(project, n, run)))
    samples: dict[str, Samples] = {}
    for run in range(runs):
        clear_outputs(project, n)
        for tool, round_of in rounds:
            note(f"  {tool} run {run + 1}/{runs}")
            for scenario, sample in round_of(run).items():
                samples.setdefault(tool, {}).setdefault(scenario, []).append(sample)
    stats = {tool: {s: report.summarise(v) for s, v in by_scenario.items()} for tool, by_scenario in samples.items()}
    note("  levelup serve")
    stats["levelup_serve"] = report.summarise_serve([serve_levelup(project, n, runs, levelup)])
    if use_hugo:
        note("  hugo server")
        try:
            stats["hugo_serve"] = report.summarise_serve([serve_hugo(project, n, runs)])
        except BuildFailed as error:  # an extra, not a target: its failure need not stop the run
            note(f"  hugo server was not measured: {error}")
    return stats


def size_rows(n: int, stats: dict) -> tuple[list[str], list[dict]]:
    """The table rows for one corpus, and its entries in the JSON's results."""
    hugo_cold = stats.get("hugo", {}).get("cold")
    pelican = stats.get("pelican", {})
    levelup = stats["levelup"]
    rows, entries = [], []
    if hugo_cold:
        rows.append(report.table_row(n, "hugo cold", hugo_cold))
    for scenario, figures in levelup.items():
        hugo_ratio = report.ratio(figures, hugo_cold)
        pelican_ratio = report.ratio(pelican.get(scenario), figures)
        rows.append(report.table_row(n, scenario, figures, hugo_ratio, pelican.get(scenario), pelican_ratio))
        entries.append({"n": n, "scenario": scenario, "levelup": figures, "hugo_ratio": hugo_ratio,
                        "pelican": pelican.get(scenario), "pelican_ratio": pelican_ratio})
    search = report.search_difference(levelup["cold"], levelup["cold+search"])
    rows.append(report.table_row(n, "search index (Δ)", search, report.ratio(search, hugo_cold)))
    entries.append({"n": n, "scenario": "search index (difference)", "levelup": search,
                    "hugo_ratio": report.ratio(search, hugo_cold)})
    serve = stats["levelup_serve"]
    rows.append(report.table_row(n, "serve edit→served", serve, report.ratio(serve, hugo_cold)))
    entries.append({"n": n, "scenario": "serve edit→served", "levelup": serve,
                    "hugo_ratio": report.ratio(serve, hugo_cold)})
    if "hugo_serve" in stats:
        rows.append(report.table_row(n, "hugo server edit→served", stats["hugo_serve"]))
    return rows, entries


def version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def hugo_version_text() -> str:
    return subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.strip()


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected sizes like 100,1000,10000, got {text!r}") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive whole numbers")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=parse_sizes, default=[100, 1000, 10000],
                        help="corpus sizes, separated by commas (default: 100,1000,10000)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per scenario (default: %(default)s)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results to FILE as JSON")
    parser.add_argument("--work", type=Path, metavar="DIR",
                        help="folder for the generated projects, kept afterwards (default: a temporary "
                             "folder, deleted afterwards)")
    parser.add_argument("--seed", type=int, default=0, help="corpus random seed (default: %(default)s)")
    parser.add_argument("--no-hugo", action="store_true", help="skip Hugo even if it is installed")
    parser.add_argument("--no-pelican", action="store_true", help="skip Pelican even if it is installed")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    hugo = None if args.no_hugo else hugo_twin.hugo_version()
    if hugo is None and not args.no_hugo:
        note("Hugo is not installed (apt-get install hugo); no Hugo builds, so no ratios to Hugo.")
    use_pelican = not args.no_pelican and importlib.util.find_spec("pelican") is not None
    if not use_pelican and not args.no_pelican:
        note("Pelican is not installed (python3 -m pip install pelican markdown); no Pelican builds.")
    levelup = levelup_command()
    compile_levelup(levelup)
    work = args.work or Path(tempfile.mkdtemp(prefix="levelup-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results = {
        "meta": {
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "levelup": version("levelup-site"),
            "hugo": hugo_version_text() if hugo else None,
            "pelican": version("pelican") if use_pelican else None,
            "levelup_command": levelup,
            "runs": args.runs,
            "seed": args.seed,
            "sizes": args.sizes,
            "notes": "Wall time of each whole process. tree_peak_mb is the largest, over the runs, of the "
                     "peak summed RSS (MiB) of the process and all its descendants, sampled every 50 ms "
                     "(shared pages count once per process); single_peak_mb is the largest single process's "
                     "maximum RSS (os.wait4). cpu_s is user + system time including waited-for children. "
                     "hugo_ratio = levelup median / Hugo cold median for the same corpus in the same run; "
                     "pelican_ratio = Pelican median / levelup median. Cold = no build cache and no output; "
                     "the OS file cache is warm. Serve: seconds from appending a sentence to a case study "
                     "to the served page containing it; start_s from launching the server to its first "
                     "answer with that page.",
        },
        "bundled": {},
        "corpora": [],
        "hugo": [],
        "results": [],
        "targets": [],
    }
    rows: list[str] = []

    def save() -> None:
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    try:
        note("Bundled site (the repository's content)")
        bundled = {s: report.summarise(v) for s, v in bench_bundled(work, args.runs, levelup).items()}
        results["bundled"] = bundled
        rows += [report.table_row("bundled", scenario, stats) for scenario, stats in bundled.items()]
        bundled_target = report.target_row("bundled", report.BUNDLED_TARGET, bundled["cold"]["median_s"])
        save()
        for n in args.sizes:
            project = work / f"n{n}"
            note(f"N = {n}: generating {project}")
            start = time.perf_counter()
            corpus = generate(n, project, args.seed, theme=True, pelican=use_pelican, hugo=hugo)
            corpus["generate_s"] = round(time.perf_counter() - start, 2)
            results["corpora"].append(corpus)
            stats = bench_size(project, n, args.runs, levelup, hugo is not None, use_pelican)
            size_table, entries = size_rows(n, stats)
            rows += size_table
            results["results"] += entries
            results["hugo"].append({"n": n, "cold": stats.get("hugo", {}).get("cold"),
                                    "serve": stats.get("hugo_serve")})
            results["targets"] += report.target_rows(n, stats["levelup"], stats.get("hugo", {}).get("cold"),
                                                     stats["levelup_serve"])
            save()
        results["targets"].append(bundled_target)
        save()
    except BuildFailed as error:
        note(f"A build failed, so the benchmark stopped.\n{error}")
        save()
        return 1
    finally:
        if rows:
            print(report.HEADER)
            print("\n".join(rows))
        if results["targets"]:
            print(f"\nTargets (set for N = 10,000; \"× hugo\" is levelup's median over Hugo's cold median "
                  f"for the same corpus{'' if hugo else '; Hugo was not run'})")
            print(report.targets_table(results["targets"]))
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        note(f"Wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
