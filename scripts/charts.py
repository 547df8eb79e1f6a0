#!/usr/bin/env python3
"""Renders claimbench charts from a spec written by `bench report` / `bench compare`.

Usage: charts.py SPEC.json OUT_DIR
Writes OUT_DIR/<file>.png and OUT_DIR/<file>.svg for every chart in the spec.
Exit 3 when matplotlib is missing (Debian: apt-get install python3-matplotlib).

Charts are drawn on a transparent background with mid-grey text and axes and mid-luminance
colours, so the same file reads in light and dark note apps. SVG text stays text
(svg.fonttype = none), so the variant names can be searched and tested.

Colours come from the spec (one per variant, the same in every chart of a claim: see
harness/src/present/chart_specs.cpp); legends sit outside the plot, titles wrap, and images
are cut to their content (bbox_inches="tight") so nothing is clipped.

Chart kinds:
  bars   - one horizontal bar per variant with its CI whisker
  lines  - one line per series over a sweep; series with a "panel" go into small multiples
  checks - one panel per check: a mark per machine and side at its ratio with its CI, coloured
           by verdict, the check's holds and refuted regions shaded
"""
import json
import math
import os
import sys
import textwrap

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import ticker
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
except ImportError:
    print("charts.py: matplotlib is not installed (apt-get install python3-matplotlib)",
          file=sys.stderr)
    sys.exit(3)

GREY = "#808080"
# Used only when a spec carries no colours (the harness always sends them).
FALLBACK = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#C4A000",
            "#8E6BBF", "#44AA99", "#CC6677", "#999933", "#AA4499"]
# Okabe-Ito green / vermillion / orange: told apart with the common colour-vision deficiencies.
VERDICT_COLOURS = {"HOLDS": "#009E73", "REFUTED": "#D55E00", "INCONCLUSIVE": "#E69F00",
                   "SKIPPED": GREY}
MARKERS = ["o", "s", "D", "^", "v", "P", "X", "*"]
WIDTH = 7.5  # inches: a note page's width at 110 dpi

plt.rcParams.update({
    # Reproducible SVG: fixed ids and no date, so regenerated notes differ only where data did.
    "svg.fonttype": "none", "svg.hashsalt": "claimbench",
    "text.color": GREY, "axes.labelcolor": GREY, "axes.edgecolor": GREY,
    "xtick.color": GREY, "ytick.color": GREY, "axes.titlecolor": GREY,
    "font.size": 9, "axes.titlesize": 10, "figure.titlesize": 10,
    "savefig.transparent": True, "figure.dpi": 110,
    "grid.color": GREY, "grid.alpha": 0.3,
    "legend.frameon": False, "legend.labelcolor": GREY,
})


def wrap(text, width):
    return textwrap.fill(text, width, break_on_hyphens=False)


def errors(values, lows, highs):
    """Whisker lengths below and above each value; missing bounds draw no whisker."""
    below = [max(v - lo, 0) if lo is not None and v is not None else 0
             for v, lo in zip(values, lows)]
    above = [max(hi - v, 0) if hi is not None and v is not None else 0
             for v, hi in zip(values, highs)]
    return [below, above]


def use_log(values, ratio=50):
    positive = [v for v in values if v is not None and v > 0]
    return len(positive) > 1 and max(positive) / min(positive) > ratio


def short_number(v, _=None):
    """1, 20, 500, 2k, 50k, 1M: tick labels that never run into each other."""
    if v >= 1e9:
        return f"{v / 1e9:g}G"
    if v >= 1e6:
        return f"{v / 1e6:g}M"
    if v >= 1e4:
        return f"{v / 1e3:g}k"
    return f"{v:g}"


def plain_ticks(axis, values):
    """Log axes labelled 1, 2, 5, 10 ... (or one tick a decade over wide ranges), not 10^0."""
    positive = [v for v in values if v is not None and v > 0]
    decades = math.log10(max(positive) / min(positive)) if positive else 0
    subs = (1.0,) if decades > 3 else (1.0, 2.0, 5.0)
    axis.set_major_locator(ticker.LogLocator(base=10, subs=subs))
    axis.set_major_formatter(ticker.FuncFormatter(short_number))
    axis.set_minor_formatter(ticker.NullFormatter())


def tidy(ax):
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def colour_of(item, index):
    return item.get("colour") or FALLBACK[index % len(FALLBACK)]


