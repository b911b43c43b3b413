"""How well the article-level frames and primary frame match labelled articles, beside two baselines.

`briefing evaluate-frames --unit article [FILE]` reads a CSV or JSONL of articles with `text`,
`frames` (the frames each article uses substantially), optional `primary_frame` (a frame, or
"none"), `title` and `split`. Each article is cleaned and split into sentences as the briefing
does (the shipped cleaning rules), its sentences' frames are found with the lexicon, and the
article rule (`briefing.measures.article_frames`) gives its frames and primary frame.

Methods scored on the same articles:

- **lexicon + rule**: the briefing's method.
- **frame-name baseline**: a sentence carries a frame when one of its words has a Snowball stem
  starting with the stem of a content word of the frame's name ("econom" for Economic; stop
  words such as "and", "of" and "other" are dropped, so the Other frame never fires); an
  article carries every frame one of its sentences carries; its primary frame is the one in
  most sentences (ties as for the rule).
- **majority class**: every article gets the most frequent labelled frame as its only frame,
  and the most frequent labelled primary frame as its primary frame, both counted on the
  articles scored (the best a constant guess can do on them).
- **lexicon, any-cue rule** (one line): an article carries a frame as soon as one sentence
  does, as the briefing counted documents before the rule.

Per frame, over articles: precision = tp / predicted, recall = tp / labelled, F1 = 2PR/(P+R).
Micro and macro averages are over the frames some scored article is labelled with (and, with
`--frames`, named): a frame no article is labelled with is listed as not scored, as at the
sentence level, since a file coded for some frames says nothing about the others.
Primary-frame accuracy = articles whose predicted primary frame equals the label
/ articles with a primary label; a prediction of "none" (no frame substantial) counts as the
codebook's Other ("any framing that fits none of the other dimensions") when the lexicon has a
frame `other`; the strict figure, where it never does, is printed beside it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from briefing.corpus.clean import clean_table, load_rules
from briefing.corpus.sentences import sentence_table
from briefing.errors import ParamsError
from briefing.files import CHECKOUT
from briefing.measures.actors import fold
from briefing.measures.article_frames import ANY_CUE, DEFAULT_RULE, NONE, ArticleRule, article_table
from briefing.measures.frame_eval import load_labelled, prf
from briefing.measures.frames import TOKEN, FrameDetector
from briefing.measures.lexicon import Lexicon

#: The shipped labelled articles (128 Wikinews articles, fixed tune/test split).
ARTICLES = CHECKOUT / "tests" / "data" / "frames_articles_labelled.jsonl"

#: The codebook's residual frame: a prediction of "none" is scored as this frame.
OTHER = "other"

RULE, NAMES, MAJORITY = "lexicon + rule", "frame-name baseline", "majority class"
ANY = "lexicon, any-cue rule"


@dataclass
class MethodScores:
    """One method's per-frame table (frame, name, support, predicted, tp, precision, recall, f1),
    averages and primary-frame accuracy (NaN when no article has a primary label)."""

    per_frame: pd.DataFrame
    micro: dict[str, float]
    macro: dict[str, float]
    primary_correct: int
    primary_correct_strict: int
    primary_n: int

    @property
    def accuracy(self) -> float:
        return self.primary_correct / self.primary_n if self.primary_n else float("nan")

    @property
    def accuracy_strict(self) -> float:
        return self.primary_correct_strict / self.primary_n if self.primary_n else float("nan")


@dataclass
class ArticleEvaluation:
    """Scores of the rule and the baselines on one set of labelled articles."""

    methods: dict[str, MethodScores]
    n_articles: int
    rule: ArticleRule
    majority_frame: str = ""
    majority_primary: str = ""
    unscored: list[str] = field(default_factory=list)  # labels the lexicon has no frame for
    unlabelled: list[str] = field(default_factory=list)  # frames no article is labelled with (not scored)


def load_articles(path: str | Path) -> pd.DataFrame:
    """Labelled articles: text, frames (list), split, primary_frame ('' when not given) and title."""
    data = load_labelled(path)
    for col in ("primary_frame", "title"):
        data[col] = data[col].fillna("").astype(str).str.strip() if col in data else ""
    if (data["text"].astype(str).str.strip() == "").any():
        row = int(np.flatnonzero(data["text"].astype(str).str.strip() == "")[0]) + 1
        raise ParamsError(f"{path}: article {row} has no text; give each article its text")
    return data


class NameBaseline:
    """The frame-name baseline: frames whose name's word stems begin some word's stem."""

    def __init__(self, lexicon: Lexicon, detector: FrameDetector | None = None) -> None:
        # imported here: sklearn takes a second to import, and only this baseline needs it
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        # the detector's per-word stem cache: each distinct word is folded and stemmed once
        self._det = detector or FrameDetector(lexicon)
        self.prefixes: dict[str, tuple[str, ...]] = {}
        for f in lexicon.frames:
            words = [fold(m.group(0)) for m in TOKEN.finditer(f.name)]
            self.prefixes[f.id] = tuple(dict.fromkeys(self._det.stem(w) for w in words
                                                      if w not in ENGLISH_STOP_WORDS))
        alts = sorted({p for ps in self.prefixes.values() for p in ps}, key=len, reverse=True)
        self._any = re.compile("|".join(map(re.escape, alts))) if alts else None

    def frames_of(self, text: str) -> list[str]:
        """The frames whose name stems begin the stem of a word of `text` (lexicon order)."""
        stems = {self._det.word_stem(m.group(0)) for m in TOKEN.finditer(text)}
        if self._any is None or not any(self._any.match(s) for s in stems):  # most sentences: no name
            return []
        return [f for f, ps in self.prefixes.items() if ps and any(s.startswith(ps) for s in stems)]

    def hits(self, sentences: pd.DataFrame) -> pd.DataFrame:
        """doc_id, sentence, frame: one row per sentence and frame the baseline finds."""
        rows = [(d, s, f) for d, s, t in zip(sentences["doc_id"], sentences["sentence"], sentences["text"],
                                            strict=True) for f in self.frames_of(t)]
        return pd.DataFrame(rows, columns=["doc_id", "sentence", "frame"])


def article_sentences(data: pd.DataFrame) -> pd.DataFrame:
    """Every article cleaned and split as the briefing does; doc_id is the article's row number."""
    docs = pd.DataFrame({"doc_key": [str(i) for i in data.index], "text": data["text"].astype(str),
                         "title": data["title"].fillna("").astype(str)})
    cleaned = clean_table(docs, load_rules(None))
    paragraphs = cleaned[cleaned["kind"] == "paragraph"][["doc_key", "n", "text"]]
    return sentence_table(paragraphs).rename(columns={"doc_key": "doc_id"})


