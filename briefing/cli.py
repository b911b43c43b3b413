"""The `briefing` command: setup, ingest, check, run, publish, evaluate-frames, frames."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from briefing import __version__
from briefing.errors import BriefingError, inert


def _cmd_setup(args: argparse.Namespace) -> int:
    from briefing.build import kernel
    from briefing.measures import nltk_data

    root = nltk_data.ensure()
    print(f"NLTK data (VADER lexicon from the vaderSentiment wheel): {root}", file=sys.stderr)
    name = kernel.install()
    print(f"Jupyter kernel: {name}", file=sys.stderr)
    return 0


def _ingest_sources(paths: Sequence[str | Path], quiet: bool, keep_going: bool = False) -> dict[Path, str]:
    """Bring in the corpus of every params file whose `ingest:` source is new or changed (feeds:
    always); with `keep_going`, the params files whose ingest failed, with why."""
    from briefing.ingest.run import ingest_if_stale

    failed: dict[Path, str] = {}
    for path in paths:
        try:
            ingest_if_stale(path, quiet=quiet)
        except BriefingError as exc:
            if not keep_going:
                raise
            print(f"briefing: {exc}", file=sys.stderr)
            failed[Path(path)] = str(exc)
    return failed


def _cmd_ingest(args: argparse.Namespace) -> int:
    from briefing.ingest.run import cli_ingest

    return cli_ingest(args)


def _cmd_check(args: argparse.Namespace) -> int:
    from briefing import params as params_mod
    from briefing.corpus.prepare import prepare

    _ingest_sources(args.params, quiet=False)
    for path in args.params:
        p = params_mod.load(path)
        prepared = prepare(p, source=str(path))
        counts = prepared.documents.groupby("period", observed=False).size()
        summary = ", ".join(f"{k}: {v}" for k, v in counts.items())
        print(inert(f"{path}: ok ({summary} documents)"))
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from briefing.build.run import run_briefing

    _ingest_sources(args.params, quiet=args.quiet)
    for path in args.params:
        out = run_briefing(path, reports_dir=args.reports, renderer=args.renderer,
                           quiet=args.quiet, jobs=args.jobs, refit=args.refit)
        for f in out.outputs:
            print(f)
    return 0


def _cmd_publish(args: argparse.Namespace) -> int:
    from briefing.build.publish import cli

    paths = args.params or sorted(Path("params").glob("*.yaml"))
    failed = _ingest_sources(paths, args.quiet, keep_going=True)
    return cli(args.params, args.reports, args.quiet, args.renderer, args.site_url, args.keep_from, failed)


def _cmd_evaluate_frames(args: argparse.Namespace) -> int:
    from briefing.measures.evaluate_frames import cli_main

    return cli_main(args.rest)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="briefing", description=__doc__)
    parser.add_argument("--version", action="version", version=f"briefing {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("setup", help="build the NLTK data and install the 'briefing' Jupyter kernel")
    p.set_defaults(func=_cmd_setup)

    p = sub.add_parser(
        "ingest", help="bring articles in from a table, a Media Cloud export, a list of URLs or saved pages",
        description="Turn SOURCE into a corpus folder of Markdown articles and report what came in "
                    "and what was set aside. SOURCE: a CSV/JSONL/Parquet table of articles, a Media "
                    "Cloud story-list export, a list of URLs (.txt, or a table with a url column), a "
                    "folder of saved .html pages, or a params file whose ingest: block names one. "
                    "Exit 0 when articles came in, 1 when none did, 2 when SOURCE cannot be read.")
    p.add_argument("source", help="the table, export, URL list, folder of pages, or params/<name>.yaml")
    p.add_argument("--into", metavar="DIR", help="the corpus folder to write (e.g. data/corpus/<name>/)")
    for name in ("text", "date", "title", "outlet", "id", "url"):
        p.add_argument(f"--{name}", metavar="COLUMN", help=f"the source's column holding the {name}")
    p.add_argument("--language-column", metavar="COLUMN", help="the source's column holding the language")
    p.add_argument("--language", metavar="CODE",
                   help="set aside articles in another language than this ISO 639-1 code (e.g. en)")
    p.add_argument("--force", action="store_true", help="replace article files whose content differs")
    p.add_argument("--delay", type=float, default=None, metavar="SECONDS",
                   help="between two requests to the same host (default 1)")
    p.add_argument("--timeout", type=float, default=None, metavar="SECONDS", help="per request (default 20)")
    p.add_argument("--retries", type=int, default=None, metavar="N",
                   help="further attempts after a timeout, 429 or 5xx (default 2)")
    p.add_argument("--max-mb", type=float, default=None, metavar="MB",
                   help="abandon larger responses (default 10)")
    p.add_argument("--user-agent", default=None, help="identify yourself, e.g. with a contact address")
    p.add_argument("--cache", metavar="DIR", help="page cache (default: DIR/.ingest-cache)")
    p.add_argument("--jobs", type=int, default=4, metavar="N", help="hosts fetched from at once (default 4)")
    p.add_argument("--quiet", action="store_true", help="no progress and no summary on stderr")
    p.set_defaults(func=_cmd_ingest)

    p = sub.add_parser("check", help="validate params files and their corpus without running")
    p.add_argument("params", nargs="+", help="params/<name>.yaml")
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser("run", help="execute the notebooks and render the HTML and PDF briefing")
    p.add_argument("params", nargs="+", help="params/<name>.yaml")
    p.add_argument("--reports", default="reports", help="output root (default: reports)")
    p.add_argument("--renderer", choices=["auto", "quarto", "embedded"], default=None,
                   help="override the params file's renderer")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="notebooks executed at once (default: $BRIEFING_JOBS or one per core)")
    p.add_argument("--refit", action="store_true",
                   help="fit the topic model again rather than keep the last one (see README, Topics)")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("publish", help="render every briefing that changed and build reports/site/")
    p.add_argument("params", nargs="*", help="params files (default: params/*.yaml)")
    p.add_argument("--reports", default="reports", help="output root (default: reports)")
    p.add_argument("--renderer", choices=["auto", "quarto", "embedded"], default=None)
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.add_argument("--site-url", default=None, metavar="URL",
                   help="where the site is served (makes the Atom feed's links absolute)")
    p.add_argument("--keep-from", default=None, metavar="DIR",
                   help="a copy of the published site (e.g. its gh-pages checkout) whose editions to "
                        "keep when reports/site does not exist yet")
    p.set_defaults(func=_cmd_publish)

    p = sub.add_parser("evaluate-frames", add_help=False,
                       help="precision, recall and F1 of the frame lexicons on labelled sentences, or "
                            "with --unit article on labelled articles beside two baselines (CSV or JSONL "
                            "of text and frames; see `briefing evaluate-frames --help`)")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=_cmd_evaluate_frames)

    p = sub.add_parser("frames", add_help=False,
                       help="train a frame classifier on coded text (train), score lexicons (evaluate), pick "
                            "what to code next (suggest); see `briefing frames --help`")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


#: Exit code of an unexpected internal error (EX_SOFTWARE from sysexits.h).
EXIT_BUG = 70


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv and not argv[0].startswith("-") else "briefing"
    try:
        if argv[:1] == ["evaluate-frames"]:  # its own parser (briefing/measures/evaluate_frames.py)
            from briefing.measures.evaluate_frames import cli_main

            return cli_main(argv[1:])
        if argv[:1] == ["frames"]:  # its own parser (briefing/measures/frame_cli.py)
            from briefing.measures.frame_cli import cli_main as frames_main

            return frames_main(argv[1:])
        parser = build_parser()
        args = parser.parse_args(argv)
        return int(args.func(args) or 0)
    except BriefingError as exc:
        for line in exc.lines():
            print(inert(f"briefing {command}: error: {line}"), file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print(f"briefing {command}: interrupted", file=sys.stderr)
        return 130
    except SystemExit:  # argparse's usage errors and --help
        raise
    except BaseException as exc:  # noqa: BLE001 - anything else is a bug: one line, not a traceback
        print(inert(f"briefing {command}: internal error ({type(exc).__name__}): this is a bug in "
                    f"briefing, not in your input; {_save_traceback(argv)}"), file=sys.stderr)
        return EXIT_BUG


def _save_traceback(argv: list[str]) -> str:
    """Write the current exception's traceback to a file; say where (or why it could not be)."""
    import tempfile
    import time
    import traceback

    text = (f"briefing {__version__}, python {sys.version.split()[0]}\n"
            f"argv: {argv!r}\n\n{traceback.format_exc()}")
    try:
        fd, name = tempfile.mkstemp(prefix=f"briefing-bug-{time.strftime('%Y%m%d-%H%M%S')}-",
                                    suffix=".txt")
        with open(fd, "w", encoding="utf-8", errors="backslashreplace") as fh:
            fh.write(text)
    except OSError as err:
        return f"the traceback could not be saved ({err.strerror or err}); please report the command"
    return f"the full traceback is in {name}; please report it with that file"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
