"""Time `levelup build` on synthetic corpora, and Pelican on the same corpora.

    python benchmarks/run.py [--sizes 100,1000,10000] [--runs 3] [--json results.json]
                             [--work DIR] [--seed S] [--no-pelican]

For each size N the corpus is generated once (benchmarks/generate.py, with its own
copy of templates/ and static/, and a Pelican twin when Pelican is importable).
Then, --runs times, in this order:

    cold             delete DIR/.levelup-cache and the output folder, then build
    no-change        build again at once
    one-change       append a sentence to one case study, then build
    template-change  append an HTML comment to DIR/templates/base.html, then build
    cold+search      delete the cache and output, then build with the search index

All but cold+search build with --no-search-index, so Pagefind's indexing shows as a
figure of its own (cold+search minus cold).

Pelican gets cold (cache and output deleted), no-change and one-change (the same
sentence appended to the same article), built with
`python -m pelican content -o out -s pelicanconf.py -q`.

Every build is a separate process. Its wall time covers the whole process,
interpreter start included; its peak memory is the maximum resident set size that
os.wait4 reports: the largest single process, so a build that fans out to worker
processes uses more in total than it shows. The JSON also records CPU time (user +
system, workers included). The table reports the median time with the min-max range, the
largest peak over the runs, and pelican_median / levelup_median per scenario.
The repository's own content (the bundled site) is timed too, cold, no-change and cold+search,
from a copy in the work folder so that no cache is written inside the repository.

"Cold" means no build cache and no output; the operating system's file cache is
warm, since the corpus has just been written.

Standard library only (plus Pelican, run as a subprocess, where installed).
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
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from generate import REPO, case_study_path, generate, prepare

LEVELUP_SCENARIOS = ("cold", "no-change", "one-change", "template-change", "cold+search")
PELICAN_SCENARIOS = ("cold", "no-change", "one-change")
BUNDLED_SCENARIOS = ("cold", "no-change", "cold+search")


class BuildFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class Sample:
    """One timed process."""

    seconds: float
    cpu_seconds: float  # user + system, the process and the children it waited for
    peak_kib: int
    output: str


def timed(command: list[str], cwd: Path | None = None) -> Sample:
    """Run `command`, returning its wall time and peak RSS; raise BuildFailed on a
    non-zero exit status."""
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=log,
                                   stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read().decode("utf-8", "replace").strip()
    if process.returncode != 0:
        raise BuildFailed(f"{' '.join(command)} exited with status {process.returncode}:\n{output}")
    # ru_maxrss is in KiB on Linux, in bytes on macOS.
    peak = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
    return Sample(seconds, usage.ru_utime + usage.ru_stime, peak, output)


def summarise(samples: list[Sample]) -> dict:
    times = [s.seconds for s in samples]
    return {
        "median_s": round(statistics.median(times), 4),
        "min_s": round(min(times), 4),
        "max_s": round(max(times), 4),
        "peak_mb": round(max(s.peak_kib for s in samples) / 1024, 1),
        "times_s": [round(t, 4) for t in times],
        "cpu_s": [round(s.cpu_seconds, 4) for s in samples],
        "peaks_mb": [round(s.peak_kib / 1024, 1) for s in samples],
        "last_output": samples[-1].output.splitlines()[-1] if samples[-1].output else "",
    }


def levelup_command() -> list[str]:
    """The `levelup` script installed beside this interpreter (not a pyenv or similar
    shim, whose own start-up would be timed too), else the one on PATH, else the module."""
    beside = Path(sys.executable).parent / "levelup"
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    found = shutil.which("levelup")
    return [found] if found else [sys.executable, "-m", "levelup_site.cli"]


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


def check_levelup_output(sample: Sample, n: int, output: Path) -> None:
    """Warn if a build did not report or write n case studies."""
    match = re.search(r"Built (\d+) case studies", sample.output)
    if match and int(match.group(1)) != n:
        note(f"  warning: levelup reported {match.group(1)} case studies, expected {n}")
    written = sum(1 for p in (output / "case-studies").glob("case-*/index.html"))
    if written != n:
        note(f"  warning: {written} case-study pages in {output}, expected {n}")


def bench_levelup(project: Path, n: int, runs: int, levelup: list[str]) -> dict[str, list[Sample]]:
    output = project / "_site"
    cache = project / ".levelup-cache"
    edited = case_study_path(project, (n + 1) // 2)
    template = project / "templates" / "base.html"
    # Search indexing (Pagefind) is timed as a scenario of its own, not in the others.
    with_search = [*levelup, "build", "--content", str(project / "content"), "--output", str(output)]
    command = [*with_search, "--no-search-index"]
    samples: dict[str, list[Sample]] = {s: [] for s in LEVELUP_SCENARIOS}
    for run in range(runs):
        note(f"  levelup run {run + 1}/{runs}")
        remove(cache)
        remove(output)
        samples["cold"].append(timed(command))
        if run == 0:
            check_levelup_output(samples["cold"][0], n, output)
        samples["no-change"].append(timed(command))
        append(edited, edit_sentence(run))
        samples["one-change"].append(timed(command))
        append(template, f"<!-- benchmark edit {run + 1} -->\n")
        samples["template-change"].append(timed(command))
        remove(cache)
        remove(output)
        samples["cold+search"].append(timed(with_search))
    return samples


def bench_pelican(project: Path, n: int, runs: int) -> dict[str, list[Sample]]:
    site = project / "pelican"
    edited = site / "content" / case_study_path(project, (n + 1) // 2).name
    command = [sys.executable, "-m", "pelican", "content", "-o", "out", "-s", "pelicanconf.py", "-q"]
    samples: dict[str, list[Sample]] = {s: [] for s in PELICAN_SCENARIOS}
    for run in range(runs):
        note(f"  pelican run {run + 1}/{runs}")
        remove(site / "cache")
        remove(site / "out")
        samples["cold"].append(timed(command, cwd=site))
        if run == 0:
            written = sum(1 for _ in (site / "out").glob("case-*.html"))
            if written != n:
                note(f"  warning: Pelican wrote {written} article pages, expected {n}")
        samples["no-change"].append(timed(command, cwd=site))
        append(edited, edit_sentence(run))
        samples["one-change"].append(timed(command, cwd=site))
    return samples


def bench_bundled(work: Path, runs: int, levelup: list[str]) -> dict[str, list[Sample]]:
    """The repository's own content, copied so the cache lands in the work folder."""
    project = work / "bundled"
    prepare(project)
    shutil.copytree(REPO / "content", project / "content")
    output = project / "_site"
    with_search = [*levelup, "build", "--content", str(project / "content"), "--output", str(output)]
    command = [*with_search, "--no-search-index"]
    samples: dict[str, list[Sample]] = {s: [] for s in BUNDLED_SCENARIOS}
    for _ in range(runs):
        remove(project / ".levelup-cache")
        remove(output)
        samples["cold"].append(timed(command))
        samples["no-change"].append(timed(command))
        remove(project / ".levelup-cache")
        remove(output)
        samples["cold+search"].append(timed(with_search))
    return samples