def _gold(lexicon: Lexicon, data: pd.DataFrame) -> tuple[np.ndarray, list[str], list[str]]:
    """(labelled frames: bool (articles, frames), primary labels ('' unlabelled), unscored labels)."""
    ids = lexicon.ids
    gold = np.zeros((len(data), len(ids)), dtype=bool)
    unscored: set[str] = set()
    for i, labels in enumerate(data["frames"]):
        for lab in labels:
            fid = lexicon.lookup(lab)
            if fid is None:
                unscored.add(lab)
            else:
                gold[i, ids.index(fid)] = True
    primary = []
    for lab in data["primary_frame"]:
        if not lab:
            primary.append("")
        elif lab.casefold() == NONE:
            primary.append(NONE)
        else:
            fid = lexicon.lookup(lab)
            if fid is None:
                unscored.add(lab)
            primary.append(fid or "")
    return gold, primary, sorted(unscored)


def score(lexicon: Lexicon, gold: np.ndarray, pred: np.ndarray, gold_primary: Sequence[str],
          pred_primary: Sequence[str], frames: Sequence[str] | None = None) -> MethodScores:
    """Per-frame, micro and macro scores of predicted frames (over the frames some article is
    labelled with, of `frames` when given), and primary-frame accuracy."""
    names = lexicon.names()
    rows = []
    for j, f in enumerate(lexicon.ids):
        support, predicted = int(gold[:, j].sum()), int(pred[:, j].sum())
        if support and (frames is None or f in frames):
            tp = int((gold[:, j] & pred[:, j]).sum())
            rows.append((f, names[f], support, predicted, tp, *prf(tp, predicted, support)))
    table = pd.DataFrame(rows, columns=["frame", "name", "support", "predicted", "tp", "precision",
                                        "recall", "f1"])
    tp, pr, sp = (int(table[c].sum()) for c in ("tp", "predicted", "support"))
    micro = dict(zip(("precision", "recall", "f1"), prf(tp, pr, sp), strict=True))
    labelled = table[table["support"] > 0]
    macro = {c: float(labelled[c].mean()) if len(labelled) else 0.0 for c in ("precision", "recall", "f1")}
    has_other = OTHER in lexicon.ids
    correct = strict = n = 0
    for g, p in zip(gold_primary, pred_primary, strict=True):
        if not g:
            continue
        n += 1
        strict += p == g
        correct += p == g or (has_other and p == NONE and g == OTHER)
    return MethodScores(table, micro, macro, correct, strict, n)


