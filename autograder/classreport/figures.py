"""The report's figures: what they show (score histogram, failure rates, module averages),
computed from the graded students, and drawn as PNG files with matplotlib."""

from __future__ import annotations

import contextlib
import statistics
import textwrap
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .results import Student

HISTOGRAM_EDGES = np.linspace(0.0, 100.0, 21)  # 5 % bins; the last one holds full marks
FIGURES = {
    "histogram": ("scores.png", "Histogram of scores in percent of the maximum"),
    "failures": ("failure_rates.png", "The tests the class fails most, by failure rate"),
    "modules": ("modules.png", "Average fraction of each module's points"),
}


@dataclass
class TestRate:
    name: str
    module: str
    suite: str
    failed: int
    ran: int

    @property
    def rate(self) -> float:
        return self.failed / self.ran if self.ran else 0.0

    @property
    def label(self) -> str:
        return f"{self.name} ({self.suite})"


def score_histogram(students: list[Student]) -> tuple[np.ndarray, np.ndarray]:
    """(bin edges in percent, number of students per bin); every student lands in one bin."""
    percents = np.clip([s.percent for s in students], 0.0, 100.0)
    counts, edges = np.histogram(percents, bins=HISTOGRAM_EDGES)
    return edges, counts


def failure_rates(students: list[Student]) -> list[TestRate]:
    """Every test, most failed first: the fraction of the students who ran it and failed it."""
    rates: dict[tuple[str, str], TestRate] = {}
    for student in students:
        for test in student.tests:
            rate = rates.setdefault((test.name, test.suite),
                                    TestRate(test.name, test.module, test.suite, 0, 0))
            rate.ran += 1
            rate.failed += test.status != "passed"
    return sorted(rates.values(), key=lambda r: (-r.rate, r.suite, r.name))


def module_averages(students: list[Student]) -> dict[str, float]:
    """Per module, in the order the results list them: mean fraction of its points earned."""
    fractions: dict[str, list[float]] = defaultdict(list)
    for student in students:
        for module, (earned, possible) in student.modules.items():
            if possible > 0:
                fractions[module].append(earned / possible)
    return {module: statistics.fmean(values) for module, values in fractions.items()}


# ---------------------------------------------------------------- figures (matplotlib, Agg)


@contextlib.contextmanager
def _figure(path: Path, width: float, height: float):
    """A figure saved to ``path`` as PNG; labels are plain text (a ``$`` in a test name is not
    mathtext, which could fail to parse)."""
    import matplotlib
    from matplotlib.figure import Figure  # a bare Figure renders with Agg, without pyplot

    with matplotlib.rc_context({"text.parse_math": False, "text.usetex": False}):
        figure = Figure(figsize=(width, height), layout="constrained")
        yield figure
        figure.savefig(path, dpi=100)


def plot_histogram(students: list[Student], path: Path) -> None:
    edges, counts = score_histogram(students)
    with _figure(path, 8, 3.6) as figure:
        axes = figure.subplots()
        axes.bar(edges[:-1], counts, width=np.diff(edges), align="edge", color="#4c72b0",
                 edgecolor="white")
        axes.set_xlim(0, 100)
        axes.set_xlabel("score (% of the maximum)")
        axes.set_ylabel("students")
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.set_title(f"Scores of {len(students)} graded students")


def _wrap(label: str, width: int) -> str:
    return "\n".join(textwrap.wrap(label, width, max_lines=2, placeholder=" …")) or "?"


def _bars(axes, labels: list[str], percents: list[float], colors, fontsize: float) -> None:
    """Horizontal bars, the first label on top, each bar with its percentage beside it."""
    positions = np.arange(len(labels))[::-1]
    axes.barh(positions, percents, color=colors)
    axes.set_yticks(positions, labels, fontsize=fontsize)
    for position, percent in zip(positions, percents, strict=True):
        axes.text(percent + 1, position, f"{percent:.0f}%", va="center", fontsize=fontsize)
    axes.set_xlim(0, 110)


def plot_failure_rates(rates: list[TestRate], path: Path) -> None:
    with _figure(path, 10, 1.2 + 0.42 * max(len(rates), 2)) as figure:
        axes = figure.subplots()
        _bars(axes, [_wrap(r.label, 48) for r in rates], [100 * r.rate for r in rates],
              ["#c44e52" if r.suite == "hidden" else "#dd8452" for r in rates], fontsize=8)
        axes.set_xlabel("students who failed the test (%)")
        axes.set_title(f"The {len(rates)} tests failed most (orange: public, red: hidden)"
                       if rates else "No test failed")


def plot_module_averages(averages: dict[str, float], path: Path) -> None:
    with _figure(path, 8, 1.2 + 0.45 * max(len(averages), 2)) as figure:
        axes = figure.subplots()
        _bars(axes, [_wrap(m, 30) for m in averages], [100 * a for a in averages.values()],
              "#55a868", fontsize=9)
        axes.set_xlabel("average fraction of the module's points (%)")
        axes.set_title("Per-module averages" if averages else "No test results")
