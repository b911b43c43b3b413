"""`briefing evaluate-frames`: the command that scores the frame lexicons on labelled sentences
(`briefing.measures.frame_eval`) or articles (`briefing.measures.article_eval`). It lives apart
from both so that neither measure imports the other's command."""

from __future__ import annotations

import argparse
import sys

from briefing.errors import BriefingError, ParamsError
from briefing.measures.frame_eval import LABELLED, evaluate, format_scores, load_labelled
from briefing.measures.lexicon import Lexicon, combine, lexicon_for, load_lexicon


def _lexicon(args: argparse.Namespace) -> Lexicon:
    if args.params:
        from briefing.params import load

        return lexicon_for(load(args.params))
    base = load_lexicon(args.lexicon)
    return combine(base, args.extra or [])


def _share(value: str) -> float:
    try:
        x = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number; give a share such as 0.2") from None
    if not 0 <= x <= 1:
        raise argparse.ArgumentTypeError(f"{value} is not between 0 and 1; give a share such as 0.2")
    return x


def _count(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of at least 1")
    return int(value)


def cli_main(argv: list[str]) -> int:
    """`briefing evaluate-frames [FILE] [--unit sentence|article] [--lexicon YAML] [--extra YAML...]
    [--params YAML] [--split S] [--min-share X] [--min-sentences N]`."""
    from briefing.measures.article_eval import ARTICLES, evaluate_articles, format_evaluation, load_articles
    from briefing.measures.article_frames import ArticleRule

    ap = argparse.ArgumentParser(prog="briefing evaluate-frames",
                                 description="Precision, recall and F1 of frame lexicons on labelled text.")
    ap.add_argument("file", nargs="?", default=None,
                    help="CSV or JSONL with text and frames (default: the shipped labelled sentences, "
                         "or with --unit article the shipped labelled articles)")
    ap.add_argument("--unit", choices=("sentence", "article"), default="sentence",
                    help="score sentences (each row's frames), or articles (the frames each article uses "
                         "substantially and its primary_frame, beside two baselines)")
    ap.add_argument("--lexicon", help="lexicon YAML (default: data/lexicons/policy_frames.yaml)")
    ap.add_argument("--extra", action="append", help="another lexicon YAML whose frames are added")
    ap.add_argument("--params", help="use the lexicon of this params file (with its extra frames and, "
                                     "for articles, its article rule)")
    ap.add_argument("--split", default=None,
                    help="score only rows of this split (default: each split, then all rows)")
    rule = ArticleRule()
    ap.add_argument("--min-share", type=_share, default=None,
                    help=f"articles: share of sentences a frame needs (default {rule.min_share:g})")
    ap.add_argument("--min-sentences", type=_count, default=None,
                    help=f"articles: sentences a frame needs (default {rule.min_sentences})")
    ap.add_argument("--frames", metavar="A,B", help="score only these frames (ids or names, comma-separated)")
    args = ap.parse_args(argv)
    frames = [f.strip() for f in args.frames.split(",") if f.strip()] if args.frames else None
    article = args.unit == "article"
    path = args.file or str(ARTICLES if article else LABELLED)
    try:
        lexicon = _lexicon(args)
        if article and args.params:
            from briefing.params import load

            opts = load(args.params).framing
            rule = ArticleRule(opts.article_min_share, opts.article_min_sentences)
        rule = ArticleRule(rule.min_share if args.min_share is None else args.min_share,
                           rule.min_sentences if args.min_sentences is None else args.min_sentences)
        data = load_articles(path) if article else load_labelled(path)
        for f in frames or []:
            if lexicon.lookup(f) is None:
                raise ParamsError(f"--frames: {f!r} is not a frame of the lexicon; give frame ids or names")
        splits = [args.split] if args.split else sorted(s for s in data["split"].unique() if s) + ["all"]
        for s in splits:
            part = data if s == "all" else data[data["split"] == s]
            if part.empty:
                raise ParamsError(f"{path}: no rows with split {s!r}")
            if article:
                print(format_evaluation(evaluate_articles(lexicon, part, rule, frames),
                                        f"{path} [{s}: {len(part)} articles]"))
            else:
                print(format_scores(evaluate(lexicon, part, frames), f"{path} [{s}: {len(part)} sentences]"))
            print()
    except BriefingError as exc:
        print(f"briefing evaluate-frames: error: {exc}", file=sys.stderr)
        return exc.code
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(cli_main(sys.argv[1:]))