def evaluate_articles(lexicon: Lexicon, data: pd.DataFrame, rule: ArticleRule = DEFAULT_RULE,
                      frames: Sequence[str] | None = None) -> ArticleEvaluation:
    """Score the rule, the two baselines and the any-cue rule on labelled articles (on `frames`
    only, ids or names, when given)."""
    if data.empty:
        raise ParamsError("no labelled articles to score")
    data = data.reset_index(drop=True)
    ids = lexicon.ids
    gold, gold_primary, unscored = _gold(lexicon, data)
    keep = None if frames is None else {lexicon.lookup(f) or f for f in frames}
    sents = article_sentences(data)
    n = sents.groupby("doc_id").size().reindex([str(i) for i in data.index], fill_value=0)
    det = FrameDetector(lexicon)
    hits = det.hits(sents)
    methods: dict[str, MethodScores] = {}
    for label, h, r in ((RULE, hits, rule), (NAMES, NameBaseline(lexicon, det).hits(sents), ANY_CUE),
                        (ANY, hits, ANY_CUE)):
        sub, arts = article_table(h, n, ids, r)
        methods[label] = score(lexicon, gold, sub.to_numpy(), gold_primary, arts["primary"].tolist(), keep)
    # majority class: the most frequent labels (ties: lexicon order), counted on these articles
    freq = gold.sum(axis=0)
    top_frame = ids[int(np.argmax(freq))]
    labelled = [p for p in gold_primary if p]
    order = {f: i for i, f in enumerate([*ids, NONE])}
    top_primary = min(set(labelled), key=lambda p: (-labelled.count(p), order[p])) if labelled else NONE
    const = np.zeros_like(gold)
    const[:, ids.index(top_frame)] = True
    methods[MAJORITY] = score(lexicon, gold, const, gold_primary, [top_primary] * len(data), keep)
    ordered = {k: methods[k] for k in (RULE, NAMES, MAJORITY, ANY)}
    unlabelled = [lexicon.names()[f] for j, f in enumerate(ids) if not gold[:, j].any()
                  and (keep is None or f in keep)]
    return ArticleEvaluation(ordered, len(data), rule, top_frame, top_primary, unscored, unlabelled)


