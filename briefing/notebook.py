"""What a notebook's first cells call: find the params, prepare the corpus, set up figures."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from briefing.corpus.prepare import Prepared, prepare
from briefing.corpus.snapshot import load_snapshot
from briefing.files import CHECKOUT, find_checkout
from briefing.params import Params, from_plain, load, slug_for
from briefing.store.results import PREVIOUS_ENV, RESULTS_ENV


def find_params(params_file: str | Path) -> Path:
    """`params_file` as given, else relative to the project root (notebooks run from notebooks/)."""
    p = Path(params_file)
    if p.is_absolute() or p.exists():
        return p
    root = find_checkout(Path.cwd())
    candidate = root / p if root else p
    return candidate if candidate.exists() else p


def open_briefing(params_file: str | Path, params: dict[str, Any] | None = None) -> Prepared:
    """Validated params and the prepared corpus for a notebook.

    `params` (YAML-safe values, as `briefing run` passes them) wins over `params_file`. Under
    `briefing run` the corpus it prepared is loaded (its sentences read from the cache only when
    a section asks for them), not prepared again. Outside
    `briefing run`, the results of the published briefing (reports/<slug>/results/) are read
    too when the cache no longer has them and their inputs match.
    """
    setup_figures()
    if params:
        parsed: Params = from_plain(params, source=str(params_file))
    else:
        parsed = load(find_params(params_file))
    if RESULTS_ENV not in os.environ and PREVIOUS_ENV not in os.environ:
        root = find_checkout(Path.cwd()) or CHECKOUT
        os.environ[PREVIOUS_ENV] = str(root / "reports" / slug_for(parsed, params_file) / "results")
    kept = load_snapshot(parsed)  # the corpus `briefing run` prepared for these params
    return kept if kept is not None else prepare(parsed, source=str(params_file))


def setup_figures() -> None:
    """Figures readable in print, in greyscale and on a phone; SVG (vector) and PNG outputs.

    Six inches wide with 10–11 pt text: shown at its natural size on a desktop and in the PDF,
    and still about 10 px text when a phone shrinks it to the screen. Labels are shown as
    written: no mathtext, so an actor, frame or period named with `$` signs cannot break a figure."""
    import matplotlib

    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")  # no timestamp in the SVG: reruns give the same bytes
    matplotlib.rcParams.update({"svg.hashsalt": "briefing"})
    matplotlib.rcParams.update({
        "text.parse_math": False,
        "figure.figsize": (6.0, 3.6), "figure.dpi": 110, "savefig.dpi": 150,
        "font.size": 11, "axes.titlesize": 11.5, "axes.labelsize": 10.5, "xtick.labelsize": 10,
        "ytick.labelsize": 10, "legend.fontsize": 9.5, "axes.spines.top": False,
        "axes.spines.right": False, "axes.grid": True, "grid.alpha": 0.3,
    })
    try:
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("svg", "png")
    except Exception:  # noqa: BLE001 - outside IPython there is nothing to set
        pass
