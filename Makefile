# Two commands on a fresh machine: `make briefing` and `make test`. Both set up .venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.briefing-installed
PARAMS ?= params/biden-amlo-2022-vs-2023.yaml

.PHONY: setup briefing test fuzz bench lint publish replay system-deps clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	$(PY) -m briefing setup
	touch $(STAMP)

briefing: $(STAMP)
	$(VENV)/bin/briefing run $(PARAMS)

publish: $(STAMP)
	$(VENV)/bin/briefing publish

# Keeping watch, offline: the Wikinews corpus served as a feed on 127.0.0.1:8765, one month at a
# time; each month its new articles are ingested and an edition published (reports/site/).
REPLAY_STEPS ?= 6
replay: $(STAMP)
	$(PY) -m briefing.replay --fresh --steps $(REPLAY_STEPS)

# Chromium and poppler for the tests that look at the briefing as a reader does;
# installed when we are root with apt-get, otherwise those tests skip and say why.
system-deps:
	@if command -v chromium >/dev/null && command -v pdftoppm >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing chromium and poppler-utils with apt-get"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null) \
		|| echo "could not install chromium/poppler-utils: their tests will be skipped"; \
	else echo "chromium/poppler-utils missing and not root: their tests will be skipped"; fi

test: $(STAMP) system-deps
	$(PY) -m pytest

# Thousands of fuzzed params files and corpora (fresh random ones each time), and a few full runs;
# FUZZ_SCALE times the examples `make test` tries (default 25). Prints how many were tried.
FUZZ_SCALE ?= 25
fuzz: $(STAMP)
	BRIEFING_FUZZ=1 BRIEFING_FUZZ_SCALE=$(FUZZ_SCALE) $(PY) -m pytest tests/test_fuzz.py -p no:cacheprovider

# `make bench SIZE=1k` (quick), 10k (default) or 100k: realistic articles, figures next to baselines.
SIZE ?= 10k
bench: $(STAMP)
	$(PY) -m benchmarks --size $(SIZE)

lint: $(STAMP)
	$(VENV)/bin/ruff check briefing tests benchmarks

clean:
	rm -rf $(VENV) reports/*/ reports/.build-* reports/_failed
