"""The NLTK data the project needs, built offline into a project-owned directory.

NLTK's VADER looks for `sentiment/vader_lexicon.zip/vader_lexicon/vader_lexicon.txt` under a
directory on `nltk.data.path`. The lexicon comes from the `vaderSentiment` wheel (MIT), so
nothing is downloaded. Punkt needs no data here (see sentences.py).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from importlib import resources
from pathlib import Path

from briefing.files import PACKAGE

LEXICON_MEMBER = "vader_lexicon/vader_lexicon.txt"


def data_dir() -> Path:
    """Where the project keeps its NLTK data: $BRIEFING_NLTK_DATA, else inside the package
    (a source checkout), else the user's cache directory (a read-only install)."""
    env = os.environ.get("BRIEFING_NLTK_DATA")
    if env:
        return Path(env)
    here = PACKAGE / "_nltk_data"
    if os.access(here.parent, os.W_OK):
        return here
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "briefing" / "nltk_data"


def lexicon_text() -> bytes:
    """VADER's lexicon as shipped in the vaderSentiment wheel."""
    return resources.files("vaderSentiment").joinpath("vader_lexicon.txt").read_bytes()


def ensure() -> Path:
    """Build the VADER lexicon zip if missing or stale, and put its directory on nltk.data.path."""
    root = data_dir()
    target = root / "sentiment" / "vader_lexicon.zip"
    payload = lexicon_text()
    if not _zip_matches(target, payload):
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".zip.tmp")
        os.close(fd)
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(LEXICON_MEMBER, payload)
        os.replace(tmp, target)
    import nltk  # a slow import: only where NLTK's data is needed

    if str(root) not in nltk.data.path:
        nltk.data.path.insert(0, str(root))
    return root


def _zip_matches(path: Path, payload: bytes) -> bool:
    if not path.is_file():
        return False
    try:
        with zipfile.ZipFile(path) as zf:
            got = zf.read(LEXICON_MEMBER)
    except (zipfile.BadZipFile, KeyError, OSError):
        return False
    return hashlib.sha256(got).digest() == hashlib.sha256(payload).digest()