def _cells(t: pd.DataFrame | None, frame: str) -> str:
    if t is None or frame not in set(t["frame"]):
        return f"{0:>5.2f} {0:>5.2f} {0:>5.2f}"
    r = t.set_index("frame").loc[frame]
    return f"{r['precision']:>5.2f} {r['recall']:>5.2f} {r['f1']:>5.2f}"


def format_evaluation(ev: ArticleEvaluation, title: str) -> str:
    """The rule beside the baselines: per frame, averages, primary-frame accuracy."""
    shown = (RULE, NAMES, MAJORITY)
    rule_t = ev.methods[RULE].per_frame
    frames = pd.concat([ev.methods[m].per_frame[["frame", "name", "support"]] for m in shown])
    frames = frames.drop_duplicates("frame")
    order = {f: i for i, f in enumerate(rule_t["frame"])}
    short = {RULE: "lexicon + rule", NAMES: "name baseline", MAJORITY: "majority class"}
    lines = [title, f"rule: a frame counts for an article when {ev.rule.describe()}",
             f"{'':<34} {'':>7}  " + "  ".join(f"{short[m]:>17}" for m in shown),
             f"{'frame':<34} {'support':>7}  " + "  ".join(f"{'P':>5} {'R':>5} {'F1':>5}" for _ in shown)]
    for r in frames.sort_values("frame", key=lambda s: s.map(lambda f: order.get(f, 99)),
                                kind="stable").itertuples(index=False):
        cells = "  ".join(_cells(ev.methods[m].per_frame, r.frame) for m in shown)
        lines.append(f"{r.name[:34]:<34} {r.support:>7}  {cells}")
    support = int(rule_t["support"].sum())
    for label, key in (("micro average", "micro"), ("macro average", "macro")):
        cells = "  ".join(" ".join(f"{getattr(ev.methods[m], key)[c]:>5.2f}"
                                   for c in ("precision", "recall", "f1")) for m in shown)
        lines.append(f"{label:<34} {support:>7}  {cells}")
    if ev.methods[RULE].primary_n:
        def acc(m: str, strict: bool = False) -> str:
            s = ev.methods[m]
            k = s.primary_correct_strict if strict else s.primary_correct
            return f"{k / s.primary_n:.2f} ({k} of {s.primary_n})"
        lines.append(f"{'primary-frame accuracy':<34} {'':>7}  " + "  ".join(f"{acc(m):>17}" for m in shown))
        lines.append(f"{'  strict: none never taken as Other':<34} {'':>7}  "
                     + "  ".join(f"{acc(m, True):>17}" for m in shown))
    else:
        lines.append("primary-frame accuracy: not scored (no primary_frame labels)")
    a = ev.methods[ANY]
    lines.append(f"name baseline: a frame is found where a word stem starts with a stem of its name; "
                 f"majority class: frame {ev.majority_frame!r}, primary frame {ev.majority_primary!r}")
    lines.append(f"{ANY} (the count before the rule): micro F1 {a.micro['f1']:.2f} "
                 f"(P {a.micro['precision']:.2f}, R {a.micro['recall']:.2f}), macro F1 {a.macro['f1']:.2f}"
                 + (f", primary-frame accuracy {a.accuracy:.2f}" if a.primary_n else ""))
    if ev.unscored:
        lines.append(f"labels with no frame in the lexicon (not scored): {', '.join(ev.unscored)}")
    if ev.unlabelled:
        lines.append(f"frames no article is labelled with (not scored): {', '.join(ev.unlabelled)}")
    return "\n".join(lines)


def quality_table(ev: ArticleEvaluation) -> pd.DataFrame:
    """One row per method: micro P, R, F1, macro F1 and primary-frame accuracy (for the briefing)."""
    rows = [(m, s.micro["precision"], s.micro["recall"], s.micro["f1"], s.macro["f1"], s.accuracy)
            for m, s in ev.methods.items()]
    return pd.DataFrame(rows, columns=["method", "micro precision", "micro recall", "micro F1", "macro F1",
                                       "primary-frame accuracy"])
