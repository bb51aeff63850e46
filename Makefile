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

test: install-dev
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .

clean:
	rm -rf botkit-data build dist *.egg-info
