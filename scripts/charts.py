#!/usr/bin/env python3
"""Renders claimbench charts from a spec written by `bench report` / `bench compare`.

Usage: charts.py SPEC.json OUT_DIR
Writes OUT_DIR/<file>.png and OUT_DIR/<file>.svg for every chart in the spec.
Exit 3 when matplotlib is missing (Debian: apt-get install python3-matplotlib).

Charts are drawn on a transparent background with mid-grey text and axes and mid-luminance
colours, so the same file reads in light and dark note apps. SVG text stays text
(svg.fonttype = none), so the variant names can be searched and tested.
"""
import json
import os
import sys
import textwrap

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import ticker
except ImportError:
    print("charts.py: matplotlib is not installed (apt-get install python3-matplotlib)",
          file=sys.stderr)
    sys.exit(3)

GREY = "#808080"
COLOURS = ["#3b82f6", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#06b6d4", "#ec4899", "#84cc16"]
VERDICT_COLOURS = {"HOLDS": "#10b981", "REFUTED": "#ef4444", "INCONCLUSIVE": "#f59e0b",
                   "SKIPPED": GREY}

plt.rcParams.update({
    "svg.fonttype": "none",
    "text.color": GREY, "axes.labelcolor": GREY, "axes.edgecolor": GREY,
    "xtick.color": GREY, "ytick.color": GREY, "axes.titlecolor": GREY,
    "font.size": 9, "axes.titlesize": 10,
    "savefig.transparent": True, "figure.dpi": 110,
    "grid.color": GREY, "grid.alpha": 0.3,
})


def errors(values, lows, highs):
    """Whisker lengths below and above each value; missing bounds draw no whisker."""
    below = [v - lo if lo is not None and v is not None else 0 for v, lo in zip(values, lows)]
    above = [hi - v if hi is not None and v is not None else 0 for v, hi in zip(values, highs)]
    return [below, above]


def use_log(values):
    positive = [v for v in values if v]
    return len(positive) > 1 and max(positive) / min(positive) > 50


def plain_ticks(axis):
    """Log axes labelled 0.5, 1, 2, 5 ... instead of 10^0: readable at a glance."""
    axis.set_major_locator(ticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    axis.set_minor_formatter(ticker.NullFormatter())


def bars(chart, ax):
    """Horizontal bars (long variant names fit) with 95% CI whiskers."""
    items = chart["bars"]
    labels = [b["label"] for b in items]
    values = [b["value"] or 0 for b in items]
    y = list(range(len(items)))
    # One colour per variant (the label before " @threads"), so a sweep's bars match.
    groups = list(dict.fromkeys(b["label"].split(" @")[0] for b in items))
    colours = [VERDICT_COLOURS.get(b.get("verdict"),
                                   COLOURS[groups.index(b["label"].split(" @")[0]) % len(COLOURS)])
               for b in items]
    ax.barh(y, values, color=colours, alpha=0.85,
            xerr=errors(values, [b.get("lo") for b in items], [b.get("hi") for b in items]),
            error_kw={"ecolor": GREY, "capsize": 3, "lw": 1})
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel(chart["xlabel"])
    if use_log(values):
        ax.set_xscale("log")
        plain_ticks(ax.xaxis)
    for line in chart.get("lines", []):
        ax.axvline(line["at"], color=GREY, ls="--", lw=1)
        ax.text(line["at"], -0.6, f" {line['label']}", color=GREY, fontsize=8, va="bottom")
    ax.grid(axis="x")


def lines(chart, ax):
    """One line per variant over a sweep (threads, sizes), with CI whiskers."""
    for i, series in enumerate(chart["series"]):
        ax.errorbar(series["x"], series["y"], yerr=errors(series["y"], series["lo"], series["hi"]),
                    label=series["label"], color=COLOURS[i % len(COLOURS)], marker="o", ms=4,
                    capsize=3, lw=1.5)
    ax.set_xlabel(chart["xlabel"])
    ax.set_ylabel(chart["ylabel"])
    xs = sorted({x for s in chart["series"] for x in s["x"]})
    if xs and xs[0] > 0 and xs[-1] / xs[0] > 50:
        ax.set_xscale("log", base=2)
    elif xs and xs[0] == 0 and xs[-1] > 50:
        ax.set_xscale("symlog", base=2, linthresh=1)  # 0, 1, 128: log-like, with room for 0
    ax.set_xticks(xs, [f"{x:g}" for x in xs])
    ax.xaxis.set_minor_formatter(ticker.NullFormatter())
    if use_log([y for s in chart["series"] for y in s["y"]]):
        ax.set_yscale("log")
        plain_ticks(ax.yaxis)
    ax.legend(frameon=False, labelcolor=GREY)
    ax.grid(True)


def render(chart, out_dir):
    rows = len(chart.get("bars", [])) if chart["kind"] == "bars" else 6
    fig, ax = plt.subplots(figsize=(7.5, max(2.4, 0.32 * rows + 1.2)))
    (bars if chart["kind"] == "bars" else lines)(chart, ax)
    ax.set_title(textwrap.fill(chart["title"], 80), loc="left")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    for ext in ("png", "svg"):
        fig.savefig(os.path.join(out_dir, f"{chart['file']}.{ext}"))
    plt.close(fig)


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    os.makedirs(sys.argv[2], exist_ok=True)
    for chart in spec["charts"]:
        render(chart, sys.argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main())
