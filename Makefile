# SMS Hub: two commands do all the set-up on a fresh machine.
#   make run    install, migrate, serve the production build on $(PORT)
#   make test   install (system Chromium included), lint, run every test

VENV ?= .venv
BIN := $(CURDIR)/$(VENV)/bin
PORT ?= 3000
CHROMIUM ?= /usr/bin/chromium

export PATH := $(BIN):$(PATH)
export REFLEX_USE_NPM := 1
export REFLEX_TELEMETRY_ENABLED := false
export PORT

.PHONY: run test lint unit browser bench install install-dev chromium postgresql redis clean

$(VENV)/.runtime: requirements.txt
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

APT_INSTALL = SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq

chromium:
	@test -x $(CHROMIUM) || { $(APT_INSTALL) chromium; }

# Debian's PostgreSQL server: the integration tests start a throwaway cluster.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { $(APT_INSTALL) postgresql; }

# Debian's Redis server: the scale-out tests start a throwaway one.
redis:
	@command -v redis-server >/dev/null 2>&1 || test -x /usr/bin/redis-server || { $(APT_INSTALL) redis-server; }

# `make run` is the demo: the built-in simulator and a demo centre, on purpose.
# A deployment sets DEMO_MODE=0 (or runs reflex itself) with its real settings.
run: export DEMO_MODE ?= 1
run: $(VENV)/.runtime
	$(BIN)/python -m sms_hub.startup
	$(BIN)/python -m sms_hub.store.migrate
	@echo "SMS Hub (simulateur Sarbacane intégré) : http://localhost:$(PORT)/"
	$(BIN)/reflex run --env prod --frontend-port $(PORT) --backend-port $(PORT)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

unit: $(VENV)/.dev postgresql redis
	$(BIN)/pytest tests/unit tests/integration

# axe-core (npm registry), injected by the browser tests to check each screen.
AXE_DIR := tests/browser
$(AXE_DIR)/node_modules/.installed: $(VENV)/.runtime $(AXE_DIR)/package.json $(AXE_DIR)/package-lock.json
	cd $(AXE_DIR) && $(BIN)/npm ci --no-audit --no-fund --loglevel=error
	touch $@

browser: $(VENV)/.dev chromium postgresql redis $(AXE_DIR)/node_modules/.installed
	$(BIN)/pytest -p no:asyncio tests/browser

test: lint unit browser

bench: $(VENV)/.dev
	$(BIN)/python -m benchmarks

clean:
	rm -rf .web .states data
