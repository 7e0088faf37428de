# Settle's entry points. `make run` and `make test` do all set-up themselves.
GO      ?= go
BIN     := bin/settle
export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/settle?sslmode=disable
export SETTLE_ADDR  ?= 127.0.0.1:8080

.PHONY: run test build db migrate seed vet clean

## run: set up PostgreSQL + pgvector, migrate, seed demo data (first time), serve the demo on $(SETTLE_ADDR)
run: db build
	$(BIN) migrate up
	$(BIN) seed --if-empty
	SETTLE_DEMO=1 $(BIN) serve

## test: set up what the tests need, then run every test
test: db
	$(GO) vet ./...
	$(GO) test -count=1 ./...

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
