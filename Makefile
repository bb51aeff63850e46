# Two commands on a fresh machine:  make demo  |  make test
PY ?= python3
BIN := .venv/bin
DEMO_REQUEST ?= Make a 10 second TikTok teaser for our new trail running shoes

.PHONY: demo demo-text test install install-dev lint bench clean

install:
	@$(PY) tools/bootstrap.py

install-dev:
	@$(PY) tools/bootstrap.py --extras dev

demo-text: install
	$(BIN)/botkit chat "$(DEMO_REQUEST)" --data-dir botkit-data

# the product photo the project draws in code (botkit/media/demo.py), kept and animated, with captions and
# the brand kit's end card (docs/demo/brand.toml); the README shows its contact sheet (docs/demo-contact.png)
DEMO_PHOTO_REQUEST ?= A 6 second TikTok promo for our LUMO trail bottle in 2 shots with captions, slow push in, shot 2 pans left, dip to white between shots. Shop now
demo: install
	$(BIN)/python -c "from botkit.media.demo import demo_photo; demo_photo('botkit-data/demo')"
	$(BIN)/botkit chat "$(DEMO_PHOTO_REQUEST)" --skill marketing --image botkit-data/demo/demo-water-bottle.png \
		--image botkit-data/demo/demo-water-bottle.png --skills-config docs/demo/brand.toml --export otio --data-dir botkit-data

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
