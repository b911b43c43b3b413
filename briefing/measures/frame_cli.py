"""`briefing frames train|evaluate|suggest`: train a frame classifier on coded text and measure it
beside the lexicon (`briefing.measures.frame_train`), score lexicons (`evaluate`, the same as
`briefing evaluate-frames`), and pick the items to code next (`briefing.measures.frame_suggest`)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from briefing.errors import ParamsError, inert
from briefing.measures.frame_model import FORMAT_VERSION, FrameModel, save_model, words_of
from briefing.measures.frame_train import (
    CrossValidation,
    TrainSettings,
    cross_validate,
    data_digest,
    fit_model,
    label_matrix,
    model_digest,
    score_table,
    versions,
)
from briefing.measures.lexicon import Lexicon, combine, load_lexicon

MODEL, LEXICON, NAMES = "model", "lexicon", "name baseline"


def load_items(path: str, unit: str) -> pd.DataFrame:
    """The coded items of FILE (text, frames, split; articles also title), non-empty texts only."""
    from briefing.measures.article_eval import load_articles
    from briefing.measures.frame_eval import load_labelled

    p = Path(path)
    if p.is_file() and not p.read_bytes().strip():
        raise ParamsError(f"{path}: the file is empty; give a CSV or JSONL with text and frames columns")
    data = load_articles(path) if unit == "article" else load_labelled(path)
    data = data[data["text"].fillna("").astype(str).str.strip() != ""].reset_index(drop=True)
    if data.empty:
        raise ParamsError(f"{path}: no rows with text; give a CSV or JSONL with text and frames columns")
    return data


def baselines(data: pd.DataFrame, names: list[str], unit: str, lexicon: Lexicon
              ) -> dict[str, tuple[np.ndarray, list[int]]]:
    """The lexicon's and the frame-name baseline's predictions of the model's frames, and which
    frames they have (a label the lexicon knows by id or name); at the article level the lexicon
    goes through the article rule, as in the briefing."""
    from briefing.measures.article_eval import NameBaseline, article_sentences
    from briefing.measures.article_frames import ANY_CUE, DEFAULT_RULE, article_table
    from briefing.measures.frames import FrameDetector

    mapped = {j: lexicon.lookup(n) for j, n in enumerate(names)}
    cols = [j for j, f in mapped.items() if f]
    det = FrameDetector(lexicon)
    names_b = NameBaseline(lexicon, det)
    if unit == "sentence":
        texts = data["text"].astype(str).tolist()
        sets = {LEXICON: [det.frames_of(t) for t in texts], NAMES: [set(names_b.frames_of(t)) for t in texts]}
    else:
        sents = article_sentences(data)
        n = sents.groupby("doc_id").size().reindex([str(i) for i in data.index], fill_value=0)
        sets = {}
        for method, hits, rule in ((LEXICON, det.hits(sents), DEFAULT_RULE),
                                   (NAMES, names_b.hits(sents), ANY_CUE)):
            sub, _ = article_table(hits, n, lexicon.ids, rule)
            sets[method] = [{f for f, v in row.items() if v} for _, row in sub.iterrows()]
    out = {}
    for method, s in sets.items():
        pred = np.zeros((len(data), len(names)), dtype=bool)
        for i, found in enumerate(s):
            for j in cols:
                pred[i, j] = mapped[j] in found
        out[method] = (pred, cols)
    return out


def format_report(title: str, names: list[str], gold: np.ndarray, predicted: dict[str, np.ndarray],
                  scored: dict[str, list[int]]) -> str:
    """Per frame and micro/macro P, R, F1 of each method, side by side; then the comparison on the
    frames the lexicon has."""
    methods = list(predicted)
    tables = {m: score_table(names, gold, predicted[m], scored[m]) for m in methods}
    lines = [title, f"{'':<36} {'':>7}  " + "  ".join(f"{m:>17}" for m in methods),
             f"{'frame':<36} {'support':>7}  " + "  ".join(f"{'P':>5} {'R':>5} {'F1':>5}" for _ in methods)]
    for j, name in enumerate(names):
        support = int(gold[:, j].sum())
        if not support:
            continue
        cells = []
        for m in methods:
            t = tables[m][0].set_index("frame")
            cells.append(" ".join(f"{t.loc[name, c]:>5.2f}" for c in ("precision", "recall", "f1"))
                         if name in t.index else f"{'–':>5} {'–':>5} {'–':>5}")
        lines.append(f"{name[:36]:<36} {support:>7}  " + "  ".join(cells))
    for label, k in (("micro average", 1), ("macro average", 2)):
        cells = "  ".join(" ".join(f"{tables[m][k][c]:>5.2f}" if scored[m] else f"{'–':>5}"
                                   for c in ("precision", "recall", "f1")) for m in methods)
        lines.append(f"{label:<36} {int(gold.sum()):>7}  {cells}")
    common = scored.get(LEXICON, [])
    if LEXICON in predicted and common:
        shared = {m: score_table(names, gold, predicted[m], common)[1]["f1"] for m in methods}
        lines.append(f"on the {len(common)} frame{'s' * (len(common) != 1)} the lexicon has: micro F1 "
                     + ", ".join(f"{m} {v:.2f}" for m, v in shared.items()))
    missing = [names[j] for j in range(len(names)) if j not in common and gold[:, j].any()]
    if LEXICON in predicted and missing:
        lines.append("frames the lexicon has no frame for (baselines not scored on them): "
                     + ", ".join(missing))
    return "\n".join(lines)


def _settings(args: argparse.Namespace) -> TrainSettings:
    return TrainSettings(folds=args.folds, seed=args.seed, C=args.C, cues=args.cues,
                         min_examples=args.min_examples)


def _lexicon(args: argparse.Namespace) -> Lexicon:
    if args.params:
        from briefing.measures.lexicon import lexicon_for
        from briefing.params import load

        return lexicon_for(load(args.params))
    return combine(load_lexicon(args.lexicon), [])


def _frames_kept(names: list[str], y: np.ndarray, need: int) -> tuple[list[int], list[str]]:
    counts = y.sum(axis=0)
    keep = [j for j in range(len(names)) if counts[j] >= need]
    dropped = [f"{names[j]} ({int(counts[j])})" for j in range(len(names)) if counts[j] < need]
    return keep, dropped


def train(args: argparse.Namespace) -> int:
    """`briefing frames train FILE`: cross-validate, then fit on every training item and write the model."""
    settings = _settings(args)
    data = load_items(args.file, args.unit)
    lexicon = _lexicon(args)
    if args.frames:
        wanted = {" ".join(f.split()).casefold() for f in args.frames.split(",") if f.strip()}
        data["frames"] = data["frames"].map(
            lambda labs: [x for x in labs if " ".join(x.split()).casefold() in wanted])
    test = data[data["split"] == args.test_split] if args.test_split else data.iloc[:0]
    if args.test_split and test.empty:
        raise ParamsError(f"{args.file}: no rows with split {args.test_split!r}")
    train_rows = data[data["split"] == args.split] if args.split else data.drop(test.index)
    if train_rows.empty:
        raise ParamsError(f"{args.file}: no rows with split {args.split!r} to train on")
    train_rows = train_rows.reset_index(drop=True)
    texts = train_rows["text"].astype(str).tolist()
    names, y = label_matrix(train_rows["frames"].tolist())
    need = settings.min_examples or settings.folds
    keep, dropped = _frames_kept(names, y, need)
    if not keep:
        raise ParamsError(f"{args.file}: frames: no frame has {need} labelled {args.unit}s (the folds need "
                          f"that many); code more items or give --folds 2")
    names, y = [names[j] for j in keep], y[:, keep]
    print(inert(f"{args.file}: {len(texts):,} {args.unit}s"
                + (f" of split {args.split!r}" if args.split else "")
                + f", {len(names)} frames; {settings.describe()}"))
    if dropped:
        print(inert(f"frames left out, fewer than {need} labelled {args.unit}s (code more of them, or lower "
                    f"--min-examples): {', '.join(dropped)}"))
    started = time.monotonic()
    meta = {"unit": args.unit, "source": Path(args.file).name, "split": args.split or "",
            "n_items": len(texts),
            "label_counts": {n: int(c) for n, c in zip(names, y.sum(axis=0), strict=True)},
            "data_digest": data_digest(texts, train_rows["frames"].tolist()), "settings": vars(settings),
            "versions": versions(), "format_version": FORMAT_VERSION,
            "vocabulary": sorted(set(words_of(texts))),
            # how the briefing names a frame: the lexicon's name when the label is its id or name
            "display": {n: lexicon.names()[lexicon.lookup(n)] for n in names if lexicon.lookup(n)}}
    try:
        if args.folds:
            base = baselines(train_rows, names, args.unit, lexicon)
            cv = cross_validate(texts, y, names, settings, lexicon, base)
            print(format_report(f"\n{settings.folds}-fold cross-validation (seed {settings.seed}), "
                                "pooled over the test folds", names, y, cv.predicted, cv.scored))
            print(f"model micro F1 per fold: {', '.join(f'{v:.2f}' for v in cv.fold_micro_f1)}")
            meta["cv"] = _cv_meta(cv)
        model = fit_model(texts, y, names, settings, lexicon)
    except ValueError as exc:  # scikit-learn: e.g. no word in any text
        raise ParamsError(f"{args.file}: text: cannot train on these texts ({exc})") from None
    model.meta = meta
    model.meta["model_digest"] = model_digest(model)
    if not test.empty:
        test = test.reset_index(drop=True)
        gold = _gold(test["frames"].tolist(), names)
        base = baselines(test, names, args.unit, lexicon)
        preds = {MODEL: model.predict(test["text"].astype(str).tolist()),
                 **{m: p for m, (p, _) in base.items()}}
        scored = {MODEL: list(range(len(names))), **{m: c for m, (_, c) in base.items()}}
        print(format_report(f"\nsplit {args.test_split!r}: {len(test):,} {args.unit}s the model never saw",
                            names, gold, preds, scored))
        model.meta["test"] = {"split": args.test_split, "n_items": len(test),
                              **_scores(names, gold, preds, scored)}
    print(f"\ntrained in {time.monotonic() - started:.1f} s")
    if args.out:
        save_model(model, args.out)
        print(inert(f"model written to {args.out} (frame model format {FORMAT_VERSION}, {len(texts):,} "
                    f"{args.unit}s, data sha256 {meta['data_digest'][:12]})"))
    return 0


def _gold(labels: list[list[str]], names: list[str]) -> np.ndarray:
    col = {" ".join(n.split()).casefold(): j for j, n in enumerate(names)}
    gold = np.zeros((len(labels), len(names)), dtype=bool)
    for i, labs in enumerate(labels):
        for lab in labs:
            j = col.get(" ".join(lab.split()).casefold())
            if j is not None:
                gold[i, j] = True
    return gold


def _scores(names: list[str], gold: np.ndarray, preds: dict[str, np.ndarray], scored: dict[str, list[int]]
            ) -> dict:
    out = {}
    for m, p in preds.items():
        t, mi, ma = score_table(names, gold, p, scored[m])
        out[m] = {"micro": mi, "macro": ma, "frames": t.drop(columns=["tp"]).to_dict(orient="records")}
    return out


def _cv_meta(cv: CrossValidation) -> dict:
    return {"folds": int(cv.folds.max()) + 1, "fold_micro_f1": cv.fold_micro_f1, "coverage": cv.coverage,
            **_scores(cv.names, cv.gold, cv.predicted, cv.scored)}


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of at least 1")
    return int(value)


def _folds(value: str) -> int:
    if not value.isdigit() or int(value) == 1:
        raise argparse.ArgumentTypeError(f"{value!r}: give 0 (no cross-validation) or 2 or more folds")
    return int(value)


def _c(value: str) -> float:
    try:
        c = float(value)
    except ValueError:
        c = -1.0
    if not c > 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive number")
    return c


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="briefing frames",
                                 description="Frame classifiers trained on coded text.")
    sub = ap.add_subparsers(dest="action", required=True)
    t = sub.add_parser("train", help="train a classifier on coded sentences or articles and "
                                     "cross-validate it beside the lexicon")
    t.add_argument("file", help="CSV or JSONL with text and frames (';', '|' or ',' between frames)")
    t.add_argument("--unit", choices=("sentence", "article"), default="sentence",
                   help="each row is a sentence (default) or an article")
    t.add_argument("--out", metavar="MODEL", help="write the model here (e.g. models/frames.skops)")
    t.add_argument("--folds", type=_folds, default=5, help="cross-validation folds (default 5; 0: none)")
    t.add_argument("--seed", type=int, default=TrainSettings.seed, help="folds and solver seed")
    t.add_argument("--C", type=_c, default=TrainSettings.C, help="inverse regularisation (default 4)")
    t.add_argument("--no-cues", dest="cues", action="store_false",
                   help="leave out the lexicon's cue counts (features by default)")
    t.add_argument("--min-examples", type=_positive, default=0, metavar="N",
                   help="leave out frames with fewer labelled items (default: the number of folds)")
    t.add_argument("--split", help="train on the rows of this split only")
    t.add_argument("--test-split", metavar="SPLIT",
                   help="hold these rows out; score the trained model on them beside the lexicon")
    t.add_argument("--frames", metavar="A,B", help="train on these frames only")
    t.add_argument("--lexicon", help="lexicon YAML of the baselines and --cues (default: the shipped one)")
    t.add_argument("--params", help="use the lexicon of this params file")
    e = sub.add_parser("evaluate", add_help=False, help="the same as `briefing evaluate-frames`")
    e.add_argument("rest", nargs=argparse.REMAINDER)
    s = sub.add_parser("suggest", help="the items the model is least sure about, as a CSV ready to code")
    s.add_argument("--corpus", required=True, metavar="PARAMS", help="params/<name>.yaml of the corpus")
    s.add_argument("-n", type=_positive, default=50, help="how many items (default 50)")
    s.add_argument("--model", help="the model (default: the params file's framing.model)")
    s.add_argument("--out", default=None, help="the CSV to write (default: <params name>-to-code.csv)")
    return ap


def cli_main(argv: list[str]) -> int:
    if argv[:1] == ["evaluate"]:
        from briefing.measures.evaluate_frames import cli_main as evaluate

        return evaluate(argv[1:])
    args = parser().parse_args(argv)
    if args.action == "train":
        return train(args)
    from briefing.measures.frame_suggest import suggest

    out = suggest(args.corpus, args.n, args.model, args.out)
    print(inert(f"{out}: the items to code next (fill in the frames column, then train again on "
                "the combined file)"), file=sys.stderr)
    return 0


__all__ = ["FrameModel", "cli_main"]
