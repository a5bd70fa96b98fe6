# flowc: `make test` installs what the tests need and runs every test.
GO      ?= go
TOOLS   := $(CURDIR)/.tools
FUZZTIME ?= 10s
export CGO_ENABLED := 1
export PATH := $(TOOLS)/bin:$(TOOLS)/node_modules/.bin:$(PATH)

.PHONY: test tools fmt vet tidy unit fuzz build example example-test clean bench

test: tools fmt vet tidy unit fuzz example-test

# Pinned external judges: asl-validator (npm). cfn-lint and moto come from pip.
tools: $(TOOLS)/node_modules/.bin/asl-validator $(TOOLS)/bin/actionlint
# actionlint (the judge of the GitHub Action and workflow flowc ships), pinned.
$(TOOLS)/bin/actionlint:
	GOBIN=$(TOOLS)/bin $(GO) install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
$(TOOLS)/node_modules/.bin/asl-validator: tools/package.json tools/package-lock.json
	mkdir -p $(TOOLS)
	cp tools/package.json tools/package-lock.json $(TOOLS)/
	cd $(TOOLS) && npm ci --no-audit --no-fund --loglevel=error
	@# The tests run `python3 script` and `cfn-lint`/`moto_server`: install into the python3 on PATH.
	@python3 -c "import cfnlint" 2>/dev/null && command -v cfn-lint >/dev/null || python3 -m pip install cfn-lint
	@python3 -c "import moto.server" 2>/dev/null && command -v moto_server >/dev/null || python3 -m pip install "moto[server]"

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

# go.mod and go.sum must be what `go mod tidy` makes of them.
tidy:
	@$(GO) mod tidy -diff || { echo "go.mod/go.sum are not tidy: run go mod tidy"; exit 1; }

vet:
	$(GO) vet ./...
	CGO_ENABLED=0 $(GO) vet ./cmd/flowc

unit:
	$(GO) test -race -count=1 -timeout 40m ./...

# Fuzz smoke: each target briefly (go test -fuzz takes one package and target
# at a time); tools/fuzz-smoke.sh caps minimization and fails a target whose
# execution rate collapses.
fuzz:
	tools/fuzz-smoke.sh ./spec/expr/ FuzzParse $(FUZZTIME)
	tools/fuzz-smoke.sh ./spec/expr/ FuzzCheck $(FUZZTIME)
	tools/fuzz-smoke.sh ./spec/ FuzzLoad $(FUZZTIME)
	tools/fuzz-smoke.sh ./spec/internal/yamlloc/ FuzzLocate $(FUZZTIME)

# Two builds (README, "Two builds"): bin/flowc with the local engine (DuckDB,
# cgo) and bin/flowc-noengine without it (CGO_ENABLED=0: validate, build,
# diff, deploy and the operating commands; cross-compiles). The docs tag
# leaves out urfave/cli's man-page and Markdown generators, which flowc does
# not use, and their init.
build:
	$(GO) build -tags urfave_cli_no_docs -o bin/flowc ./cmd/flowc
	CGO_ENABLED=0 $(GO) build -tags urfave_cli_no_docs -o bin/flowc-noengine ./cmd/flowc

# The main job on the bundled example: run the pipeline locally.
example: build
	./bin/flowc run examples/flights.yaml

# The example's unit tests (examples/tests/), as a user runs them.
example-test: build
	./bin/flowc test examples/flights.yaml

clean:
	rm -rf bin build .flowc
