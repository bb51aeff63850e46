# Two commands on a fresh machine:  make demo  |  make test
PY ?= python3
BIN := .venv/bin
DEMO_REQUEST ?= Make a 10 second TikTok teaser for our new trail running shoes

.PHONY: demo test install install-dev lint bench clean

install:
	@$(PY) tools/bootstrap.py

install-dev:
	@$(PY) tools/bootstrap.py --extras dev

demo: install
	$(BIN)/botkit chat "$(DEMO_REQUEST)" --data-dir botkit-data

EXAMPLE_SKILL := examples/botkit-property-tour

test: install-dev
	$(BIN)/python -m pip install --quiet --no-build-isolation --no-deps ./$(EXAMPLE_SKILL)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS) tests $(EXAMPLE_SKILL)/tests

# the gates .ci/run applies before the tests: lint, format, types (mypy against a baseline that only shrinks)
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python .ci/mypy_baseline.py

clean:
	rm -rf botkit-data build dist *.egg-info
