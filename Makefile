# Switchboard: the two commands a new user runs first are `make demo` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
GO ?= go
BIN := bin
PKGS := ./...
BENCHTIME ?= 1s
BENCHCOUNT ?= 1
BENCHOUT ?= bench.txt
# BENCHPKGS: only the packages that have benchmarks (building the other test
# binaries would only slow `make bench` down).
BENCHPKGS ?= $(sort $(dir $(shell grep -rl --include='*_test.go' --exclude-dir=testdata --exclude-dir=.git '^func Benchmark' .)))
FUZZTIME ?= 10s

.PHONY: all build generate check-generated spec-validate lint fmt-check vet staticcheck \
        test unit live-sandbox bench fuzz demo clean

all: build

## build: compile the CLI binaries into ./bin
# Static binaries (CGO_ENABLED=0, Go's own DNS resolver): no dynamic loader
# or libc start-up, which was a fifth of `st2 --version`, and one file that
# runs on any Linux. -trimpath keeps build paths out of them.
GOBUILD := CGO_ENABLED=0 $(GO) build -trimpath
build:
	$(GOBUILD) -o $(BIN)/switchboard ./cmd/switchboard
	$(GOBUILD) -o $(BIN)/st2 ./cmd/st2

## generate: regenerate gen/ from specs/ (go:generate directives in generate.go)
generate:
	$(GO) generate ./...

## check-generated: regenerate into a temporary copy and fail on any difference with gen/
check-generated:
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	tar --exclude=./.git --exclude=./$(BIN) -cf - . | tar -C "$$tmp" -xf -; \
	(cd "$$tmp" && $(GO) generate ./...); \
	if ! diff -ru --exclude=.git --exclude=$(BIN) . "$$tmp"; then \
	  echo "generated code is out of date with specs/: run 'make generate' and commit the result" >&2; exit 1; \
	fi; \
	echo "gen/ is up to date with specs/"

## spec-validate: every specs/**/openapi.yaml loads and validates with kin-openapi
spec-validate:
	$(GO) test -count=1 ./specs/

## lint: gofmt, go vet and staticcheck (pinned in go.mod through tools.go)
lint: fmt-check vet staticcheck

fmt-check:
	@bad=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go') | grep -v '^gen/' || true); \
	if [ -n "$$bad" ]; then echo "gofmt would change:" $$bad >&2; exit 1; fi

# The live tag only adds files (the live tests), so one pass covers both.
vet:
	$(GO) vet -tags live $(PKGS)

staticcheck:
	$(GO) run honnef.co/go/tools/cmd/staticcheck -tags live $(PKGS)

## unit: the Go tests with the race detector
unit:
	$(GO) test -race -count=1 $(PKGS)

# LIVE_PLATFORMS: every facade with a live test, in alphabetical order.
LIVE_PLATFORMS := $(patsubst facade/%/live_test.go,%,$(wildcard facade/*/live_test.go))

# The seeded sandbox holds RightScale's "Hello World" script and "haproxy" server,
# so the live script test runs too (with a real account: your own safe script).
LIVE_ENV := RIGHTSCALE_LIVE_SCRIPT="Hello World" RIGHTSCALE_LIVE_SERVER=haproxy

## live-sandbox: the live tests (-tags live), pointed at a seeded `switchboard sandbox
## serve` through the platform's own environment variables, as at a real server
live-sandbox: build
	@for platform in $(LIVE_PLATFORMS); do \
	  env=$$(mktemp); \
	  $(BIN)/switchboard sandbox serve $$platform --seed > "$$env" 2>/dev/null & pid=$$!; \
	  for _ in $$(seq 200); do [ "$$(wc -l < "$$env")" -ge 2 ] && break; sleep 0.05; done; \
	  (set -a; . "$$env"; $(LIVE_ENV); set +a; $(GO) test -tags live -count=1 -v -run '^TestLive' ./facade/$$platform/); rc=$$?; \
	  kill $$pid; wait $$pid 2>/dev/null; rm -f "$$env"; \
	  [ $$rc -eq 0 ] || exit $$rc; \
	done

## test: everything CI checks
test: spec-validate check-generated lint unit live-sandbox

## bench: every benchmark of the module (speed and memory are checked here, never by
## timed unit tests), then ONE table of them all (internal/benchtable: time/op, B/op,
## allocs/op and the custom metrics: ratio, req/s, ms/median, ...). The raw lines are
## kept in $(BENCHOUT) for benchstat; BENCHCOUNT=6 gives it enough runs to compare.
bench:
	@status=0; \
	$(GO) test -vet=off -timeout 60m -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) -count $(BENCHCOUNT) $(BENCHPKGS) 2>&1 \
	  | tee $(BENCHOUT) || status=$$?; \
	echo; $(GO) run ./internal/benchtable $(BENCHOUT) || status=1; \
	echo "raw results: $(BENCHOUT) (compare runs with benchstat)"; \
	exit $$status

## fuzz: every fuzz target of the module, FUZZTIME (default 10s) each, one after the
## other; the committed seeds (testdata/fuzz/) already run with every `go test`.
## A run that ends with a bare "context deadline exceeded" and writes no failing input
## is Go's fuzztime race (go.dev/issue/75804, fixed in Go 1.27), not a failure.
fuzz:
	@grep -r --include='*_test.go' -o '^func Fuzz[A-Za-z0-9_]*' . | sort | \
	while IFS=: read -r file decl; do \
	  name=$${decl#func }; pkg=./$$(dirname "$${file#./}"); \
	  echo "== $$pkg $$name ($(FUZZTIME))"; \
	  out=$$(mktemp); before=$$(ls "$$pkg/testdata/fuzz/$$name" 2>/dev/null | wc -l || true); \
	  if ! $(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) "$$pkg" 2>&1 | tee "$$out"; then \
	    after=$$(ls "$$pkg/testdata/fuzz/$$name" 2>/dev/null | wc -l || true); \
	    if [ "$$after" -eq "$$before" ] && grep -qx '    context deadline exceeded' "$$out" && \
	       [ "$$(grep -c -- '--- FAIL' "$$out")" -eq 1 ]; then \
	      echo "(fuzztime deadline race, no failing input: not a failure)"; \
	    else rm -f "$$out"; exit 1; fi; \
	  fi; rm -f "$$out"; \
	done

## demo: a scripted tour of the CLI against the built-in sandbox
demo: build
	@BIN=$(BIN)/switchboard bash cmd/switchboard/demo/demo.sh

clean:
	rm -rf $(BIN)
