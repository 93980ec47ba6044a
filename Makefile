# cdw: the two commands of the README are `make demo` and `make test`.
GO      ?= go
BIN     := bin/cdw
ARGS    ?=

.PHONY: demo test build setup bench fuzz

## demo: install what is missing, build cdw and run the whole data path on a synthetic hospital
demo: setup build
	./$(BIN) demo $(ARGS)

## test: install what is missing and run the whole test suite (CI=true skips nothing)
test: setup
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 40m ./...
	./scripts/fuzz.sh

build:
	$(GO) build -o $(BIN) ./cmd/cdw

setup:
	./scripts/setup.sh

## bench: benchmarks (outside the test suite); results go to docs/BENCHMARKS.md
bench: setup
	$(GO) test -run '^$$' -bench . -benchtime 1x ./...

## fuzz: fuzz every parser for FUZZTIME each (default 10s; make test runs it too)
fuzz:
	./scripts/fuzz.sh
