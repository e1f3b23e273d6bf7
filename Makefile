# briefwright: `make brief` builds every outline in briefs/ into build/*.pdf,
# `make test` runs the test suite. Both set up .venv on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: brief test install golden references clean

brief: $(STAMP)
	$(BIN)/briefwright build

test: $(STAMP)
	$(BIN)/pytest

install: $(STAMP)

$(STAMP): pyproject.toml
	@sh scripts/ensure-system.sh $(PYTHON)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

# Regenerate the golden notes from pandoc itself (review the diff before committing).
golden: $(STAMP)
	$(BIN)/python tests/golden/regenerate.py

# Regenerate the reference pictures of the example brief's pages (look at them before committing).
references: $(STAMP)
	$(BIN)/python tests/visual/regenerate.py

clean:
	rm -rf build $(VENV) src/*.egg-info
