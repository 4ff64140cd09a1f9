# sessionhub: the two commands a newcomer needs are `make run` and `make test`.
GO      ?= go
ADDR    ?= 127.0.0.1:8080
DATA    ?= ./data
BIN     ?= bin/sessionhub
PYTHON3 ?= python3
# The official BrainSTEM client's suite runs with the venv's python
# (client_test.go reads SESSIONHUB_PYTHON, else .venv/bin/python).
VENV    ?= .venv
PY_REQS := server/brainstem/testdata/requirements.txt

.PHONY: build run test generate check-generated vet race race-postgres venv browser lint-specs test-clients test-s3 weed bench clean

build:
	$(GO) build -o $(BIN) .

run: build
	$(BIN) serve --addr $(ADDR) --data $(DATA)

generate:
	$(GO) generate ./...

# Fails when the committed generated code or go.mod/go.sum are stale.
check-generated: generate
	@git diff --exit-code -- gen/ || { echo "gen/ is stale: run 'make generate' and commit the result"; exit 1; }
	@test -z "$$(git status --porcelain -- gen/)" || { echo "gen/ has uncommitted generated files"; git status --porcelain -- gen/; exit 1; }
	$(GO) mod tidy -diff

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go' | grep -v '^gen/'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go' | grep -v '^gen/'); exit 1; }
	$(GO) vet ./...

# A project-local virtual environment with the pinned official client and
# pytest; rebuilt when the requirements change.
venv: $(VENV)/.installed

$(VENV)/.installed: $(PY_REQS)
	$(PYTHON3) -m venv --clear $(VENV)
	$(VENV)/bin/python -m pip install -q --disable-pip-version-check --no-input -r $(PY_REQS)
	touch $@

# Both specs through redocly and spectral (versions pinned in
# tools/lint/package-lock.json, installed there by npm ci); 0 errors allowed.
# The rules turned off are in tools/lint/redocly.yaml and .spectral.yaml, each with its reason.
LINT     := tools/lint
SPECS    := openapi/atlas.yaml openapi/brainstem.yaml
lint-specs: $(LINT)/node_modules/.installed
	REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
	  $(LINT)/node_modules/.bin/redocly lint --format=stylish --config $(LINT)/redocly.yaml $(SPECS)
	$(LINT)/node_modules/.bin/spectral lint --fail-severity=error -r $(LINT)/.spectral.yaml $(SPECS)

$(LINT)/node_modules/.installed: $(LINT)/package.json $(LINT)/package-lock.json
	cd $(LINT) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

race: venv
	SESSIONHUB_PYTHON=$(abspath $(VENV))/bin/python $(GO) test -race -count=1 -timeout 30m ./...

# Clients generated from both specs in Go, TypeScript, Python and Java, each
# driving a real server (e2e/clients/run.sh; needs node/npm, python3, JDK 17 + Maven).
test-clients:
	bash e2e/clients/run.sh

test: check-generated vet lint-specs browser race race-postgres test-clients

# The store, server, Atlas and BrainSTEM API suites again, on a throwaway PostgreSQL
# cluster that the tests start (store/pgtest; Debian's postgresql package).
# Without PostgreSQL's binaries they skip, saying so.
PG_PACKAGES := ./store/ ./store/atlas/ ./server/ ./server/atlas/ ./server/brainstem/
race-postgres: venv
	SESSIONHUB_TEST_DB=postgres SESSIONHUB_PYTHON=$(abspath $(VENV))/bin/python $(GO) test -race -count=1 -timeout 30m $(PG_PACKAGES)

# SeaweedFS for the S3 blob tests, built into ~/.cache/sessionhub once
# (e2e/s3/weed.sh; 5-10 minutes); prints the binary's path.
weed:
	@bash e2e/s3/weed.sh

# Only the tests that run against S3 (SeaweedFS), building it if needed.
# `make race` runs them too when SESSIONHUB_WEED is set, and skips them otherwise.
test-s3:
	SESSIONHUB_WEED=$$(bash e2e/s3/weed.sh) $(GO) test -race -count=1 -run 'S3|SeveralNodes|ThreeNodes|CopyToPostgres' ./store/ ./server/atlas/ .

# Browser tests (e2e/browser) drive Chromium; they skip unless SESSIONHUB_BROWSER
# names it, which `make test` does after installing Debian's chromium if missing.
CHROMIUM ?= /usr/bin/chromium
test: export SESSIONHUB_BROWSER = $(CHROMIUM)
browser:
	@test -x $(CHROMIUM) || { apt-get update && apt-get install -y chromium; }

bench:
	bash bench/run.sh

clean:
	rm -rf bin $(VENV) $(LINT)/node_modules
