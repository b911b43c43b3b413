"""Figures of the topics section: readable in print and greyscale (markers and hatching, not colour)."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogFormatter

from briefing.sections.topics.result import TopicsResult

HATCHES = ["", "///", "...", "xxx", "\\\\\\", "++"]
GREYS = ["0.6", "0.95", "0.8", "1.0", "0.7", "0.85"]
LABELLED = 10
#: Above this many terms, the unlabelled terms' layer of the Fightin' Words plot is drawn as an
#: image inside the SVG: its size then depends on the figure's area, not on the vocabulary.
DENSE_TERMS = 1500


def show(fig: Figure) -> None:
    """Display a figure once in a notebook, then close it (so the inline backend does not repeat it)."""
    from IPython.display import display

    display(fig)
    plt.close(fig)


def _wrap(text: str, width: int = 34) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def fightin_words_figure(res: TopicsResult, names: bool = False, labelled: int = LABELLED) -> Figure:
    """Term frequency (pooled count, log scale) against z, the top terms of each side labelled."""
    from adjustText import adjust_text

    pairs = res.comparisons
    fig, axes = plt.subplots(len(pairs), 1, figsize=(6.0, 4.6 * len(pairs)), squeeze=False)
    for ax, (a, b) in zip(axes[:, 0], pairs, strict=True):
        table = (res.names if names else res.distinctive)[(a, b)]
        rng = np.random.default_rng(0)  # small horizontal jitter, so tied terms do not hide each other
        x = table["total"].to_numpy(float) * np.exp(rng.uniform(-0.06, 0.06, len(table)))
        ax.scatter(x, table["z"], s=8, color="0.7", marker="o", linewidths=0, label="other terms", zorder=1,
                   rasterized=len(table) > DENSE_TERMS)
        side_a, side_b = res.top((a, b), names=names)
        texts = []
        for side, lv, marker, face in ((side_a, a, "v", "white"), (side_b, b, "^", "black")):
            side = side.head(labelled)
            idx = table.index[table["term"].isin(side["term"])]
            ax.scatter(x[idx], table.loc[idx, "z"], s=36, marker=marker, facecolor=face, edgecolor="black",
                       linewidths=0.8, label=f"leans to {lv}", zorder=3)
            texts += [ax.text(x[i], table.at[i, "z"], str(table.at[i, "term"]), fontsize=9, zorder=4)
                      for i in idx]
        for level in (-1.96, 1.96):
            ax.axhline(level, color="0.3", linestyle="--", linewidth=0.8)
        ax.axhline(0, color="0.5", linewidth=0.6)
        ax.set_xscale("log")
        # plain numbers: the log axis's default labels are mathtext ("$\\mathdefault{10^{0}}$"), which
        # figures print as written (text.parse_math is off so that names with $ stay as they are)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 1 else f"{v:g}"))
        ax.xaxis.set_minor_formatter(LogFormatter(labelOnlyBase=False))  # labels only on a short axis
        ax.set_xlabel("uses in both periods together (log scale)")
        ax.set_ylabel(f"z (negative: {a}; positive: {b})")
        ax.set_title(f"{'Names' if names else 'Terms'}: {a} against {b}")
        ax.legend(loc="lower right", fontsize=9, frameon=True)
        if texts:
            adjust_text(texts, ax=ax, arrowprops={"arrowstyle": "-", "color": "0.4", "lw": 0.5})
    fig.tight_layout()
    return fig


def prevalence_figure(res: TopicsResult) -> Figure:
    """Share of paragraph weight per topic and period, with the bootstrap interval."""
    prev = res.prevalence
    topics = sorted(prev["topic"].unique())
    periods = list(dict.fromkeys(prev["period"]))
    fig, ax = plt.subplots(figsize=(6.0, 0.9 + 0.55 * len(topics) * max(2, len(periods)) / 2))
    height = 0.8 / len(periods)
    for j, lv in enumerate(periods):
        sub = prev[prev["period"] == lv].set_index("topic").loc[topics]
        y = np.arange(len(topics)) + (j - (len(periods) - 1) / 2) * height
        err = np.vstack([sub["share"] - sub["ci_low"], sub["ci_high"] - sub["share"]]).clip(min=0)
        ax.barh(y, 100 * sub["share"], height=height * 0.95, color=GREYS[j % 6], hatch=HATCHES[j % 6],
                edgecolor="black", linewidth=0.6, label=lv)
        ax.errorbar(100 * sub["share"], y, xerr=100 * err, fmt="none", ecolor="black", capsize=2,
                    linewidth=0.8)
    labels = prev.drop_duplicates("topic").set_index("topic").loc[topics, "label"]
    ticks = [_wrap(f"{t}. {lab}", 28) for t, lab in zip(topics, labels, strict=True)]
    ax.set_yticks(np.arange(len(topics)), ticks, fontsize=9)
    ax.invert_yaxis()
    unit = "paragraphs within articles" if res.interval_unit == "paragraph" else "documents"
    ax.set_xlabel(f"share of paragraph weight (%)\nwhiskers: 95 % interval, resampling {unit}")
    ax.legend(title="period", fontsize=9, loc="lower right")
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig


def divergence_figure(res: TopicsResult) -> Figure:
    """The words contributing most to the Jensen–Shannon divergence, hatched by the period using them more."""
    pairs = res.comparisons
    n = len(res.contributions[pairs[0]]) if pairs else 0
    fig, axes = plt.subplots(1, len(pairs), figsize=(6.0 if len(pairs) == 1 else 4.2 * len(pairs),
                                                      1.2 + 0.25 * n), squeeze=False)
    for ax, (a, b) in zip(axes[0], pairs, strict=True):
        c = res.contributions[(a, b)]
        d = res.divergence[(res.divergence.period_a == a) & (res.divergence.period_b == b)].iloc[0]
        y = np.arange(len(c))
        for lv, hatch, grey in ((a, "", "0.35"), (b, "///", "0.9")):
            m = (c["leans_to"] == lv).to_numpy()
            ax.barh(y[m], 100 * c["share_of_js"].to_numpy()[m], color=grey, hatch=hatch, edgecolor="black",
                    linewidth=0.6, label=f"used more in {lv}")
        ax.set_yticks(y, c["word"].astype(str), fontsize=9)
        ax.invert_yaxis()
        ax.set_xlabel("share of the divergence (%)")
        ax.set_title(f"{a} → {b}: JS {d.js:.3f} bits (random splits {d.chance_low:.3f}–{d.chance_high:.3f})",
                     fontsize=9)
        ax.legend(fontsize=9, loc="lower right")
        ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig
