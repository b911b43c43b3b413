"""`briefing frames suggest`: the sentences of a corpus a frame classifier is least sure about, as a
CSV ready to code (fill in `frames`, add the rows to the coded file, train again).

A sentence's certainty is its distance, on the log-odds scale, from the nearest decision:

    margin(x) = min_f | logit p_f(x) - logit t_f |

and the least certain are those of smallest margin (ties: corpus order); repeated texts once."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from briefing.errors import ParamsError, shown
from briefing.measures.frame_model import FrameModel, load_model


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def least_certain(model: FrameModel, texts: list[str], n: int) -> pd.DataFrame:
    """Positions (`item`) of the n least certain distinct texts, with their margin, the frame whose
    decision is nearest, its probability and the frames the model gives them."""
    proba = model.proba(texts)
    gap = np.abs(_logit(proba) - _logit(np.asarray(model.thresholds))[None, :])
    nearest = gap.argmin(axis=1) if len(texts) else np.zeros(0, dtype=int)
    margin = gap[np.arange(len(texts)), nearest] if len(texts) else np.zeros(0)
    table = pd.DataFrame({"item": np.arange(len(texts)),
                          "key": [" ".join(t.split()).casefold() for t in texts],
                          "margin": margin,
                          "nearest_frame": [model.names[j] for j in nearest],
                          "p_nearest": proba[np.arange(len(texts)), nearest] if len(texts) else [],
                          "model_frames": [";".join(f for f, on in zip(model.names, row, strict=True) if on)
                                           for row in proba >= model.thresholds]})
    table = table.drop_duplicates("key").sort_values("margin", kind="stable").head(n)
    return table.drop(columns="key").reset_index(drop=True)


def suggest(params_path: str, n: int, model_path: str | None, out: str | None) -> Path:
    """Write the CSV of the n sentences of the params file's corpus to code next; return its path."""
    from briefing.corpus.prepare import prepare
    from briefing.files import write_atomic
    from briefing.params import load

    params = load(params_path)
    name = model_path or params.framing.model
    if not name:
        raise ParamsError(f"{params_path}: framing.model: no model named; give --model MODEL or set "
                          "framing.model in the params file")
    model = load_model(name if model_path else params.resolve(name))
    if model.unit != "sentence":
        raise ParamsError(f"{shown(str(name))}: a model of {model.unit}s; suggest picks sentences: give a "
                          "sentence model")
    sents = prepare(params, source=str(params_path)).sentences.reset_index(drop=True)
    pick = least_certain(model, sents["text"].astype(str).tolist(), n)
    rows = sents.iloc[pick["item"].to_numpy()].reset_index(drop=True)
    table = pd.DataFrame({"id": [f"{d}:{s}" for d, s in zip(rows["doc_id"], rows["sentence"], strict=True)],
                          "text": rows["text"], "frames": "", "model_frames": pick["model_frames"],
                          "nearest_frame": pick["nearest_frame"], "p_nearest": pick["p_nearest"].round(3),
                          "margin": pick["margin"].round(3), "period": rows["period"].astype(str),
                          "date": rows["date"].astype(str), "outlet": rows["outlet"].astype(str)})
    path = Path(out or f"{Path(params_path).stem}-to-code.csv")
    write_atomic(path, table.to_csv(index=False))
    return path
