# Kizuna: `make run` serves the console with the bundled lists; `make test` runs every check, `make check` the
# quick ones (lint, types, unit tests).
# Data lives in kizuna's one home (KIZUNA_HOME, default ~/.local/share/kizuna), the same for `make run` and `kizuna`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install bytecode run load test check lint typecheck pytest unit system-deps bench clean

install: $(BIN)/.installed

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# An editable install leaves src/ uncompiled; where PYTHONDONTWRITEBYTECODE is set, every `kizuna` process would
# compile it again (about 0.1 s of each start-up). compileall writes the bytecode regardless and skips fresh files.
bytecode: install
	@$(BIN)/python -m compileall -q src >/dev/null

# Debian packages the tests need: Chromium for the browser tests (Playwright's own
# browser download cannot work offline), a CJK font so screenshots show kanji, kana and hangul,
# and PostgreSQL, whose initdb/pg_ctl the exchange tests use to start a temporary cluster.
system-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	[ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || missing="$$missing fonts-wqy-zenhei"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

load: bytecode
	$(BIN)/kizuna lists load-bundled

run: load
	$(BIN)/kizuna serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check src tests benchmarks

typecheck: install
	$(BIN)/mypy src tests

# Work stealing: an idle worker takes tests queued for the other, so a few long tests at the end of one worker's
# share no longer leave the other core idle (make check: 2 m 7 s -> under 2 minutes).
XDIST := -n 2 --dist worksteal

pytest: bytecode system-deps
	KIZUNA_CHROMIUM=/usr/bin/chromium $(BIN)/pytest $(XDIST)

test: lint typecheck pytest

# The quick loop: lint, types and the unit tests, leaving out what tests/conftest.py marks as the slow end-to-end
# layers (headless Chromium, PostgreSQL, node processes over HTTP, subprocess runs of the installed command).
UNIT := not (browser or postgres or network or slow)

unit: install
	$(BIN)/pytest -m "$(UNIT)" $(XDIST)

check: lint typecheck unit

bench: install
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/kizuna bench screening

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
