# One entry point for students, instructors and CI. `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Every assignment of the course: the folders of solutions/ that hold a manifest.
ASSIGNMENTS := $(patsubst solutions/%/assignment.toml,%,$(wildcard solutions/*/assignment.toml))

.PHONY: help setup browser demo test quick validate lint stubs public clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml requirements/grading.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements/grading.txt -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP) browser  ## create .venv with the pinned grading environment (and Chromium)

# The class report's test opens the page in Debian's headless Chromium.
browser:  ## install Debian's chromium if it is missing (needs root and apt-get)
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing chromium (apt-get)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1 || \
	  { apt-get update -q >/dev/null 2>&1 && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; }; \
	else echo "make browser: install chromium yourself (the report test needs /usr/bin/chromium)"; fi

demo: $(STAMP)  ## grade the reference solution and the stubs, print score tables
	$(BIN)/autograder demo

test: $(STAMP) browser  ## run the repository's whole test suite (what CI runs)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest
	# for every assignment: stubs and rubric in step; the reference, the stubs and every hostile
	# submission through the real grader, one at a time on this machine (namespaces, own root),
	# then as one class where root has no namespaces, as in a default Docker container
	# (tests/dockerlike/run; bugs and alternatives: tests/test_suites.py)
	for a in $(ASSIGNMENTS); do \
	  $(BIN)/autograder generate-stubs --check --assignment $$a && \
	  $(BIN)/autograder rubric --assignment $$a && \
	  $(BIN)/autograder validate --assignment $$a reference stubs hostile && \
	  tests/dockerlike/run $(BIN)/autograder validate --batch --assignment $$a reference stubs \
	    hostile || exit 1; \
	done

quick: $(STAMP)  ## the inner loop: ruff and every test not marked slow (about a minute)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -m "not slow"

validate: $(STAMP)  ## grade every zoo entry of every assignment with the real grader
	for a in $(ASSIGNMENTS); do $(BIN)/autograder validate --assignment $$a || exit 1; done

public: $(STAMP)  ## public tests against assignments/ (one: make public ASSIGNMENT=a2_perceptron)
	$(BIN)/python -m pytest $(if $(ASSIGNMENT),assignments/$(ASSIGNMENT)/tests,$(wildcard assignments/*/tests))

stubs: $(STAMP)  ## regenerate the student stubs of every assignment from solutions/
	for a in $(ASSIGNMENTS); do $(BIN)/autograder generate-stubs --assignment $$a || exit 1; done

lint: $(STAMP)  ## ruff
	$(BIN)/ruff check .

clean:  ## remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
