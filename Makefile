# Two commands on a fresh Debian/Ubuntu machine: `make run` (the app on the embedded tiny.en
# model) and `make test` (the whole suite). Both install what they need first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export HF_HUB_OFFLINE := 1

.PHONY: run test lint bench system-deps setup package package-test gpu-check clean

$(STAMP): pyproject.toml constraints.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[base,dev]'
	touch $(STAMP)

setup: system-deps $(STAMP)

system-deps:
	@bash packaging/system-deps.sh

run: setup
	$(BIN)/whisperdesk $(ARGS)

test: setup
	$(BIN)/ruff check app audio inference tests
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check app audio inference tests
	$(BIN)/ruff format --check app audio inference tests

bench: setup
	$(BIN)/whisperdesk bench files
	$(BIN)/whisperdesk bench live

package: setup
	bash packaging/build.sh

package-test: setup
	$(BIN)/pytest -m packaging tests/packaging $(PYTEST_ARGS)

gpu-check: setup
	bash .ci/gpu-check

clean:
	rm -rf $(VENV) build dist
