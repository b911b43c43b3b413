"""Figures of the sentiment section: readable in print and greyscale (markers and line styles,
not colour alone). Each function returns a matplotlib Figure built without pyplot, so it is
displayed exactly once (as a notebook cell's value) and never left open."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from briefing.sections.sentiment.result import SentimentResult

MARKERS = ["o", "s", "^", "D", "v", "P"]
GREYS = ["0.15", "0.45", "0.65", "0.3", "0.55", "0.75"]
MIN_DATED = 10
#: Above this many sentences in a period, the distribution shows their histogram, not a point
#: each: the figure's size must not grow with the corpus (tens of thousands of points made an
#: HTML page of 22 MB).
DENSE_SENTENCES = 400
#: Above this many articles in a period, the dated figure shows the monthly interquartile band.
DENSE_ARTICLES = 300
HATCHES = ["////", "\\\\\\\\", "....", "xxxx", "----", "++++"]


def _horizontal() -> dict:
    """`orientation="horizontal"` (matplotlib ≥ 3.10), else the older `vert=False`."""
    import matplotlib

    major, minor = (int(x) for x in matplotlib.__version__.split(".")[:2])
    return {"orientation": "horizontal"} if (major, minor) >= (3, 10) else {"vert": False}


def distribution(result: SentimentResult) -> Figure:
    """Sentence compound per period over a box plot: every sentence as a jittered point, or, in a
    period of more than `DENSE_SENTENCES` sentences, their histogram (a mirrored bar per 0.05)."""
    names = result.period_names
    fig = Figure(figsize=(6.0, 1.3 + 0.95 * len(names)))
    ax = fig.add_subplot()
    data = [result.compounds(p) for p in names]
    ax.boxplot(data, **_horizontal(), positions=range(len(names)), widths=0.5, showfliers=False,
               medianprops={"color": "black", "linewidth": 2}, boxprops={"color": "0.35"},
               whiskerprops={"color": "0.35"}, capprops={"color": "0.35"})
    rng = np.random.default_rng(0)
    means = result.periods.set_index("period")["mean"]
    bins = np.linspace(-1, 1, 41)
    for k, vals in enumerate(data):
        if len(vals) > DENSE_SENTENCES:
            counts, edges = np.histogram(vals, bins)
            half = 0.4 * counts / max(counts.max(), 1)
            ax.bar(edges[:-1], 2 * half, width=np.diff(edges), bottom=k - half, align="edge",
                   color="0.82", edgecolor=GREYS[k % len(GREYS)], linewidth=0.4, hatch=HATCHES[k % 6],
                   zorder=2)
        else:
            y = k + rng.uniform(-0.18, 0.18, len(vals))
            ax.scatter(vals, y, s=16, marker=MARKERS[k % len(MARKERS)], facecolors="none",
                       edgecolors=GREYS[k % len(GREYS)], linewidths=0.9, zorder=3)
        ax.plot([means[names[k]]] * 2, [k - 0.42, k + 0.42], color="black", linestyle="--",
                linewidth=1.3, zorder=4)
    labels = [f"{p}\n({len(v):,} sentences)" for p, v in zip(names, data, strict=True)]
    ax.set_yticks(range(len(names)), labels)
    ax.axvline(0, color="0.5", linewidth=0.8)
    ax.set_xlim(-1.05, 1.05)
    dense = any(len(v) > DENSE_SENTENCES for v in data)
    ax.set_xlabel("VADER compound per sentence (−1 … +1)" + ("; bars: histogram" if dense else "")
                  + "\ndashed line: the period's mean over articles")
    ax.invert_yaxis()
    fig.tight_layout()
    return fig


def actors(result: SentimentResult) -> Figure | None:
    """Mean compound of the sentences naming each actor, per period, with 95% intervals."""
    tab = result.actors[(result.actors["kind"] == "actor") & (result.actors["sentences"] > 0)]
    if tab.empty:
        return None
    names = result.period_names
    targets = list(dict.fromkeys(tab["target"]))
    fig = Figure(figsize=(6.0, 1.3 + 0.6 * len(targets) * max(1, len(names) / 2)))
    ax = fig.add_subplot()
    step = 0.6 / max(1, len(names))
    for k, p in enumerate(names):
        part = tab[tab["period"] == p].set_index("target")
        y = np.array([targets.index(t) for t in part.index]) + (k - (len(names) - 1) / 2) * step
        x = part["mean"].to_numpy()
        lo, hi = part["ci_low"].to_numpy(), part["ci_high"].to_numpy()
        ok = ~np.isnan(lo)
        if ok.any():
            ax.errorbar(x[ok], y[ok], xerr=[x[ok] - lo[ok], hi[ok] - x[ok]], fmt="none",
                        ecolor=GREYS[k % len(GREYS)], elinewidth=1.3, capsize=3,
                        linestyle=["-", "--", ":"][k % 3])
        ax.scatter(x, y, marker=MARKERS[k % len(MARKERS)], s=45, color=GREYS[k % len(GREYS)],
                   edgecolors="black", linewidths=0.6, zorder=3, label=f"{p}")
        for xi, yi, n in zip(x, y, part["sentences"], strict=True):
            ax.annotate(f"n={n:,}", (xi, yi), xytext=(0, 5), textcoords="offset points", fontsize=8.5,
                        ha="center", va="bottom")
    ax.set_yticks(range(len(targets)), targets)
    ax.axvline(0, color="0.5", linewidth=0.8)
    bars = "bars: 95% CI over articles" if tab["ci_low"].notna().any() else "no interval: too few articles"
    ax.set_xlabel(f"mean VADER compound of sentences naming the actor ({bars})")
    ax.invert_yaxis()
    ax.legend(title="period", loc="best", fontsize=9)
    fig.tight_layout()
    return fig


def by_date(result: SentimentResult) -> Figure | None:
    """Article scores by date (periods with at least 10 articles), with a monthly mean line: a
    point per article, or, in a period of more than `DENSE_ARTICLES` articles, the band between
    each month's quartiles (so the figure's size does not grow with the corpus)."""
    docs = result.documents.dropna(subset=["compound"])
    counts = docs.groupby("period", observed=False).size()
    keep = [p for p in result.period_names if counts.get(p, 0) >= MIN_DATED]
    if not keep:
        return None
    fig = Figure(figsize=(6.0, 3.6))
    ax = fig.add_subplot()
    for k, p in enumerate(keep):
        d = docs[docs["period"] == p].sort_values("date")
        if len(d) > DENSE_ARTICLES:
            by_month = d.set_index("date")["compound"].resample("MS")
            low, high = by_month.quantile(0.25).dropna(), by_month.quantile(0.75).dropna()
            ax.fill_between(low.index + pd.Timedelta(days=14), low.to_numpy(), high.to_numpy(),
                            facecolor="0.88", edgecolor=GREYS[k % len(GREYS)], hatch=HATCHES[k % 6],
                            linewidth=0.5, label=f"{p}: middle half of articles")
        else:
            ax.scatter(d["date"], d["compound"], s=12, marker=MARKERS[k % len(MARKERS)],
                       facecolors="none", edgecolors=GREYS[k % len(GREYS)], linewidths=0.7, alpha=0.8)
        monthly = d.set_index("date")["compound"].resample("MS").mean().dropna()
        ax.plot(monthly.index + pd.Timedelta(days=14), monthly.to_numpy(), color="black",
                linestyle=["-", "--", ":"][k % 3], marker=MARKERS[k % len(MARKERS)], markersize=4,
                label=f"{p}: monthly mean")
    ax.axhline(0, color="0.5", linewidth=0.8)
    ax.set_ylabel("mean compound per article")
    ax.legend(fontsize=9)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig
