# Two commands on a fresh Debian/Ubuntu machine: `make run` (the app on the embedded tiny.en
# model) and `make test` (the whole suite). Both install what they need first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export HF_HUB_OFFLINE := 1

.PHONY: run test test-fast lint bench system-deps setup package package-test deb gpu-check clean

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

# The whole suite (what CI runs), after the static checks.
test: setup lint
	$(BIN)/pytest $(PYTEST_ARGS)

# The edit-test loop: everything but real-time replay, bundle builds and the sound server (minutes).
test-fast: $(STAMP) lint
	$(BIN)/pytest -m "not realtime and not packaging and not capture and not slow" $(PYTEST_ARGS)

# Style, the layer contracts (import-linter, in pyproject.toml) and types (mypy, basic mode).
lint: $(STAMP)
	$(BIN)/ruff check app audio inference tests
	$(BIN)/ruff format --check app audio inference tests
	$(BIN)/lint-imports
	$(BIN)/mypy

bench: setup
	$(BIN)/whisperdesk bench files
	$(BIN)/whisperdesk bench live

package: setup
	bash packaging/build.sh

package-test: setup
	$(BIN)/pytest -m packaging tests/packaging $(PYTEST_ARGS)

deb: setup
	bash packaging/deb.sh

gpu-check: setup
	bash .ci/gpu-check

clean:
	rm -rf $(VENV) build dist
