"""Summaries, the results table and the targets, from the measured samples.

Every levelup time is also shown as a ratio to Hugo's cold build of the same
corpus in the same run: levelup's median divided by Hugo's median (below 1, levelup
is faster). Pelican's column keeps its old sense, Pelican's median divided by
levelup's (above 1, levelup is faster).

Standard library only.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from measure import Sample
from serve_latency import ServeRun

MIB = 1024
BUILD_SCENARIOS = ("cold", "no-change", "one-change", "template-change")  # all without search


def summarise(samples: list[Sample]) -> dict:
    times = [s.seconds for s in samples]
    return {
        "median_s": round(statistics.median(times), 4),
        "min_s": round(min(times), 4),
        "max_s": round(max(times), 4),
        "tree_peak_mb": round(max(s.tree_peak_kib for s in samples) / MIB, 1),
        "single_peak_mb": round(max(s.single_peak_kib for s in samples) / MIB, 1),
        "times_s": [round(t, 4) for t in times],
        "cpu_s": [round(s.cpu_seconds, 4) for s in samples],
        "tree_peaks_mb": [round(s.tree_peak_kib / MIB, 1) for s in samples],
        "single_peaks_mb": [round(s.single_peak_kib / MIB, 1) for s in samples],
        "last_output": samples[-1].output.splitlines()[-1] if samples[-1].output else "",
    }


def summarise_serve(runs: list[ServeRun]) -> dict:
    edits = [t for run in runs for t in run.edit_seconds]
    return {
        "median_s": round(statistics.median(edits), 4),
        "min_s": round(min(edits), 4),
        "max_s": round(max(edits), 4),
        "tree_peak_mb": round(max(run.tree_peak_kib for run in runs) / MIB, 1),
        "times_s": [round(t, 4) for t in edits],
        "start_s": [round(run.start_seconds, 4) for run in runs],
    }


def search_difference(cold: dict, with_search: dict) -> dict:
    """What the search index adds to a cold build: time and peak memory, as differences."""
    return {
        "median_s": round(with_search["median_s"] - cold["median_s"], 4),
        "min_s": None,
        "max_s": None,
        "tree_peak_mb": round(with_search["tree_peak_mb"] - cold["tree_peak_mb"], 1),
    }


def ratio(numerator: dict | None, denominator: dict | None) -> float | None:
    if not numerator or not denominator or not denominator["median_s"]:
        return None
    return round(numerator["median_s"] / denominator["median_s"], 3)


HEADER = (f"{'N':>8}  {'scenario':<22} {'median s':>9}  {'min–max':<15} {'tree MB':>8} "
          f"{'÷ hugo':>7} {'pelican s':>10} {'pel÷lu':>7}")


def table_row(n: int | str, scenario: str, stats: dict, hugo_ratio: float | None = None,
              pelican: dict | None = None, pelican_ratio: float | None = None) -> str:
    spread = f"{stats['min_s']:.3f}–{stats['max_s']:.3f}" if stats.get("min_s") is not None else ""
    return (f"{n:>8}  {scenario:<22} {stats['median_s']:>9.3f}  {spread:<15} {stats['tree_peak_mb']:>8.1f} "
            f"{shown(hugo_ratio, 3):>7} {shown(pelican and pelican['median_s'], 3):>10} "
            f"{shown(pelican_ratio, 2):>7}")


def shown(value: float | None, places: int) -> str:
    return "—" if value is None else f"{value:.{places}f}"


@dataclass(frozen=True)
class Target:
    """One goal: a limit on a measured figure, as a ratio to Hugo's cold build or absolute."""

    name: str
    limit: float
    unit: str  # "× hugo", "MB" or "s"

    def judge(self, measured: float | None) -> tuple[str, str]:
        """(the measured figure, "met" / "not met" / why it was not judged)."""
        if measured is None:
            return "—", "not judged: no Hugo" if self.unit == "× hugo" else "not judged"
        figure = f"{measured:.3f}×" if self.unit == "× hugo" else f"{measured:.3g} {self.unit}"
        return figure, "met" if measured <= self.limit else "not met"

    @property
    def limit_text(self) -> str:
        return f"≤ {self.limit:g}× hugo cold" if self.unit == "× hugo" else f"≤ {self.limit:g} {self.unit}"


RATIO_TARGETS = {
    "cold": Target("cold build", 1.0, "× hugo"),
    "no-change": Target("rebuild, nothing changed", 0.05, "× hugo"),
    "one-change": Target("rebuild, one case study edited", 0.08, "× hugo"),
    "template-change": Target("rebuild, a template edited", 0.6, "× hugo"),
}
MEMORY_TARGET = Target("peak memory, all the build's processes", 400, "MB")
SERVE_TARGET = Target("serve: edit to served page", 1.0, "s")
BUNDLED_TARGET = Target("bundled site cold, interpreter start included", 0.5, "s")


def target_rows(n: int, levelup: dict[str, dict], hugo_cold: dict | None, serve: dict | None) -> list[dict]:
    """Each target judged on the corpus of n case studies."""
    rows = [(target, ratio(levelup[scenario], hugo_cold)) for scenario, target in RATIO_TARGETS.items()]
    rows.append((MEMORY_TARGET, max(levelup[s]["tree_peak_mb"] for s in BUILD_SCENARIOS)))
    rows.append((SERVE_TARGET, serve["median_s"] if serve else None))
    return [target_row(n, target, measured) for target, measured in rows]


def target_row(n: int | str, target: Target, measured: float | None) -> dict:
    figure, verdict = target.judge(measured)
    return {"n": n, "target": target.name, "limit": target.limit_text, "measured": measured,
            "shown": figure, "verdict": verdict}


def targets_table(rows: list[dict]) -> str:
    lines = [f"{'N':>8}  {'target':<46} {'limit':<19} {'measured':>10}  verdict"]
    lines += [f"{row['n']:>8}  {row['target']:<46} {row['limit']:<19} {row['shown']:>10}  {row['verdict']}"
              for row in rows]
    return "\n".join(lines)