def ratio(pelican: dict | None, levelup: dict) -> float | None:
    if not pelican or not levelup["median_s"]:
        return None
    return round(pelican["median_s"] / levelup["median_s"], 2)


HEADER = f"{'N':>8}  {'scenario':<16} {'levelup s':>10}  {'min–max':<17} {'peak MB':>8} {'pelican s':>10} {'ratio':>6}"


def table_row(n: int | str, scenario: str, levelup: dict, pelican: dict | None, factor: float | None) -> str:
    spread = f"{levelup['min_s']:.3f}–{levelup['max_s']:.3f}"
    pelican_s = f"{pelican['median_s']:.3f}" if pelican else "—"
    shown = f"{factor:.2f}" if factor is not None else "—"
    return (f"{n:>8}  {scenario:<16} {levelup['median_s']:>10.3f}  {spread:<17} "
            f"{levelup['peak_mb']:>8.1f} {pelican_s:>10} {shown:>6}")


def version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


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
    parser.add_argument("--no-pelican", action="store_true", help="skip Pelican even if it is installed")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    use_pelican = not args.no_pelican and importlib.util.find_spec("pelican") is not None
    if not use_pelican and not args.no_pelican:
        note("Pelican is not installed (python3 -m pip install pelican markdown); timing levelup only.")
    levelup = levelup_command()
    work = args.work or Path(tempfile.mkdtemp(prefix="levelup-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results = {
        "meta": {
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "levelup": version("levelup-site"),
            "pelican": version("pelican") if use_pelican else None,
            "levelup_command": levelup,
            "runs": args.runs,
            "seed": args.seed,
            "sizes": args.sizes,
            "notes": "Wall time of each whole process; peak_mb is the largest maximum RSS over the runs "
                     "(MiB) of the largest single process (worker processes are not summed); cpu_s is user + "
                     "system time including waited-for children; ratio = pelican median / levelup median. "
                     "Cold = no build cache and no output; the OS file cache is warm.",
        },
        "bundled": {},
        "corpora": [],
        "results": [],
    }
    rows: list[str] = []

    def save() -> None:
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    try:
        note("Bundled site (the repository's content)")
        bundled = {s: summarise(v) for s, v in bench_bundled(work, args.runs, levelup).items()}
        results["bundled"] = bundled
        for scenario, stats in bundled.items():
            rows.append(table_row("bundled", scenario, stats, None, None))
        save()
        for n in args.sizes:
            project = work / f"n{n}"
            note(f"N = {n}: generating {project}")
            start = time.perf_counter()
            corpus = generate(n, project, args.seed, theme=True, pelican=use_pelican)
            corpus["generate_s"] = round(time.perf_counter() - start, 2)
            results["corpora"].append(corpus)
            levelup_stats = {s: summarise(v) for s, v in bench_levelup(project, n, args.runs, levelup).items()}
            pelican_stats = ({s: summarise(v) for s, v in bench_pelican(project, n, args.runs).items()}
                             if use_pelican else {})
            for scenario in LEVELUP_SCENARIOS:
                pelican = pelican_stats.get(scenario)
                factor = ratio(pelican, levelup_stats[scenario])
                results["results"].append({"n": n, "scenario": scenario, "levelup": levelup_stats[scenario],
                                           "pelican": pelican, "ratio": factor})
                rows.append(table_row(n, scenario, levelup_stats[scenario], pelican, factor))
            save()
    except BuildFailed as error:
        note(f"A build failed, so the benchmark stopped.\n{error}")
        save()
        return 1
    finally:
        if rows:
            print(HEADER)
            print("\n".join(rows))
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        note(f"Wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
