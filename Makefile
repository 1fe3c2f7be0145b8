# Two commands do all the set-up on a fresh machine:
#   make run    create .venv, build the embedding model and the index if needed, start the app
#   make test   the same environment, then the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test index eval bench clean-env

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# torch first and pinned: an unpinned torch would pull a multi-GB CUDA build.
$(STAMP): pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -c requirements.lock -e '.[test]'
	touch $@

index: $(STAMP)
	$(BIN)/assistant index --if-needed

run: index
	$(BIN)/python app.py

test: $(STAMP)
	./scripts/test-deps.sh
	$(BIN)/python -m pytest
	$(BIN)/assistant index --if-needed
	$(BIN)/assistant eval --gate --quiet --out eval/results/ci

eval: index
	$(BIN)/assistant eval

bench: index
	$(BIN)/python -m bench

clean-env:
	rm -rf $(VENV)
