"""Figures of the framing section (greyscale-readable: markers, line styles and printed values)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from briefing.sections.framing.result import FramingResult

_MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
_FILLS = ["white", "black", "0.55", "white", "black", "0.55", "white"]


def frame_order(res: FramingResult) -> list[str]:
    """Frames sorted by change from the first to the last period (largest rise at the top)."""
    a, b = res.period_names[0], res.period_names[-1]
    c = res.comparisons
    c = c[(c["period_a"] == a) & (c["period_b"] == b)]
    return c.sort_values(["change", "name"], ascending=[True, False], kind="stable")["frame"].tolist()


def shares_figure(res: FramingResult) -> Figure:
    """Dumbbell chart: each frame's share of sentences per period, sorted by change."""
    order = frame_order(res)
    names = res.names()
    s = res.shares.set_index(["period", "frame"])["share"]
    fig = Figure(figsize=(6.0, 0.3 * len(order) + 2.0))
    ax = fig.subplots()
    y = np.arange(len(order))
    for i, f in enumerate(order):
        vals = [100 * s[(p, f)] for p in res.period_names]
        ax.plot([min(vals), max(vals)], [i, i], color="0.6", lw=1.5, zorder=1)
    for k, p in enumerate(res.period_names):
        vals = [100 * s[(p, f)] for f in order]
        ax.scatter(vals, y, marker=_MARKERS[k % 7], s=42, facecolor=_FILLS[k % 7], edgecolor="black",
                   linewidth=1, zorder=2 + k, label=str(p))
    ax.set_yticks(y, [names[f] for f in order], fontsize=9)
    ax.set_xlabel("share of sentences carrying the frame (%)")
    ax.set_ylim(-0.7, len(order) - 0.3)
    ax.grid(axis="y", alpha=0.15)
    a, b = res.period_names[0], res.period_names[-1]
    for i, f in enumerate(order):  # the change, printed at the right edge
        d = 100 * (s[(b, f)] - s[(a, f)])
        label = f"{d:+.0f}".replace("-", "−") if round(d) else "0"
        ax.annotate(label, (1.01, i), xycoords=("axes fraction", "data"), va="center", fontsize=8.5)
    ax.annotate("change\n(points)", (1.01, len(order) - 0.4), xycoords=("axes fraction", "data"),
                fontsize=8.5, va="bottom")
    ax.legend(title="period", loc="upper center", bbox_to_anchor=(0.5, -0.1), fontsize=9, frameon=False,
              ncol=min(len(res.period_names), 5))
    ax.set_title(f"Frame shares, sorted by change {a} → {b}", loc="left")
    fig.tight_layout()
    return fig


def actors_figure(res: FramingResult) -> Figure:
    """Heat map per period: of the sentences naming each actor, the share carrying each frame."""
    t = res.actors
    if t.empty:
        fig = Figure(figsize=(5, 1.2))
        fig.text(0.5, 0.5, "No actors in the params file.", ha="center", va="center")
        return fig
    order = frame_order(res)[::-1]
    names = res.names()
    actors = list(dict.fromkeys(t["actor"]))
    periods = res.period_names
    width = min(2.4 + 1.6 * len(periods) * max(1, len(actors)) / 2.5, 11)
    fig = Figure(figsize=(width, 0.3 * len(order) + 1.8))
    axes = fig.subplots(1, len(periods), sharey=True, squeeze=False)[0]
    vmax = max(float(t["share"].max(skipna=True) or 0), 0.01)
    for ax, p in zip(axes, periods, strict=True):
        m = t[t["period"] == p].pivot(index="frame", columns="actor", values="share").reindex(index=order,
                                                                                           columns=actors)
        n = t[t["period"] == p].drop_duplicates("actor").set_index("actor")["actor_sentences"].reindex(actors)
        ax.imshow(m.to_numpy(dtype=float), cmap="Greys", vmin=0, vmax=vmax, aspect="auto")
        for (i, j), v in np.ndenumerate(m.to_numpy(dtype=float)):
            label = "–" if np.isnan(v) else f"{100 * v:.0f}"
            ax.text(j, i, label, ha="center", va="center", fontsize=8.5,
                    color="white" if not np.isnan(v) and v > 0.55 * vmax else "black")
        ax.set_xticks(range(len(actors)), [f"{a}\n(n={int(n[a])})" if pd.notna(n[a]) else a for a in actors],
                      fontsize=8.5, rotation=30, ha="right")
        ax.set_title(str(p))
        ax.grid(False)
    axes[0].set_yticks(range(len(order)), [names[f] for f in order], fontsize=8.5)
    fig.suptitle("Share of each actor's sentences carrying each frame (%)", fontsize=10)
    fig.tight_layout()
    return fig