def bars(chart):
    """Horizontal bars (long variant names fit) with 95% CI whiskers, coloured per variant: the
    bars of one variant at different thread counts share its colour, the labels tell them apart."""
    items = chart["bars"]
    fig, ax = plt.subplots(figsize=(WIDTH, max(2.4, 0.3 * len(items) + 1.3)))
    labels = [b["label"] for b in items]
    values = [b["value"] or 0 for b in items]
    y = list(range(len(items)))
    keys = list(dict.fromkeys(b.get("key", b["label"]) for b in items))
    colours = [VERDICT_COLOURS[b["verdict"]] if "verdict" in b
               else colour_of(b, keys.index(b.get("key", b["label"]))) for b in items]
    lows, highs = [b.get("lo") for b in items], [b.get("hi") for b in items]
    ax.barh(y, values, color=colours, alpha=0.9, xerr=errors(values, lows, highs),
            error_kw={"ecolor": GREY, "capsize": 3, "lw": 1})
    ax.set_yticks(y, labels)
    ax.set_ylim(len(items) - 0.4, -0.6)
    ax.set_xlabel(chart["xlabel"])
    if use_log(values):
        ax.set_xscale("log")
        plain_ticks(ax.xaxis, values + [h for h in highs if h])
    else:
        ax.xaxis.set_major_formatter(ticker.FuncFormatter(short_number))
    ax.grid(axis="x")
    tidy(ax)
    ax.set_title(wrap(chart["title"], 75), loc="left")
    return fig


def draw_series(ax, chart, series, style_of):
    linear = chart.get("scale") == "linear"
    for s in series:
        colour, marker = style_of(s)
        ax.errorbar(s["x"], s["y"], yerr=errors(s["y"], s["lo"], s["hi"]), label=s["label"],
                    color=colour, marker=marker, ms=4, capsize=3, lw=1.5)
    xs = sorted({x for s in series for x in s["x"]})
    ys = [y for s in series for y in s["y"]]
    if linear:
        # The claim is about linear growth: straight means linear, a bend means it is not.
        ax.set_xlim(left=0, right=xs[-1] * 1.05 if xs else None)
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_formatter(ticker.FuncFormatter(short_number))
    else:
        if xs and xs[0] > 0 and xs[-1] / xs[0] > 50:
            ax.set_xscale("log", base=2)
        elif xs and xs[0] == 0 and xs[-1] > 50:
            ax.set_xscale("symlog", base=2, linthresh=1)  # 0, 1, 128: log-like, room for 0
        if use_log(ys):
            ax.set_yscale("log")
            plain_ticks(ax.yaxis, ys)
        else:
            # A linear axis cut above zero makes a 1% difference look like a cliff.
            if ys and min(y for y in ys if y is not None) >= 0:
                ax.set_ylim(bottom=0)
            ax.yaxis.set_major_formatter(ticker.FuncFormatter(short_number))
    ax.set_xticks(xs, [short_number(x) for x in xs])
    ax.xaxis.set_minor_formatter(ticker.NullFormatter())
    ax.grid(True)
    tidy(ax)


def lines(chart):
    """One line per series over a sweep (threads, sizes), with CI whiskers; the legend to the
    right of the plot. Series that carry a "panel" are drawn as small multiples, one panel per
    value, each with its own legend: 14 lines in one plot cannot be told apart."""
    series = chart["series"]
    # A colour that repeats (one variant at two sizes) gets a different marker and dash.
    seen = {}

    def style_of(s):
        colour = colour_of(s, series.index(s))
        n = seen.get(colour, 0)
        seen[colour] = n + 1
        return colour, MARKERS[n % len(MARKERS)]

    if chart.get("scale") == "linear" and not any("panel" in s for s in series):
        # On one linear axis a quadratic series squashes the linear ones flat against zero:
        # when the series' peaks differ more than 10x, each gets a panel of its own, from 0.
        peaks = [max((y for y in s["y"] if y is not None), default=0) for s in series]
        if len(series) > 1 and min(peaks) > 0 and max(peaks) / min(peaks) > 10:
            series = [{**s, "panel": s["label"]} for s in series]
    panels = list(dict.fromkeys(s["panel"] for s in series if "panel" in s))
    if not panels:
        fig, ax = plt.subplots(figsize=(WIDTH, 3.4))
        draw_series(ax, chart, series, style_of)
        ax.set_xlabel(chart["xlabel"])
        ax.set_ylabel(wrap(chart["ylabel"], 40))
        if len(series) > 1 or series[0]["label"] != chart["xlabel"]:  # a lone "depth" line: none
            ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0)
        ax.set_title(wrap(chart["title"], 75), loc="left")
        return fig
    columns = 2 if len(panels) > 2 else 1
    rows = math.ceil(len(panels) / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(WIDTH * (1.35 if columns == 2 else 1),
                                                      2.9 * rows + 0.6),
                             squeeze=False, layout="constrained")
    for i, panel in enumerate(panels):
        ax = axes[i // columns][i % columns]
        seen.clear()
        members = [s for s in series if s.get("panel") == panel]
        draw_series(ax, chart, members, style_of)
        ax.set_title(panel, loc="left", fontsize=9)
        ax.set_xlabel(chart["xlabel"])
        if i % columns == 0:
            ax.set_ylabel(wrap(chart["ylabel"], 30))
        if len(members) > 1 or members[0]["label"] != panel:
            ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0, fontsize=8)
    for j in range(len(panels), rows * columns):
        axes[j // columns][j % columns].set_visible(False)
    fig.suptitle(wrap(chart["title"], 95 if columns == 2 else 75), x=0.02, ha="left")
    return fig


def checks(chart):
    """One panel per check, stacked: each machine and side is a row with its estimate and CI,
    coloured by verdict; the check's holds region is shaded green, its refuted region red. Each
    panel has its own axis, since checks differ in thresholds and absolute checks in units. The
    machine is named on the left, the value and verdict on the right (readable without colour),
    the legend in a row of its own above the panels."""
    panels = chart["panels"]

    def row_label(m):
        return wrap(f"{m['machine']} · {m['side']}", 42)

    def panel_height(p):
        lines = sum(max(row_label(m).count("\n") + 1, 1) for m in p["marks"])
        return 0.17 * max(lines, 1) + 0.1 * len(p["marks"]) + 0.25

    heights = [0.35] + [panel_height(p) for p in panels]
    fig, axes = plt.subplots(len(panels) + 1, 1, squeeze=False, layout="constrained",
                             figsize=(WIDTH, sum(heights) + 0.8 * len(panels) + 0.5),
                             gridspec_kw={"height_ratios": heights})
    for ax, panel in zip((row[0] for row in axes[1:]), panels):
        marks = panel["marks"]
        edges = [b[k] for b in panel["bands"] for k in ("from", "to") if b[k] is not None]
        known = [v for m in marks for v in (m["value"], m["lo"], m["hi"]) if v is not None]
        span = known + edges or [1.0]
        log = panel["ratio"] and min(span) > 0 and max(span) / min(span) > 4
        low, high = min(span), max(span)
        if log:
            low, high = low / 1.3, high * 1.3
        else:
            pad = (high - low) * 0.12 or abs(high) * 0.1 or 1.0
            low, high = low - pad, high + pad
        for band in panel["bands"]:
            start = band["from"] if band["from"] is not None else low
            end = band["to"] if band["to"] is not None else high
            ax.axvspan(start, end, color=VERDICT_COLOURS[band["verdict"]], alpha=0.15, lw=0)
            for edge in (band["from"], band["to"]):
                if edge is not None:
                    ax.axvline(edge, color=VERDICT_COLOURS[band["verdict"]], lw=0.8, ls="--")
        if panel["ratio"] and low < 1 < high:
            ax.axvline(1.0, color=GREY, lw=0.8)
        y = list(range(len(marks)))
        for row, m in zip(y, marks):
            if m["value"] is None:
                continue
            ax.errorbar([m["value"]], [row], xerr=errors([m["value"]], [m["lo"]], [m["hi"]]),
                        color=VERDICT_COLOURS.get(m["verdict"], GREY),
                        marker="D" if m["side"] == "Go" else "o", ms=6, capsize=4, lw=2)
        ax.set_yticks(y, [row_label(m) for m in marks], fontsize=8)
        ax.set_ylim(len(marks) - 0.5, -0.5)
        unit = "×" if panel["ratio"] else ""
        right = ax.secondary_yaxis("right")
        right.set_yticks(y, [(f"{m['value']:.3g}{unit} " if m["value"] is not None else "")
                             + m["verdict"] for m in marks], fontsize=8)
        right.spines["right"].set_visible(False)
        right.tick_params(length=0)
        ax.set_xlim(low, high)
        if log:
            ax.set_xscale("log")
            plain_ticks(ax.xaxis, [low, high])
        else:
            ax.xaxis.set_major_locator(ticker.MaxNLocator(6))
        ax.xaxis.set_minor_locator(ticker.NullLocator())
        ax.set_xlabel(wrap(panel["xlabel"], 90), fontsize=8)
        ax.set_title(wrap(f"{panel['title']} ({panel['thresholds']})", 95), loc="left",
                     fontsize=9)
        ax.grid(axis="x")
        tidy(ax)
    legend = [Patch(color=VERDICT_COLOURS["HOLDS"], alpha=0.3, label="holds region"),
              Patch(color=VERDICT_COLOURS["REFUTED"], alpha=0.3, label="refuted region")]
    legend += [Line2D([], [], color=c, marker="o", lw=2, label=v)
               for v, c in VERDICT_COLOURS.items()]
    if any(m["side"] == "Go" for p in panels for m in p["marks"]):
        legend += [Line2D([], [], color=GREY, marker="o", ls="", label="C++"),
                   Line2D([], [], color=GREY, marker="D", ls="", label="Go twin")]
    key = axes[0][0]
    key.axis("off")
    key.legend(handles=legend, loc="center left", ncol=4, fontsize=8, borderaxespad=0)
    fig.suptitle(wrap(chart["title"], 90), x=0.01, ha="left")
    return fig


def render(chart, out_dir):
    fig = {"bars": bars, "lines": lines, "checks": checks}[chart["kind"]](chart)
    for ext in ("png", "svg"):
        fig.savefig(os.path.join(out_dir, f"{chart['file']}.{ext}"), bbox_inches="tight",
                    pad_inches=0.1, metadata={"Date": None} if ext == "svg" else None)
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
