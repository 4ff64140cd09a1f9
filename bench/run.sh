#!/usr/bin/env bash
# bench/run.sh (`make bench`): load figures for sessionhub against a bare-Echo
# baseline, an Echo + GORM + SQLite floor (bench/floor) and PocketBase
# (bench/peers/pocketbase), all started here on 127.0.0.1 with fresh temp
# data, stopped on exit. Needs go, curl, python3 (a free port for PocketBase)
# and wrk (Debian: apt-get install -y wrk); installs nothing.
#
# Tunables (environment): BENCH_DURATION (default 10s per scenario),
# BENCH_THREADS (wrk -t, default 1), BENCH_CONNS (default 16),
# BENCH_CREATE_CONNS (64), BENCH_LIST_CONNS (BrainSTEM filtered list, 4),
# BENCH_SESSIONS / BENCH_PROJECTS / BENCH_MEMBER_OF (200000 / 1000 / 50),
# BENCH_ATLAS (10000 Atlas sessions of the bench user, and PocketBase
# records, and floor rows), BENCH_WRITE_PCT (10: the mixes' share of
# updates), BENCH_ONLY=real (only the random-id scenarios, no single-URL
# rows, no uploads), BENCH_ONLY=modules (only the BrainSTEM detail and the
# workflow's read of a session with its modules, and their yardsticks), BENCH_UPLOAD_SIZE (1G), BENCH_KEEP=1 keeps the temp dir
# (logs, wrk output).
#
# BENCH_DB=postgres runs sessionhub on PostgreSQL + S3 instead of SQLite: a
# throwaway PostgreSQL cluster (Debian's /usr/lib/postgresql/N/bin, or
# BENCH_PG_BIN; as root it runs as the postgres user; unix socket only) and
# a SeaweedFS S3 gateway (bash e2e/s3/weed.sh builds it, or BENCH_WEED), both
# in temp dirs, stopped on exit; the seeded SQLite directory goes into them
# with `sessionhub copy`. BENCH_NODES=N (PostgreSQL only) starts N serve
# processes over them; wrk then runs N threads (BENCH_THREADS, a multiple of
# N), thread i connecting to node i mod N (bench/wrk/nodes.lua). The
# baselines are the same as on SQLite. See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${BENCH_DURATION:-10s}
THREADS=${BENCH_THREADS:-1}
CONNS=${BENCH_CONNS:-16}
CREATE_CONNS=${BENCH_CREATE_CONNS:-64}
LIST_CONNS=${BENCH_LIST_CONNS:-4}
SESSIONS=${BENCH_SESSIONS:-200000}
ATLAS=${BENCH_ATLAS:-10000}
WRITE_PCT=${BENCH_WRITE_PCT:-10}
ONLY=${BENCH_ONLY:-all}
PROJECTS=${BENCH_PROJECTS:-1000}
MEMBER_OF=${BENCH_MEMBER_OF:-50}
UPLOAD_SIZE=${BENCH_UPLOAD_SIZE:-1G}
DB=${BENCH_DB:-sqlite}
NODES=${BENCH_NODES:-1}
case "$DB" in sqlite | postgres) ;; *) echo "BENCH_DB is sqlite or postgres" >&2; exit 1 ;; esac
case "$ONLY" in all | real | modules) ;; *) echo "BENCH_ONLY is all, real or modules" >&2; exit 1 ;; esac
if [ "$NODES" != 1 ] && [ "$DB" != postgres ]; then
  echo "BENCH_NODES > 1 needs BENCH_DB=postgres (SQLite serves from one process)" >&2
  exit 1
fi
[ "$NODES" -gt 1 ] && THREADS=${BENCH_THREADS:-$NODES}

for tool in go wrk curl awk python3; do
  command -v "$tool" >/dev/null || {
    echo "bench needs $tool on PATH (wrk: apt-get install -y wrk)" >&2
    exit 1
  }
