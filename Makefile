# briefwright: `make brief` builds every outline in briefs/ into build/*.pdf,
# `make test` runs the test suite. Both set up .venv on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: brief test install golden references clean mutation

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

# Mutation testing (not in CI: from one to about 25 minutes per module on two shared cores). `make mutation`
# runs every module below, `make mutation-matcher` one of them. Each runs in its own copy of
# the repository under build/mutation/NAME/, against only the fast tests that exercise the
# module, its tests/test_mutants_NAME.py first (mutmut runs, for each mutant, the tests that cover the
# function it changed, fastest first: a surviving mutant costs all of them, so they must be fast).
# Results: build/mutation/NAME/score.json (killed, survived, ...) and survivors.txt;
# `cd build/mutation/NAME && ../../../.venv/bin/mutmut show MUTANT` shows one mutant.
MUTATION_MODULES := matcher resolver drift freshness lock pdf workspace floats
MUTATION_TIMEOUT ?= 3600   # seconds per module
MUTATION_JOBS    ?= 1      # processes per module (the machine may be shared)
FAST             := -m "not renders"
# Tests that start worker processes (build -j, watch) cannot see the mutants: left out.
INPROCESS        := -k "not processes and not watch and not kill and not test_build_writes"
# Tests that build a whole brief (3 s each) to test what only the build does (versions, PDFs): left out
# of the modules they do not concern, since mutmut runs them for every surviving mutant.
NO_BUILD         := -k "not version_change and not test_the_example_economy_brief_cites_the_journal_pdf_by_page"
mutate_matcher   := src/briefwright/verify/matcher.py
tests_matcher    := tests/test_quotes.py tests/test_outline.py tests/test_promises.py $(FAST)
mutate_resolver  := src/briefwright/verify/resolver.py
tests_resolver   := tests/test_mutants_resolver.py tests/test_quotes.py tests/test_messages.py tests/test_import_pages.py \
                    tests/test_drift.py tests/test_promises.py $(FAST) $(NO_BUILD)
mutate_drift     := src/briefwright/regen/drift.py
tests_drift      := tests/test_mutants_drift.py tests/test_drift.py tests/test_import_pages.py tests/test_promises.py \
                    $(FAST) $(NO_BUILD)
mutate_freshness := src/briefwright/regen/freshness.py
tests_freshness  := tests/test_incremental.py tests/test_promises.py $(FAST) $(INPROCESS)
mutate_lock      := src/briefwright/regen/lock.py
tests_lock       := tests/test_mutants_lock.py tests/test_incremental.py tests/test_drift.py tests/test_promises.py $(FAST) $(INPROCESS)
mutate_pdf       := src/briefwright/render/pdf.py src/briefwright/render/layout.py
tests_pdf        := tests/test_mutants_pdf.py tests/test_pdf.py tests/test_promises.py \
                    -k "fetcher or page_check or note_off or note_set_off or note_whose or refused_url or image_outside"
only_pdf         := 'briefwright.render.pdf.xǁLocalFetcherǁ*' 'briefwright.render.layout.x_note_pages*' \
                    'briefwright.render.pdf.x_misplaced_message*' 'briefwright.render.pdf.x_about_refused*'
mutate_floats    := src/briefwright/render/floats.py
tests_floats     := tests/test_floats.py -k "not economy and not editions"   # the pages made for the case (a second each)
mutate_workspace := src/briefwright/workspace.py
tests_workspace  := tests/test_mutants_workspace.py tests/test_outline.py $(FAST) $(INPROCESS)

MUTMUT           := $(abspath $(BIN))/mutmut
MUTATION_SCORE    = $(MUTMUT) results > survivors.txt 2>&1; $(MUTMUT) export-cicd-stats > /dev/null 2>&1; \
                    cp mutants/mutmut-cicd-stats.json score.json; echo "$*: $$(tr -d ' \n' < score.json)"

mutation: $(addprefix mutation-,$(MUTATION_MODULES))

mutation-%: $(STAMP)
	@test -x $(BIN)/mutmut || $(BIN)/pip install --quiet --disable-pip-version-check 'mutmut>=3.8,<4'
	rm -rf build/mutation/$* && mkdir -p build/mutation/$*
	tar --exclude=./.venv --exclude=./build --exclude=./.git -cf - . | tar -xf - -C build/mutation/$*
	printf '[mutmut]\nsource_paths=src/briefwright\nonly_mutate=%s\nalso_copy=seeds\n  briefs\n  templates\n  data\npytest_add_cli_args_test_selection=%s\n' \
	    "$$(printf '%s\n  ' $(mutate_$*))" "$$(printf '%s\n  ' $(tests_$*))" > build/mutation/$*/setup.cfg
	cd build/mutation/$* && timeout $(MUTATION_TIMEOUT) nice $(MUTMUT) run \
	    --max-children $(MUTATION_JOBS) $(only_$*) > run.log 2>&1; $(MUTATION_SCORE)

# After a new test or a fix: copy src/ and tests/ into the module's copy and run again there. mutmut keeps
# the verdicts of the functions that did not change, checks the mutants not checked yet (a run stopped by
# its timeout resumes), then every survivor is tested again against today's tests.
mutation-again-%: $(STAMP)
	test -f build/mutation/$*/setup.cfg || { echo "run make mutation-$* first"; exit 2; }
	tar -cf - src tests | tar -xf - -C build/mutation/$*
	cd build/mutation/$* && timeout $(MUTATION_TIMEOUT) nice $(MUTMUT) run \
	    --max-children $(MUTATION_JOBS) $(only_$*) > run-again.log 2>&1; \
	    survivors=$$($(MUTMUT) results 2>/dev/null | sed -n 's/^ *\(.*\): survived$$/\1/p'); \
	    test -z "$$survivors" || timeout $(MUTATION_TIMEOUT) nice $(MUTMUT) run \
	    --max-children $(MUTATION_JOBS) $$survivors >> run-again.log 2>&1; $(MUTATION_SCORE)

clean:
	rm -rf build $(VENV) src/*.egg-info
