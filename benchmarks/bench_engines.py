"""The per-document stages on each compute engine: one process, the local pool, a Dask cluster.

On the realistic corpus of the run's size, with no cache: cleaning, sentences, VADER scores,
frame cues and actor mentions, first in one process (the baseline of this benchmark), then on
the local engine over every core, then on a local two-worker Dask cluster (`engine: dask`).
Prints each one's seconds, its ratio to one process, and whether its tables are identical.
"""

from __future__ import annotations

import pandas as pd

from benchmarks import harness as H


def _stages(n: int, engine) -> tuple[float, list[pd.DataFrame]]:  # noqa: ANN001
    from briefing.corpus.prepare import prepare
    from briefing.measures.lexicon import lexicon_for
    from briefing.measures.per_sentence import actor_mentions, frame_hits, vader_scores

    params = H.bench_params(H.corpus(n))
    with H.stage(f"per-document stages, {engine.describe()}", n) as st:
        p = prepare(params, cache=False, engine=engine)
        tables = [p.sentences, vader_scores(p), frame_hits(p, lexicon_for(params)),
                  actor_mentions(p, params.actors)]
    return st.seconds, tables


def main() -> None:
    from briefing.compute.engine import DaskEngine, LocalEngine
    from briefing.compute.pool import cpu_count

    n = H.size()
    H.corpus(n)
    one, reference = _stages(n, LocalEngine(1))
    print(f"  one process:                 {one:8.2f} s")
    for engine in (LocalEngine(cpu_count()), DaskEngine(jobs=2)):
        try:
            seconds, tables = _stages(n, engine)
        finally:
            engine.close()
        same = all(a.equals(b) for a, b in zip(reference, tables, strict=True))
        print(f"  {engine.describe():28} {seconds:8.2f} s = {seconds / one:5.2f} x one process; "
              f"tables identical: {same}")
        if not same:
            raise SystemExit(f"{engine.describe()} gave other tables than one process")


if __name__ == "__main__":
    main()