done

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
BIN=bench/.bin
mkdir -p "$BIN"
echo "== building sessionhub, baseline, floor, seeder and PocketBase"
go build -o "$BIN/sessionhub" .
go build -o "$BIN/baseline" ./bench/baseline
go build -o "$BIN/floor" ./bench/floor
go build -o "$BIN/seed" ./bench/seed
# PocketBase is its own module (bench/peers/pocketbase/go.mod).
(cd bench/peers/pocketbase && go build -o ../../.bin/pocketbase .)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sessionhub-bench.XXXXXX")
PIDS=()
PGDIR=
PGBIN=
WEED_PID=
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ -n "$WEED_PID" ]; then # SeaweedFS may take many seconds on SIGTERM; its data is thrown away
    kill "$WEED_PID" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$WEED_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$WEED_PID" 2>/dev/null || true
    wait "$WEED_PID" 2>/dev/null || true
  fi
  if [ -n "$PGDIR" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    rm -rf "$PGDIR"
  fi
  if [ "${BENCH_KEEP:-}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- helpers -----------------------------------------------------------------

# wait_for FILE PATTERN: wait (max 30 s) until FILE contains PATTERN.
wait_for() {
  for _ in $(seq 300); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "timed out waiting for '$2' in $1:" >&2
  cat "$1" >&2
  return 1
}
kib() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }
# reset_peak PID: reset VmHWM (peak RSS) so the next reading covers one scenario.
reset_peak() { echo 5 >"/proc/$1/clear_refs" 2>/dev/null || true; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }

# Results: one line per scenario, "name|conns|rps|p50|p99|errors|peakMiB".
RESULTS=()

# cache_counts: the read cache's hits and misses so far ("HITS MISSES"),
# from sessionhub's admin listener.
HITS=()
cache_counts() {
  curl -fsS "$SH_ADMIN/metrics" | awk '$1 == "sessionhub_read_cache_hits_total" {h = $2} $1 == "sessionhub_read_cache_misses_total" {m = $2} END {printf "%d %d", h, m}'
}

# run_wrk NAME PID CONNS SCRIPT URL [wrk args] [-- script args]: a warm-up,
# then a measured run; for sessionhub with its read cache on, the cache's
# hit rate over the measured run goes into HITS.
run_wrk() {
  local name=$1 pid=$2 conns=$3 script=$4 url=$5
  shift 5
  local opts=() sargs=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
  [ $# -gt 0 ] && sargs=("$@") # starts with --
  local threads=$((THREADS < conns ? THREADS : conns))
  conns=$((conns / threads * threads)) # wrk gives each thread conns/threads connections
  wrk -t"$threads" -c"$conns" -d2s -s "$script" "${opts[@]}" "$url" "${sargs[@]}" >/dev/null
  reset_peak "$pid"
  local before=""
  [ "$pid" = "${SH_PID:-}" ] && [ -n "${SH_ADMIN:-}" ] && before=$(cache_counts)
  wrk -t"$threads" -c"$conns" -d"$DURATION" --latency -s "$script" "${opts[@]}" "$url" "${sargs[@]}" >"$WORK/$name.wrk"
  if [ -n "$before" ]; then
    local hit
    hit=$(awk -v b="$before" -v a="$(cache_counts)" 'BEGIN {split(b, x); split(a, y); h = y[1] - x[1]; m = y[2] - x[2]; if (h + m > 0) printf "%.0f%% of %d", 100 * h / (h + m), h + m}')
    [ -n "$hit" ] && HITS+=("$name|$hit")
  fi
  local r
  r=$(awk '$1 == "RESULT" {print $2 "|" $3 "|" $4 "|" $5}' "$WORK/$name.wrk")
  [ -n "$r" ] || { echo "no RESULT from wrk for $name" >&2; cat "$WORK/$name.wrk" >&2; exit 1; }
  RESULTS+=("$name|$conns|$r|$(mib "$(kib "$pid" VmHWM)")")
  printf '   %-22s %s\n' "$name" "$(tr '|' ' ' <<<"$r") (req/s p50ms p99ms errors)"
}

cat bench/wrk/get.lua bench/wrk/report.lua >"$WORK/get.lua"
cat bench/wrk/create.lua bench/wrk/report.lua >"$WORK/create.lua"
cat bench/wrk/random.lua bench/wrk/report.lua >"$WORK/random.lua"
# The scripts of the sessionhub scenarios: with several nodes, each wrk
# thread connects to one of them.
for s in get create random; do
  if [ "$NODES" -gt 1 ]; then
    cat "bench/wrk/$s.lua" bench/wrk/nodes.lua bench/wrk/report.lua >"$WORK/$s-sh.lua"
  else
    cp "$WORK/$s.lua" "$WORK/$s-sh.lua"
  fi
done

# as_pg CMD...: run CMD as the postgres user when root (initdb refuses root).
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# --- start the servers ---------------------------------------------------------

echo "== seeding $SESSIONS BrainSTEM sessions over $PROJECTS projects (member of $MEMBER_OF)"
"$BIN/seed" -data "$WORK/data" -sessions "$SESSIONS" -projects "$PROJECTS" -member-of "$MEMBER_OF" \
  -atlas "$ATLAS" -ids "$WORK" >"$WORK/seed.env" # and atlas.ids, bs.ids, bs-projects.ids
# shellcheck disable=SC1091
. "$WORK/seed.env" # TOKEN, PROJECT, SESSION

# --- PostgreSQL + S3 (BENCH_DB=postgres) ------------------------------------------

SERVE_DB=()
if [ "$DB" = postgres ]; then
  PGBIN=${BENCH_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
  [ -x "$PGBIN/initdb" ] || { echo "BENCH_DB=postgres needs Debian's postgresql package (or BENCH_PG_BIN)" >&2; exit 1; }
  PGDIR=$(mktemp -d "${TMPDIR:-/tmp}/sessionhub-bench-pg.XXXXXX")
  [ "$(id -u)" = 0 ] && chown postgres "$PGDIR"
  echo "== PostgreSQL ($PGBIN) in $PGDIR, socket only"
  as_pg "$PGBIN/initdb" -D "$PGDIR/data" -U bench --auth=trust --encoding=UTF8 --locale=C --no-sync >"$WORK/initdb.log" 2>&1 ||
    { cat "$WORK/initdb.log" >&2; exit 1; }
  # No TCP listener; durability off (a throwaway cluster), as store/pgtest.
  as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/postgres.log" -w -t 60 \
    -o "-k $PGDIR -c listen_addresses= -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >"$WORK/pg_ctl.log" 2>&1 || { cat "$WORK/pg_ctl.log" "$PGDIR/postgres.log" >&2; exit 1; }
  PG_URL="postgres://bench@/postgres?host=$PGDIR&sslmode=disable"

  WEED=${BENCH_WEED:-$(bash e2e/s3/weed.sh | tail -1)}
  [ -x "$WEED" ] || { echo "no SeaweedFS binary (bash e2e/s3/weed.sh)" >&2; exit 1; }
  export AWS_ACCESS_KEY_ID=sessionhub-bench AWS_SECRET_ACCESS_KEY=sessionhub-bench-secret
  printf '{"identities":[{"name":"bench","credentials":[{"accessKey":"%s","secretKey":"%s"}],"actions":["Admin","Read","List","Tagging","Write"]}]}' \
    "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" >"$WORK/s3.json"
  mkdir -p "$WORK/weed"
  S3_PORT=$(free_port)
  # Every port explicitly free (the defaults would clash), as server/servertest/s3.go.
  "$WEED" server -dir="$WORK/weed" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -master.port="$(free_port)" -master.port.grpc="$(free_port)" -master.volumeSizeLimitMB=64 \
    -volume.port="$(free_port)" -volume.port.grpc="$(free_port)" -volume.max=0 \
    -filer.port="$(free_port)" -filer.port.grpc="$(free_port)" \
    -s3 -s3.port="$S3_PORT" -s3.port.grpc="$(free_port)" -s3.port.iceberg=0 -s3.port.lance=0 \
    -s3.config="$WORK/s3.json" >"$WORK/weed.log" 2>&1 &
  WEED_PID=$!
  echo "== SeaweedFS S3 on 127.0.0.1:$S3_PORT (pid $WEED_PID)"
  # Ready once the bucket can be made (curl signs the request, SigV4).
  made=
  for _ in $(seq 600); do
    kill -0 "$WEED_PID" 2>/dev/null || { cat "$WORK/weed.log" >&2; exit 1; }
    code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT --aws-sigv4 "aws:amz:us-east-1:s3" \
      --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" "http://127.0.0.1:$S3_PORT/bench" || true)
    if [ "$code" = 200 ] || [ "$code" = 409 ]; then made=1; break; fi
    sleep 0.2
  done
  [ -n "$made" ] || { echo "SeaweedFS S3 not ready within 2 minutes" >&2; tail -20 "$WORK/weed.log" >&2; exit 1; }
  S3_URL="s3://bench?endpoint=http://127.0.0.1:$S3_PORT&region=us-east-1"
  echo "== sessionhub copy: the seeded SQLite directory into PostgreSQL + S3"
  t0=$(date +%s)
  "$BIN/sessionhub" copy --from "sqlite://$WORK/data" --to "$PG_URL" --blobs "$S3_URL" >"$WORK/copy.log" 2>&1 ||
    { cat "$WORK/copy.log" >&2; exit 1; }
  echo "   copied in $(($(date +%s) - t0)) s"
  SERVE_DB=(--db "$PG_URL" --blobs "$S3_URL")
fi

# start_sessionhub LOG [serve flags]: sets SH_PID and SH (its base URL);
# with BENCH_NODES > 1 starts that many nodes (logs LOG-nodeI), SH and SH_PID
# being the first's, BENCH_NODE_ADDRS all their HOST:PORTs, SH_PIDS their pids.
SH_PIDS=()
start_sessionhub() {
  local log=$1 i l addrs=()
  shift
  SH_PIDS=()
  for i in $(seq "$NODES"); do
    l=$log
    [ "$NODES" -gt 1 ] && l=$log-node$i
    if [ "$DB" = postgres ]; then
      mkdir -p "$WORK/node$i"
      "$BIN/sessionhub" serve --addr 127.0.0.1:0 --data "$WORK/node$i" "${SERVE_DB[@]}" "$@" >"$WORK/$l.out" 2>"$WORK/$l.log" &
    else
      "$BIN/sessionhub" serve --addr 127.0.0.1:0 --admin-addr 127.0.0.1:0 --data "$WORK/data" "$@" >"$WORK/$l.out" 2>"$WORK/$l.log" &
    fi
    SH_PIDS+=($!)
    PIDS+=($!)
    wait_for "$WORK/$l.log" '"listening"'
    addrs+=("$(grep '"msg":"listening"' "$WORK/$l.log" | grep -o '"addr":"http://[^"]*"' | head -1 | cut -d'"' -f4)")
    curl -fsS "${addrs[-1]}/healthz" >/dev/null
  done
  SH_PID=${SH_PIDS[0]}
  SH=${addrs[0]}
  # The admin listener (SQLite: one node) serves the read cache's counters.
  SH_ADMIN=$(grep '"msg":"admin listening"' "$WORK/$log.log" 2>/dev/null | grep -o '"addr":"http://[^"]*"' | head -1 | cut -d'"' -f4 || true)
  BENCH_NODE_ADDRS=$(printf '%s\n' "${addrs[@]}" | sed 's|^http://||' | tr '\n' ' ')
  export BENCH_NODE_ADDRS
}
# stop_sessionhub: stops the nodes start_sessionhub started.
stop_sessionhub() {
  local p
  for p in "${SH_PIDS[@]}"; do kill "$p"; done
  for p in "${SH_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
}
mkdir -p "$WORK/floor"
"$BIN/floor" -addr 127.0.0.1:0 -dir "$WORK/floor" -seed "$ATLAS" -ids "$WORK/floor.ids" >"$WORK/floor.out" 2>"$WORK/floor.log" &
FLOOR_PID=$!
PIDS+=("$FLOOR_PID")
echo "== seeding PocketBase with $ATLAS records"
"$BIN/pocketbase" seed --dir "$WORK/pb" --count "$ATLAS" --projects "$MEMBER_OF" \
  --ids "$WORK/pb.ids" --project-ids "$WORK/pb-projects.ids" >"$WORK/pb-seed.log" 2>&1 ||
  { cat "$WORK/pb-seed.log" >&2; exit 1; }
PB_PORT=$(free_port)
"$BIN/pocketbase" serve --dir "$WORK/pb" --http "127.0.0.1:$PB_PORT" >"$WORK/pb.log" 2>&1 &
PB_PID=$!
PIDS+=("$PB_PID")
PB="http://127.0.0.1:$PB_PORT"
start_sessionhub sessionhub
# The workflow's read (issue 12): a session with its projects, data storage
# and modules embedded. The bare-Echo baseline answers it with sessionhub's
# own answer for one session (saved here), so both write the same JSON.
BS_MODULES_Q="?include%5B%5D=projects.%2A&include%5B%5D=datastorage.%2A&include%5B%5D=behaviors.%2A&include%5B%5D=dataacquisition.%2A&include%5B%5D=manipulations.%2A"
curl -fsS -H "Authorization: Bearer $TOKEN" "$SH/api/private/stem/session/$SESSION/$BS_MODULES_Q" >"$WORK/bs-modules.json"
mkdir -p "$WORK/baseline-files"
"$BIN/baseline" -addr 127.0.0.1:0 -dir "$WORK/baseline-files" -bs-modules "$WORK/bs-modules.json" >"$WORK/baseline.out" 2>"$WORK/baseline.log" &
BASE_PID=$!
PIDS+=("$BASE_PID")
wait_for "$WORK/baseline.out" '127.0.0.1:'
BASE="http://$(head -1 "$WORK/baseline.out")"
wait_for "$WORK/floor.out" '127.0.0.1:'
FLOOR="http://$(head -1 "$WORK/floor.out")"
wait_for "$WORK/pb.log" 'Server started'
curl -fsS "$PB/api/collections/sessions/records/$(head -1 "$WORK/pb.ids")" >/dev/null
echo "   sessionhub $BENCH_NODE_ADDRS(pids ${SH_PIDS[*]}; $DB), baseline $BASE (pid $BASE_PID), floor $FLOOR (pid $FLOOR_PID), PocketBase $PB (pid $PB_PID)"
AUTH="Authorization: Bearer $TOKEN"

# --- Atlas data: 25 sessions through the API ----------------------------------

ATLAS_ID=
for i in $(seq 25); do
  ATLAS_ID=$(curl -fsS -H "$AUTH" -H 'Content-Type: application/json' \
    -d "{\"title\":\"seeded $i\"}" "$SH/sessions" | grep -o '"session_id": *"[^"]*"' | cut -d'"' -f4)
done
[ -n "$ATLAS_ID" ] || { echo "could not create Atlas sessions" >&2; exit 1; }

BS_LIST_PATH="/api/private/stem/session/?filter%7Bname.icontains%7D=rat&filter%7Bprojects%7D=$PROJECT&sort%5B%5D=-name&limit=20"
BS_DETAIL_PATH="/api/private/stem/session/$SESSION/?include%5B%5D=projects.%2A"
BS_LIST="$SH$BS_LIST_PATH"
BS_DETAIL="$SH$BS_DETAIL_PATH"
# Both BrainSTEM requests must answer as expected before they are timed.
BS_OK=1
if ! curl -fsS -H "$AUTH" "$BS_LIST" | grep -q '"count"'; then
  echo "!! BrainSTEM filtered list does not answer: BrainSTEM scenarios skipped" >&2
  BS_OK=0
elif ! curl -fsS -H "$AUTH" "$BS_DETAIL" | grep -q '"projects": *\[ *{'; then
  echo "!! BrainSTEM detail with include[]=projects.* does not embed: BrainSTEM scenarios skipped" >&2
  BS_OK=0
elif ! grep -q '"manipulations": *\[ *{' "$WORK/bs-modules.json"; then
  echo "!! BrainSTEM detail with its modules included does not embed them: BrainSTEM scenarios skipped" >&2
  BS_OK=0
fi

# --- wrk scenarios -----------------------------------------------------------

# Random ids: random.lua picks each request's id from a file (one a line), so
# the requests spread over thousands of records like many users' traffic
# (the read cache then mostly misses). {id} in a path is that id.
BS_ITEM="/api/private/stem/session/{id}/"
BS_MODULES_TPL="$BS_ITEM$BS_MODULES_Q"
BS_LIST_TPL="/api/private/stem/session/?filter%7Bname.icontains%7D=rat&filter%7Bprojects%7D={id}&sort%5B%5D=-name&limit=20"
PB_REC=/api/collections/sessions/records
PB_LIST_TPL="$PB_REC?filter=(project%3D%27{id}%27%26%26title~%27rat%27)&sort=-title&perPage=20"
UPD='{"description":"updated by the bench"}'
RND="$WORK/random.lua"
RND_SH="$WORK/random-sh.lua"
# random_sessionhub PREFIX: sessionhub's random-id reads and 90/10 mixes.
random_sessionhub() {
  local p=$1
  if [ "$ONLY" = modules ]; then
    [ "$BS_OK" = 1 ] || return 0
    run_wrk "${p}bs_detail" "$SH_PID" "$CONNS" "$RND_SH" "$SH" -H "$AUTH" -- "$WORK/bs.ids" "$BS_ITEM"
    run_wrk "${p}bs_modules" "$SH_PID" "$CONNS" "$RND_SH" "$SH" -H "$AUTH" -- "$WORK/bs.ids" "$BS_MODULES_TPL"
    return 0
  fi
  run_wrk "${p}atlas_get" "$SH_PID" "$CONNS" "$RND_SH" "$SH" -H "$AUTH" -- "$WORK/atlas.ids" "/sessions/{id}"
  run_wrk "${p}atlas_mix" "$SH_PID" "$CONNS" "$RND_SH" "$SH" -H "$AUTH" -- "$WORK/atlas.ids" "/sessions/{id}" \
    "$WRITE_PCT" PUT "/sessions/{id}" "$UPD"
  if [ "$BS_OK" = 1 ]; then
    run_wrk "${p}bs_detail" "$SH_PID" "$CONNS" "$RND_SH" "$SH" -H "$AUTH" -- "$WORK/bs.ids" "$BS_ITEM"
    run_wrk "${p}bs_modules" "$SH_PID" "$CONNS" "$RND_SH" "$SH" -H "$AUTH" -- "$WORK/bs.ids" "$BS_MODULES_TPL"
    run_wrk "${p}bs_mix" "$SH_PID" "$CONNS" "$RND_SH" "$SH" -H "$AUTH" -- "$WORK/bs.ids" "$BS_ITEM" \
      "$WRITE_PCT" PATCH "$BS_ITEM" "$UPD"
    run_wrk "${p}bs_list" "$SH_PID" "$LIST_CONNS" "$RND_SH" "$SH" -H "$AUTH" -- "$WORK/bs-projects.ids" "$BS_LIST_TPL"
  fi
}

echo "== wrk: $DURATION per scenario, $THREADS threads; random ids, sessionhub ($DB, $NODES node(s); read cache on SQLite only), PocketBase, floor"
run_wrk floor_get "$FLOOR_PID" "$CONNS" "$RND" "$FLOOR" -- "$WORK/floor.ids" "/sessions/{id}"
# The baseline of the workflow's read, over the same ids and script.
run_wrk baseline_bs_modules "$BASE_PID" "$CONNS" "$RND" "$BASE" -- "$WORK/bs.ids" "$BS_MODULES_TPL"
if [ "$ONLY" != modules ]; then
run_wrk pb_get "$PB_PID" "$CONNS" "$RND" "$PB" -- "$WORK/pb.ids" "$PB_REC/{id}"
run_wrk pb_mix "$PB_PID" "$CONNS" "$RND" "$PB" -- "$WORK/pb.ids" "$PB_REC/{id}" "$WRITE_PCT" PATCH "$PB_REC/{id}" "$UPD"
run_wrk pb_list "$PB_PID" "$LIST_CONNS" "$RND" "$PB" -- "$WORK/pb-projects.ids" "$PB_LIST_TPL"
fi
random_sessionhub rand_
if [ "$ONLY" != modules ]; then
run_wrk atlas_create "$SH_PID" "$CREATE_CONNS" "$WORK/create-sh.lua" "$SH/sessions" -H "$AUTH"
run_wrk pb_create "$PB_PID" "$CREATE_CONNS" "$RND" "$PB" -- "$WORK/pb.ids" - 100 POST "$PB_REC" '{"title":"bench session"}'
fi

if [ "$ONLY" = all ]; then
  echo "== single hot URL (one request repeated: the read cache answers it from memory)"
  run_wrk baseline_get "$BASE_PID" "$CONNS" "$WORK/get.lua" "$BASE/sessions/$ATLAS_ID" -H "$AUTH"
  run_wrk baseline_bs_detail "$BASE_PID" "$CONNS" "$WORK/get.lua" "$BASE/api/private/stem/session/$SESSION/" -H "$AUTH"
  run_wrk atlas_get "$SH_PID" "$CONNS" "$WORK/get-sh.lua" "$SH/sessions/$ATLAS_ID" -H "$AUTH"
  run_wrk atlas_list20 "$SH_PID" "$CONNS" "$WORK/get-sh.lua" "$SH/sessions?limit=20" -H "$AUTH"
  if [ "$BS_OK" = 1 ]; then
    run_wrk bs_list_filtered "$SH_PID" "$LIST_CONNS" "$WORK/get.lua" "$BS_LIST" -H "$AUTH"
    run_wrk bs_list_filtered_c1 "$SH_PID" 1 "$WORK/get.lua" "$BS_LIST" -H "$AUTH"
    run_wrk bs_detail_include "$SH_PID" "$CONNS" "$WORK/get.lua" "$BS_DETAIL" -H "$AUTH"
  fi
fi

# --- reads with the read cache off ---------------------------------------------

# sessionhub restarted with --read-cache-mib 0, so each request queries
# SQLite: what a first read, or a read right after a write, costs. The
# random-id scenarios again, then the single-URL reads; then sessionhub is
# started again with its defaults for the uploads. The single-URL Atlas reads
# use a fresh user with 25 sessions (the bench user has thousands).
# On PostgreSQL the read cache is always off, so the rows above already are
# the uncached reads: this part is skipped.
stop_sessionhub
if [ "$DB" = sqlite ]; then
echo "== the reads again, read cache off (serve --read-cache-mib 0)"
start_sessionhub sessionhub-nocache --read-cache-mib 0
random_sessionhub nocache_rand_
if [ "$ONLY" = all ]; then
  "$BIN/sessionhub" user add --data "$WORK/data" --email nocache@localhost >/dev/null
  AUTH2="Authorization: Bearer $("$BIN/sessionhub" token create --data "$WORK/data" --email nocache@localhost)"
  ATLAS_ID2=
  for i in $(seq 25); do
    ATLAS_ID2=$(curl -fsS -H "$AUTH2" -H 'Content-Type: application/json' \
      -d "{\"title\":\"seeded $i\"}" "$SH/sessions" | grep -o '"session_id": *"[^"]*"' | cut -d'"' -f4)
  done
  run_wrk nocache_atlas_get "$SH_PID" "$CONNS" "$WORK/get-sh.lua" "$SH/sessions/$ATLAS_ID2" -H "$AUTH2"
  run_wrk nocache_atlas_list20 "$SH_PID" "$CONNS" "$WORK/get-sh.lua" "$SH/sessions?limit=20" -H "$AUTH2"
  if [ "$BS_OK" = 1 ]; then
    run_wrk nocache_bs_list "$SH_PID" "$LIST_CONNS" "$WORK/get-sh.lua" "$SH$BS_LIST_PATH" -H "$AUTH"
    run_wrk nocache_bs_list_c1 "$SH_PID" 1 "$WORK/get-sh.lua" "$SH$BS_LIST_PATH" -H "$AUTH"
    run_wrk nocache_bs_detail "$SH_PID" "$CONNS" "$WORK/get-sh.lua" "$SH$BS_DETAIL_PATH" -H "$AUTH"
  fi
fi
stop_sessionhub
fi

# --- uploads -------------------------------------------------------------------

if [ "$ONLY" = all ]; then
  start_sessionhub sessionhub-upload

  echo "== upload of a $UPLOAD_SIZE file (sparse, so reading it costs no disk I/O), best of 2"
  truncate -s "$UPLOAD_SIZE" "$WORK/upload.bin"
  SIZE_MIB=$(($(stat -c %s "$WORK/upload.bin") / 1048576))
  # upload NAME PID URL [curl args]: prints "seconds|http status|RSS growth MiB".
  upload() {
    local name=$1 pid=$2 url=$3
    shift 3
    local before out
    before=$(kib "$pid" VmRSS)
    reset_peak "$pid"
    out=$(curl -sS -o "$WORK/$name.json" -w '%{http_code} %{time_total}' "$@" -F "files=@$WORK/upload.bin" "$url")
    local growth
    growth=$(mib $(($(kib "$pid" VmHWM) - before)))
    echo "${out#* }|${out%% *}|$growth"
  }
  # best TRY1 TRY2: the faster try's seconds and status, the larger RSS growth.
  best() {
    awk -F'|' -v a="$1" -v b="$2" 'BEGIN {
      split(a, x, "|"); split(b, y, "|")
      w = (x[1] + 0 <= y[1] + 0) ? a : b; split(w, z, "|")
      printf "%s|%s|%s\n", z[1], z[2], (x[3] + 0 > y[3] + 0 ? x[3] : y[3])
    }'
  }
  # Two tries each, interleaved, so a disk hiccup does not decide the ratio.
  UPLOADS=()
  for try in 1 2; do
    UPLOADS+=("$(upload upload_baseline "$BASE_PID" "$BASE/upload")")
    UPLOADS+=("$(upload upload_sessionhub "$SH_PID" "$SH/sessions/$ATLAS_ID/upload-files" -H "$AUTH")")
    printf '   try %s: baseline   %s (seconds|status|RSS growth MiB)\n' "$try" "${UPLOADS[-2]}"
    printf '   try %s: sessionhub %s\n' "$try" "${UPLOADS[-1]}"
  done

  UP_BASE=$(best "${UPLOADS[0]}" "${UPLOADS[2]}")
  UP_SH=$(best "${UPLOADS[1]}" "${UPLOADS[3]}")
  [ "$(cut -d'|' -f2 <<<"${UPLOADS[1]}")" = 201 ] || { echo "sessionhub upload failed:" >&2; cat "$WORK/upload_sessionhub.json" >&2; }
fi

# --- summary -----------------------------------------------------------------

field() { # field NAME INDEX
  local r
  for r in "${RESULTS[@]}"; do
    if [ "${r%%|*}" = "$1" ]; then cut -d'|' -f"$2" <<<"$r"; fi
  done
}
verdict() { awk "BEGIN {exit !($1)}" 2>/dev/null && echo ok || echo MISSED; }
echo
echo "== summary (sessionhub on $([ "$DB" = postgres ] && echo "PostgreSQL + S3 (SeaweedFS), $NODES node(s), peak MiB of node 1" || echo SQLite), wrk -t$THREADS; $(nproc) cores, load average $LOAD_BEFORE before the run (other work on the machine skews every figure), $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u +%Y-%m-%dT%H:%MZ))"
echo "-- random ids: $ATLAS Atlas sessions, $(wc -l <"$WORK/bs.ids") visible BrainSTEM sessions in $MEMBER_OF projects, $ATLAS PocketBase records, $ATLAS floor rows;"
echo "   mix = $((100 - WRITE_PCT)) % GET / $WRITE_PCT % update; 'x PB' = req/s over PocketBase's matching scenario, '% floor' = req/s over floor_get"
printf '%-24s %5s %9s %8s %8s %6s %8s %7s %-9s %7s  %s\n' scenario conns 'req/s' 'p50 ms' 'p99 ms' errors 'peak MiB' 'x PB' '(PB row)' '% floor' 'target'
# rrow NAME PB_NAME TARGET: a random-id row, req/s over PB_NAME's and floor_get's.
rrow() {
  local r=$1 pb=$2
  [ -n "$(field "$r" 3)" ] || return 0
  printf '%-24s %5s %9s %8s %8s %6s %8s %7s %-9s %7s  %s\n' "$r" "$(field "$r" 2)" "$(field "$r" 3)" \
    "$(field "$r" 4)" "$(field "$r" 5)" "$(field "$r" 6)" "$(field "$r" 7)" \
    "$(awk -v a="$(field "$r" 3)" -v b="$(field "$pb" 3)" 'BEGIN {if (b > 0) printf "%.2fx", a / b; else printf "-"}')" "$pb" \
    "$(awk -v a="$(field "$r" 3)" -v b="$(field floor_get 3)" 'BEGIN {printf "%.0f%%", 100 * a / b}')" "$3"
}
twice_pb() { # twice_pb NAME PB_NAME: the ">= 2x PocketBase" verdict
  echo ">= 2x PB: $(verdict "$(field "$1" 3) >= 2 * $(field "$2" 3) && $(field "$1" 6) == 0")"
}
# mrow NAME: a workflow's-read row's req/s as a share of baseline_bs_modules
# (issue 12: >= 25 % with the read cache on).
mrow() {
  local pct
  pct=$(awk -v a="$(field "$1" 3)" -v b="$(field baseline_bs_modules 3)" 'BEGIN {printf "%.0f", 100 * a / b}')
  if [ "$1" = rand_bs_modules ]; then
    echo "$pct% of baseline_bs_modules, >= 25%: $(verdict "$pct >= 25")"
  else
    echo "$pct% of baseline_bs_modules"
  fi
}
rrow floor_get pb_get "(floor: Echo + GORM + SQLite, GET by primary key)"
rrow baseline_bs_modules pb_get "(bare Echo: the session with its modules, a fixed answer)"
rrow pb_get pb_get "(PocketBase)"
rrow pb_mix pb_mix "(PocketBase)"
rrow pb_list pb_list "(PocketBase, filter + sort + count)"
rrow pb_create pb_create "(PocketBase)"
SH_PREFIXES=(rand_)
[ "$DB" = sqlite ] && SH_PREFIXES+=(nocache_rand_)
for p in "${SH_PREFIXES[@]}"; do
  if [ "$DB" = postgres ]; then echo "-- sessionhub on PostgreSQL + S3, $NODES node(s) (no read cache on PostgreSQL)"; elif [ "$p" = rand_ ]; then echo "-- sessionhub, read cache on (its default)"; else echo "-- sessionhub, read cache off (serve --read-cache-mib 0)"; fi
  if [ "$p" = nocache_rand_ ]; then
    rrow ${p}atlas_get pb_get ">= 75% floor: $(verdict "$(field ${p}atlas_get 3) >= 0.75 * $(field floor_get 3)")"
  else
    rrow ${p}atlas_get pb_get ""
  fi
  rrow ${p}atlas_mix pb_mix "$(twice_pb ${p}atlas_mix pb_mix)"
  rrow ${p}bs_detail pb_get ""
  if [ "$p" = rand_ ]; then
    rrow ${p}bs_modules pb_get "$(mrow ${p}bs_modules)"
  else
    rrow ${p}bs_modules pb_get "$(mrow ${p}bs_modules), p99 < 20 ms: $(verdict "$(field ${p}bs_modules 5) < 20")"
  fi
  rrow ${p}bs_mix pb_mix "$(twice_pb ${p}bs_mix pb_mix)"
  rrow ${p}bs_list pb_list ""
  if [ "$p" = rand_ ]; then
    rrow atlas_create pb_create "$(twice_pb atlas_create pb_create), p99 < 25 ms: $(verdict "$(field atlas_create 5) < 25")"
  fi
done

if [ ${#HITS[@]} -gt 0 ]; then
  echo "-- read cache hit rate over each measured run (reads answered from memory, of all cached reads; sessionhub_read_cache_*_total)"
  for h in "${HITS[@]}"; do printf '   %-24s %s\n' "${h%%|*}" "${h#*|}"; done
fi

if [ "$ONLY" = all ]; then
  BASE_GET=$(field baseline_get 3)
  BASE_BS=$(field baseline_bs_detail 3)
  echo
  if [ "$DB" = postgres ]; then
    echo "-- single hot URL: one request repeated (PostgreSQL: no read cache, every request queries the database)"
  else
    echo "-- single hot URL: one request repeated, so with the read cache on it is answered from memory"
  fi
  printf '%-20s %5s %9s %8s %8s %6s %8s %8s %8s  %s\n' scenario conns 'req/s' 'p50 ms' 'p99 ms' errors 'peak MiB' 'req/s %' 'p50 x' 'target'
  row() { # row NAME BASELINE_NAME TARGET: one line, req/s and p50 relative to the baseline scenario
    local r=$1 b=$2
    printf '%-20s %5s %9s %8s %8s %6s %8s %8s %8s  %s\n' "$r" "$(field "$r" 2)" "$(field "$r" 3)" \
      "$(field "$r" 4)" "$(field "$r" 5)" "$(field "$r" 6)" "$(field "$r" 7)" \
      "$(awk -v a="$(field "$r" 3)" -v b="$(field "$b" 3)" 'BEGIN {printf "%.0f%%", 100 * a / b}')" \
      "$(awk -v a="$(field "$r" 4)" -v b="$(field "$b" 4)" 'BEGIN {printf "%.1f", a / b}')" "$3"
  }
  row baseline_get baseline_get "(baseline)"
  row baseline_bs_detail baseline_bs_detail "(baseline)"
  row atlas_get baseline_get ">= 50%: $(verdict "$(field atlas_get 3) >= 0.5 * $BASE_GET")"
  row atlas_list20 baseline_get ">= 25%: $(verdict "$(field atlas_list20 3) >= 0.25 * $BASE_GET")"
  row atlas_create baseline_get "0 errors, p99 < 50 ms: $(verdict "$(field atlas_create 6) == 0 && $(field atlas_create 5) < 50")"
  if [ "$BS_OK" = 1 ]; then
    row bs_list_filtered baseline_bs_detail "p99 < 20 ms: $(verdict "$(field bs_list_filtered 5) < 20")"
    row bs_list_filtered_c1 baseline_bs_detail "p99 < 20 ms: $(verdict "$(field bs_list_filtered_c1 5) < 20")"
    row bs_detail_include baseline_bs_detail ">= 25%: $(verdict "$(field bs_detail_include 3) >= 0.25 * $BASE_BS")"
  else
    echo "bs_list_filtered, bs_detail_include: not measured (BrainSTEM API not answering)"
  fi
  if [ "$DB" = sqlite ]; then
    echo "-- single hot URL, read cache off (serve --read-cache-mib 0; every request queries SQLite)"
    row nocache_atlas_get baseline_get "(cache off)"
    row nocache_atlas_list20 baseline_get "(cache off)"
    if [ "$BS_OK" = 1 ]; then
      row nocache_bs_list baseline_bs_detail "(cache off) p99 < 20 ms: $(verdict "$(field nocache_bs_list 5) < 20")"
      row nocache_bs_list_c1 baseline_bs_detail "(cache off) p99 < 20 ms: $(verdict "$(field nocache_bs_list_c1 5) < 20")"
      row nocache_bs_detail baseline_bs_detail "(cache off)"
    fi
  fi
  IFS='|' read -r t_base _ g_base <<<"$UP_BASE"
  IFS='|' read -r t_sh s_sh g_sh <<<"$UP_SH"
  printf '%-20s %8s MiB in %6ss = %7s MiB/s, RSS growth %6s MiB\n' upload_baseline "$SIZE_MIB" "$t_base" \
    "$(awk -v s="$SIZE_MIB" -v t="$t_base" 'BEGIN {printf "%.0f", s / t}')" "$g_base"
  printf '%-20s %8s MiB in %6ss = %7s MiB/s, RSS growth %6s MiB, status %s, speed %s of baseline  >= 90%%, < 32 MiB: %s\n' \
    upload_sessionhub "$SIZE_MIB" "$t_sh" "$(awk -v s="$SIZE_MIB" -v t="$t_sh" 'BEGIN {printf "%.0f", s / t}')" "$g_sh" "$s_sh" \
    "$(awk -v a="$t_base" -v b="$t_sh" 'BEGIN {printf "%.0f%%", 100 * a / b}')" \
    "$(verdict "$s_sh == 201 && $t_base >= 0.9 * $t_sh && $g_sh < 32")"
fi
LOGS=("$WORK"/sessionhub*.log)
n5xx=$(cat "${LOGS[@]}" | grep -c '"status":5[0-9][0-9]' || true)
ncancel=$(cat "${LOGS[@]}" | grep '"status":5[0-9][0-9]' | grep -c 'context canceled' || true)
n499=$(cat "${LOGS[@]}" | grep -c '"status":499' || true)
n4xx=$(cat "${LOGS[@]}" | grep -c '"status":4[0-9][0-9]' || true)
echo "sessionhub logged $(cat "${LOGS[@]}" | grep -c '"msg":"request"' || true) requests: $n499 with status 499" \
  "(wrk closing its connections at the end of a run), $n5xx with a 5xx status ($ncancel of them 'context canceled'), $n4xx with a 4xx status (499 included)"
if [ "$n5xx" != "$ncancel" ]; then
  echo "other 5xx log lines (first 3):"
  cat "${LOGS[@]}" | grep '"status":5[0-9][0-9]' | grep -v 'context canceled' | head -3
fi
