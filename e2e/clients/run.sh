#!/usr/bin/env bash
# Generated clients, end to end: for each language, generate the clients of
# openapi/atlas.yaml and openapi/brainstem.yaml with that language's pinned
# generator, type-check/build the small program in e2e/clients/<lang>/, and
# run it against a fresh `sessionhub serve` (built binary, 127.0.0.1 on a free
# port, temp data dir, a user and token made with the CLI).
#
# usage: e2e/clients/run.sh [go] [ts] [python] [java]   (default: all four)
# Generated code and installed tools stay under e2e/clients/<lang>/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
E2E=$ROOT/e2e/clients
langs=("$@")
[ ${#langs[@]} -gt 0 ] || langs=(go ts python java)

# The tools each language needs; on a machine without them, Debian's
# packages (apt-get, as root) provide them.
declare -A need=([go]="go" [ts]="node npm" [python]="python3" [java]="java mvn")
declare -A pkg=([node]=nodejs [npm]=npm [python3]=python3-venv [java]=openjdk-17-jdk-headless [mvn]=maven)
missing=()
for lang in "${langs[@]}"; do
  for tool in ${need[$lang]:?"unknown language $lang (go, ts, python, java)"}; do
    command -v "$tool" >/dev/null || missing+=("${pkg[$tool]:-$tool}")
  done
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
  else
    echo "e2e/clients needs: ${missing[*]}" >&2
    exit 1
  fi
fi

BIN=$ROOT/bin/sessionhub
go build -o "$BIN" .

server_pid=
data=
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
  fi
  [ -z "$data" ] || rm -rf "$data"
  data=
}
# On failure, the server's log tells what it saw.
trap 'rc=$?; if [ "$rc" -ne 0 ] && [ -n "$data" ]; then echo "--- server log" >&2; tail -n 30 "$data/server.log" >&2; fi; stop_server' EXIT

# start_server sets SESSIONHUB_URL and SESSIONHUB_TOKEN for a new server with
# an empty data directory; the kernel picks the port (--addr 127.0.0.1:0) and
# the server's "listening" log line tells it.
start_server() {
  data=$(mktemp -d "${TMPDIR:-/tmp}/sessionhub-e2e.XXXXXX")
  "$BIN" user add --data "$data" --email e2e@example.org --password e2e-secret >/dev/null
  SESSIONHUB_TOKEN=$("$BIN" token create --data "$data" --email e2e@example.org)
  : >"$data/server.log"
  "$BIN" serve --addr 127.0.0.1:0 --data "$data" >"$data/stdout.log" 2>"$data/server.log" &
  server_pid=$!
  SESSIONHUB_URL=
  for _ in $(seq 100); do
    SESSIONHUB_URL=$(sed -n 's/.*"msg":"listening","addr":"\(http:[^"]*\)".*/\1/p' "$data/server.log")
    [ -z "$SESSIONHUB_URL" ] || break
    kill -0 "$server_pid" 2>/dev/null || { cat "$data/server.log" >&2; return 1; }
    sleep 0.1
  done
  [ -n "$SESSIONHUB_URL" ] || { echo "server did not start" >&2; cat "$data/server.log" >&2; return 1; }
  export SESSIONHUB_URL SESSIONHUB_TOKEN
}

# Each lang_* function generates both clients, checks and builds the program,
# then runs it against the server start_server started.

lang_go() {
  rm -rf "$E2E/go/gen"
  mkdir -p "$E2E/go/gen/atlasclient" "$E2E/go/gen/brainstemclient"
  go tool oapi-codegen -config e2e/clients/go/atlas.cfg.yaml openapi/atlas.yaml
  go tool oapi-codegen -config e2e/clients/go/brainstem.cfg.yaml openapi/brainstem.yaml
  (cd "$E2E/go" && go vet . && go build -o gen/e2e-go .)
  start_server
  "$E2E/go/gen/e2e-go"
}

lang_python() {
  local py=$E2E/python
  if [ ! -x "$py/.venv/bin/python" ] || ! cmp -s "$py/requirements.txt" "$py/.venv/requirements.txt"; then
    rm -rf "$py/.venv"
    python3 -m venv "$py/.venv"
    "$py/.venv/bin/pip" install -q --disable-pip-version-check -r "$py/requirements.txt"
    cp "$py/requirements.txt" "$py/.venv/requirements.txt"
  fi
  rm -rf "$py/gen"
  for spec in atlas brainstem; do
    # The generator runs ruff on its output; it finds it on PATH.
    PATH=$py/.venv/bin:$PATH "$py/.venv/bin/openapi-python-client" generate --path "openapi/$spec.yaml" \
      --config "$py/$spec.config.yaml" --meta none --output-path "$py/gen/${spec}_client"
  done
  (cd "$py" && .venv/bin/mypy --config-file mypy.ini e2e.py)
  start_server
  PYTHONPATH=$py/gen "$py/.venv/bin/python" "$py/e2e.py"
}

lang_ts() {
  local ts=$E2E/ts
  if ! cmp -s "$ts/package-lock.json" "$ts/node_modules/.e2e-package-lock.json"; then
    (cd "$ts" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$ts/package-lock.json" "$ts/node_modules/.e2e-package-lock.json"
  fi
  rm -rf "$ts/gen" "$ts/dist"
  (cd "$ts" && npm run --silent generate && npm run --silent build)
  start_server
  node "$ts/dist/e2e.js"
}

# mvn -q still writes colour resets to stdout (Maven 3.8); keep its output
# for when it fails.
mvn_quiet() {
  local log
  log=$(mktemp)
  if mvn -q -B "$@" >"$log" 2>&1; then
    rm -f "$log"
  else
    sed 's/\x1b\[[0-9;]*m//g' "$log" >&2
    rm -f "$log"
    return 1
  fi
}

lang_java() {
  local java=$E2E/java
  local version=7.25.0   # openapi-generator-cli, from Maven Central
  local jar=$java/target/generator/openapi-generator-cli-$version.jar
  if [ ! -f "$jar" ]; then
    mvn_quiet -f "$java/pom.xml" dependency:copy \
      -Dartifact="org.openapitools:openapi-generator-cli:$version" -DoutputDirectory="$java/target/generator"
  fi
  rm -rf "$java/target/generated"
  for spec in atlas brainstem; do
    # containerDefaultToNull: a PATCH body built from the generated model
    # carries only the fields that were set (no empty lists/maps by default).
    java -jar "$jar" generate -g java --library native -i "openapi/$spec.yaml" -o "$java/target/generated/$spec" \
      --api-package "org.sessionhub.e2e.$spec.api" --model-package "org.sessionhub.e2e.$spec.model" \
      --invoker-package "org.sessionhub.e2e.$spec.client" \
      --additional-properties=containerDefaultToNull=true >/dev/null
  done
  mvn_quiet -f "$java/pom.xml" compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
  start_server
  java -cp "$java/target/classes:$(cat "$java/target/classpath.txt")" org.sessionhub.e2e.E2E
}

for lang in "${langs[@]}"; do
  start=$SECONDS
  echo "== $lang"
  "lang_$lang"
  stop_server
  echo "== $lang: passed in $((SECONDS - start)) s"
done
