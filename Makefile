# Settle's entry points. `make run` and `make test` do all set-up themselves.
GO      ?= go
BIN     := bin/settle
export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/settle?sslmode=disable
export SETTLE_ADDR  ?= 127.0.0.1:8080
# How long `make test` fuzzes the redaction gate (the property: no card
# number and no text of a non-allowlisted node ever leaves it). Minimising
# each new input is capped at 1 s: at Go's default (60 s) the whole run went
# to minimising the first input found, 28 executions in 60 s.
FUZZTIME ?= 60s

.PHONY: run test build db migrate seed vet clean web web-deps web-check chromium e2e

## run: set up PostgreSQL + pgvector, migrate, seed demo data (first time), serve the demo on $(SETTLE_ADDR)
run: db build
	$(BIN) migrate up
	$(BIN) seed --if-empty
	$(BIN) ingest
	SETTLE_DEMO=1 $(BIN) serve

## test: set up what the tests need, then run every test: Go (vet, unit and
## database tests), then the committed web build's check and the browser tests
## (Chromium from apt, installed when missing). Any failure fails make test.
test: db
	$(GO) vet ./...
	$(GO) test -count=1 ./...
	$(GO) test -run '^$$' -fuzz '^FuzzGate$$' -fuzztime $(FUZZTIME) -fuzzminimizetime 1s ./cobrowse
	$(MAKE) --no-print-directory web-check e2e

## build: compile the settle binary into bin/
build:
	$(GO) build -o $(BIN) ./cmd/settle

## db: make sure PostgreSQL runs, has pgvector, and has the settle database (idempotent)
db:
	bash scripts/setup-db.sh

migrate: build
	$(BIN) migrate up

seed: build
	$(BIN) seed --if-empty

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1)

clean:
	rm -rf bin

## web: rebuild the pages' bundles in web/dist from web/src (needs Node 18+ and npm; `go build` does not)
web: web-deps
	cd web && npm run build

web-deps:
	cd web && npm ci --no-audit --no-fund

## web-check: rebuild web/dist and fail if it differs from what is committed
web-check: web
	@git diff --exit-code --stat -- web/dist && test -z "$$(git ls-files --others --exclude-standard -- web/dist)" \
		|| (echo "web/dist is not what web/src builds to: run 'make web' and commit web/dist"; exit 1)

## e2e: browser tests of the pages against a real `settle serve` on a fresh database (Chromium from apt)
e2e: db chromium web-deps
	cd web && node e2e/run.mjs

## chromium: install apt's Chromium when missing (the browser tests never download one)
chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium) \
		|| (echo "e2e needs Chromium at /usr/bin/chromium: apt-get install -y chromium (as root)"; exit 1)
