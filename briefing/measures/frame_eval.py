"""How well the cue lexicons find frames: precision, recall and F1 against labelled sentences.

`briefing evaluate-frames FILE` reads a CSV or JSONL with `text` and `frames` (frame ids or
names, separated by ';', '|' or ',' in CSV, or a list in JSONL) and an optional `split` column, and
prints per-frame and micro/macro scores. Lines of a CSV starting with '#' are comments.
With `--unit article` the rows are articles, scored at the article level beside two baselines
(`briefing.measures.article_eval`).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from briefing.errors import ParamsError
from briefing.files import CHECKOUT
from briefing.measures.frames import detect_frames
from briefing.measures.lexicon import Lexicon

#: The shipped labelled set (130 sentences, fixed tune/test split).
LABELLED = CHECKOUT / "tests" / "data" / "frames_labelled.csv"


@dataclass
class Scores:
    """Per-frame table (frame, name, support, predicted, tp, precision, recall, f1) and averages."""

    per_frame: pd.DataFrame
    micro: dict[str, float]
    macro: dict[str, float]
    n_sentences: int
    unscored: list[str] = field(default_factory=list)  # labels the lexicon has no frame for
    unlabelled: list[str] = field(default_factory=list)  # lexicon frames no row is labelled with


def _split_labels(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    text = str(value)
    if ";" in text or "|" in text:
        return [p.strip() for p in text.replace("|", ";").split(";") if p.strip()]
    return _comma_labels(text)


def _comma_labels(text: str) -> list[str]:
    """Labels separated by commas, keeping a shipped frame name that holds one ("Legality,
    constitutionality and jurisprudence") whole."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    whole = _comma_names()
    out: list[str] = []
    for p in parts:
        if out and f"{out[-1]}, {p}".casefold() in whole:
            out[-1] = f"{out[-1]}, {p}"
        else:
            out.append(p)
    return out


@lru_cache(maxsize=1)
def _comma_names() -> frozenset[str]:
    from briefing.measures.lexicon import load_lexicon

    return frozenset(f.name.casefold() for f in load_lexicon().frames if "," in f.name)


def load_labelled(path: str | Path) -> pd.DataFrame:
    """A table of text, frames (list of labels) and split ('' when the file has none)."""
    path = Path(path)
    if not path.is_file():
        raise ParamsError(f"{path}: labelled file not found; give a CSV or JSONL with text and frames")
    try:
        raw = path.read_text(encoding="utf-8-sig")  # a spreadsheet may start the file with a BOM
    except UnicodeDecodeError as exc:
        raise ParamsError(f"{path}: byte {exc.start}: not UTF-8 text; save the file as UTF-8") from None
    if path.suffix.lower() in (".jsonl", ".json"):
        try:
            records = [json.loads(line) for line in raw.splitlines() if line.strip()]
        except json.JSONDecodeError as exc:
            raise ParamsError(f"{path}: line {exc.lineno}: not valid JSON") from None
        df = pd.DataFrame(records)
    else:
        body = "\n".join(line for line in raw.splitlines() if not line.startswith("#"))
        try:
            df = pd.DataFrame(list(csv.DictReader(io.StringIO(body))))
        except csv.Error as exc:
            raise ParamsError(f"{path}: not a readable CSV ({exc}); give a CSV with text and frames "
                              "columns") from None
    for col in ("text", "frames"):
        if col not in df.columns:
            raise ParamsError(f"{path}: no {col!r} column; the file needs text and frames")
    df["frames"] = df["frames"].map(_split_labels)
    df["split"] = df["split"].fillna("").astype(str) if "split" in df else ""
    return df.reset_index(drop=True)


def evaluate(lexicon: Lexicon, labelled: pd.DataFrame, frames: list[str] | None = None) -> Scores:
    """Score the lexicon on every frame that the labels use and the lexicon has (of `frames`, ids or
    names, when given)."""
    keep = None if frames is None else {lexicon.lookup(f) or f for f in frames}
    gold, unscored = [], set()
    for labels in labelled["frames"]:
        ids = set()
        for lab in labels:
            fid = lexicon.lookup(lab)
            if fid is None:
                unscored.add(lab)
            else:
                ids.add(fid)
        gold.append(ids)
    pred = detect_frames(lexicon, labelled["text"].astype(str))
    used = [f for f in lexicon.ids if any(f in g for g in gold) and (keep is None or f in keep)]
    rows = []
    for f in used:
        tp = sum(f in g and f in p for g, p in zip(gold, pred, strict=True))
        support = sum(f in g for g in gold)
        predicted = sum(f in p for p in pred)
        rows.append((f, lexicon.names()[f], support, predicted, tp, *prf(tp, predicted, support)))
    table = pd.DataFrame(rows, columns=["frame", "name", "support", "predicted", "tp", "precision", "recall",
                                        "f1"])
    tp, pr, sp = (int(table[c].sum()) for c in ("tp", "predicted", "support"))
    micro = dict(zip(("precision", "recall", "f1"), prf(tp, pr, sp), strict=True))
    macro = {c: float(table[c].mean()) if len(table) else 0.0 for c in ("precision", "recall", "f1")}
    unlabelled = [lexicon.names()[f] for f in lexicon.ids if f not in used and (keep is None or f in keep)]
    return Scores(table, micro, macro, len(labelled), sorted(unscored), unlabelled)


def prf(tp: int, predicted: int, support: int) -> tuple[float, float, float]:
    """Precision, recall and F1 from true positives, predictions and labelled items (0 when undefined)."""
    p = tp / predicted if predicted else 0.0
    r = tp / support if support else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def format_scores(scores: Scores, title: str) -> str:
    t = scores.per_frame
    lines = [title, f"{'frame':<48} {'support':>7} {'pred':>5} {'P':>5} {'R':>5} {'F1':>5}"]
    for r in t.itertuples(index=False):
        lines.append(f"{r.name[:48]:<48} {r.support:>7} {r.predicted:>5} {r.precision:>5.2f} "
                     f"{r.recall:>5.2f} {r.f1:>5.2f}")
    for label, avg in (("micro average", scores.micro), ("macro average", scores.macro)):
        lines.append(f"{label:<48} {int(t['support'].sum()):>7} {int(t['predicted'].sum()):>5} "
                     f"{avg['precision']:>5.2f} {avg['recall']:>5.2f} {avg['f1']:>5.2f}")
    if scores.unscored:
        lines.append(f"labels with no frame in the lexicon (not scored): {', '.join(scores.unscored)}")
    if scores.unlabelled:
        lines.append(f"frames no sentence is labelled with (not scored): {', '.join(scores.unlabelled)}")
    return "\n".join(lines)
