"""Where the checkout is: the folder whose notebooks/ holds the section notebooks."""

from __future__ import annotations

from pathlib import Path


def find_checkout(*starts: Path) -> Path | None:
    """The nearest folder, walking up from each start in turn, with notebooks/NN_*.ipynb."""
    for start in starts:
        here = start.resolve()
        for d in (here, *here.parents):
            if (d / "notebooks").is_dir() and any((d / "notebooks").glob("[0-9][0-9]_*.ipynb")):
                return d
    return None
